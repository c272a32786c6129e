package checks

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// scan reads the records of the input and collects findings and the
// preview, in parts on every core for a large input (see bulk_pipeline.go);
// it scans again in one part when a split proved wrong.
func (sc *bulkScan) scan(b *preflight.Bundle, delim rune) error {
	saved := *sc
	ok, err := sc.scanParts(b, delim, true)
	if ok || err != nil {
		return err
	}
	*sc = saved
	sc.rescanned = true
	if sc.render != nil {
		sc.render.reset()
	}
	_, err = sc.scanParts(b, delim, false)
	return err
}

// scanParts is one scan of the input, split when split is set and the
// input is large enough; it reports false when the split proved wrong:
// then its results are not the input's.
func (sc *bulkScan) scanParts(b *preflight.Bundle, delim rune, split bool) (bool, error) {
	src := sc.src
	sc.pipeline = &pipeline{}
	workers := 1
	if split && splitParts > 1 && src.size >= 2*splitMin {
		workers = splitParts
	} else {
		sc.splitTried = true
	}
	sc.startWorkers(workers, int(min(src.size/64, 1<<30)))
	var s *csvscan.Scanner
	if src.in != nil {
		s = csvscan.NewBytes(src.in.data, delim)
	} else {
		s = csvscan.New(io.NewSectionReader(src.f, 0, math.MaxInt64), delim) // from the top, scanned again or not
	}
	if !sc.header {
		sc.keepKeys(s) // the first record is data too
	}
	first := sc.newPart(0, s, 0)
	sc.partList.Store(&[]*scanPart{first})
	err := src.guard(func() error { return first.run(b) })
	ok, perr := sc.joinParts()
	sc.stopWorkers()
	if err == nil {
		err = perr
	}
	if err != nil || !ok {
		for _, w := range sc.workers {
			w.set.Release()
		}
		return ok, err
	}
	sc.mergeParts()
	if err := sc.finishKeys(); err != nil {
		return true, err
	}
	parts := sc.parts()
	sc.rowCount(parts[len(parts)-1].s)
	return true, nil
}

// keepKeys has the scanner read the key columns of a record too long to
// hold (see csvscan.Scanner.Keep): with header = false from the first record
// on, by number, else from the header's names.
func (sc *bulkScan) keepKeys(s *csvscan.Scanner) {
	if sc.header {
		s.Keep(sc.keyCols) // none when noKeys
		return
	}
	cols := make([]int, 0, len(sc.spec.Key))
	for _, col := range sc.spec.Key {
		cols = append(cols, col.Number-1)
	}
	s.Keep(cols)
}

func onLine(p, line int) string {
	if p == line {
		return ""
	}
	return fmt.Sprintf(" (on line %d)", p)
}

// columns reads the first record: the header names or the column numbers,
// and the key columns' indexes.
//
// A malformed first record is a finding (reported by scan), and what it
// seems to say about the columns is not trusted: a key or mask column
// that cannot be found in a malformed header (or is out of range of a
// malformed first record, with header = false) is not exit 2, but one
// more bulk/malformed finding that says what is not checked. With a
// header, no key is checked and every field is masked in the preview;
// without one, the column number stands, and rows that have it are
// checked.
func (sc *bulkScan) columns(b *preflight.Bundle, s *csvscan.Scanner) error {
	spec := sc.spec
	n := s.NumFields()
	malformed := len(s.Problems()) > 0
	sc.badHeader = sc.header && malformed
	sc.headerLine = s.Line()
	names := make([]string, n)
	if sc.header {
		sc.headerRow = make([]string, n)
		for i := range n {
			names[i] = string(s.Field(i))
			sc.headerRow[i] = strings.TrimSpace(names[i])
			sc.headerBytes = append(sc.headerBytes, []byte(sc.headerRow[i]))
			if sc.badHeader && (s.Lost(i) || strings.ContainsAny(names[i], "\r\n")) {
				// Not a name: a field not read, or one that ran on into
				// the rows below (an unterminated quote), which the
				// preview must not show as a column name.
				names[i] = strconv.Itoa(i + 1)
				sc.headerLost = sc.headerLost || s.Lost(i)
			}
		}
	} else {
		for i := range n {
			names[i] = strconv.Itoa(i + 1)
		}
	}
	// The preview keeps at most previewMaxFields columns, each name cut
	// like a field.
	cols := make([]string, min(n, previewMaxFields))
	for i := range cols {
		cols[i] = cutField(names[i])
	}
	sc.preview.Columns = cols
	defer sc.setHeaderFirst()
	for k, key := range spec.Key {
		at := fmt.Sprintf("bulk[%d].key[%d]", sc.index, k)
		col := key.Name
		if !sc.header {
			c := key.Number
			if c > n && malformed {
				sc.add(ruleBulkMalformed, s.Line(), 0, "key column %d is beyond the %d fields of this malformed first record: a row without it is not key-checked", c, n)
			} else if c > n {
				return b.ManifestError(at, "key column %d is out of range: the first record of %s has %d fields", c, sc.file, n)
			}
			sc.keyCols = append(sc.keyCols, c-1)
			continue
		}
		idx := headerIndex(sc.headerRow, col)
		if idx < 0 && malformed {
			sc.add(ruleBulkMalformed, s.Line(), 0, "the header record is malformed, so key column %q cannot be looked up in it: no key is checked (blank, invalid, duplicate)", col)
			sc.noKeys = true
			continue
		}
		if idx == -2 {
			return b.ManifestError(at, "key column %q appears more than once in the header of %s", col, sc.file)
		}
		if idx < 0 {
			if looksLikeData(sc.headerRow) {
				e := b.ManifestError(at, "key column %q is not in the header of %s: its first record holds an email address, so the file seems to have no header row (%s)", col, sc.file, headerCells(sc.headerRow))
				e.Hint = "with no header row, set header = false and name key columns by number (key = [1])"
				return e
			}
			return b.ManifestError(at, "key column %q is not in the header of %s: %s", col, sc.file, headerCells(sc.headerRow))
		}
		sc.keyCols = append(sc.keyCols, idx)
	}
	if sc.noKeys {
		sc.keyCols = nil
	}
	sc.masked = make([]bool, n)
	for k, m := range spec.Mask {
		idx := -1
		if sc.header {
			idx = headerIndex(sc.headerRow, m)
		} else if c, err := strconv.Atoi(m); err == nil && c >= 1 && c <= n {
			idx = c - 1
		}
		if idx < 0 && malformed {
			if !sc.maskAll {
				sc.add(ruleBulkMalformed, s.Line(), 0, "the first record is malformed, so mask column %q cannot be looked up in it: the preview masks every field", m)
			}
			sc.maskAll = true
			continue
		}
		if idx < 0 {
			if sc.header && looksLikeData(names) {
				return b.ManifestError(fmt.Sprintf("bulk[%d].mask[%d]", sc.index, k), "mask column %q is not a column of %s", m, sc.file)
			}
			return b.ManifestError(fmt.Sprintf("bulk[%d].mask[%d]", sc.index, k), "mask column %q is not a column of %s: %s", m, sc.file, headerCells(names))
		}
		sc.masked[idx] = true
	}
	return nil
}

