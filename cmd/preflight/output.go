package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// stdoutName is how messages name standard output.
const stdoutName = "stdout"

// outWriter is a command's standard output. It keeps the first write error
// (disk full, a closed pipe), so that run exits 2 when output was lost,
// whatever the command returned: never 0 with the output gone.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		o.err = err
	}
	return n, err
}

// writeError is the *Error of an output that could not be written.
func writeError(file string, err error) *preflight.Error {
	var pe *preflight.Error
	if errors.As(err, &pe) {
		return pe
	}
	return preflight.Errorf(file, 0, 0, "cannot write output: %s", words.FileProblem(err))
}

// output is one requested format and where it goes.
type output struct {
	formatter preflight.Formatter
	name      string // the format's name
	file      string // "" for stdout
}

type outputs []output

// outputs parses --format flags; formats without =FILE go to --output, or
// stdout. Every format name and every file is checked before anything
// runs: one stream holds one format, a file is named once (whatever the
// spelling: o.txt, ./o.txt, a hard link), and no output is a symlink.
func (a *app) outputs(formats []string, defaultFile string) (outputs, error) {
	if len(formats) == 0 {
		formats = []string{"text"}
	}
	var outs outputs
	var targets []outputTarget
	for _, spec := range formats {
		name, file, hasFile := strings.Cut(spec, "=")
		if hasFile && file == "" {
			return nil, preflight.Usagef("invalid --format %q: expected F or F=FILE", spec)
		}
		if !hasFile {
			file = defaultFile
		}
		fo := preflight.FormatOptions{
			Color:       file == "" && isTerminal(a.out.w) && a.getenv("NO_COLOR") == "",
			StepSummary: a.getenv("GITHUB_STEP_SUMMARY"),
			Version:     version(),
		}
		f, err := preflight.NewFormatter(name, fo)
		if err != nil {
			return nil, err
		}
		t, err := a.target("--format "+name, file)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
		if name == "github" && fo.StepSummary != "" {
			t, err := a.target("the GitHub step summary ($GITHUB_STEP_SUMMARY)", fo.StepSummary)
			if err != nil {
				return nil, err
			}
			targets = append(targets, t)
		}
		outs = append(outs, output{formatter: f, name: name, file: file})
	}
	for i, t := range targets {
		for _, prev := range targets[:i] {
			if t.same(prev) {
				if t.file == "" {
					return nil, preflight.Usagef("%s and %s both write to stdout: one stream holds one format; give all but one of them =FILE", prev.what, t.what)
				}
				return nil, preflight.Usagef("%s and %s both write %s: give each format its own file", prev.what, t.what, t.file)
			}
		}
	}
	return outs, nil
}

// outputTarget is where one output goes, for telling two names of one
// file apart.
type outputTarget struct {
	what string // the flag that names it, for messages
	file string // "" for stdout
	abs  string // cleaned absolute path
	info fs.FileInfo
}

// target checks an output path: a symlink is refused (preflight never
// writes through a link), a folder cannot be written.
func (a *app) target(what, file string) (outputTarget, error) {
	t := outputTarget{what: what, file: file}
	if file == "" {
		// stdout may itself be a file that a named output also names
		// (--format json=o.json > o.json).
		if f, ok := a.out.w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				t.info = fi
			}
		}
		return t, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return t, writeError(file, err)
	}
	t.abs = abs
	fi, err := os.Lstat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return t, nil
	case err != nil:
		return t, writeError(file, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return t, preflight.Errorf(file, 0, 0, "cannot write output: it is a symlink: expected a regular file or a new one (preflight never writes through a link)")
	case fi.IsDir():
		return t, preflight.Errorf(file, 0, 0, "cannot write output: it is a folder: expected a file")
	}
	t.info = fi
	return t, nil
}

// same reports whether two targets are one stream or one file.
func (t outputTarget) same(o outputTarget) bool {
	if t.file == "" && o.file == "" {
		return true
	}
	if t.file != "" && o.file != "" && t.abs == o.abs {
		return true
	}
	return t.info != nil && o.info != nil && os.SameFile(t.info, o.info)
}

// write renders the report in every requested format. A file is opened
// only now, after the run: a bundle that cannot be read leaves existing
// outputs as they were.
func (outs outputs) write(r *preflight.Run, stdout io.Writer) error {
	for _, o := range outs {
		if o.file == "" {
			if err := o.formatter.Format(stdout, r); err != nil {
				return writeError(stdoutName, err)
			}
			continue
		}
		f, err := createOutput(o.file)
		if err != nil {
			return writeError(o.file, err)
		}
		err = o.formatter.Format(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return writeError(o.file, err)
		}
	}
	return nil
}
