package index

import (
	"slices"
	"strings"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Standards is what the index needs from the profile set.
// *profile.Set satisfies it.
type Standards interface {
	All() []*profile.Profile
}

// Doc is one approved page as the index sees it.
type Doc struct {
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Standards   []string `json:"standards"` // profile ids
	Names       []string `json:"names"`     // the standards' names and aliases
	Description string   `json:"description"`
	Verdict     string   `json:"verdict"`
	Sections    string   `json:"sections"` // the standards' sections and the differences table
	FAQ         string   `json:"faq"`

	// Facets.
	Issuers       []string `json:"issuers"`
	Kinds         []string `json:"kinds"`
	Jurisdictions []string `json:"jurisdictions"`
	Industries    []string `json:"industries"`
}

// DocFromPage builds the index document of a page, taking names and facets
// from the profiles in set (set may be nil: the page's own headings are used).
func DocFromPage(p page.Page, set Standards) Doc {
	byID := map[string]*profile.Profile{}
	if set != nil {
		for _, pr := range set.All() {
			if pr != nil {
				byID[pr.ID] = pr
			}
		}
	}
	d := Doc{Slug: p.Slug, Title: p.Title, Description: p.Description, Verdict: p.Verdict}
	var sections []string
	for i, s := range p.Sections {
		id := p.Standards[i]
		if id == "" {
			id = s.Standard
		}
		if id != "" {
			d.Standards = appendUnique(d.Standards, id)
		}
		sections = append(sections, s.Heading, s.FullName, s.Tagline)
		sections = append(sections, s.KeyFeatures...)
		sections = append(sections, s.WhatItIs...)
		sections = append(sections, s.KeyComponents...)
		sections = append(sections, s.WhyUsed...)
		sections = append(sections, s.Implementation.Paragraph)
		sections = append(sections, s.Implementation.Steps...)

		pr := byID[id]
		if pr == nil {
			d.Names = appendUnique(d.Names, s.Heading)
			d.Names = appendUnique(d.Names, s.FullName)
			continue
		}
		for _, n := range profileNames(pr) {
			if n != pr.ID {
				d.Names = appendUnique(d.Names, n)
			}
		}
		d.Issuers = appendUnique(d.Issuers, pr.Issuer)
		d.Kinds = appendUnique(d.Kinds, string(pr.Kind))
		d.Jurisdictions = appendUnique(d.Jurisdictions, pr.Jurisdiction)
		for _, ind := range pr.Industries {
			d.Industries = appendUnique(d.Industries, ind)
		}
	}
	for _, r := range p.Differences.Rows() {
		sections = append(sections, r.Aspect+": "+r.A+" "+r.B)
	}
	d.Sections = joinText(sections)
	var faq []string
	for _, qa := range p.FAQ {
		faq = append(faq, qa.Question, qa.Answer)
	}
	d.FAQ = joinText(faq)
	return d
}

// kindWords are the words visitors use for each kind of standard.
var kindWords = map[profile.Kind]string{
	profile.KindLaw:                 "law regulation legal requirement statute",
	profile.KindManagementSystem:    "management system standard",
	profile.KindGuideline:           "guideline guidance",
	profile.KindFramework:           "framework controls",
	profile.KindTechnicalStandard:   "technical standard series",
	profile.KindContractualStandard: "contractual standard requirement",
}

// card describes a standard in a few words (name, kind, what it is for,
// whether it can be certified), so that a query like "privacy
// certification" can require all its words of one standard.
func card(p *profile.Profile) string {
	parts := []string{p.ShortName, p.Name, p.Tagline, p.Scope, kindWords[p.Kind], p.Jurisdiction, p.Issuer}
	parts = append(parts, p.Aliases...)
	parts = append(parts, p.Industries...)
	if p.Certifiable {
		parts = append(parts, "certification certifiable certified certificate")
	}
	if p.Mandatory.Required {
		parts = append(parts, "mandatory required compliance")
	}
	return joinText(parts)
}

func joinText(parts []string) string {
	var b strings.Builder
	for _, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
	return b.String()
}

func appendUnique(xs []string, x string) []string {
	x = strings.TrimSpace(x)
	if x == "" {
		return xs
	}
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// fields turns a Doc into what Bleve indexes, field names matching the mapping.
func (d Doc) fields() map[string]any {
	return map[string]any{
		"slug":         d.Slug,
		"title":        d.Title,
		"title_ngram":  d.Title,
		"names":        strings.Join(d.Names, "\n"),
		"body":         joinText([]string{d.Description, d.Verdict, d.FAQ, d.Sections}),
		"summary":      joinText([]string{d.Description, d.Verdict, d.FAQ}),
		"pair":         pairKey(d.Standards),
		"standard":     d.Standards,
		"issuer":       d.Issuers,
		"kind":         d.Kinds,
		"jurisdiction": d.Jurisdictions,
		"industry":     d.Industries,
	}
}

// pairKey is the page's standards, sorted and space-separated: one value per
// page from which every facet can be counted.
func pairKey(ids []string) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return strings.Join(s, " ")
}
