package configdiff

import "testing"

// TestFormatOf: a file named .env, .env.NAME or NAME.env is .env; other
// formats go by extension.
func TestFormatOf(t *testing.T) {
	tests := map[string]Format{
		".env": Env, "config/.env": Env, ".env.production": Env, "deploy/.env.staging.local": Env,
		"prod.env": Env, "PROD.ENV": Env, ".env.yaml": Env,
		"a.toml": TOML, "a.yaml": YAML, "a.YML": YAML, "a.json": JSON,
		"env": 0, ".envrc": 0, "a.env.bak": 0, "production": 0, "a.txt": 0,
	}
	for file, want := range tests {
		got, ok := FormatOf(file)
		if got != want || ok != (want != 0) {
			t.Errorf("FormatOf(%q) = %v, %v; want %v", file, got, ok, want)
		}
	}
	tr := mustParse(t, "deploy/.env.production", "A=1\n")
	if tr.Get("A") == nil {
		t.Error(".env.production: A not loaded")
	}
}
