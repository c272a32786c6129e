package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/preflight-gate/preflight/checks/internal/progress"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Bulk is the bulk gate: every [[bulk]] input of the manifest is scanned
// once, streaming, for its row count, a header treated as data, blank,
// invalid and duplicate keys, malformed records and formula cells; its
// first rows are previewed as the automation will run them, and a run over
// approve_over rows needs an approval bound to the file's digest.
type Bulk struct{}

// The bulk gate's rules, listed once.
var (
	ruleBulkHeaderAsData = preflight.Rule{
		ID:       "bulk/header-as-data",
		Severity: preflight.SeverityError,
		Title:    "a row the automation treats as data looks like a header",
		Why: "With header = false the automation sends to every row, the first one too: when that row is the export's header, " +
			"its label (\"Email Address\") is sent to as if it were a customer. With header = true, a header repeated further " +
			"down (two exports pasted together) is sent to the same way.",
		Incident: "bulk send: a CSV of 847 customers plus its header row triggered 848 emails; the header cell \"Email Address\" was emailed too",
		Fix:      "Set header = true in the [[bulk]] entry and name the key column, or remove the header row (and any repeated one) from the file.",
	}
	ruleBulkDuplicateKey = preflight.Rule{
		ID:       "bulk/duplicate-key",
		Severity: preflight.SeverityError,
		Title:    "a key repeats: the same recipient gets the action twice",
		Why: "Every row is one execution. A customer who appears twice in the export gets two emails; keys compare after " +
			"trimming and Unicode NFC normalisation, and email keys case-insensitively, as a mail server does.",
		Incident: "bulk send: customers who appeared several times in the CRM export got several copies; one got six",
		Fix:      "De-duplicate the file on the key column before the run (keep the first row of each key), then approve it again.",
	}
	ruleBulkInvalidKey = preflight.Rule{
		ID:       "bulk/invalid-key",
		Severity: preflight.SeverityError,
		Title:    "a key does not have its format (format = \"email\": not an email address)",
		Why:      "A row whose key is not an address is a row the automation cannot run as intended: a shifted column, a placeholder, a note typed into the wrong cell.",
		Incident: "bulk send: the header cell \"Email Address\" went out as a recipient; any non-address in the key column is the same mistake",
		Fix:      "Correct or remove the row; check that key names the right column.",
	}
	ruleBulkBlankKey = preflight.Rule{
		ID:       "bulk/blank-key",
		Severity: preflight.SeverityError,
		Title:    "a key is empty",
		Why:      "A row without a key is sent nowhere, or to a default the automation picks: either way not what the person approving the run expects.",
		Incident: "bulk send: rows the approver did not expect were executed",
		Fix:      "Fill in or remove the row.",
	}
	ruleBulkRowCount = preflight.Rule{
		ID:       "bulk/row-count",
		Severity: preflight.SeverityError,
		Title:    "the number of data rows is outside the manifest's rows bounds",
		Why: "The number of executions is the one figure everyone can check: the campaign was for 847 customers, so 848 " +
			"executions mean something extra is in the file. The message explains the difference where it can (a header " +
			"row sent as data, repeated keys).",
		Incident: "bulk send: 847 customer rows plus the header made 848 emails in nine minutes",
		Fix:      "Fix the rows the message names, or correct rows = { min = …, max = … } when the expected count really changed.",
	}
	ruleBulkMalformed = preflight.Rule{
		ID:       "bulk/malformed",
		Severity: preflight.SeverityError,
		Title:    "a record is not valid CSV (RFC 4180) or not valid text",
		Why: "An unterminated quote swallows every row after it; a stray quote, a ragged row, invalid UTF-8 or a NUL byte " +
			"is read differently by different tools, so what the automation runs is not what a person previewed.",
		Incident: "bulk send: what ran was not what anyone had looked at",
		Fix:      "Re-export the file as UTF-8 CSV, or quote the field (\"…\", a quote inside doubled as \"\") and give every row the first row's number of fields.",
	}
	ruleBulkUnapprovedRun = preflight.Rule{
		ID:       "bulk/unapproved-run",
		Severity: preflight.SeverityError,
		Title:    "a run over approve_over rows has no valid approval",
		Why: "A person must look at the preview (the first executions, rendered) and approve this exact file before a large " +
			"run: the approval is bound to the digest of the file and of the preview's inputs, so any later edit voids it. " +
			"An approval by the change's author or by someone outside approvers does not count, nor an expired one.",
		Incident:    "bulk send: 848 emails went out in nine minutes and nobody had looked at the first five",
		Fix:         "Run `preflight preview`, check the executions, then `preflight signoff --bulk NAME --by YOU --reason WHY` (a second person when you made the change).",
		SignoffFlag: bulkFlag,
	}
	ruleBulkFormulaCell = preflight.Rule{
		ID:       "bulk/formula-cell",
		Severity: preflight.SeverityWarning,
		Title:    "a cell starts like a spreadsheet formula",
		Why: "A cell starting with =, +, -, @, a tab or a CR runs as a formula when the file is opened in a spreadsheet " +
			"(CSV injection), and renders oddly in a message. Plain signed numbers (-12.5) are fine.",
		Incident: "bulk send: exports pass through spreadsheets on their way to the automation",
		Fix:      "Remove the leading character, or prefix the cell with a single quote (') if the text is meant literally.",
	}
	ruleBulkUnusedApproval = preflight.Rule{
		ID:       "bulk/unused-approval",
		Severity: preflight.SeverityWarning,
		Title:    "an approval in the sign-off file names a bulk input the manifest does not have",
		Why: "The sign-off file is the reviewed record of which runs a person looked at. When an input is renamed or removed, " +
			"its approval stays behind and reads as a look at a run that no longer exists; after a rename, the input under " +
			"its new name has no approval at all. Like an unused sign-off, an unused approval is reported so the file says only what is true.",
		Incident: "bulk send: 848 emails went out and nobody had looked at the first five; an approval must stand for a look at the run that ships",
		Fix:      "Remove the [[bulk]] entry from the sign-off file. When the input was renamed, approve it under its new name: `preflight preview`, then `preflight signoff --bulk NAME`.",
	}
)

