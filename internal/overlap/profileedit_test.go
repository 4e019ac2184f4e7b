package overlap

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestRenameFrameworksKeepsEveryOtherByte edits a file full of comments,
// odd spacing and quoting, and checks that only the renamed tokens differ.
func TestRenameFrameworksKeepsEveryOtherByte(t *testing.T) {
	in := "# a profile\nid: x   # the id\nname: \"X — ünïcode\"\n\nframeworks:   [ alpha-v1 ,  'beta-2020', \"gamma\" ]   # kept: comment\nnotes: |\n  frameworks: [alpha-v1]\n  stays as text\n"
	out, line, err := RenameFrameworks("x.yaml", []byte(in), map[string]string{"alpha-v1": "alpha-v1.1", "beta-2020": "beta-2024"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(in, "[ alpha-v1 ,", "[ alpha-v1.1 ,", 1), "'beta-2020'", "'beta-2024'", 1)
	if string(out) != want || line != 5 {
		t.Fatalf("line %d, got\n%s\nwant\n%s", line, out, want)
	}
	// Outside the edited line, byte for byte the same.
	a, b := strings.Split(in, "\n"), strings.Split(string(out), "\n")
	for i := range a {
		if i != 4 && a[i] != b[i] {
			t.Errorf("line %d changed: %q → %q", i+1, a[i], b[i])
		}
	}
}

func TestRenameFrameworks(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
		ren                 map[string]string
	}{
		{name: "block list", in: "id: x\nframeworks:\n  - a-v1 # first\n  - b\nyear: 1\n", ren: map[string]string{"a-v1": "a-v2"},
			want: "id: x\nframeworks:\n  - a-v2 # first\n  - b\nyear: 1\n"},
		{name: "windows line ends", in: "id: x\r\nframeworks: [a-v1]\r\nyear: 1\r\n", ren: map[string]string{"a-v1": "a-v2"},
			want: "id: x\r\nframeworks: [a-v2]\r\nyear: 1\r\n"},
		{name: "double quoted", in: "frameworks: [\"a-v1\"]\n", ren: map[string]string{"a-v1": "a-v2"}, want: "frameworks: [\"a-v2\"]\n"},
		{name: "escaped quote cannot be edited in place", in: "frameworks: [\"a\\x2dv1\"]\n", ren: map[string]string{"a-v1": "a-v2"}, err: `x.yaml:1: frameworks: cannot edit "a-v1" in place`},
		{name: "no frameworks line", in: "id: x\n", ren: map[string]string{"a": "b"}, err: "x.yaml: frameworks: no frameworks line to edit"},
		{name: "not a list", in: "id: x\nframeworks: a\n", ren: map[string]string{"a": "b"}, err: "x.yaml:2: frameworks: want a list of framework ids"},
		{name: "not an id", in: "frameworks: [a]\n", ren: map[string]string{"a": "b c"}, err: `x.yaml:1: frameworks: "b c" is not a framework id`},
		{name: "broken yaml", in: "frameworks: [a\n", ren: map[string]string{"a": "b"}, err: "x.yaml: frameworks: not valid YAML"},
		{name: "names none", in: "frameworks: [a]\n", ren: map[string]string{"z": "b"}, err: "names none of the frameworks to rename"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := RenameFrameworks("x.yaml", []byte(tc.in), tc.ren)
			if tc.err != "" {
				var ee *EditError
				if err == nil || !errors.As(err, &ee) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(out) != tc.want {
				t.Fatalf("err %v, got %q want %q", err, out, tc.want)
			}
		})
	}
}

func TestInsertFrameworks(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
		line                int
	}{
		{name: "after a one-line jurisdiction", in: "id: x\njurisdiction: EU # where\n# industries next\nindustries: [a]\n", line: 3,
			want: "id: x\njurisdiction: EU # where\nframeworks: [f-1]\n# industries next\nindustries: [a]\n"},
		{name: "before the key after a folded jurisdiction", in: "id: x\njurisdiction: >\n  EU\nindustries: [a]\n", line: 4,
			want: "id: x\njurisdiction: >\n  EU\nframeworks: [f-1]\nindustries: [a]\n"},
		{name: "before industries", in: "id: x\nindustries: [a]\n", line: 2, want: "id: x\nframeworks: [f-1]\nindustries: [a]\n"},
		{name: "at the end, no final line break", in: "id: x", line: 2, want: "id: x\nframeworks: [f-1]\n"},
		{name: "windows line ends", in: "id: x\r\njurisdiction: EU\r\nyear: 1\r\n", line: 3, want: "id: x\r\njurisdiction: EU\r\nframeworks: [f-1]\r\nyear: 1\r\n"},
		{name: "an empty list is filled", in: "id: x\nframeworks: []  # none yet\n", line: 2, want: "id: x\nframeworks: [f-1]  # none yet\n"},
		{name: "already there", in: "frameworks: [g]\n", err: "x.yaml:1: frameworks: already has a frameworks line"},
		{name: "already there, block", in: "frameworks:\n  - g\n", err: "x.yaml:1: frameworks: already has a frameworks line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, line, err := InsertFrameworks("x.yaml", []byte(tc.in), []string{"f-1"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(out) != tc.want || line != tc.line {
				t.Fatalf("err %v, line %d (want %d), got %q want %q", err, line, tc.line, out, tc.want)
			}
		})
	}
}

// FuzzRenameFrameworks: on any file, an edit either fails with an
// *EditError or renames exactly what it was asked to and keeps the rest:
// removing the new id where the old one was gives the input back.
func FuzzRenameFrameworks(f *testing.F) {
	for _, s := range []string{
		"id: x\nframeworks: [a-v1, b]\n",
		"frameworks:\n  - a-v1 # c\n",
		"frameworks: ['a-v1']\nnotes: |\n  a-v1\n",
		"frameworks: [\"a-v1\", a-v1]\n",
		"frameworks: &x [a-v1]\nother: *x\n",
		"frameworks: [a-v1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := RenameFrameworks("f.yaml", in, map[string]string{"a-v1": "a-v1.1"})
		if err != nil {
			var ee *EditError
			if !errors.As(err, &ee) {
				t.Fatalf("not an *EditError: %v", err)
			}
			return
		}
		if back := bytes.ReplaceAll(out, []byte("a-v1.1"), []byte("a-v1")); !bytes.Equal(back, bytes.ReplaceAll(in, []byte("a-v1.1"), []byte("a-v1"))) {
			t.Fatalf("more than the ids changed:\n%q\n%q", in, out)
		}
		if len(out) != len(in)+2*(bytes.Count(out, []byte("a-v1.1"))-bytes.Count(in, []byte("a-v1.1"))) {
			t.Fatalf("length %d from %d", len(out), len(in))
		}
	})
}
