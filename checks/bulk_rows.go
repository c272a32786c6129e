package checks

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/preflight/words"
)

// row checks one data row, number p.rows of the part.
func (p *scanPart) row(s *csvscan.Scanner, line int) {
	sc := p.sc
	n := s.NumFields()
	for i := range n {
		if !s.MaybeFormula() {
			break // no field starts like a formula
		}
		if v := s.Field(i); len(v) > 0 && isFormula(v) {
			_, col := s.FieldPos(i)
			p.add(ruleBulkFormulaCell, line, col, "cell in column %d starts with %q: a spreadsheet runs it as a formula", i+1, v[:1])
		}
	}
	if p.index == 0 && len(sc.preview.First) < *sc.spec.Preview {
		sc.execution(s, line)
	}
	k0 := sc.firstKey(s)
	if first := p.index == 0 && p.rows == 1; sc.maybeHeader(s, first, k0) && sc.isHeader(s, k0) {
		p.headerLines = append(p.headerLines, line)
		if sc.header {
			_, col := s.FieldPos(0)
			p.add(ruleBulkHeaderAsData, line, col, "row repeats the header row (line %d): the automation would run it as data", sc.headerLine)
		} else {
			_, kc := s.FieldPos(sc.keyCols[0])
			p.add(ruleBulkHeaderAsData, line, kc, "first row looks like a header, but header = false: the automation would run it as data; set header = true and name the key column")
		}
		return
	}
	if sc.noKeys {
		return
	}
	if s.Partial() && sc.keyLost(s) {
		return // too long to hold, and its key not read: reported as malformed
	}
	var blank int
	var ok, addr bool
	p.key, p.parts, blank, ok = sc.appendKey(p.key[:0], p.parts[:0], &p.part, s, k0, &addr)
	if !ok {
		return // a ragged row without its key: reported as malformed
	}
	if blank >= 0 {
		_, kc := s.FieldPos(sc.keyCols[blank])
		p.add(ruleBulkBlankKey, line, kc, "%s is blank", sc.keyName(blank))
		p.blank++
		return
	}
	if sc.email && (len(sc.keyCols) > 1 || !addr) && !p.validKey(s, line, addr) { // a key of one part is valid when addr says so
		return
	}
	// The key goes to the worker its hash names, in a batch.
	h := p.hash.Hash(p.key)
	w := int(uint64(uint32(h)) * uint64(len(sc.workers)) >> 32) // by the low bits: the sets place keys by the top ones; no division
	kb := p.cur[w]
	start := len(kb.keys)
	kb.keys = append(kb.keys, p.key...)
	_, col := s.FieldPos(sc.keyCols[0])
	kb.items = append(kb.items, pendingKey{start: int32(start), col: int32(col), line: line, ref: uint64(s.RecordOffset())})
	kb.hashes = append(kb.hashes, h)
	if len(kb.items) == keyBatch {
		p.send(w)
	}
}

// validKey checks each part of the current row's email key, p.key, and
// reports the first that is not an address; addr says whether a key of
// one part is, as appendKey found. A key not valid is in no key set: each
// of its rows is reported, none as a duplicate.
func (p *scanPart) validKey(s *csvscan.Scanner, line int, addr bool) bool {
	sc := p.sc
	for c := range sc.keyCols {
		if len(sc.keyCols) > 1 { // the key is its one part otherwise (see appendKey)
			addr = words.IsEmailBytes(p.key[p.parts[2*c]:p.parts[2*c+1]])
		}
		if !addr {
			_, col := s.FieldPos(sc.keyCols[c])
			p.add(ruleBulkInvalidKey, line, col, "%s is not an email address", sc.keyName(c))
			p.invalid++
			return false
		}
	}
	return true
}

