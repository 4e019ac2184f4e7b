// Package overlap holds the requirement-level overlap between standards,
// derived from CISO Assistant's mapping files and kept in the repository with
// its source, so versus needs no library at run time.
package overlap

import (
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// For returns the overlap figures of a and b, in that order, or nil when no
// mapping data relates them.
//
// TODO(#10): derived data and the importer are being built; until they land
// no pair has figures.
func For(a, b *profile.Profile) *page.Overlap { return nil }
