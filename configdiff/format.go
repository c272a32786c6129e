package configdiff

import (
	"path/filepath"
	"strings"
)

// Format is a config file format configdiff reads.
type Format int

// The formats, chosen by a file's extension (see [FormatOf]).
const (
	TOML Format = iota + 1 // .toml
	YAML                   // .yaml, .yml
	JSON                   // .json
	Env                    // .env, and a file named .env
)

func (f Format) String() string {
	switch f {
	case TOML:
		return "toml"
	case YAML:
		return "yaml"
	case JSON:
		return "json"
	case Env:
		return "env"
	}
	return "unknown"
}

// FormatOf returns the format [Load] reads file in, by its extension
// (case-insensitive); false when configdiff does not read such a file.
func FormatOf(file string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(file))
	switch ext {
	case ".toml":
		return TOML, true
	case ".yaml", ".yml":
		return YAML, true
	case ".json":
		return JSON, true
	case ".env":
		return Env, true
	}
	if ext == "" && strings.HasPrefix(filepath.Base(file), ".env") {
		return Env, true
	}
	return 0, false
}
