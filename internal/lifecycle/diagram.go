package lifecycle

import (
	"fmt"
	"strings"
)

// Diagram draws Table as a Mermaid state diagram, one edge per (from,
// transition) pair, so the README's picture cannot drift from the rules.
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, r := range Table {
		for _, from := range r.From {
			f := string(from)
			if from == None {
				f = "[*]"
			}
			fmt.Fprintf(&b, "    %s --> %s: %s\n", f, r.To, r.T)
		}
	}
	return b.String()
}
