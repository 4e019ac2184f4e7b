package page

// Overlap is the requirement-level overlap of a pair's two standards, derived
// from mapping data (CISO Assistant's library), never drafted. A and B are in
// the page's standard order.
type Overlap struct {
	Basis         string        `json:"basis"`              // "direct": a mapping between the two; "hub": through a common-controls hub
	Via           string        `json:"via"`                // the hub's framework (e.g. "scf-2025.2.2"); empty when direct
	ViaName       string        `json:"via_name,omitempty"` // the hub as prose names it ("the Secure Controls Framework (SCF)"); empty when direct or unnamed
	Source        string        `json:"source"`             // the mapping's ref_id and version, e.g. "mapping-nist-csf-2.0-to-iso27001-2022 v1"
	A             OverlapSide   `json:"a"`
	B             OverlapSide   `json:"b"`
	Relationships Relationships `json:"relationships"`
}

// OverlapSide is one standard's side of an overlap.
type OverlapSide struct {
	Framework    string `json:"framework"`    // the URN suffix, e.g. "iso27001-2022"
	Requirements *int   `json:"requirements"` // assessable nodes in the framework; nil when the framework file is missing
	Mapped       int    `json:"mapped"`       // distinct assessable nodes of this side named in the mapping
	// Note says what the framework is when it is not simply the standard: a
	// stand-in (HIPAA's figures count NIST SP 800-66 Rev. 2), a part or an
	// edition. A noun phrase; empty when the framework is the standard.
	Note string `json:"note,omitempty"`
}

// Relationships counts mapping entries by their relationship.
type Relationships struct {
	Equal     int `json:"equal"`
	Subset    int `json:"subset"`
	Superset  int `json:"superset"`
	Intersect int `json:"intersect"`
}
