// Package profiles embeds the standards' profiles shipped with versus, so
// the binary runs anywhere with its defaults. A content team edits the YAML
// files here and points `versus up --profiles` at the folder.
package profiles

import "embed"

// FS holds every profile YAML file.
//
//go:embed *.yaml
var FS embed.FS