// keyLost reports whether a key column of a record too long to hold was
// not read (see csvscan.Scanner.Keep): its key is then unknown.
//
// The scanner keeps the key fields of a record over its 8 MiB limit, so
// such a row's key is checked like any other. The remaining limit: a key
// field itself over 8 MiB (quotes included) is not read. Its row is
// reported as bulk/malformed ("nor its key field") and takes no part in
// the blank, invalid and duplicate checks or the unique count, so two
// such rows with one key are not reported as duplicates. Likewise a
// header record over the limit is not read: its names are unknown, no
// key is checked (a bulk/malformed finding says so).
func (sc *bulkScan) keyLost(s *csvscan.Scanner) bool {
	for _, c := range sc.keyCols {
		if c < s.NumFields() && s.Lost(c) {
			return true
		}
	}
	return false
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

func (sc *bulkScan) keyName(k int) string {
	if sc.header {
		return fmt.Sprintf("key %q", sc.spec.Key[k].Name)
	}
	return fmt.Sprintf("key (column %d)", sc.spec.Key[k].Number)
}

func (sc *bulkScan) keyPhrase() string {
	if len(sc.keyCols) == 1 {
		return "row"
	}
	return "row's key"
}

// maybeHeader and isHeader report whether a data row is a header: with
// header = false the first row (firstRow) when a key cell is a header
// label, with header = true any row equal to the header row. k0 is the
// row's first key field (see firstKey). maybeHeader is the first look,
// false for nearly every data row and without a call, so that the
// compiler writes it out in row, where a call for each row cost 1 to 2%
// of a large check (perf); isHeader is the rest, for a row it let through.
func (sc *bulkScan) maybeHeader(s *csvscan.Scanner, firstRow bool, k0 []byte) bool {
	if !sc.header {
		return firstRow
	}
	// A quick look at the key cell: a row as wide as the header has it.
	return s.NumFields() == len(sc.headerRow) && (len(k0) == 0 || sc.headerFirst[k0[0]])
}

// isHeader is the rest of maybeHeader's test (see there): with header =
// false whether a key cell is a header label; with header = true, for a
// row as wide as the header, whether it is equal to the header row.
func (sc *bulkScan) isHeader(s *csvscan.Scanner, k0 []byte) bool {
	if !sc.header {
		for _, c := range sc.keyCols {
			if c < s.NumFields() && headerLabels[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(s.Field(c)), "\ufeff")))] {
				return true
			}
		}
		return false
	}
	if len(sc.keyCols) > 0 && !bytes.EqualFold(bytes.TrimSpace(k0), sc.headerBytes[sc.keyCols[0]]) {
		return false
	}
	if s.Partial() || sc.headerLost {
		return false // a row or a header not read is not known to be equal
	}
	for i, h := range sc.headerBytes {
		if !bytes.EqualFold(bytes.TrimSpace(s.Field(i)), h) {
			return false
		}
	}
	return true
}

// isFormula reports whether a cell starts like a spreadsheet formula: with
// =, +, -, @, a tab or a CR, and is not a plain signed number.
func isFormula(v []byte) bool {
	switch v[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !isPlainNumber(v[1:])
	}
	return false
}

// isPlainNumber reports whether b is digits with an optional fraction and
// exponent (12, 12.5, .5, 1e6).
func isPlainNumber(b []byte) bool {
	i, digits := 0, 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		exp := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(b)
}

// rowCount reports rows outside the manifest's bounds, and explains the
// difference with what the scan found.
func (sc *bulkScan) rowCount(s *csvscan.Scanner) {
	spec, rows := sc.spec, sc.preview.Rows
	switch {
	case rows < *spec.Rows.Min:
		why := ""
		switch {
		case rows == 0 && sc.width == 0:
			why = ": the file is empty"
		case rows == 0 && sc.badHeader && s.Cut():
			why = fmt.Sprintf(": the header record's quote never closes, so the rest of the file is read as part of it (see line %d)", sc.headerLine)
		case rows == 0 && sc.badHeader:
			why = fmt.Sprintf(": the file has only its header record, which is malformed (see line %d)", sc.headerLine)
		case rows == 0:
			why = ": the file has only its header row"
		}
		sc.add(ruleBulkRowCount, 0, 0, "found %d data rows, at least %d expected%s", rows, *spec.Rows.Min, why)
	case spec.Rows.Max != nil && rows > *spec.Rows.Max: // max = 0 too is a bound
		var why []string
		switch h := sc.headerLines; len(h) {
		case 0:
		case 1:
			why = append(why, fmt.Sprintf("line %d looks like a header", h[0]))
		default:
			why = append(why, fmt.Sprintf("%d rows look like a header (first at line %d)", len(h), h[0]))
		}
		if x := sc.preview.Extra; x > 0 {
			why = append(why, words.Plural(x, "row repeats", "rows repeat")+" a key")
		}
		if sc.blank > 0 {
			why = append(why, words.Plural(sc.blank, "row has", "rows have")+" a blank key")
		}
		if sc.invalid > 0 {
			why = append(why, words.Plural(sc.invalid, "row has", "rows have")+" an invalid key")
		}
		msg := fmt.Sprintf("found %d data rows, at most %d expected", rows, *spec.Rows.Max)
		if len(why) > 0 {
			msg += ": " + strings.Join(why, ", ")
		}
		sc.add(ruleBulkRowCount, 0, 0, "%s", msg)
	}
}
