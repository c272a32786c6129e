package checks

import "github.com/preflight-gate/preflight/preflight"

// Configdiff is being written: this placeholder only lets the package compile.
type Configdiff struct{}

func (Configdiff) Name() string                       { return "configdiff" }
func (Configdiff) Rules() []preflight.Rule            { return nil }
func (Configdiff) Enabled(m *preflight.Manifest) bool { return false }
func (Configdiff) Check(b *preflight.Bundle, o *preflight.Options) (*preflight.Result, error) {
	return &preflight.Result{}, nil
}
