package preflight

import (
	"encoding/json"
	"io"
)

// jsonFormatter writes the report as the contract's JSON document.
type jsonFormatter struct{}

func (jsonFormatter) Format(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
