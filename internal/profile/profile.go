// Package profile holds the facts about one standard that a comparison page may
// state, loads them from YAML, checks them, and resolves names to standards.
package profile

// Kind is what sort of instrument a standard is.
type Kind string

const (
	KindLaw                 Kind = "law"                       // statute or regulation with legal force
	KindManagementSystem    Kind = "management-system"         // certifiable ISO-style management system standard
	KindGuideline           Kind = "guideline"                 // guidance, not certifiable
	KindFramework           Kind = "framework"                 // control or practice framework
	KindTechnicalStandard   Kind = "technical-standard-series" // family of technical standards
	KindContractualStandard Kind = "contractual-standard"      // imposed by contract (PCI DSS, TISAX)
)

// Profile is one standard's facts. Field order follows the YAML files.
type Profile struct {
	ID        string `yaml:"id" json:"id"`                 // slug: lowercase, digits, hyphens, e.g. "iso-27032"
	Name      string `yaml:"name" json:"name"`             // full name with edition, e.g. "ISO/IEC 27032:2023 Cybersecurity — Guidelines for Internet security"
	ShortName string `yaml:"short_name" json:"short_name"` // e.g. "ISO 27032"; the page's H1 and H2 use it
	// Grammar says how prose treats the short name: "the EU AI Act",
	// "the CIS Controls are". Empty for names that read bare and singular.
	Grammar      Grammar   `yaml:"grammar,omitempty" json:"grammar,omitempty"`
	Aliases      []string  `yaml:"aliases" json:"aliases"`
	Issuer       string    `yaml:"issuer" json:"issuer"`
	Edition      string    `yaml:"edition" json:"edition"` // e.g. "2023", "2.0", "4.0.1"
	Year         int       `yaml:"year" json:"year"`       // year of the current edition or enactment
	Kind         Kind      `yaml:"kind" json:"kind"`
	Certifiable  bool      `yaml:"certifiable" json:"certifiable"`
	Mandatory    Mandatory `yaml:"mandatory" json:"mandatory"`
	Jurisdiction string    `yaml:"jurisdiction" json:"jurisdiction"` // "International", "EU", "US", "UK", ...
	Industries   []string  `yaml:"industries" json:"industries"`
	Scope        string    `yaml:"scope" json:"scope"` // one line for the differences table

	Tagline        string   `yaml:"tagline" json:"tagline"`
	KeyFeatures    []string `yaml:"key_features" json:"key_features"` // exactly five
	WhatItIs       []string `yaml:"what_it_is" json:"what_it_is"`     // one or two paragraphs
	KeyComponents  []string `yaml:"key_components" json:"key_components"`
	WhyUsed        []string `yaml:"why_used" json:"why_used"`
	Implementation []string `yaml:"implementation" json:"implementation"` // one paragraph, or two to six steps

	Nature    string `yaml:"nature" json:"nature"`       // one line for the differences table
	Testing   string `yaml:"testing" json:"testing"`     // audit/testing regime, one line
	Penalties string `yaml:"penalties" json:"penalties"` // one line

	Numbers []Number `yaml:"numbers" json:"numbers"`
	Related []string `yaml:"related" json:"related"` // ids of related standards
	// Relations are the typed, sourced relations to other standards.
	Relations []Relation `yaml:"relations,omitempty" json:"relations,omitempty"`
	// Frameworks name this standard's frameworks in CISO Assistant's library
	// (the URN suffix, e.g. "iso27001-2022"), for the overlap figures.
	Frameworks []string `yaml:"frameworks,omitempty" json:"frameworks,omitempty"`
	Sources    []Source `yaml:"sources" json:"sources"`

	// File is where the profile was loaded from; Hash is the SHA-256 of its
	// canonical form: any change to a fact changes it, reformatting does not.
	File string `yaml:"-" json:"-"`
	Hash string `yaml:"-" json:"hash,omitempty"`
}

// Grammar is how the short name behaves in a sentence. It is stated, not
// guessed from the string: "Cyber Essentials" is singular and bare, "CIS
// Controls" plural with an article, "EU AI Act" singular with one.
type Grammar struct {
	// Article is "the" for a name that takes the definite article in
	// running text ("the EU AI Act"), empty for one that does not ("GDPR").
	Article string `yaml:"article,omitempty" json:"article,omitempty"`
	// Plural: the name takes plural verbs and pronouns ("the CIS Controls are").
	Plural bool `yaml:"plural,omitempty" json:"plural,omitempty"`
}

// Mandatory says whether a standard is required by law (or contract) and for whom.
type Mandatory struct {
	Required bool   `yaml:"required" json:"required"`
	For      string `yaml:"for" json:"for"` // who must comply; empty when voluntary
}

// Number is a count worth stating, e.g. 93 controls in ISO/IEC 27002:2022.
type Number struct {
	Value  float64 `yaml:"value" json:"value"`
	Counts string  `yaml:"counts" json:"counts"` // what it counts: "controls in Annex A"
}

// Source is where a profile's facts come from.
type Source struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}
