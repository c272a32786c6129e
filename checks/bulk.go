package checks

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/preflight-gate/preflight/preflight"
)

// Bulk is the bulk gate: every [[bulk]] input of the manifest is scanned
// once, streaming, for its row count, a header treated as data, blank,
// invalid and duplicate keys, malformed records and formula cells; its
// first rows are previewed as the automation will run them, and a run over
// approve_over rows needs an approval bound to the file's digest.
type Bulk struct{}

// The bulk gate's rules, listed once.
var (
	ruleHeaderAsData = preflight.Rule{
		ID:       "bulk/header-as-data",
		Severity: preflight.SeverityError,
		Title:    "a row the automation treats as data looks like a header",
		Why: "With header = false the automation sends to every row, the first one too: when that row is the export's header, " +
			"its label (\"Email Address\") is sent to as if it were a customer. With header = true, a header repeated further " +
			"down (two exports pasted together) is sent to the same way.",
		Incident: "bulk send: a CSV of 847 customers plus its header row triggered 848 emails; the header cell \"Email Address\" was emailed too",
		Fix:      "Set header = true in the [[bulk]] entry and name the key column, or remove the header row (and any repeated one) from the file.",
		Failing:  "header = false, key = [1]\nEmail Address,First Name\nana@example.com,Ana",
		Passing:  "header = true, key = [\"Email Address\"]\nEmail Address,First Name\nana@example.com,Ana",
	}
	ruleDuplicateKey = preflight.Rule{
		ID:       "bulk/duplicate-key",
		Severity: preflight.SeverityError,
		Title:    "a key repeats: the same recipient gets the action twice",
		Why: "Every row is one execution. A customer who appears twice in the export gets two emails; keys compare after " +
			"trimming and Unicode NFC normalisation, and email keys case-insensitively, as a mail server does.",
		Incident: "bulk send: customers who appeared several times in the CRM export got several copies; one got six",
		Fix:      "De-duplicate the file on the key column before the run (keep the first row of each key), then approve it again.",
		Failing:  "email\nana@example.com\nAna@Example.com ",
		Passing:  "email\nana@example.com\nbo@example.com",
	}
	ruleInvalidKey = preflight.Rule{
		ID:       "bulk/invalid-key",
		Severity: preflight.SeverityError,
		Title:    "a key does not have its format (format = \"email\": not an email address)",
		Why:      "A row whose key is not an address is a row the automation cannot run as intended: a shifted column, a placeholder, a note typed into the wrong cell.",
		Incident: "bulk send: the header cell \"Email Address\" went out as a recipient; any non-address in the key column is the same mistake",
		Fix:      "Correct or remove the row; check that key names the right column.",
		Failing:  "email\nana(at)example.com",
		Passing:  "email\nana@example.com",
	}
	ruleBlankKey = preflight.Rule{
		ID:       "bulk/blank-key",
		Severity: preflight.SeverityError,
		Title:    "a key is empty",
		Why:      "A row without a key is sent nowhere, or to a default the automation picks: either way not what the person approving the run expects.",
		Incident: "bulk send: rows the approver did not expect were executed",
		Fix:      "Fill in or remove the row.",
		Failing:  "email,name\n ,Ana",
		Passing:  "email,name\nana@example.com,Ana",
	}
	ruleRowCount = preflight.Rule{
		ID:       "bulk/row-count",
		Severity: preflight.SeverityError,
		Title:    "the number of data rows is outside the manifest's rows bounds",
		Why: "The number of executions is the one figure everyone can check: the campaign was for 847 customers, so 848 " +
			"executions mean something extra is in the file. The message explains the difference where it can (a header " +
			"row sent as data, repeated keys).",
		Incident: "bulk send: 847 customer rows plus the header made 848 emails in nine minutes",
		Fix:      "Fix the rows the message names, or correct rows = { min = …, max = … } when the expected count really changed.",
		Failing:  "rows = { max = 2 }\nemail\nana@example.com\nbo@example.com\ncy@example.com",
		Passing:  "rows = { max = 3 }\nemail\nana@example.com\nbo@example.com\ncy@example.com",
	}
	ruleMalformed = preflight.Rule{
		ID:       "bulk/malformed",
		Severity: preflight.SeverityError,
		Title:    "a record is not valid CSV (RFC 4180) or not valid text",
		Why: "An unterminated quote swallows every row after it; a stray quote, a ragged row, invalid UTF-8 or a NUL byte " +
			"is read differently by different tools, so what the automation runs is not what a person previewed.",
		Incident: "bulk send: what ran was not what anyone had looked at",
		Fix:      "Re-export the file as UTF-8 CSV, or quote the field (\"…\", a quote inside doubled as \"\") and give every row the first row's number of fields.",
		Failing:  "email,name\nana@example.com,Ana \"the\" boss\nbo@example.com",
		Passing:  "email,name\nana@example.com,\"Ana \"\"the\"\" boss\"\nbo@example.com,Bo",
	}
	ruleUnapprovedRun = preflight.Rule{
		ID:       "bulk/unapproved-run",
		Severity: preflight.SeverityError,
		Title:    "a run over approve_over rows has no valid approval",
		Why: "A person must look at the preview (the first executions, rendered) and approve this exact file before a large " +
			"run: the approval is bound to the digest of the file and of the preview's inputs, so any later edit voids it. " +
			"An approval by the change's author or by someone outside approvers does not count, nor an expired one.",
		Incident:    "bulk send: 848 emails went out in nine minutes and nobody had looked at the first five",
		Fix:         "Run `preflight preview`, check the executions, then `preflight signoff --bulk NAME --by YOU --reason WHY` (a second person when you made the change).",
		Failing:     "approve_over = 10, 848 rows, no [[bulk]] entry in preflight.signoff.toml",
		Passing:     "[[bulk]]\nname = \"recipients\"\ndigest = \"sha256:…\"  # of the current file\nrows = 847\nby = \"dara@example.com\"\nreason = \"preview checked\"",
		SignoffFlag: "bulk",
	}
	ruleFormulaCell = preflight.Rule{
		ID:       "bulk/formula-cell",
		Severity: preflight.SeverityWarning,
		Title:    "a cell starts like a spreadsheet formula",
		Why: "A cell starting with =, +, -, @, a tab or a CR runs as a formula when the file is opened in a spreadsheet " +
			"(CSV injection), and renders oddly in a message. Plain signed numbers (-12.5) are fine.",
		Incident: "bulk send: exports pass through spreadsheets on their way to the automation",
		Fix:      "Remove the leading character, or prefix the cell with a single quote (') if the text is meant literally.",
		Failing:  "email,note\nana@example.com,=HYPERLINK(\"http://x\")",
		Passing:  "email,note\nana@example.com,'=HYPERLINK(\"http://x\")",
	}
)