// Info declares the bulk gate: the [[bulk]] section and the [[bulk]]
// sign-off table.
func (Bulk) Info() preflight.GateInfo {
	return preflight.GateInfo{
		Name:    "bulk",
		Section: "bulk",
		Spec:    []BulkSpec{},
		Rules:   []preflight.Rule{ruleBulkHeaderAsData, ruleBulkDuplicateKey, ruleBulkInvalidKey, ruleBulkBlankKey, ruleBulkRowCount, ruleBulkMalformed, ruleBulkUnapprovedRun, ruleBulkFormulaCell, ruleBulkUnusedApproval},
		Ledger:  bulkTable,
	}
}

// BulkNames returns the names of the manifest's bulk inputs, in order.
func BulkNames(b *preflight.Bundle) []string {
	specs := BulkSpecs(b)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}

// Check scans every bulk input once and reports its findings, item and
// preview.
func (Bulk) Check(b *preflight.Bundle, _ any, opts *preflight.Options) (*preflight.Result, error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	res := &preflight.Result{}
	for i := range BulkSpecs(b) {
		sc, err := scanBulk(b, opts, i, false)
		if err != nil {
			return nil, err
		}
		if err := sc.approval(b, opts); err != nil {
			return nil, err
		}
		if res.Findings == nil {
			res.Findings = sc.findings // not copied: a large input can have many
		} else {
			res.Findings = append(res.Findings, sc.findings...)
		}
		res.Previews = append(res.Previews, sc.preview)
		res.Items = append(res.Items, preflight.Item{Gate: "bulk", Name: sc.spec.Name, File: sc.file, Findings: len(sc.findings)})
	}
	unused, err := unusedApprovals(b)
	if err != nil {
		return nil, err
	}
	res.Findings = append(res.Findings, unused...)
	return res, nil
}

// BulkApprovalState scans the bulk input name and returns the digest an
// approval of it must carry, and its preview: what `preflight signoff
// --bulk` records and shows. An unknown name is an *preflight.Error.
func BulkApprovalState(b *preflight.Bundle, opts *preflight.Options, name string) (digest string, p preflight.Preview, err error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	i, err := findBulk(BulkSpecs(b), name)
	if err != nil {
		return "", preflight.Preview{}, err
	}
	sc, err := scanBulk(b, opts, i, true)
	if err != nil {
		return "", preflight.Preview{}, err
	}
	return sc.digest, sc.preview, nil
}

// bulkApprovalScan is BulkApprovalState's scan, with its findings.
func bulkApprovalScan(b *preflight.Bundle, opts *preflight.Options, name string) (*bulkScan, error) {
	i, err := findBulk(BulkSpecs(b), name)
	if err != nil {
		return nil, err
	}
	return scanBulk(b, opts, i, true)
}

// errors counts the scan's error findings: what check still fails on
// whatever the approval.
func (sc *bulkScan) errors() int {
	n := 0
	for _, f := range sc.findings {
		if f.Severity == preflight.SeverityError {
			n++
		}
	}
	return n
}

// headerLabels are the key-cell values that mark a first row, read with
// header = false, as the export's header.
var headerLabels = map[string]bool{
	"email": true, "e-mail": true, "email address": true, "e-mail address": true, "emailaddress": true,
	"mail": true, "recipient": true, "to": true, "address": true, "id": true, "key": true, "name": true,
}

