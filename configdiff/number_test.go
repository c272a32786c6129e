package configdiff

import "testing"

func TestNumber(t *testing.T) {
	cases := []struct {
		file, data, want string // want: the exact value, "" when not a number; a trailing "i" marks an integer
	}{
		{"a.yaml", "v: 45", "45i"},
		{"a.yaml", "v: 0.30", "3/10"},
		{"a.yaml", "v: 1e3", "1000"},
		{"a.yaml", "v: \"45\"", ""},
		{"a.yaml", "v: .nan", ""},
		{"a.yaml", "v: -.inf", ""},
		{"a.yaml", "v: true", ""},
		{"a.toml", "v = 1_000", "1000i"},
		{"a.toml", "v = 3.0", "3"},
		{"a.json", `{"v": -0.5}`, "-1/2"},
		{"a.json", `{"v": "1"}`, ""},
		{".env", "v=45", "45i"},
		{".env", "v=-1.20", "-6/5"},
		{"prod.env", "v='3'", "3i"},
		{".env", "v=1e3", ""},
		{".env", "v=+4", ""},
		{".env", "v=4.", ""},
		{".env", "v=.5", ""},
		{".env", "v=", ""},
	}
	for _, c := range cases {
		tree, err := Parse(c.file, []byte(c.data))
		if err != nil {
			t.Fatalf("%s %q: %v", c.file, c.data, err)
		}
		r, integer, ok := tree.Number(tree.Get("v"))
		got := ""
		if ok {
			got = r.RatString()
			if integer {
				got += "i"
			}
		}
		if got != c.want {
			t.Errorf("%s %q: %q, want %q", c.file, c.data, got, c.want)
		}
	}
	if _, _, ok := (&Tree{File: ".env"}).Number(nil); ok {
		t.Error("a missing node is a number")
	}
}