// Name is the gate's name, the prefix of its rule ids.
func (Bulk) Name() string { return "bulk" }

// Rules returns the metadata of every bulk rule.
func (Bulk) Rules() []preflight.Rule {
	return []preflight.Rule{ruleHeaderAsData, ruleDuplicateKey, ruleInvalidKey, ruleBlankKey, ruleRowCount, ruleMalformed, ruleUnapprovedRun, ruleFormulaCell}
}

// Enabled reports whether the manifest has [[bulk]] inputs.
func (Bulk) Enabled(m *preflight.Manifest) bool { return len(m.Bulk) > 0 }

// BulkNames returns the names of the manifest's bulk inputs, in order.
func BulkNames(m *preflight.Manifest) []string {
	names := make([]string, len(m.Bulk))
	for i, s := range m.Bulk {
		names[i] = s.Name
	}
	return names
}

// Check scans every bulk input once and reports its findings, item and
// preview.
func (Bulk) Check(b *preflight.Bundle, opts *preflight.Options) (*preflight.Result, error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	if err := b.Manifest.CheckInputs(opts.Inputs); err != nil {
		return nil, err
	}
	res := &preflight.Result{}
	for i := range b.Manifest.Bulk {
		sc, err := scanBulk(b, opts, i)
		if err != nil {
			return nil, err
		}
		if err := sc.approval(b, opts); err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, sc.findings...)
		res.Previews = append(res.Previews, sc.preview)
		res.Items = append(res.Items, preflight.Item{Gate: "bulk", Name: sc.spec.Name, File: sc.file, Findings: len(sc.findings)})
	}
	return res, nil
}

// BulkApprovalState scans the bulk input name and returns the digest an
// approval of it must carry, and its preview: what `preflight signoff
// --bulk` records and shows. An unknown name is an *preflight.Error.
func BulkApprovalState(b *preflight.Bundle, opts *preflight.Options, name string) (digest string, p preflight.Preview, err error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	if err := b.Manifest.CheckInputs(opts.Inputs); err != nil {
		return "", preflight.Preview{}, err
	}
	i, err := b.Manifest.FindBulk(name)
	if err != nil {
		return "", preflight.Preview{}, err
	}
	sc, err := scanBulk(b, opts, i)
	if err != nil {
		return "", preflight.Preview{}, err
	}
	return sc.digest, sc.preview, nil
}

// headerLabels are the key-cell values that mark a first row, read with
// header = false, as the export's header.
var headerLabels = map[string]bool{
	"email": true, "e-mail": true, "email address": true, "e-mail address": true, "emailaddress": true,
	"mail": true, "recipient": true, "to": true, "address": true, "id": true, "key": true, "name": true,
}

// bulkScan is the state of one bulk input's scan.
type bulkScan struct {
	spec    *preflight.BulkSpec
	index   int
	file    string // as findings carry it
	display string // as error messages name it
	email   bool
	header  bool
	keyCols []int // 0-based field indexes of the key columns
	tmpl    *template.Template
	masked  []bool // by field index

	findings []preflight.Finding
	preview  preflight.Preview
	digest   string

	headerRow   []string // header = true: the header's trimmed fields
	headerBytes [][]byte
	headerFirst [256]bool // the bytes a key cell equal to the header's may start with
	width       int       // fields of the first record
	headerLines []int     // data rows that look like a header
	blank       int
	headerLine  int  // header = true: the header record's line
	badHeader   bool // header = true and the header record is malformed
	headerLost  bool // header = true and a header field was not read (too long)
	noKeys      bool // the key columns are not known (badHeader): no key is checked
	maskAll     bool // a mask column is not known (badHeader): every field is masked

	// Keys go to the key set in batches, looked up on a second goroutine
	// (see lookup) while the scan goes on; it alone touches the fields
	// from keys to hash until the scan waits for it. They sit apart from
	// the scan's own fields, so that the two goroutines do not write to
	// the same cache lines.
	cur         *keyBatchBuf
	work, spare chan *keyBatchBuf
	done        chan struct{}
	norm        []byte // reused key buffers
	part        []byte
	parts       []int // start, end of each key part in norm

	_           [cacheLine]byte
	keys        bulkKeySet
	invalid     int
	keyFindings []preflight.Finding
	touched     uint64    // keeps lookup's loads
	hash        hash.Hash // the approval digest; the file's bytes go with the batches
	_           [cacheLine]byte
}

// cacheLine is a size that keeps apart fields two cores write.
const cacheLine = 128

