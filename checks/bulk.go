package checks

import "github.com/preflight-gate/preflight/preflight"

// Bulk is being written: this placeholder only lets the package compile.
type Bulk struct{}

func (Bulk) Name() string                       { return "bulk" }
func (Bulk) Rules() []preflight.Rule            { return nil }
func (Bulk) Enabled(m *preflight.Manifest) bool { return false }
func (Bulk) Check(b *preflight.Bundle, o *preflight.Options) (*preflight.Result, error) {
	return &preflight.Result{}, nil
}
