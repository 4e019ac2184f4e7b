package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// published is GET /api/published/{slug}: the page as data and Markdown.
// The page itself is kept as raw JSON: the export passes on every field the
// server has, including ones added after this was written.
type published struct {
	entry
	Page     json.RawMessage `json:"page"`
	Markdown string          `json:"markdown"`
}

// faq reads only the FAQ out of a page, for front matter.
type faq struct {
	FAQ []struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	} `json:"faq"`
}

func (o Options) page(ctx context.Context, slug string) (published, error) {
	var p published
	err := o.getJSON(ctx, "/api/published/"+url.PathEscape(slug), &p)
	return p, err
}

// json writes pages/{slug}.json for each page and index.json listing them
// with the standards.
func (o Options) json(ctx context.Context, w *writer, l list) error {
	err := o.each(ctx, l.Pages, func(ctx context.Context, e entry) error {
		p, err := o.page(ctx, e.Slug)
		if err != nil {
			return err
		}
		data, err := indentJSON(map[string]any{
			"slug": p.Slug, "title": p.Title, "description": p.Description, "standards": p.Standards,
			"reviewed": p.Reviewed, "url": p.URL, "etag": p.ETag, "page": p.Page,
		})
		if err != nil {
			return err
		}
		return w.write("pages/"+e.Slug+".json", data)
	})
	if err != nil {
		return err
	}
	type indexEntry struct {
		entry
		File string `json:"file"`
	}
	idx := struct {
		BaseURL   string       `json:"base_url"`
		Pages     []indexEntry `json:"pages"`
		Standards []standard   `json:"standards"`
	}{BaseURL: l.BaseURL, Pages: []indexEntry{}, Standards: l.Standards}
	for _, e := range l.Pages {
		idx.Pages = append(idx.Pages, indexEntry{entry: e, File: "pages/" + e.Slug + ".json"})
	}
	data, err := indentJSON(idx)
	if err != nil {
		return err
	}
	return w.write("index.json", data)
}

func indentJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return b.Bytes(), nil
}

// frontMatter is what Hugo, Astro and Jekyll read: date and lastmod (Hugo),
// last_modified_at (Jekyll), the FAQ for a template's FAQPage.
type frontMatter struct {
	Title          string    `yaml:"title"`
	Slug           string    `yaml:"slug"`
	Description    string    `yaml:"description"`
	Date           time.Time `yaml:"date"`
	Lastmod        time.Time `yaml:"lastmod"`
	LastModifiedAt time.Time `yaml:"last_modified_at"`
	Standards      []string  `yaml:"standards"`
	StandardNames  []string  `yaml:"standard_names,omitempty"`
	Canonical      string    `yaml:"canonical_url,omitempty"`
	FAQ            []qa      `yaml:"faq,omitempty"`
}

type qa struct {
	Question string `yaml:"question"`
	Answer   string `yaml:"answer"`
}

// markdown writes {slug}.md for each page: YAML front matter and the page's
// published Markdown body.
func (o Options) markdown(ctx context.Context, w *writer, l list) error {
	names := map[string]string{}
	for _, s := range l.Standards {
		names[s.ID] = s.ShortName
	}
	return o.each(ctx, l.Pages, func(ctx context.Context, e entry) error {
		p, err := o.page(ctx, e.Slug)
		if err != nil {
			return err
		}
		var f faq
		if err := json.Unmarshal(p.Page, &f); err != nil {
			return fmt.Errorf("export: page %s: %w", e.Slug, err)
		}
		fm := frontMatter{
			Title: p.Title, Slug: p.Slug, Description: p.Description,
			Date: p.Reviewed.UTC(), Lastmod: p.Reviewed.UTC(), LastModifiedAt: p.Reviewed.UTC(),
			Standards: p.Standards[:], Canonical: p.URL,
		}
		for _, id := range p.Standards {
			if n := names[id]; n != "" {
				fm.StandardNames = append(fm.StandardNames, n)
			}
		}
		for _, q := range f.FAQ {
			fm.FAQ = append(fm.FAQ, qa(q))
		}
		var b bytes.Buffer
		b.WriteString("---\n")
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(fm); err != nil {
			return fmt.Errorf("export: page %s: %w", e.Slug, err)
		}
		b.WriteString("---\n")
		b.WriteString(body(p.Markdown))
		return w.write(e.Slug+".md", b.Bytes())
	})
}

// body is a Markdown page without its own front matter.
func body(md string) string {
	if rest, ok := strings.CutPrefix(md, "---\n"); ok {
		if i := strings.Index(rest, "\n---\n"); i >= 0 {
			return rest[i+len("\n---\n"):]
		}
	}
	return md
}
