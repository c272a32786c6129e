package checks

import (
	"encoding/binary"
	"fmt"
	"hash"
	"strconv"

	"github.com/preflight-gate/preflight/preflight"
)

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
func writeDigestInputs(h hash.Hash, spec *BulkSpec, tmpl []byte) {
	item := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	item([]byte(digestVersion))
	item([]byte(strconv.Itoa(len(spec.Key))))
	for _, c := range spec.Key {
		item([]byte(c.String()))
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

// needDigest reports whether the check needs the input's approval digest:
// when the sign-off file has an approval of it, which approval compares
// with the digest. Without one, what approval reports needs no digest,
// and the scan skips hashing the file. A sign-off file that does not load
// needs it, to be safe: approval reports the error, if it reads the file.
func (sc *bulkScan) needDigest(b *preflight.Bundle) bool {
	so, err := b.Ledger()
	return err != nil || so.Find(bulkTable.Name, sc.spec.Name) != nil
}

// approval reports a run over approve_over rows without a valid approval.
func (sc *bulkScan) approval(b *preflight.Bundle, opts *preflight.Options) error {
	spec := sc.spec
	rows := sc.preview.Rows
	if rows <= *spec.ApproveOver {
		return nil
	}
	so, err := b.Ledger()
	if err != nil {
		return err
	}
	over := fmt.Sprintf("%d rows, over approve_over %d", rows, *spec.ApproveOver)
	a := so.Find(bulkTable.Name, spec.Name)
	if a == nil {
		sc.add(ruleBulkUnapprovedRun, 0, 0, "%s, and no approval: run `preflight preview`, then `preflight signoff --bulk %s`", over, spec.Name)
		return nil
	}
	where := fmt.Sprintf("the approval at %s:%d", so.File, a.Line)
	if a.Text("digest") != sc.digest {
		sc.add(ruleBulkUnapprovedRun, 0, 0, "%s: %s is for other content (approved with %d rows): the file or the preview's inputs changed since %s approved it", over, where, a.Int("rows"), a.By)
		return nil
	}
	if a.Expired(opts.Now) {
		sc.add(ruleBulkUnapprovedRun, 0, 0, "%s: %s expired on %s", over, where, a.Expires.UTC().Format("2006-01-02 15:04 MST"))
		return nil
	}
	if why := b.Authorize(a.By, spec.Approvers, opts.Author); why != "" {
		sc.add(ruleBulkUnapprovedRun, 0, 0, "%s: %s does not count: %s", over, where, why)
	}
	return nil
}

// unusedApprovals reports each [[bulk]] approval of the sign-off file that
// names no bulk input of the manifest, at its entry's line.
func unusedApprovals(b *preflight.Bundle) ([]preflight.Finding, error) {
	so, err := b.Ledger()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, s := range BulkSpecs(b) {
		have[s.Name] = true
	}
	return unusedEntries(b, so, bulkTable, ruleBulkUnusedApproval, "bulk",
		func(name string) bool { return have[name] },
		func(name string) string {
			return fmt.Sprintf("approval for %q is unused: the manifest has no [[bulk]] input of that name", name)
		}), nil
}
