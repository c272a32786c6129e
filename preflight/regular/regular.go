// Package regular opens and reads files only when they are regular files
// once symlinks resolve, the one way preflight reaches a file it did not
// write: a folder, FIFO, device or socket is a [*NotRegularError] (and
// opening never blocks on a FIFO), and a file read whole over its limit is
// a [*TooLargeError]. The engine's Bundle.ReadFile and Bundle.OpenFile use
// it for the files a manifest names; gates and commands use it directly
// for a path the manifest does not name (a default file, a glob match,
// --input). It imports nothing of the project.
package regular

import (
	"fmt"
	"io"
	"io/fs"
	"os"
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

// Open opens path for reading when it is a regular file once
// symlinks resolve; otherwise the error is a [*NotRegularError]. It never
// blocks: the file is checked before it is opened, and opened without
// waiting for a FIFO's writer (O_NONBLOCK), then checked again.
func Open(path string) (*os.File, fs.FileInfo, error) {
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

// Read reads a regular file of at most limit bytes (see
// [Open]); a larger one is a [*TooLargeError], whatever it grows to
// while it is read.
func Read(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
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
