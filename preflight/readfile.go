package preflight

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/preflight-gate/preflight/preflight/words"
)

// Size limits of the files preflight reads whole (SPEC "Limits and hostile
// input"). CSV inputs have none: they stream.
const (
	MaxFileSize   int64 = 16 << 20 // the manifest and every file a gate reads whole, for example configs and templates
	MaxLedgerSize int64 = 64 << 20 // the team registry and the sign-off file
)

// NotRegularError is the error of a file that is not a regular file once
// symlinks resolve: a folder, FIFO, device or socket. preflight reads only
// regular files, and never blocks on one that is not.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch t := e.Mode.Type(); {
	case t&fs.ModeDir != 0:
		what = "a folder"
	case t&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case t&fs.ModeSocket != 0:
		what = "a socket"
	case t&fs.ModeCharDevice != 0:
		what = "a character device"
	case t&fs.ModeDevice != 0:
		what = "a device"
	}
	return "it is " + what + ": expected a regular file"
}

// TooLargeError is the error of a file over its size limit.
type TooLargeError struct {
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size <= e.Limit {
		return fmt.Sprintf("it is over the %s limit for this file", mib(e.Limit))
	}
	return fmt.Sprintf("it is %s, over the %s limit for this file", mib(e.Size), mib(e.Limit))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// OpenRegular opens path for reading when it is a regular file once
// symlinks resolve; otherwise the error is a [*NotRegularError]. It never
// blocks: the file is checked before it is opened, and opened without
// waiting for a FIFO's writer (O_NONBLOCK), then checked again.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Mode: fi.Mode()}
	}
	f, err := openNonblock(path)
	if err != nil {
		return nil, nil, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &NotRegularError{Mode: fi.Mode()}
		}
		return nil, nil, err
	}
	return f, fi, nil
}

// ReadRegular reads a regular file of at most limit bytes (see
// [OpenRegular]); a larger one is a [*TooLargeError], whatever it grows to
// while it is read.
func ReadRegular(path string, limit int64) ([]byte, error) {
	f, fi, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &TooLargeError{Size: fi.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

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
	data, err := ReadRegular(p, limit)
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
	f, _, err := OpenRegular(p)
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
	data, err := ReadRegular(p, MaxFileSize)
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read manifest: %s", words.FileProblem(err))
	}
	return data, nil
}

// utf8BOM is the byte order mark a manifest, registry or sign-off file may
// start with.
var utf8BOM = []byte("\ufeff")

func stripBOM(data []byte) []byte { return bytes.TrimPrefix(data, utf8BOM) }