// scanBulk scans the i'th bulk input in one streaming pass.
func scanBulk(b *preflight.Bundle, opts *preflight.Options, i int) (*bulkScan, error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	spec := &b.Manifest.Bulk[i]
	sc := &bulkScan{spec: spec, index: i, email: spec.Format == "email", header: spec.HasHeader()}
	sc.keys.init()
	sc.preview = preflight.Preview{Bulk: spec.Name, Columns: []string{}, First: []preflight.Execution{}}

	var path string
	if p, ok := opts.Inputs[spec.Name]; ok {
		// --input: the path as the user gave it, perhaps outside the bundle.
		path, sc.file, sc.display = p, inputFile(b, p), p
		if fi, err := os.Stat(p); err != nil {
			return nil, preflight.Errorf(p, 0, 0, "cannot read bulk input %q: %s", spec.Name, preflight.FileError(err))
		} else if fi.IsDir() {
			return nil, preflight.Errorf(p, 0, 0, "cannot read bulk input %q: it is a folder, expected a CSV file", spec.Name)
		}
	} else {
		var err error
		path, err = b.Path(fmt.Sprintf("bulk[%d].file", i), spec.File)
		if err != nil {
			return nil, err
		}
		sc.file = preflight.Rel(spec.File)
		sc.display = b.Display(spec.File)
	}
	sc.preview.File = sc.file

	var tmplText []byte
	if spec.Template != "" {
		tp, err := b.Path(fmt.Sprintf("bulk[%d].template", i), spec.Template)
		if err != nil {
			return nil, err
		}
		if tmplText, err = os.ReadFile(tp); err != nil {
			return nil, preflight.Errorf(b.Display(spec.Template), 0, 0, "cannot read template: %s", preflight.FileError(err))
		}
		t, err := template.New(filepath.Base(spec.Template)).Option("missingkey=error").Parse(string(tmplText))
		if err != nil {
			return nil, templateError(b.Display(spec.Template), err)
		}
		sc.tmpl = t
	}

	f, err := os.Open(path)
	if err != nil {
		return nil, preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %s", spec.Name, preflight.FileError(err))
	}
	defer f.Close()
	h := sha256.New()
	writeDigestInputs(h, spec, tmplText)
	sc.hash = h
	if err := sc.scan(b, &digestReader{r: f, sc: sc}); err != nil {
		return nil, err
	}
	if _, err := io.Copy(h, f); err != nil { // the scan may stop early
		return nil, preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", spec.Name, err)
	}
	sc.digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return sc, nil
}

// inputFile returns the path of an --input file as findings carry it:
// relative to the bundle, like every other file, so that every format,
// which joins the bundle folder and the file, names it right. It is the
// path as given when no relative path exists (another volume).
func inputFile(b *preflight.Bundle, p string) string {
	dir, err1 := filepath.Abs(b.Dir)
	abs, err2 := filepath.Abs(p)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(dir, abs); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(p)
}

// digestVersion starts the data an approval digest covers; a later
// encoding gets a new version string, and the old one stays readable.
const digestVersion = "preflight bulk approval v1"

// writeDigestInputs writes the preview's inputs, ahead of the file's bytes,
// to the approval digest. Each item is a big-endian uint64 byte length and
// the bytes: the version string; the number of key columns, then each key
// column as written in the manifest (a header name, or a column number);
// "true" or "false" for header; the delimiter; "-" when there is no
// template, else "+" and the template file's bytes. The file's bytes follow
// unprefixed, last, so the digest is computed while the file streams.
func writeDigestInputs(h hash.Hash, spec *preflight.BulkSpec, tmpl []byte) {
	item := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	item([]byte(digestVersion))
	item([]byte(strconv.Itoa(len(spec.Columns))))
	for _, c := range spec.Columns {
		item([]byte(c))
	}
	item([]byte(strconv.FormatBool(spec.HasHeader())))
	item([]byte(spec.Delimiter))
	if spec.Template == "" {
		item([]byte("-"))
	} else {
		item([]byte("+"))
		item(tmpl)
	}
}

var templateErrorPos = regexp.MustCompile(`^template: [^:]*:(\d+):(?:(\d+):)? ?`)

// templateError turns a text/template parse error into an *preflight.Error
// at the template's line.
func templateError(file string, err error) error {
	msg := err.Error()
	line, col := 0, 0
	if m := templateErrorPos.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		msg = msg[len(m[0]):]
	}
	return preflight.Errorf(file, line, col, "template does not parse: %s", msg)
}

func (sc *bulkScan) add(r preflight.Rule, line, col int, format string, args ...any) {
	sc.findings = append(sc.findings, sc.finding(r, line, col, format, args...))
}

func (sc *bulkScan) finding(r preflight.Rule, line, col int, format string, args ...any) preflight.Finding {
	f := r.Finding(sc.file, line, col, fmt.Sprintf(format, args...))
	f.Bulk = sc.spec.Name
	return f
}

// digestReader reads the file for the scan and hands what it reads to
// the approval digest: with the key batches, in order, so that hashing
// runs on the key goroutine, beside the scan, or directly when that
// goroutine is not running.
type digestReader struct {
	r  io.Reader
	sc *bulkScan
}

// digestBatch is how many bytes a batch carries at most; a full one is
// sent even without its keyBatch keys, so that memory stays bounded.
const digestBatch = 1 << 20

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if n > 0 {
		sc := d.sc
		if sc.work == nil {
			sc.hash.Write(p[:n])
		} else {
			sc.cur.raw = append(sc.cur.raw, p[:n]...)
			if len(sc.cur.raw) >= digestBatch {
				sc.sendKeys()
			}
		}
	}
	return n, err
}

// startKeys starts the goroutine that looks keys up; waitKeys sends the
// last batch and waits for it to finish.
func (sc *bulkScan) startKeys() {
	sc.work = make(chan *keyBatchBuf, 4)
	sc.spare = make(chan *keyBatchBuf, 6)
	sc.done = make(chan struct{})
	sc.cur = &keyBatchBuf{}
	go func() {
		defer close(sc.done)
		for b := range sc.work {
			sc.hash.Write(b.raw)
			sc.lookup(b)
			sc.spare <- b
		}
	}()
}

