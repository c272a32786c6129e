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
	Env                    // a file named .env, .env.NAME or NAME.env
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

// FormatOf returns the format [Load] reads file in: a file named .env,
// .env.NAME or NAME.env is .env, any other goes by its extension
// (case-insensitive); false when configdiff does not read such a file.
func FormatOf(file string) (Format, bool) {
	base := strings.ToLower(filepath.Base(file))
	if base == ".env" || strings.HasPrefix(base, ".env.") {
		return Env, true
	}
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
	return 0, false
}
