package preflight

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Size limits of the files preflight reads whole (SPEC "Limits and hostile
// input"). CSV inputs have none: they stream.
const (
	MaxFileSize   int64 = 16 << 20 // the manifest and every file a gate reads whole, for example configs and templates
	MaxLedgerSize int64 = 64 << 20 // the team registry and the sign-off file
)

// ReadFile reads a file the manifest names under key (such as
// "configdiff.staging" or "bulk[0].template"), the one way every gate
// reads a whole file: rel resolves inside the root as [Bundle.Path] does,
// and the file must be a regular file of at most limit bytes
// ([MaxFileSize], or [MaxLedgerSize] for the registry and the sign-off
// file). Every problem is an *Error at the manifest line that names the
// file, or at the file itself when the manifest does not write it (a
// default such as teams.toml). It returns the file's path with the data.
func (b *Bundle) ReadFile(key, rel string, limit int64) (string, []byte, error) {
	p, err := b.Path(key, rel)
	if err != nil {
		return "", nil, err
	}
	data, err := regular.Read(p, limit)
	if err != nil {
		return "", nil, b.fileError(key, rel, err)
	}
	return p, data, nil
}

// OpenFile opens a file the manifest names under key for streaming (a CSV
// input), with the checks of [Bundle.ReadFile] but no size limit. The
// caller closes it.
func (b *Bundle) OpenFile(key, rel string) (*os.File, error) {
	p, err := b.Path(key, rel)
	if err != nil {
		return nil, err
	}
	f, _, err := regular.Open(p)
	if err != nil {
		return nil, b.fileError(key, rel, err)
	}
	return f, nil
}

// fileError is the *Error of a file the manifest names under key that
// cannot be read.
func (b *Bundle) fileError(key, rel string, err error) *Error {
	if line, _ := b.Pos(key); line == 0 {
		return Errorf(b.Display(rel), 0, 0, "cannot read: %s", words.FileProblem(err))
	}
	return b.ManifestError(key, "%s %q: %s", key, rel, words.FileProblem(err))
}

// readManifest reads the manifest of the bundle whose folder, symlinks
// resolved, is folder: a regular file of at most [MaxFileSize] bytes that,
// when it is a symlink, resolves inside the root. file names it in
// messages.
func readManifest(folder, root, file string) ([]byte, error) {
	p := filepath.Join(folder, ManifestName)
	real, err := filepath.EvalSymlinks(p)
	if err == nil && !within(root, real) {
		what := "the bundle"
		if root != folder {
			what = "the root"
		}
		return nil, Errorf(file, 0, 0, "cannot read manifest: it is a symlink that leaves %s: expected a file inside it", what)
	}
	data, err := regular.Read(p, MaxFileSize)
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read manifest: %s", words.FileProblem(err))
	}
	return data, nil
}

// utf8BOM is the byte order mark a manifest, registry or sign-off file may
// start with.
var utf8BOM = []byte("\ufeff")

func stripBOM(data []byte) []byte { return bytes.TrimPrefix(data, utf8BOM) }