func (sc *bulkScan) waitKeys() {
	if sc.work == nil {
		return
	}
	if len(sc.cur.items) > 0 || len(sc.cur.raw) > 0 {
		sc.work <- sc.cur
	}
	close(sc.work)
	<-sc.done
	sc.work = nil
	sc.findings = append(sc.findings, sc.keyFindings...)
}

// sendKeys hands the current batch to the key goroutine.
func (sc *bulkScan) sendKeys() {
	sc.work <- sc.cur
	select {
	case sc.cur = <-sc.spare:
		sc.cur.reset()
	default:
		sc.cur = &keyBatchBuf{}
	}
}

// scan reads the records and collects findings and the preview.
func (sc *bulkScan) scan(b *preflight.Bundle, r io.Reader) error {
	spec := sc.spec
	d, _ := utf8.DecodeRuneInString(spec.Delimiter)
	s := newCSVScanner(r, d)
	first := true
	rows := 0
	if !sc.header {
		sc.keepKeys(s) // the first record is data too
	}
	sc.startKeys()
	defer sc.waitKeys()
	for s.Scan() {
		line := s.Line()
		for _, p := range s.Problems() {
			// p.Col is already 0 when p is not on the record's first line.
			sc.add(ruleMalformed, line, p.Col, "%s%s", p.Msg, onLine(p.Line, line))
		}
		if first {
			first = false
			sc.width = s.NumFields()
			if err := sc.columns(b, s); err != nil {
				return err
			}
			if sc.header {
				sc.keepKeys(s)
				continue // the header row: not data, not checked for formulas
			}
		} else if n := s.NumFields(); n != sc.width {
			sc.add(ruleMalformed, line, 0, "ragged row: %d fields, expected %d like the first record", n, sc.width)
		}
		rows++
		sc.row(s, line, rows)
	}
	sc.waitKeys()
	if err := s.Err(); err != nil {
		return preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", spec.Name, err)
	}
	if sc.keys.full {
		return preflight.Errorf(sc.display, 0, 0, "cannot check bulk input %q: its distinct keys outgrow the key set (%d GiB)", spec.Name, maxChunks*keyChunk>>30)
	}
	p := &sc.preview
	p.Rows = rows
	p.Unique = sc.keys.n
	p.Repeated = sc.keys.repeated
	p.Extra = sc.keys.extra
	sc.rowCount(s)
	sc.keys.release()
	return nil
}

