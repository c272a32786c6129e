package checks

import "github.com/preflight-gate/preflight/preflight"

// Routes is being written: this placeholder only lets the package compile.
type Routes struct{}

func (Routes) Name() string                       { return "routes" }
func (Routes) Rules() []preflight.Rule            { return nil }
func (Routes) Enabled(m *preflight.Manifest) bool { return false }
func (Routes) Check(b *preflight.Bundle, o *preflight.Options) (*preflight.Result, error) {
	return &preflight.Result{}, nil
}
