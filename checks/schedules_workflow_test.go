package checks

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

func TestFailureCondition(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"failure()", true},
		{"${{ failure() }}", true},
		{"FAILURE()", true},
		{"Failure ( )", true},
		{"github.ref == 'refs/heads/main' && failure()", true},
		{"failure() || cancelled()", true},
		{"!failure()", false},
		{"! failure()", false},
		{"${{ !failure() }}", false},
		{"!cancelled() && failure()", true},
		{"!failure() && failure()", true},
		{"on_failure()", false},
		{"steps.x.failure()", false},
		{"always() && contains(needs.*.result, 'failure')", true},
		{"ALWAYS() && needs.build.result == 'failure'", true},
		// Only function names compare case-insensitively: the string is 'failure'.
		{"always() && needs.build.result == 'FAILURE'", false},
		{"Always() && contains(needs.*.result, 'Failure')", false},
		{"always()", false},
		{"always() && needs.build.result == 'success'", false},
		{"needs.build.result == 'failure'", false},
		{"success()", false},
		{"cancelled()", false},
		{"true", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := failureCondition(tt.expr); got != tt.want {
			t.Errorf("failureCondition(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

func TestAddresses(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"ops-oncall@example.com", []string{"ops-oncall@example.com"}},
		{"mailto:ops@example.com", []string{"ops@example.com"}},
		{"to: a@example.com, b.c+tag@mail.example.co.uk", []string{"a@example.com", "b.c+tag@mail.example.co.uk"}},
		{"${{ secrets.MAIL_TO }}", nil},
		{"${{ format('{0}@example.com', 'x') }}", nil},
		{"echo failed | mail -s x ${{ vars.TEAM }} team@example.com", []string{"team@example.com"}},
		{"user@localhost", nil},
		{"@example.com", nil},
		{"https://hooks.slack.com/services/T000/B000", nil},
		{"mai${{ x }}lto:ops@example.com", []string{"ops@example.com"}},
	}
	for _, tt := range tests {
		if got := addresses(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("addresses(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func readTestWorkflow(t *testing.T, text string) *workflow {
	t.Helper()
	w, err := readWorkflow("w.yml", []byte(text))
	if err != nil {
		t.Fatalf("readWorkflow: %v", err)
	}
	return w
}

const nightlyOn = "on:\n  schedule:\n    - cron: '0 3 * * *'\n"

func TestNotice(t *testing.T) {
	tests := []struct {
		name  string
		jobs  string
		jobIs []string // the notice jobs (rule a)
		steps int      // the notice steps (rule b)
	}{
		{"no notice", `
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
`, nil, 0},
		{"a notice job that needs every job", `
  build:
    steps: [{run: make}]
  test:
    steps: [{run: make test}]
  notify:
    needs: [build, test]
    if: failure()
    steps: [{run: mail ops@example.com}]
`, []string{"notify"}, 0},
		{"a chain of needs", `
  build:
    steps: [{run: make}]
  test:
    needs: build
    steps: [{run: make test}]
  deploy:
    needs: test
    steps: [{run: make deploy}]
  notify:
    needs: deploy
    if: ${{ always() && contains(needs.*.result, 'failure') }}
    steps: [{run: mail ops@example.com}]
`, []string{"notify"}, 0},
		{"a notice job that needs only some jobs", `
  build:
    steps: [{run: make}]
  lint:
    steps: [{run: make lint}]
  notify:
    needs: build
    if: failure()
    steps: [{run: mail ops@example.com}]
`, nil, 0},
		{"a notice job alone notices nothing", `
  notify:
    if: failure()
    steps: [{run: mail ops@example.com}]
`, nil, 0},
		{"a failure step in every job", `
  build:
    steps:
      - run: make
      - if: failure()
        run: mail ops@example.com
  test:
    steps:
      - run: make test
      - if: failure()
        run: mail ops@example.com
`, nil, 2},
		{"a failure step in only some jobs", `
  build:
    steps:
      - run: make
      - if: failure()
        run: mail ops@example.com
  test:
    steps:
      - run: make test
`, nil, 0},
		{"a reusable workflow has no steps: only a job-level notice covers it", `
  sync:
    uses: ./.github/workflows/sync.yml
  build:
    steps:
      - if: failure()
        run: mail ops@example.com
`, nil, 0},
		{"a reusable workflow covered by a notice job", `
  sync:
    uses: ./.github/workflows/sync.yml
  notify:
    needs: sync
    if: failure()
    uses: ./.github/workflows/notify.yml
    with:
      to: ops@example.com
`, []string{"notify"}, 0},
		{"a negated failure is no notice", `
  build:
    steps: [{run: make}]
  notify:
    needs: build
    if: "!failure()"
    steps: [{run: mail ops@example.com}]
`, nil, 0},
		{"needs that loop still reach every job", `
  a:
    needs: b
    steps: [{run: x}]
  b:
    needs: a
    steps: [{run: x}]
  notify:
    needs: a
    if: failure()
    steps: [{run: x}]
`, []string{"notify"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := readTestWorkflow(t, nightlyOn+"jobs:"+tt.jobs)
			if !w.scheduled() {
				t.Fatal("not scheduled")
			}
			jobs, steps, ok := w.notice()
			var ids []string
			for _, j := range jobs {
				ids = append(ids, j.id)
			}
			if !slices.Equal(ids, tt.jobIs) || len(steps) != tt.steps {
				t.Errorf("notice jobs %q and %d steps, want %q and %d", ids, len(steps), tt.jobIs, tt.steps)
			}
			if want := tt.jobIs != nil || tt.steps > 0; ok != want {
				t.Errorf("notice ok = %v, want %v", ok, want)
			}
		})
	}
}

func TestNoticeAddresses(t *testing.T) {
	w := readTestWorkflow(t, nightlyOn+`jobs:
  build:
    steps: [{run: make}]
  notify:
    needs: build
    if: failure()
    runs-on: ubuntu-latest
    env:
      TO: ops-oncall@example.com # a comment: nobody@example.com
    steps:
      - uses: dawidd6/action-send-mail@v3
        with:
          from: robot@example.com
          reply_to: maria@example.com
          reply-to: maria@example.com
          sender: robot@example.com
          to: "mailto:maria.santos@example.com"
          body: "${{ github.workflow }} failed, see ${{ format('{0}@x.com', 1) }}"
          cc:
            - billing-alerts@example.com
`)
	jobs, steps, ok := w.notice()
	if !ok {
		t.Fatal("no notice")
	}
	var got []string
	for _, a := range noticeAddresses(jobs, steps) {
		got = append(got, a.address+"@"+a.node.Key)
	}
	want := []string{
		"ops-oncall@example.com@jobs.notify.env.TO",
		"maria.santos@example.com@jobs.notify.steps[0].with.to",
		"billing-alerts@example.com@jobs.notify.steps[0].with.cc[0]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("addresses %q, want %q", got, want)
	}
}

func TestReadWorkflowSchedule(t *testing.T) {
	tests := []struct {
		text      string
		scheduled bool
		entries   int
	}{
		{"on: push\njobs: {}\n", false, 0},
		{"on: [push, schedule]\njobs: {}\n", false, 0},
		{"on:\n  push:\n  workflow_dispatch:\n", false, 0},
		{"name: x\n", false, 0},
		{"", false, 0},
		{nightlyOn + "jobs: {}\n", true, 1},
		{"on:\n  push:\n  schedule:\n    - cron: '0 3 * * *'\n      timezone: Europe/Berlin\n    - cron: \"*/5 * * * *\"\njobs: {}\n", true, 2},
		{"'on':\n  schedule: []\njobs: {}\n", true, 0},
	}
	for _, tt := range tests {
		w := readTestWorkflow(t, tt.text)
		if w.scheduled() != tt.scheduled || len(w.entries) != tt.entries {
			t.Errorf("%q: scheduled %v with %d entries, want %v with %d", tt.text, w.scheduled(), len(w.entries), tt.scheduled, tt.entries)
		}
	}
}

func TestReadWorkflowMalformed(t *testing.T) {
	tests := []struct {
		text      string
		line, col int
		msg       string
	}{
		{"on:\n  schedule:\n    - cron: '0 3 * * ?'\njobs: {}\n", 3, 22, "cron of schedule entry 1: day of week field: ?, L, W and # are not standard cron"},
		{"on:\n  schedule:\n    - cron: 0 3 * * * *\njobs: {}\n", 3, 23, "cron line has 6 fields"},
		{"on:\n  schedule:\n    - cron: \"@daily\"\njobs: {}\n", 3, 14, "cron macros"},
		{"on:\n  schedule:\n    - cron: '0 3 * * *'\n      timezone: Mars/Olympus\njobs: {}\n", 4, 17, "timezone of schedule entry 1: unknown time zone"},
		{"on:\n  schedule:\n    - cron: '0 3 * * *'\n      timezone: 5\njobs: {}\n", 4, 17, "timezone of schedule entry 1 is an integer"},
		{"on:\n  schedule:\n    cron: '0 3 * * *'\njobs: {}\n", 3, 5, "schedule is a mapping: expected a list"},
		{"on:\n  schedule:\njobs: {}\n", 2, 12, "schedule is empty"},
		{"on:\n  schedule:\n    - '0 3 * * *'\njobs: {}\n", 3, 7, "schedule entry 1 is a string"},
		{"on:\n  schedule:\n    - timezone: UTC\njobs: {}\n", 3, 7, "schedule entry 1 has no cron"},
		{"on:\n  schedule:\n    - cron: '0 3 * * *'\n      tz: UTC\njobs: {}\n", 4, 7, "schedule entry 1 has an unknown key"},
		{"on:\n  schedule:\n    - cron: 5\njobs: {}\n", 3, 13, "cron of schedule entry 1 is an integer"},
		{nightlyOn, 2, 3, "a scheduled workflow needs jobs"},
		{nightlyOn + "jobs: [a]\n", 4, 7, "jobs is a list"},
		{nightlyOn + "jobs:\n  build: run\n", 5, 10, "jobs.build is a string"},
		{nightlyOn + "jobs:\n  build:\n    needs: nope\n", 6, 12, "jobs.build.needs names a job that jobs does not have"},
		{nightlyOn + "jobs:\n  a: {}\n  b:\n    needs: [a, {x: 1}]\n", 7, 16, "jobs.b.needs[1] is a mapping"},
		{nightlyOn + "jobs:\n  a:\n    steps: run\n", 6, 12, "jobs.a.steps is a string"},
		{nightlyOn + "jobs:\n  a:\n    steps: [run]\n", 6, 13, "jobs.a.steps[0] is a string"},
		{nightlyOn + "jobs:\n  a:\n    if: [x]\n", 6, 9, "jobs.a.if is a list"},
		{"on: [push\n", 1, 0, "did not find expected"},
		{"- a\n- b\n", 1, 1, "top level must be a mapping"},
		{"on: x\non: y\n", 2, 1, "defined twice"},
	}
	for _, tt := range tests {
		_, err := readWorkflow("w.yml", []byte(tt.text))
		var pe *preflight.Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *preflight.Error", tt.text, err)
			continue
		}
		if pe.File != "w.yml" || pe.Line != tt.line || pe.Column != tt.col || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("%q: error %d:%d %q, want %d:%d and %q", tt.text, pe.Line, pe.Column, pe.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

func FuzzReadWorkflow(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/rules/schedules/*/*/workflows/*.yml")
	more, _ := filepath.Glob("../testdata/bundles/auth-cascade-schedules-fixed/.github/workflows/*.yml")
	seeds = append(seeds, more...)
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(nightlyOn + "jobs:\n  a:\n    steps: [{run: make}]\n  n:\n    needs: a\n    if: failure()\n    steps: [{run: mail ops@example.com}]\n"))
	f.Add([]byte("on:\n  schedule:\n    - cron: '0 0 * * 1'\n      timezone: America/New_York\njobs: {a: {uses: ./x.yml}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := readWorkflow("w.yml", data)
		if err != nil {
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *preflight.Error", err)
			}
			return
		}
		jobs, steps, _ := w.notice()
		noticeAddresses(jobs, steps)
	})
}

// TestReachingAllMatchesNeeded checks the linear search for the jobs whose
// needs reach every other job against the definition, job by job, on random
// needs graphs (loops and self-needs included).
func TestReachingAllMatchesNeeded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 2000; round++ {
		n := 1 + r.IntN(7)
		var b strings.Builder
		b.WriteString(nightlyOn + "jobs:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  j%d:\n    if: failure()\n    needs: [", i)
			for k := 0; k < n; k++ {
				if r.IntN(3) == 0 {
					fmt.Fprintf(&b, "j%d, ", k)
				}
			}
			b.WriteString("]\n")
		}
		w := readTestWorkflow(t, b.String())
		byID := map[string]*workflowJob{}
		for _, j := range w.jobs {
			byID[j.id] = j
		}
		var want []string
		for _, j := range w.jobs {
			if len(w.needed(j, byID)) == len(w.jobs)-1 {
				want = append(want, j.id)
			}
		}
		var got []string
		for _, j := range w.reachingAll(byID) {
			got = append(got, j.id)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s\nreachingAll = %q, want %q", b.String(), got, want)
		}
	}
}

// BenchmarkNoticeChain is a hostile workflow: 20,000 jobs with a failure
// condition, each needing the one before (about 0.8 MB). Asking each job
// for everything it needs costs the square of the jobs (minutes).
func BenchmarkNoticeChain(b *testing.B) {
	var s strings.Builder
	s.WriteString(nightlyOn + "jobs:\n  j0: {if: failure()}\n")
	for i := 1; i < 20000; i++ {
		fmt.Fprintf(&s, "  j%d: {needs: j%d, if: failure()}\n", i, i-1)
	}
	w, err := readWorkflow("chain.yml", []byte(s.String()))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if jobs, _, ok := w.notice(); !ok || len(jobs) != 1 || jobs[0].id != "j19999" {
			b.Fatalf("notice jobs %d, ok %v: want the last job only", len(jobs), ok)
		}
	}
}
