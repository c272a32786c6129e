#!/usr/bin/env bash
# Benchmark: preflight's bulk gate on a large seeded CSV, against DuckDB
# doing only the duplicate count on the same file. See bench/README.md.
#
#   bench/run.sh                 # 10,000,000 rows (~600 MB)
#   ROWS=2000000 bench/run.sh    # smaller
#
# Environment: ROWS (default 10000000), DUP (0.01), SEED (1),
# RUNS (5: interleaved runs of each tool; the table shows the median), DUCKDB=0
# to skip the DuckDB comparison.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=${ROWS:-10000000}
DUP=${DUP:-0.01}
SEED=${SEED:-1}
DUCKDB=${DUCKDB:-1}
RUNS=${RUNS:-5}
DATA=bench/data
CSV=$DATA/big.csv
META=$DATA/big.csv.meta
mkdir -p "$DATA"

command -v python3 >/dev/null || { echo "run.sh: python3 is needed to read the JSON and the timings" >&2; exit 2; }
TIME_BIN=${TIME_BIN:-/usr/bin/time}
HAVE_TIME=0
if [[ -x $TIME_BIN ]]; then HAVE_TIME=1; else
	echo "note: $TIME_BIN is missing: wall time from bash 'time', peak memory unknown" >&2
fi

echo "== build"
go build -o "$DATA/preflight" ./cmd/preflight
go build -o "$DATA/gen" ./bench/gen