// keepKeys has the scanner read the key columns of a record too long to
// hold (see csvScanner.Keep): with header = false from the first record
// on, by number, else from the header's names.
func (sc *bulkScan) keepKeys(s *csvScanner) {
	if sc.header {
		s.Keep(sc.keyCols) // none when noKeys
		return
	}
	cols := make([]int, 0, len(sc.spec.Columns))
	for _, col := range sc.spec.Columns {
		if c, err := strconv.Atoi(col); err == nil && c >= 1 {
			cols = append(cols, c-1)
		}
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
func (sc *bulkScan) columns(b *preflight.Bundle, s *csvScanner) error {
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
	sc.preview.Columns = names
	defer sc.setHeaderFirst()
	for k, col := range spec.Columns {
		at := fmt.Sprintf("bulk[%d].key[%d]", sc.index, k)
		if !sc.header {
			c, _ := strconv.Atoi(col)
			if c > n && malformed {
				sc.add(ruleMalformed, s.Line(), 0, "key column %d is beyond the %d fields of this malformed first record: a row without it is not key-checked", c, n)
			} else if c > n {
				return b.ManifestError(at, "key column %d is out of range: the first record of %s has %d fields", c, sc.file, n)
			}
			sc.keyCols = append(sc.keyCols, c-1)
			continue
		}
		idx := headerIndex(sc.headerRow, col)
		if idx < 0 && malformed {
			sc.add(ruleMalformed, s.Line(), 0, "the header record is malformed, so key column %q cannot be looked up in it: no key is checked (blank, invalid, duplicate)", col)
			sc.noKeys = true
			continue
		}
		if idx == -2 {
			return b.ManifestError(at, "key column %q appears more than once in the header of %s", col, sc.file)
		}
		if idx < 0 {
			if looksLikeData(sc.headerRow) {
				e := b.ManifestError(at, "key column %q is not in the header of %s: its first record holds an email address, so the file seems to have no header row", col, sc.file)
				e.Hint = "with no header row, set header = false and name key columns by number (key = [1])"
				return e
			}
			return b.ManifestError(at, "key column %q is not in the header of %s: found %s", col, sc.file, quoteNames(sc.headerRow))
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
				sc.add(ruleMalformed, s.Line(), 0, "the first record is malformed, so mask column %q cannot be looked up in it: the preview masks every field", m)
			}
			sc.maskAll = true
			continue
		}
		if idx < 0 {
			if sc.header && looksLikeData(names) {
				return b.ManifestError(fmt.Sprintf("bulk[%d].mask[%d]", sc.index, k), "mask column %q is not a column of %s", m, sc.file)
			}
			return b.ManifestError(fmt.Sprintf("bulk[%d].mask[%d]", sc.index, k), "mask column %q is not a column of %s: expected one of %s", m, sc.file, quoteNames(names))
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
		if isEmailKey([]byte(strings.TrimSpace(h))) {
			return true
		}
	}
	return false
}

func quoteNames(names []string) string {
	if len(names) == 0 {
		return "no columns"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// row checks one data row.
func (sc *bulkScan) row(s *csvScanner, line, rows int) {
	n := s.NumFields()
	for i := range n {
		if !s.MaybeFormula() {
			break // no field starts like a formula
		}
		if v := s.Field(i); len(v) > 0 && isFormula(v) {
			_, col := s.FieldPos(i)
			sc.add(ruleFormulaCell, line, col, "cell in column %d starts with %q: a spreadsheet runs it as a formula", i+1, v[:1])
		}
	}
	if len(sc.preview.First) < *sc.spec.Preview {
		sc.execution(s, line)
	}
	if sc.looksLikeHeader(s, rows) {
		sc.headerLines = append(sc.headerLines, line)
		if sc.header {
			_, col := s.FieldPos(0)
			sc.add(ruleHeaderAsData, line, col, "row repeats the header row (line %d): the automation would run it as data", sc.headerLine)
		} else {
			_, kc := s.FieldPos(sc.keyCols[0])
			sc.add(ruleHeaderAsData, line, kc, "first row looks like a header, but header = false: the automation would run it as data; set header = true and name the key column")
		}
		return
	}
	if sc.noKeys {
		return
	}
	if s.Partial() && sc.keyLost(s) {
		return // too long to hold, and its key not read: reported as malformed
	}
	if len(sc.keyCols) == 1 {
		sc.singleKey(s, line)
		return
	}
	// Normalise the key, part by part; a composite key separates its
	// parts by their lengths.
	key := sc.norm[:0]
	sc.parts = sc.parts[:0]
	for _, c := range sc.keyCols {
		if c >= n {
			sc.norm = key
			return // a ragged row without its key: reported as malformed
		}
		sc.part = normalizeKey(sc.part[:0], s.Field(c), sc.email)
		key = binary.AppendUvarint(key, uint64(len(sc.part)))
		sc.parts = append(sc.parts, len(key), len(key)+len(sc.part))
		key = append(key, sc.part...)
	}
	sc.norm = key
	for k := range sc.keyCols {
		if sc.parts[2*k] == sc.parts[2*k+1] {
			_, kc := s.FieldPos(sc.keyCols[k])
			sc.add(ruleBlankKey, line, kc, "%s is blank", sc.keyName(k))
			sc.blank++
			return
		}
	}
	// The key set is looked up in batches: see lookup.
	kb := sc.cur
	pk := pendingKey{start: len(kb.keys), parts: len(kb.cols), line: line}
	kb.keys = append(kb.keys, key...)
	pk.end = len(kb.keys)
	for k, c := range sc.keyCols {
		_, kc := s.FieldPos(c)
		kb.cols = append(kb.cols, kc)
		kb.parts = append(kb.parts, sc.parts[2*k], sc.parts[2*k+1])
	}
	kb.items = append(kb.items, pk)
	if len(kb.items) == keyBatch {
		sc.sendKeys()
	}
}

// keyLost reports whether a key column of a record too long to hold was
// not read (see csvScanner.Keep): its key is then unknown.
//
// The scanner keeps the key fields of a record over its 8 MiB limit, so
// such a row's key is checked like any other. The remaining limit: a key
// field itself over 8 MiB (quotes included) is not read. Its row is
// reported as bulk/malformed ("nor its key field") and takes no part in
// the blank, invalid and duplicate checks or the unique count, so two
// such rows with one key are not reported as duplicates. Likewise a
// header record over the limit is not read: its names are unknown, no
// key is checked (a bulk/malformed finding says so).
func (sc *bulkScan) keyLost(s *csvScanner) bool {
	for _, c := range sc.keyCols {
		if c < s.NumFields() && s.Lost(c) {
			return true
		}
	}
	return false
}

// singleKey is row's end for a key of one column: the key is normalised
// straight into the batch, and needs no parts.
func (sc *bulkScan) singleKey(s *csvScanner, line int) {
	c := sc.keyCols[0]
	if c >= s.NumFields() {
		return // a ragged row without its key: reported as malformed
	}
	kb := sc.cur
	start := len(kb.keys)
	kb.keys = normalizeKey(kb.keys, s.Field(c), sc.email)
	_, kc := s.FieldPos(c)
	if len(kb.keys) == start {
		sc.add(ruleBlankKey, line, kc, "%s is blank", sc.keyName(0))
		sc.blank++
		return
	}
	kb.items = append(kb.items, pendingKey{start: start, end: len(kb.keys), parts: len(kb.cols), line: line})
	kb.cols = append(kb.cols, kc)
	if len(kb.items) == keyBatch {
		sc.sendKeys()
	}
}

// keyBatch is how many keys go to the key goroutine at a time, and
// keyGroup how many of them it looks up together.
const (
	keyBatch = 4096
	keyGroup = 32
)

// keyBatchBuf is a batch of normalised, non-blank keys for lookup.
type keyBatchBuf struct {
	items []pendingKey
	keys  []byte
	cols  []int  // each key column's column, per key
	parts []int  // each key column's bounds in the key, per key (of more than one column)
	raw   []byte // the file's bytes read since the last batch, for the digest
}

func (b *keyBatchBuf) reset() {
	b.items, b.keys, b.cols, b.parts, b.raw = b.items[:0], b.keys[:0], b.cols[:0], b.parts[:0], b.raw[:0]
}

// pendingKey is one key of a batch.
type pendingKey struct {
	start, end int // the key in keys
	parts      int // its key columns at cols[parts:], their bounds at parts[2*parts:]
	line       int
}

// lookup looks a batch of keys up, in row order: a repeated key is a
// duplicate; a new one is checked for its format (a key seen before was
// valid then, so the format check costs per distinct key) and added.
//
// On a large file the key table does not fit any cache, and each lookup
// waits for memory. lookup first touches the table slots of a group of
// keys in one loop of independent loads, which the processor overlaps, so
// the lookups that follow mostly hit the cache.
func (sc *bulkScan) lookup(b *keyBatchBuf) {
	k := &sc.keys
	var hashes [keyGroup]uint64
	for g := 0; g < len(b.items); g += keyGroup {
		group := b.items[g:min(g+keyGroup, len(b.items))]
		for i := range group {
			hashes[i] = k.hash(b.keys[group[i].start:group[i].end])
		}
		var touch uint64
		slots, shift := k.slots, 64-k.bits
		for _, h := range hashes[:len(group)] {
			touch += slots[h>>shift]
		}
		sc.touched += touch
		for i := range group {
			pk := &group[i]
			key := b.keys[pk.start:pk.end]
			if first, nth := k.repeat(key, hashes[i]); nth > 0 {
				// The message without fmt: a large file can have many.
				f := ruleDuplicateKey.Finding(sc.file, pk.line, b.cols[pk.parts], sc.keyPhrase()+" repeats the key of line "+strconv.Itoa(first)+": the same recipient would get this a "+ordinal(nth)+" time")
				f.Bulk = sc.spec.Name
				sc.keyFindings = append(sc.keyFindings, f)
				continue
			}
			if sc.email && !sc.validKey(b, key, pk) {
				continue
			}
			k.insert(key, hashes[i], pk.line)
		}
	}
}

// validKey checks each part of an email key, and reports the first that
// is not an address.
func (sc *bulkScan) validKey(b *keyBatchBuf, key []byte, pk *pendingKey) bool {
	if len(sc.keyCols) == 1 { // the key is its one part (see singleKey)
		if !isEmailKey(key) {
			sc.keyFindings = append(sc.keyFindings, sc.finding(ruleInvalidKey, pk.line, b.cols[pk.parts], "%s is not an email address", sc.keyName(0)))
			sc.invalid++
			return false
		}
		return true
	}
	for c := range sc.keyCols {
		kv := key[b.parts[2*(pk.parts+c)]:b.parts[2*(pk.parts+c)+1]]
		if !isEmailKey(kv) {
			sc.keyFindings = append(sc.keyFindings, sc.finding(ruleInvalidKey, pk.line, b.cols[pk.parts+c], "%s is not an email address", sc.keyName(c)))
			sc.invalid++
			return false
		}
	}
	return true
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
		return fmt.Sprintf("key %q", sc.spec.Columns[k])
	}
	return fmt.Sprintf("key (column %s)", sc.spec.Columns[k])
}

func (sc *bulkScan) keyPhrase() string {
	if len(sc.keyCols) == 1 {
		return "row"
	}
	return "row's key"
}

// looksLikeHeader reports whether data row number rows is a header: with
// header = false the first row when a key cell is a header label, with
// header = true any row equal to the header row.
func (sc *bulkScan) looksLikeHeader(s *csvScanner, rows int) bool {
	if !sc.header {
		if rows != 1 {
			return false
		}
		for _, c := range sc.keyCols {
			if c < s.NumFields() && headerLabels[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(s.Field(c)), "\ufeff")))] {
				return true
			}
		}
		return false
	}
	if s.NumFields() != len(sc.headerRow) {
		return false
	}
	if len(sc.keyCols) > 0 { // a quick look at the key cell first
		c := sc.keyCols[0]
		if v := s.Field(c); len(v) > 0 && !sc.headerFirst[v[0]] {
			return false
		}
		if !bytes.EqualFold(bytes.TrimSpace(s.Field(c)), sc.headerBytes[c]) {
			return false
		}
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

// execution adds the row to the preview: masked, and rendered.
func (sc *bulkScan) execution(s *csvScanner, line int) {
	fields := make(map[string]string, s.NumFields())
	for i := range s.NumFields() {
		name := strconv.Itoa(i + 1)
		if i < len(sc.preview.Columns) && sc.preview.Columns[i] != "" && sc.header {
			name = sc.preview.Columns[i]
		}
		v := string(s.Field(i))
		if sc.maskAll || i < len(sc.masked) && sc.masked[i] {
			v = maskValue(v)
		}
		if _, ok := fields[name]; !ok {
			fields[name] = v
		}
	}
	e := preflight.Execution{Line: line, Fields: fields}
	if sc.tmpl != nil {
		var out strings.Builder
		if err := sc.tmpl.Execute(&out, fields); err != nil {
			e.Rendered = "(cannot render: " + strings.TrimPrefix(err.Error(), "template: ") + ")"
		} else {
			e.Rendered = out.String()
		}
	}
	sc.preview.First = append(sc.preview.First, e)
}

// maskValue hides a value but its first character: a***@example.com for an
// email address, a*** otherwise.
func maskValue(v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return v
	}
	r, n := utf8.DecodeRuneInString(t)
	if r == utf8.RuneError && n <= 1 {
		r = '?'
	}
	if preflight.IsEmail(t) {
		return string(r) + "***@" + t[strings.LastIndexByte(t, '@')+1:]
	}
	return string(r) + "***"
}

// isEmailKey is [preflight.IsEmail] for a trimmed key, on bytes and
// without allocating: the scan calls it once per distinct key, millions of
// times on a large file. TestIsEmailKey holds the two to the same answers.
func isEmailKey(b []byte) bool {
	// One pass: no space, tab, < or > anywhere; one @, not first; after
	// it a domain that has a dot, neither first nor last nor doubled.
	at, dot, prev := -1, false, -2
	for i, c := range b {
		switch emailByte[c] {
		case 0:
		case emailBad:
			return false
		case emailAt:
			if at >= 0 {
				return false
			}
			at = i
		case emailDot:
			if at >= 0 {
				if i == at+1 || prev == i-1 {
					return false
				}
				dot, prev = true, i
			}
		}
	}
	return at > 0 && dot && prev != len(b)-1
}

const (
	emailBad = 1 + iota
	emailAt
	emailDot
)

// emailByte classes the bytes isEmailKey looks at.
var emailByte = [256]uint8{' ': emailBad, '\t': emailBad, '<': emailBad, '>': emailBad, '@': emailAt, '.': emailDot}

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

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// normalizeKey appends the normalised key v to dst: trimmed, Unicode NFC,
// and lower-cased for email keys. ASCII keys take a fast path without
// allocating.
func normalizeKey(dst, v []byte, lower bool) []byte {
	for len(v) > 0 && asciiSpace[v[0]] {
		v = v[1:]
	}
	for len(v) > 0 && asciiSpace[v[len(v)-1]] {
		v = v[:len(v)-1]
	}
	if len(v) > 0 && (v[0] >= utf8.RuneSelf || v[len(v)-1] >= utf8.RuneSelf) {
		v = bytes.TrimFunc(v, unicode.IsSpace) // perhaps Unicode spaces
	}
	from := len(dst)
	dst = append(dst, v...)
	if asciiKey(dst[from:], lower) {
		return dst
	}
	dst = norm.NFC.Append(dst[:from], v...)
	if lower {
		l := bytes.ToLower(dst[from:])
		dst = append(dst[:from], l...)
		// Lower-casing can denormalise; normalise again.
		if !norm.NFC.IsNormal(dst[from:]) {
			l := norm.NFC.Bytes(dst[from:])
			dst = append(dst[:from], l...)
		}
	}
	return dst
}

// asciiKey reports whether the key b is ASCII, and when it is and lower is
// set lower-cases it in place. It works on eight bytes at a time: an ASCII
// byte plus 0x3f has its top bit set when it is 'A' or more, plus 0x25 when
// it is more than 'Z'. On false, b may be partly lower-cased.
func asciiKey(b []byte, lower bool) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&high != 0 {
			return false
		}
		if lower {
			upper := (w + ones*0x3f) &^ (w + ones*0x25) & high
			binary.LittleEndian.PutUint64(b[i:], w|upper>>2)
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if lower && 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return true
}

// rowCount reports rows outside the manifest's bounds, and explains the
// difference with what the scan found.
func (sc *bulkScan) rowCount(s *csvScanner) {
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
		sc.add(ruleRowCount, 0, 0, "found %d data rows, at least %d expected%s", rows, *spec.Rows.Min, why)
	case spec.Rows.Max != nil && rows > *spec.Rows.Max: // max = 0 too is a bound
		var why []string
		switch h := sc.headerLines; len(h) {
		case 0:
		case 1:
			why = append(why, fmt.Sprintf("line %d looks like a header", h[0]))
		default:
			why = append(why, fmt.Sprintf("%d rows look like a header (first at line %d)", len(h), h[0]))
		}
		if x := sc.keys.extra; x > 0 {
			why = append(why, bulkPlural(x, "row repeats", "rows repeat")+" a key")
		}
		if sc.blank > 0 {
			why = append(why, bulkPlural(sc.blank, "row has", "rows have")+" a blank key")
		}
		if sc.invalid > 0 {
			why = append(why, bulkPlural(sc.invalid, "row has", "rows have")+" an invalid key")
		}
		msg := fmt.Sprintf("found %d data rows, at most %d expected", rows, *spec.Rows.Max)
		if len(why) > 0 {
			msg += ": " + strings.Join(why, ", ")
		}
		sc.add(ruleRowCount, 0, 0, "%s", msg)
	}
}

func bulkPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// approval reports a run over approve_over rows without a valid approval.
func (sc *bulkScan) approval(b *preflight.Bundle, opts *preflight.Options) error {
	spec := sc.spec
	rows := sc.preview.Rows
	if rows <= *spec.ApproveOver {
		return nil
	}
	so, err := b.Signoffs()
	if err != nil {
		return err
	}
	over := fmt.Sprintf("%d rows, over approve_over %d", rows, *spec.ApproveOver)
	a := so.FindBulk(spec.Name)
	if a == nil {
		sc.add(ruleUnapprovedRun, 0, 0, "%s, and no approval: run `preflight preview`, then `preflight signoff --bulk %s`", over, spec.Name)
		return nil
	}
	where := fmt.Sprintf("the approval at %s:%d", so.File, a.Line)
	if a.Digest != sc.digest {
		sc.add(ruleUnapprovedRun, 0, 0, "%s: %s is for other content (approved with %d rows): the file or the preview's inputs changed since %s approved it", over, where, a.Rows, a.By)
		return nil
	}
	if preflight.Expired(a.Expires, opts.Now) {
		sc.add(ruleUnapprovedRun, 0, 0, "%s: %s expired on %s", over, where, a.Expires.UTC().Format("2006-01-02 15:04 MST"))
		return nil
	}
	if why := b.Authorize(a.By, spec.Approvers, opts.Author); why != "" {
		sc.add(ruleUnapprovedRun, 0, 0, "%s: %s does not count: %s", over, where, why)
	}
	return nil
}

