package author

import "github.com/versus-dev/versus/internal/page"

// bare returns a copy of a JSON Schema without its "description"
// keywords. The prompt already says what each field holds, with its
// bounds; the schema sent beside it only has to constrain the shape, and
// every word in it is paid for on every call.
func bare(schema map[string]any) map[string]any {
	return stripDescriptions(schema).(map[string]any)
}

func stripDescriptions(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if _, ok := x.(string); ok && k == "description" {
				continue // the keyword; a property named "description" is a map
			}
			if k == "properties" {
				// Property names are data, not keywords: keep every one.
				props := map[string]any{}
				for name, sub := range x.(map[string]any) {
					props[name] = stripDescriptions(sub)
				}
				out[k] = props
				continue
			}
			out[k] = stripDescriptions(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = stripDescriptions(x)
		}
		return out
	}
	return v
}

// SectionSchema is the schema a section call sends: page.SectionSchema,
// bare.
func SectionSchema() map[string]any { return bare(page.SectionSchema()) }

// PairSchema is the schema a pair call sends: page.PairDraftSchema, bare.
func PairSchema() map[string]any { return bare(page.PairDraftSchema()) }