// bulkScan is the state of one bulk input's scan.
type bulkScan struct {
	spec    *BulkSpec
	index   int
	file    string // as findings carry it
	display string // as error messages name it
	email   bool
	header  bool
	keyCols []int // 0-based field indexes of the key columns
	tmpl    *template.Template
	render  *renderBudget // the preview's template budget, with tmpl
	masked  []bool        // by field index

	progress io.Writer // see preflight.Options.Progress

	findings []preflight.Finding
	preview  preflight.Preview
	digest   string

	headerRow   []string // header = true: the header's trimmed fields
	headerBytes [][]byte
	headerFirst [256]bool // the bytes a key cell equal to the header's may start with
	width       int       // fields of the first record
	delim       rune      // the delimiter in effect (a "sep=" line may set it)
	headerLines []int     // data rows that look like a header
	blank       int
	invalid     int
	headerLine  int  // header = true: the header record's line
	badHeader   bool // header = true and the header record is malformed
	headerLost  bool // header = true and a header field was not read (too long)
	noKeys      bool // the key columns are not known (badHeader): no key is checked
	maskAll     bool // a mask column is not known (badHeader): every field is masked

	src       *source // the open input
	rescanned bool    // a split proved wrong: the input was scanned again in one part
	meter     *progress.Meter
	*pipeline
}

// pipeline is the state of one scan's parts and key workers (see
// bulk_pipeline.go).
type pipeline struct {
	workers     []*keyWorker
	workersDone sync.WaitGroup
	partList    atomic.Pointer[[]*scanPart]
	partsDone   sync.WaitGroup
	splitTried  bool // the first part looked at splitting the input
}

// cacheLine is a size that keeps apart fields two cores write.
const cacheLine = 128

// scanBulk scans the i'th bulk input in one streaming pass. It computes
// the approval digest when digest is set or an approval of the input
// exists to compare it with (see needDigest).
func scanBulk(b *preflight.Bundle, opts *preflight.Options, i int, digest bool) (*bulkScan, error) {
	if opts == nil {
		opts = &preflight.Options{}
	}
	spec := &BulkSpecs(b)[i]
	sc := &bulkScan{spec: spec, index: i, email: spec.Format == FormatEmail, header: spec.HasHeader(), progress: opts.Progress}
	sc.preview = preflight.Preview{Subject: preflight.Subject{Kind: "bulk", Name: spec.Name}, Columns: []string{}, First: []preflight.Execution{}}

	// The input is opened first: a FIFO, device or folder is refused
	// before anything else is read, and nothing waits on one.
	var f *os.File
	if p, ok := opts.Inputs[spec.Name]; ok {
		// --input: the path as the user gave it, perhaps outside the bundle.
		sc.file, sc.display = inputFile(b, p), p
		var err error
		if f, _, err = regular.Open(p); err != nil {
			return nil, preflight.Errorf(p, 0, 0, "cannot read bulk input %q: %s", spec.Name, words.FileProblem(err))
		}
	} else {
		var err error
		if f, err = b.OpenFile(fmt.Sprintf("bulk[%d].file", i), spec.File); err != nil {
			return nil, err
		}
		sc.file = words.Rel(spec.File)
		sc.display = b.Display(spec.File)
	}
	defer f.Close()
	sc.preview.File = sc.file

	var tmplText []byte
	if spec.Template != "" {
		var err error
		if _, tmplText, err = b.ReadFile(fmt.Sprintf("bulk[%d].template", i), spec.Template, preflight.MaxFileSize); err != nil {
			return nil, err
		}
		sc.render = &renderBudget{}
		t, err := template.New(filepath.Base(spec.Template)).Option("missingkey=error").Funcs(sc.render.funcs()).Parse(string(tmplText))
		if err != nil {
			return nil, templateError(b.Display(spec.Template), err)
		}
		sc.tmpl = t
	}

	var h hash.Hash
	if digest || sc.needDigest(b) {
		h = sha256.New()
		writeDigestInputs(h, spec, tmplText)
	}
	if err := sc.read(b, f, h); err != nil {
		return nil, err
	}
	if h != nil {
		sc.digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
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

func (sc *bulkScan) add(r preflight.Rule, line, col int, format string, args ...any) {
	sc.findings = append(sc.findings, sc.finding(r, line, col, format, args...))
}

func (sc *bulkScan) finding(r preflight.Rule, line, col int, format string, args ...any) preflight.Finding {
	f := r.Finding(sc.file, line, col, fmt.Sprintf(format, args...))
	f.Subject = preflight.Subject{Kind: "bulk", Name: sc.spec.Name}
	return f
}