// bulkKeySet holds the distinct keys seen, exactly: a 64-bit hash (maphash,
// seeded per run) places a key in an open-addressing table, and the stored
// key bytes confirm every match, so a hash collision can neither merge two
// keys nor split one.
//
// Memory grows with the distinct keys only: each key's bytes, after its
// length and the line of its first row (uvarints), in an arena of 1 MiB
// chunks, and 8 to 16 bytes of table. A table slot holds the top tagBits
// bits of the key's hash and the key's place in the arena, so there is no
// other per-key structure. Chunks are never copied or freed while the scan
// runs, so growing costs no large copies and leaves no garbage; only the
// table is rebuilt when it doubles (and a large old one collected at once,
// see grow).
type bulkKeySet struct {
	seed   maphash.Seed
	slots  []uint64       // hash >> refBits << refBits | ref + 1; 0 is empty
	bits   uint           // len(slots) == 1 << bits
	arena  [][]byte       // each key: uvarint length, uvarint line, the bytes
	counts map[uint64]int // repetitions of the keys that repeat, by ref
	n      int            // distinct keys
	full   bool           // the arena outgrew what a ref can address
	// free is the empty slot where repeat's probe for freeHash ended
	free     int
	freeHash uint64
	// repeated: keys seen more than once; extra: rows beyond the first of a key
	repeated, extra int
}