# The data is generated once and reused while the parameters and the
# generator's source are the same (and the file still has its size).
echo "== data"
params="rows=$ROWS dup=$DUP seed=$SEED gen=$(cat bench/gen/main.go bench/csvgen/bench.go | sha256sum | cut -c1-16)"
reuse=0
if [[ -f $CSV && -f $META && "$(sed -n 1p "$META")" == "$params" ]]; then
	want=$(sed -n 2p "$META" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')
	[[ -n $want && "$(stat -c %s "$CSV")" == "$want" ]] && reuse=1
fi
if [[ $reuse == 1 ]]; then
	echo "reusing $CSV ($params)"
else
	rm -f "$META"
	start=$(date +%s.%N)
	stats=$("$DATA/gen" -rows "$ROWS" -dup "$DUP" -seed "$SEED" -out "$CSV")
	end=$(date +%s.%N)
	printf '%s\n%s\n' "$params" "$stats" >"$META"
	echo "generated $CSV in $(python3 -c "print(f'{$end-$start:.1f}')") s"
fi
stats=$(sed -n 2p "$META")
echo "$stats"
EXPECTED=$(sed -n 's/.*duplicates=\([0-9]*\).*/\1/p' <<<"$stats")
SIZE_MB=$(python3 -c "print(f'{$(stat -c %s "$CSV")/1e6:.0f}')")

# The bundle: one [[bulk]] input whose file is a placeholder; the run
# reads the big file through --input.
BUNDLE=$DATA/bundle
mkdir -p "$BUNDLE"
cat >"$BUNDLE/preflight.toml" <<EOF
version = 1
name = "bench"

[[bulk]]
name = "rows"
file = "rows.csv"
key = ["email"]
format = "email"
rows = { max = $ROWS }
EOF
printf 'email,first_name,last_name,signup_date,plan,notes\nana@example.com,Ana,Silva,2024-01-01,pro,\n' >"$BUNDLE/rows.csv"

# measure NAME CMD...: runs CMD with stdout to $DATA/NAME.out and records
# its wall seconds, CPU seconds (user+sys, or "?"), peak RSS (MB, or "?")
# and exit code in WALL, CPU, PEAK, RC.
measure() {
	local name=$1
	shift
	local tf=$DATA/$name.time
	RC=0
	if [[ $HAVE_TIME == 1 ]]; then
		"$TIME_BIN" -v -o "$tf" "$@" >"$DATA/$name.out" 2>"$DATA/$name.err" || RC=$?
		read -r WALL CPU PEAK < <(python3 - "$tf" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
secs = int(w.group(1) or 0) * 3600 + int(w.group(2)) * 60 + float(w.group(3))
kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", t).group(1)) for k in ("User", "System"))
print(f"{secs:.2f} {cpu:.2f} {kb / 1024:.0f}")
EOF
		)
	else
		local TIMEFORMAT=%R
		WALL=$( { time "$@" >"$DATA/$name.out" 2>"$DATA/$name.err"; } 2>&1 ) || RC=$?
		CPU="?" PEAK="?"
	fi
}

# DuckDB setup: @duckdb/node-api from npm (its native library comes in a
# platform package), and a script doing only the duplicate count.
DD_STATUS="ready"
DDDIR=$DATA/duckdb
if [[ $DUCKDB == 0 ]]; then
	DD_STATUS="skipped (DUCKDB=0)"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	DD_STATUS="skipped: node/npm not found (needed for @duckdb/node-api)"
else
	if [[ ! -d $DDDIR/node_modules/@duckdb/node-api ]]; then
		echo "== installing @duckdb/node-api into $DDDIR"
		mkdir -p "$DDDIR"
		if ! npm install --prefix "$DDDIR" @duckdb/node-api >"$DDDIR/install.log" 2>&1; then
			DD_STATUS="skipped: npm install @duckdb/node-api failed (see $DDDIR/install.log)"
		fi
	fi
	if [[ $DD_STATUS == ready ]]; then
		cat >"$DDDIR/dupcount.mjs" <<'EOF'
// Only the duplicate count, the DuckDB way.
import { DuckDBInstance } from '@duckdb/node-api';
const file = process.argv[2].replace(/'/g, "''");
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const r = await con.runAndReadAll(
  `SELECT count(*) - count(DISTINCT lower(trim(email))) FROM read_csv('${file}', header=true)`);
console.log(String(r.getRows()[0][0]));
EOF
		DD_VERSION=$(node -p "require('./$DDDIR/node_modules/@duckdb/node-api/package.json').version" 2>/dev/null || echo "?")
	fi
fi
[[ $DD_STATUS == ready ]] || echo "DuckDB comparison $DD_STATUS" >&2

# Both tools read the file from the page cache.
cat "$CSV" >/dev/null

PF_WALLS=() PF_CPUS=() PF_PEAKS=() DD_WALLS=() DD_CPUS=() DD_PEAKS=()
DD_DUPS="-"
for ((run = 1; run <= RUNS; run++)); do
	echo "== run $run/$RUNS: preflight check ($ROWS rows, $SIZE_MB MB)"
	measure preflight "$DATA/preflight" check "$BUNDLE" --input "rows=$CSV" --format json
	# Exit 1 is expected: the file has duplicate keys.
	if [[ $RC != 0 && $RC != 1 ]]; then
		echo "preflight exited $RC:" >&2
		cat "$DATA/preflight.err" >&2
		exit 1
	fi
	PF_WALLS+=("$WALL") PF_CPUS+=("$CPU") PF_PEAKS+=("$PEAK")
	{ read -r PF_DUPS; read -r PF_SUMMARY; } < <(python3 - "$DATA/preflight.out" <<'EOF'
import collections, json, sys
doc = json.load(open(sys.argv[1]))
rules = collections.Counter(f["rule"] for f in doc["findings"])
p = doc["previews"][0]
print(rules["bulk/duplicate-key"])
print(f"findings by rule: {dict(rules)}; preview: rows={p['rows']} unique={p['unique']} extra={p.get('extra')}")
EOF
	)
	echo "wall $WALL s, cpu $CPU s, peak $PEAK MB; $PF_SUMMARY"
	if [[ $PF_DUPS != "$EXPECTED" ]]; then
		echo "FAIL: preflight reported $PF_DUPS bulk/duplicate-key findings, the generator wrote $EXPECTED duplicate rows" >&2
		exit 1
	fi
	echo "ok: $PF_DUPS bulk/duplicate-key findings, exactly the generator's count"

	if [[ $DD_STATUS == ready || $DD_STATUS == ran ]]; then
		echo "== run $run/$RUNS: DuckDB (@duckdb/node-api $DD_VERSION), duplicate count only"
		measure duckdb node "$DDDIR/dupcount.mjs" "$(realpath "$CSV")"
		if [[ $RC != 0 ]]; then
			DD_STATUS="failed (exit $RC, see $DATA/duckdb.err)"
			cat "$DATA/duckdb.err" >&2
			continue
		fi
		DD_STATUS="ran"
		DD_WALLS+=("$WALL") DD_CPUS+=("$CPU") DD_PEAKS+=("$PEAK")
		DD_DUPS=$(tr -d '[:space:]' <"$DATA/duckdb.out")
		echo "wall $WALL s, cpu $CPU s, peak $PEAK MB; $DD_DUPS duplicates"
		[[ $DD_DUPS == "$EXPECTED" ]] || echo "warning: DuckDB counted $DD_DUPS duplicates, the generator wrote $EXPECTED" >&2
	fi
done

# summary WALLS... -- CPUS... -- PEAKS...: the median wall time, its
# range, the median CPU time and the highest peak.
summary() {
	python3 - "$@" <<'EOF'
import statistics, sys
a = sys.argv[1:]
i = a.index("--")
j = a.index("--", i + 1)
walls = [float(w) for w in a[:i]]
cpus = [float(c) for c in a[i + 1:j] if c != "?"]
peaks = [int(p) for p in a[j + 1:] if p != "?"]
print(f"{statistics.median(walls):.2f}",
      f"{min(walls):.2f}-{max(walls):.2f}" if len(walls) > 1 else "-",
      f"{statistics.median(cpus):.2f}" if cpus else "?",
      max(peaks) if peaks else "?")
EOF
}

{
	echo
	echo "rows=$ROWS dup=$DUP seed=$SEED file=${SIZE_MB} MB, expected duplicates=$EXPECTED; $(nproc) cores; $RUNS run(s) each, interleaved; $(date -u +%Y-%m-%d)"
	row() { printf '%-36s %7s %12s %7s %8s %11s\n' "$@"; }
	row tool "wall s" "(min-max)" "cpu s" "peak MB" duplicates
	read -r w r c p < <(summary "${PF_WALLS[@]}" -- "${PF_CPUS[@]}" -- "${PF_PEAKS[@]}")
	row "preflight check (full bulk gate)" "$w" "$r" "$c" "$p" "$PF_DUPS"
	if [[ $DD_STATUS == ran ]]; then
		read -r pw _ _ pp < <(summary "${PF_WALLS[@]}" -- "${PF_CPUS[@]}" -- "${PF_PEAKS[@]}")
		read -r w r c p < <(summary "${DD_WALLS[@]}" -- "${DD_CPUS[@]}" -- "${DD_PEAKS[@]}")
		row "DuckDB $DD_VERSION (dup count only)" "$w" "$r" "$c" "$p" "$DD_DUPS"
		# The contract's targets (SPEC.md "Performance"), from the medians
		# and the highest peaks.
		python3 - "$pw" "$w" "$pp" "$p" <<'EOF2'
import sys
pw, dw, pp, dp = sys.argv[1:]
def verdict(name, a, b, target):
    if a == "?" or b == "?":
        print(f"{name}: unknown")
        return
    r = float(a) / float(b)
    print(f"{name}: preflight at {r:.2f}x DuckDB's, target at most {target}x: {'met' if r <= target else 'NOT met'}")
verdict("wall time", pw, dw, 0.3)
verdict("peak memory", pp, dp, 0.33)
EOF2
	else
		echo "DuckDB: $DD_STATUS"
	fi
	if [[ $HAVE_TIME == 1 ]]; then
		echo "(wall s: median; cpu s: median user+sys; peak MB: highest peak RSS; from $TIME_BIN -v)"
	else
		echo "(wall s: median, from bash time; cpu and peak memory unknown: $TIME_BIN is missing)"
	fi
} | tee "$DATA/results.txt"
