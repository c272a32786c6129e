package preflight

import (
	"errors"
	"fmt"
)

// Error is a problem that stops preflight from judging: a usage error, a
// missing or malformed file, a path outside the bundle. It is exit code 2.
// File is the path as the user reaches it from the working directory.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
	Hint   string // an optional second line: the likely fix
}

func (e *Error) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Errorf returns an *Error at a file position (line and column may be 0).
func Errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// Usagef returns an *Error without a position: a bad flag or argument.
func Usagef(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// ErrFailed is returned when the gate ran and the deployment must not ship.
var ErrFailed = errors.New("gate failed")

// Exit codes, the contract of the command line.
const (
	ExitPassed   = 0
	ExitFailed   = 1
	ExitCannot   = 2
	ExitInternal = 3
)

// ExitCode maps an error returned by a command to its exit code.
func ExitCode(err error) int {
	var pe *Error
	switch {
	case err == nil:
		return ExitPassed
	case errors.Is(err, ErrFailed):
		return ExitFailed
	case errors.Is(err, ErrCannotJudge):
		return ExitCannot
	case errors.As(err, &pe):
		return ExitCannot
	}
	return ExitInternal
}