const (
	chunkBits = 20             // arena chunk size: 1 MiB (a longer key gets a chunk of its own)
	keyChunk  = 1 << chunkBits // bytes
	refBits   = 36             // a ref is chunk << chunkBits | offset
	maxChunks = 1 << (refBits - chunkBits)
	tagBits   = 64 - refBits
	refMask   = 1<<refBits - 1
)

func (k *bulkKeySet) init() {
	k.seed = maphash.MakeSeed()
	k.bits = 10
	k.slots = make([]uint64, 1<<k.bits)
}

func (k *bulkKeySet) hash(key []byte) uint64 { return maphash.Bytes(k.seed, key) }

// at returns the arena bytes of the key at ref: uvarint length, uvarint
// line, the key.
func (k *bulkKeySet) at(ref uint64) []byte {
	return k.arena[ref>>chunkBits][ref&(keyChunk-1):]
}

// key returns the key at ref and the line of its first row.
func (k *bulkKeySet) key(ref uint64) ([]byte, int) {
	c := k.at(ref)
	n, w := binary.Uvarint(c)
	line, w2 := binary.Uvarint(c[w:])
	c = c[w+w2:]
	return c[:n], int(line)
}

// equal reports whether the key at ref is key.
func (k *bulkKeySet) equal(ref uint64, key []byte) bool {
	c := k.at(ref)
	n, w := binary.Uvarint(c)
	if n != uint64(len(key)) {
		return false
	}
	c = c[w:]
	for c[0] >= 0x80 { // skip the line
		c = c[1:]
	}
	return string(c[1:1+n]) == string(key)
}

// release drops the key set's memory once the scan is over. A large set
// is then collected at once, so that what runs next (the report of a
// large file's findings) reuses its memory instead of adding to it: the
// collection costs little, as the set is gone from the live heap.
func (k *bulkKeySet) release() {
	large := len(k.arena) >= releaseChunks
	*k = bulkKeySet{n: k.n, repeated: k.repeated, extra: k.extra, full: k.full}
	if large {
		runtime.GC()
	}
}

// releaseChunks is the arena size, in chunks, over which release collects.
const releaseChunks = 64

// slotOf is where the probe for hash h starts: its top bits.
func (k *bulkKeySet) slotOf(h uint64) int { return int(h >> (64 - k.bits)) }

// find returns the ref of key (-1 when absent) and the slot where the
// probe ended.
func (k *bulkKeySet) find(key []byte, h uint64) (int64, int) {
	tag := h >> refBits
	mask := len(k.slots) - 1
	for i := k.slotOf(h); ; i = (i + 1) & mask {
		s := k.slots[i]
		if s == 0 {
			return -1, i
		}
		if s>>refBits == tag {
			if ref := s&refMask - 1; k.equal(ref, key) {
				return int64(ref), i
			}
		}
	}
}

// repeat looks a key up by its hash h. For a key seen before it counts the
// repetition and returns the line of the key's first row and which
// occurrence this is (2 for the first repetition); 0, 0 for a new key.
func (k *bulkKeySet) repeat(key []byte, h uint64) (line, nth int) {
	r, slot := k.find(key, h)
	if r < 0 {
		k.free, k.freeHash = slot, h // where insert puts it
		return 0, 0
	}
	ref := uint64(r)
	k.extra++
	if k.counts == nil {
		k.counts = map[uint64]int{}
	}
	c := k.counts[ref] + 1
	if c == 1 {
		k.repeated++
	}
	k.counts[ref] = c
	_, line = k.key(ref)
	return line, c + 1
}

// insert adds a key that repeat did not find. It does nothing once the
// arena is full (full is set): the scan then fails.
func (k *bulkKeySet) insert(key []byte, h uint64, line int) {
	need := 2*binary.MaxVarintLen64 + len(key)
	last := len(k.arena) - 1
	if last < 0 || cap(k.arena[last])-len(k.arena[last]) < need {
		if last+1 >= maxChunks {
			k.full = true
			return
		}
		k.arena = append(k.arena, make([]byte, 0, max(keyChunk, need)))
		last++
	}
	slot := k.free
	if 4*(k.n+1) > 3*len(k.slots) && k.bits < 32 {
		k.grow()
		_, slot = k.find(key, h)
	} else if k.freeHash != h || k.slots[slot] != 0 {
		_, slot = k.find(key, h)
	}
	c := k.arena[last]
	ref := uint64(last)<<chunkBits | uint64(len(c))
	c = binary.AppendUvarint(c, uint64(len(key)))
	c = binary.AppendUvarint(c, uint64(line))
	k.arena[last] = append(c, key...)
	k.n++
	k.slots[slot] = h>>refBits<<refBits | (ref + 1)
}

// grow doubles the table. While the table has at most 1 << tagBits slots
// a slot's tag is enough to place it again; beyond, the key is hashed
// again.
func (k *bulkKeySet) grow() {
	old := k.slots
	k.bits++
	k.slots = make([]uint64, 1<<k.bits)
	mask := len(k.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		var i int
		if k.bits <= tagBits {
			i = int(s >> (64 - k.bits))
		} else {
			key, _ := k.key(s&refMask - 1)
			i = k.slotOf(k.hash(key))
		}
		for k.slots[i] != 0 {
			i = (i + 1) & mask
		}
		k.slots[i] = s
	}
	if len(old) >= releaseSlots {
		// The old table is garbage, as large as the arena's next many
		// chunks: collect it now, so that they reuse its memory. The live
		// heap is pointer-free chunks, cheap to mark.
		old = nil
		runtime.GC()
	}
}

// releaseSlots is the table size from which grow collects the old table.
const releaseSlots = 1 << 20
