package checks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestRuleVarNames checks the one naming scheme of rule variables: the rule
// "bulk/duplicate-key" is declared as ruleBulkDuplicateKey, so a rule id
// leads to its code with one grep.
func TestRuleVarNames(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, v := range spec.Values {
				id, ok := ruleLiteralID(v)
				if !ok {
					continue
				}
				got := spec.Names[i].Name
				if want := ruleVarName(id); got != want {
					t.Errorf("%s: rule %q is declared as %s, want %s", fset.Position(spec.Names[i].Pos()), id, got, want)
				}
				declared[id] = true
			}
			return true
		})
	}
	for _, r := range Rules() {
		if !declared[r.ID] {
			t.Errorf("rule %q is not declared as a package variable %s in checks/*.go", r.ID, ruleVarName(r.ID))
		}
	}
}

// ruleLiteralID returns the ID of a preflight.Rule{ID: "..."} literal.
func ruleLiteralID(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	sel, ok := lit.Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Rule" {
		return "", false
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "preflight" {
		return "", false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
			if s, ok := kv.Value.(*ast.BasicLit); ok {
				id, err := strconv.Unquote(s.Value)
				return id, err == nil
			}
		}
	}
	return "", false
}

// ruleVarName is the variable name of a rule id: "bulk/duplicate-key" is
// ruleBulkDuplicateKey.
func ruleVarName(id string) string {
	var b strings.Builder
	b.WriteString("rule")
	for _, w := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '-' }) {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}
