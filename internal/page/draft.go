package page

// Headings of the page's fixed sections, as rendered and as used in the
// Section of findings.
const (
	SectionVerdict     = "Quick Verdict"
	SectionDifferences = "Key Differences"
	SectionFAQ         = "Frequently Asked Questions"

	SubKeyFeatures    = "Key Features"
	SubWhatItIs       = "What It Is"
	SubKeyComponents  = "Key Components"
	SubWhyUsed        = "Why Organizations Use It"
	SubImplementation = "Implementation Overview"
)

// SectionDraft is what the LLM writes for one standard: a Section without the
// parts (id, short name, full name) that come from the standard's profile.
type SectionDraft struct {
	Tagline        string         `json:"tagline"`
	KeyFeatures    []string       `json:"key_features"`
	WhatItIs       []string       `json:"what_it_is"`
	KeyComponents  []string       `json:"key_components"`
	WhyUsed        []string       `json:"why_used"`
	Implementation Implementation `json:"implementation"`
}

// ToSection completes a draft with the profile's id, short name and full name.
func (d SectionDraft) ToSection(standard, heading, fullName string) Section {
	return Section{
		Standard: standard, Heading: heading, FullName: fullName,
		Tagline:        d.Tagline,
		KeyFeatures:    d.KeyFeatures,
		WhatItIs:       d.WhatItIs,
		KeyComponents:  d.KeyComponents,
		WhyUsed:        d.WhyUsed,
		Implementation: d.Implementation,
	}
}

// Draft returns the drafted part of a section, e.g. to ask for a redraft.
func (s Section) Draft() SectionDraft {
	return SectionDraft{
		Tagline: s.Tagline, KeyFeatures: s.KeyFeatures, WhatItIs: s.WhatItIs,
		KeyComponents: s.KeyComponents, WhyUsed: s.WhyUsed, Implementation: s.Implementation,
	}
}

// PairDraft is what the LLM writes per pair. The differences table states
// each standard's own facts (its profile's scope, industries, nature,
// testing, penalties, issuer, …), so it is built from the profiles, not
// drafted: every page states them the same way, and no tokens are spent on them.
type PairDraft struct {
	Description string `json:"description"`
	Verdict     string `json:"verdict"`
	FAQ         []QA   `json:"faq"`
}

// ToPair completes the draft with the parts built from data: the
// differences table and How They Relate, taken from built.
func (d PairDraft) ToPair(built Pair) Pair {
	return Pair{Description: d.Description, Verdict: d.Verdict, Differences: built.Differences, Relate: built.Relate, FAQ: d.FAQ}
}

// Draft is the part of p an LLM drafts.
func (p Pair) Draft() PairDraft {
	return PairDraft{Description: p.Description, Verdict: p.Verdict, FAQ: p.FAQ}
}
