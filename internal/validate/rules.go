package validate

import (
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// Rule is one check the validator makes. IDs are stable: scripts, the review
// UI and the redraft prompt refer to them.
type Rule struct {
	ID       string
	Severity finding.Severity
	Class    string // structure, markup, meta, facts, pair, length, repetition, boilerplate
	Hint     string // what a writer should do, when the finding does not say better
}

// Length bounds. Descriptions and verdicts are the page's contract with
// search engines and readers, so breaking them is an error; the rest are
// style bounds and only warn.
//
//	field                           bound                      rule                      severity
//	description                     50–160 characters          length.description        error
//	description                     one sentence               length.description        warning
//	verdict                         30–120 words               length.verdict            error
//	tagline                         one sentence, 4–30 words   length.tagline            error (sentences) / warning (words)
//	full name (bold line)           ≤ 160 characters           length.full-name          warning
//	key feature bullet              2–20 words                 length.bullet             warning
//	key component / why-used bullet 2–45 words                 length.bullet             warning
//	implementation step             2–45 words                 length.bullet             warning
//	what it is paragraph            20–180 words each          length.paragraph          warning
//	implementation paragraph        20–180 words               length.paragraph          warning
//	differences cell                1–30 words                 length.cell               warning
//	FAQ question                    3–30 words                 length.question           warning
//	FAQ answer                      12–150 words               length.answer             warning
//
// Counts (structure.*-count, errors): key features exactly 5, what it is 1–2
// paragraphs, key components 3–8, why used 2–6, implementation one paragraph
// or 2–6 steps, FAQ 3–8 questions.
const (
	descMinChars, descMaxChars       = page.DescMinChars, page.DescMaxChars
	verdictMinWords, verdictMaxWords = page.VerdictMinWords, page.VerdictMaxWords
	taglineMinWords, taglineMaxWords = page.TaglineMinWords, page.TaglineMaxWords
	fullNameMaxChars                 = page.FullNameMaxChars
	featureMinWords, featureMaxWords = page.FeatureMinWords, page.FeatureMaxWords
	bulletMinWords, bulletMaxWords   = page.BulletMinWords, page.BulletMaxWords
	paraMinWords, paraMaxWords       = page.ParaMinWords, page.ParaMaxWords
	cellMinWords, cellMaxWords       = page.CellMinWords, page.CellMaxWords
	questMinWords, questMaxWords     = page.QuestMinWords, page.QuestMaxWords
	answerMinWords, answerMaxWords   = page.AnswerMinWords, page.AnswerMaxWords

	keyFeatures                  = page.KeyFeatures
	whatItIsMin, whatItIsMax     = page.WhatItIsMin, page.WhatItIsMax
	componentsMin, componentsMax = page.ComponentsMin, page.ComponentsMax
	whyUsedMin, whyUsedMax       = page.WhyUsedMin, page.WhyUsedMax
	stepsMin, stepsMax           = page.StepsMin, page.StepsMax
	faqMin, faqMax               = page.FAQMin, page.FAQMax

	// A sentence shorter than this is not reported as repeated: short
	// bullets like "Gap analysis" legitimately recur.
	repeatMinWords = 6
)

// Rule IDs.
const (
	RuleEmptySection     = "structure.empty-section"
	RuleEmptyItem        = "structure.empty-item"
	RuleKeyFeatures      = "structure.key-features-count"
	RuleWhatItIsCount    = "structure.what-it-is-count"
	RuleComponentsCount  = "structure.components-count"
	RuleWhyUsedCount     = "structure.why-used-count"
	RuleImplementation   = "structure.implementation-shape"
	RuleFAQCount         = "structure.faq-count"
	RuleFAQNoQuestion    = "structure.faq-not-question"
	RuleFAQEmptyAnswer   = "structure.faq-empty-answer"
	RuleDiffRowMissing   = "structure.differences-row-missing"
	RuleDiffCellEmpty    = "structure.differences-cell-empty"
	RuleTableEcho        = "structure.table-echo"
	RuleTitle            = "structure.title"
	RuleSlug             = "structure.slug"
	RuleHeading          = "structure.heading"
	RuleUnbalancedBold   = "markup.unbalanced-bold"
	RuleUnclosedLink     = "markup.unclosed-link"
	RuleUnclosedCode     = "markup.unclosed-code"
	RuleRawHTML          = "markup.raw-html"
	RuleWordCount        = "meta.word-count"
	RuleAIText           = "meta.ai-text"
	RulePlaceholder      = "meta.placeholder"
	RuleJSONFragment     = "meta.json-fragment"
	RuleEditionYear      = "facts.edition-year"
	RuleCertifiable      = "facts.certifiable"
	RuleMandatory        = "facts.mandatory"
	RuleUnknownNumber    = "facts.unknown-number"
	RuleUnknownAmount    = "facts.amount"
	RuleUnknownDuration  = "facts.duration"
	RuleIssuer           = "facts.issuer"
	RuleJurisdiction     = "facts.jurisdiction"
	RuleRelation         = "pair.relation"
	RuleFAQOffPair       = "pair.faq-off-pair"
	RuleFAQDuplicate     = "structure.faq-duplicate"
	RuleHeadingLevel     = "structure.heading-level"
	RuleTruncated        = "structure.truncated"
	RuleHTMLEntity       = "markup.html-entity"
	RuleVerdictFAQ       = "repetition.verdict-faq"
	RuleFAQNearCopy      = "repetition.faq-near-copy"
	RuleUnknownStandard  = "pair.unknown-standard"
	RuleSameStandard     = "pair.same-standard"
	RuleSectionMismatch  = "pair.section-mismatch"
	RuleColumnMismatch   = "pair.column-mismatch"
	RuleTitleMismatch    = "pair.title-mismatch"
	RuleVerdictNames     = "pair.verdict-names"
	RuleLenDescription   = "length.description"
	RuleLenVerdict       = "length.verdict"
	RuleLenTagline       = "length.tagline"
	RuleLenFullName      = "length.full-name"
	RuleLenBullet        = "length.bullet"
	RuleLenParagraph     = "length.paragraph"
	RuleLenCell          = "length.cell"
	RuleLenQuestion      = "length.question"
	RuleLenAnswer        = "length.answer"
	RuleRepeatedSentence = "repetition.sentence"
	RuleNearDuplicate    = "repetition.near-duplicate-verdict"
	RuleBoilerplate      = "boilerplate.site-text"
	RuleTrailing         = "boilerplate.trailing-content"
)

// Rules lists every rule, for documentation and for the test that makes sure
// each one has a failing and a passing page.
var Rules = []Rule{
	{RuleEmptySection, finding.Error, "structure", "write the section; every page carries all of them"},
	{RuleEmptyItem, finding.Error, "structure", "fill in the item or remove it"},
	{RuleKeyFeatures, finding.Error, "structure", "give exactly five key features"},
	{RuleWhatItIsCount, finding.Error, "structure", "write one or two paragraphs"},
	{RuleComponentsCount, finding.Error, "structure", "give three to eight key components"},
	{RuleWhyUsedCount, finding.Error, "structure", "give two to six reasons"},
	{RuleImplementation, finding.Error, "structure", "write one paragraph, or two to six steps, not both"},
	{RuleFAQCount, finding.Error, "structure", "give three to eight questions"},
	{RuleFAQNoQuestion, finding.Error, "structure", "each FAQ heading is a question ending in \"?\" with its answer under it"},
	{RuleFAQEmptyAnswer, finding.Error, "structure", "answer the question in one paragraph under its heading, or remove it"},
	{RuleDiffRowMissing, finding.Error, "structure", "the table needs the rows Scope, Industry, Nature, Testing, Penalties in that order"},
	{RuleDiffCellEmpty, finding.Error, "structure", "fill in every cell of the Key Differences table"},
	{RuleTableEcho, finding.Error, "structure", "delete the table's aspect names repeated under the table"},
	{RuleTitle, finding.Warning, "structure", "the title is \"<short name A> vs <short name B>\""},
	{RuleSlug, finding.Warning, "structure", "the slug is \"<id A>-vs-<id B>\""},
	{RuleHeading, finding.Warning, "structure", "head the section with the standard's short name from its profile"},
	{RuleUnbalancedBold, finding.Error, "markup", "close the bold with a second ** (or remove the stray **)"},
	{RuleUnclosedLink, finding.Error, "markup", "write links as [text](url), or remove the brackets"},
	{RuleUnclosedCode, finding.Error, "markup", "close the code span with a matching backtick, or remove it"},
	{RuleRawHTML, finding.Error, "markup", "remove the HTML; pages are plain Markdown"},
	{RuleWordCount, finding.Error, "meta", "delete the word count; it is a note to the writer, not content"},
	{RuleAIText, finding.Error, "meta", "delete the assistant's remark; keep only the page's content"},
	{RulePlaceholder, finding.Error, "meta", "replace the placeholder with the real text"},
	{RuleJSONFragment, finding.Error, "meta", "remove the JSON left in the text"},
	{RuleEditionYear, finding.Error, "facts", "use the edition year from the standard's profile"},
	{RuleCertifiable, finding.Error, "facts", "say what the profile says about certification"},
	{RuleMandatory, finding.Error, "facts", "say what the profile says about who must comply"},
	{RuleUnknownNumber, finding.Error, "facts", "use a count from the profile's numbers, or drop the number"},
	{RuleUnknownAmount, finding.Error, "facts", "use the amount or percentage from the standard's profile (penalties, numbers), or drop it"},
	{RuleUnknownDuration, finding.Error, "facts", "use the period or deadline from the standard's profile, or drop it"},
	{RuleIssuer, finding.Error, "facts", "name the issuer the standard's profile gives"},
	{RuleJurisdiction, finding.Error, "facts", "say where the standard applies as its profile does"},
	{RuleRelation, finding.Error, "pair", "state only the relation on file for the pair (its profile's relations), or none"},
	{RuleFAQOffPair, finding.Error, "pair", "ask about this page's two standards; questions about a third standard belong on its own page"},
	{RuleFAQDuplicate, finding.Error, "structure", "ask each question once; delete or replace the repeat"},
	{RuleHeadingLevel, finding.Error, "structure", "use ## for the page's parts and ### under them; do not skip a level"},
	{RuleTruncated, finding.Error, "structure", "finish the sentence; the text stops in the middle"},
	{RuleHTMLEntity, finding.Error, "markup", "write the character itself (a space, &, an apostrophe), not an HTML entity"},
	{RuleVerdictFAQ, finding.Error, "repetition", "answer the question itself; do not repeat the verdict"},
	{RuleFAQNearCopy, finding.Error, "repetition", "give each answer its own content, or merge the two questions"},
	{RuleUnknownStandard, finding.Error, "pair", "name the standards by an id, short name or alias from the profiles"},
	{RuleSameStandard, finding.Error, "pair", "a page compares two different standards"},
	{RuleSectionMismatch, finding.Error, "pair", "this page's sections are about its two standards only"},
	{RuleColumnMismatch, finding.Error, "pair", "the table's columns are the page's two standards, in page order"},
	{RuleTitleMismatch, finding.Error, "pair", "the title names the page's two standards"},
	{RuleVerdictNames, finding.Warning, "pair", "the verdict names both standards"},
	{RuleLenDescription, finding.Error, "length", "one sentence of 50 to 160 characters"},
	{RuleLenVerdict, finding.Error, "length", "one paragraph of 30 to 120 words"},
	{RuleLenTagline, finding.Error, "length", "one sentence of 4 to 30 words"},
	{RuleLenFullName, finding.Warning, "length", "use the standard's full name from its profile"},
	{RuleLenBullet, finding.Warning, "length", "keep bullets short: a phrase or one sentence"},
	{RuleLenParagraph, finding.Warning, "length", "20 to 180 words per paragraph"},
	{RuleLenCell, finding.Warning, "length", "one short phrase per cell, at most 30 words"},
	{RuleLenQuestion, finding.Warning, "length", "a question of 3 to 30 words"},
	{RuleLenAnswer, finding.Warning, "length", "answer in one paragraph of 12 to 150 words"},
	{RuleRepeatedSentence, finding.Warning, "repetition", "say it once; rewrite or delete the repeat"},
	{RuleNearDuplicate, finding.Warning, "repetition", "write a verdict specific to this pair"},
	{RuleBoilerplate, finding.Error, "boilerplate", "delete the site's navigation or advertising text"},
	{RuleTrailing, finding.Error, "boilerplate", "the page ends with the last FAQ answer; delete what follows"},
}

var ruleByID = func() map[string]Rule {
	m := make(map[string]Rule, len(Rules))
	for _, r := range Rules {
		m[r.ID] = r
	}
	return m
}()

// RuleByID returns the rule with the given id.
func RuleByID(id string) (Rule, bool) {
	r, ok := ruleByID[id]
	return r, ok
}
