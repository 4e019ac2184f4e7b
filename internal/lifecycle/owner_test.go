package lifecycle_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoStateWritesOutside fails when code outside this package writes a
// record's state: an assignment to a .State field, or a State: field in a
// composite literal, in any non-test Go file of the module. Records move
// only by lifecycle.Apply (through store.Meta.Move).
func TestNoStateWritesOutside(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if name == "lifecycle" && filepath.Base(filepath.Dir(path)) == "internal" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.AssignStmt:
				for _, l := range x.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "State" {
						bad = append(bad, fset.Position(x.Pos()).String())
					}
				}
			case *ast.CompositeLit:
				if !isMeta(x.Type) {
					return true
				}
				for _, e := range x.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "State" {
							bad = append(bad, fset.Position(kv.Pos()).String())
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) == 0 && !strings.Contains(string(mustRead(t, filepath.Join(root, "internal", "store", "record.go"))), "Move(") {
		t.Fatal("the walk found nothing to check: is the module root right?")
	}
	for _, b := range bad {
		t.Errorf("%s: writes a state; move the record with a lifecycle transition", b)
	}
}

// isMeta reports whether a literal's type is a record's bookkeeping
// (store.Meta), the struct whose State is a record's state.
func isMeta(x ast.Expr) bool {
	switch t := x.(type) {
	case *ast.Ident:
		return t.Name == "Meta"
	case *ast.SelectorExpr:
		return t.Sel.Name == "Meta"
	}
	return false
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