// setHeaderFirst sets headerFirst, for header = true: when the header's
// first key cell starts with an ASCII letter, a cell equal to it (trimmed,
// case-insensitively) starts with a space, a byte that is not ASCII (as
// the K and S of other scripts), or that letter in either case; else with
// any byte.
func (sc *bulkScan) setHeaderFirst() {
	if !sc.header || len(sc.keyCols) == 0 {
		return
	}
	h := sc.headerBytes[sc.keyCols[0]]
	for c := range sc.headerFirst {
		sc.headerFirst[c] = true
	}
	if len(h) == 0 {
		return
	}
	l := h[0] | 0x20
	if l < 'a' || l > 'z' {
		return
	}
	for c := range utf8.RuneSelf {
		sc.headerFirst[c] = asciiSpace[c] || byte(c)|0x20 == l
	}
}

// headerIndex returns the index of the header name col (exact after
// trimming, else case-insensitive), -1 when absent, -2 when ambiguous.
func headerIndex(header []string, col string) int {
	col = strings.TrimSpace(col)
	for _, fold := range []bool{false, true} {
		idx := -1
		for i, h := range header {
			if h == col || fold && strings.EqualFold(h, col) {
				if idx >= 0 {
					return -2
				}
				idx = i
			}
		}
		if idx >= 0 {
			return idx
		}
	}
	return -1
}

// looksLikeData reports whether a "header" holds an email address: then
// it is a customer's row, and error messages must not quote it.
func looksLikeData(header []string) bool {
	for _, h := range header {
		if words.IsEmailBytes([]byte(strings.TrimSpace(h))) {
			return true
		}
	}
	return false
}

// headerCells says, for a message, how many cells a header has, and
// quotes them only when none looks like customer data: an @ or five or
// more digits in a row (a first record that is data, not a header). At
// most headerCellsShown are quoted, each cut like a preview field.
func headerCells(cells []string) string {
	if len(cells) == 0 {
		return "the header has no cells"
	}
	count := words.Plural(len(cells), "cell")
	for _, c := range cells {
		if strings.Contains(c, "@") || digitRun.MatchString(c) {
			return "the header has " + count + ", not quoted: one holds an @ or a number of 5 digits or more, perhaps customer data"
		}
	}
	q := make([]string, 0, min(len(cells), headerCellsShown))
	for _, c := range cells[:min(len(cells), headerCellsShown)] {
		q = append(q, strconv.Quote(cutField(c)))
	}
	more := ""
	if len(cells) > headerCellsShown {
		more = fmt.Sprintf(" and %d more", len(cells)-headerCellsShown)
	}
	return "the header has " + count + ": " + strings.Join(q, ", ") + more
}

// headerCellsShown is how many header cells a message quotes.
const headerCellsShown = 20

var digitRun = regexp.MustCompile(`[0-9]{5}`)
