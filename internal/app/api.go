package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/apierr"
	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/web"
	"github.com/versus-dev/versus/workers/indexer"
)

// maxBody bounds JSON request bodies: a jobs request for every pair of a
// few hundred standards fits easily.
const maxBody = 4 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// standardJSON is one profile in GET /api/standards.
type standardJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ShortName    string   `json:"short_name"`
	Aliases      []string `json:"aliases"`
	Issuer       string   `json:"issuer"`
	Edition      string   `json:"edition"`
	Year         int      `json:"year"`
	Kind         string   `json:"kind"`
	Certifiable  bool     `json:"certifiable"`
	Mandatory    bool     `json:"mandatory"`
	Jurisdiction string   `json:"jurisdiction"`
	Industries   []string `json:"industries"`
	Hash         string   `json:"hash"`
}

func handleStandards(set func() *profile.Set) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out := []standardJSON{}
		for _, p := range set().All() {
			out = append(out, standardJSON{p.ID, p.Name, p.ShortName, p.Aliases, p.Issuer, p.Edition, p.Year,
				string(p.Kind), p.Certifiable, p.Mandatory.Required, p.Jurisdiction, p.Industries, p.Hash})
		}
		writeJSON(w, http.StatusOK, map[string]any{"standards": out})
	}
}

// jobsRequest is the body of POST /api/jobs.
type jobsRequest struct {
	Pairs [][]string `json:"pairs"`
	All   bool       `json:"all"`
}

func handleJobs(pl *jobs.Planner, runs *jobs.Runs) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req jobsRequest
		if err := web.DecodeJSON(http.MaxBytesReader(w, r.Body, maxBody), &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		var pairs [][2]*profile.Profile
		switch {
		case req.All && len(req.Pairs) > 0:
			writeError(w, http.StatusBadRequest, `give either "pairs" or "all", not both`)
			return
		case req.All:
			pairs = pl.AllPairs()
		case len(req.Pairs) == 0:
			writeError(w, http.StatusBadRequest, `no pairs: give "pairs":[["a","b"],…] or "all":true`)
			return
		default:
			in := make([]jobs.Pair, 0, len(req.Pairs))
			for i, p := range req.Pairs {
				if len(p) != 2 {
					writeError(w, http.StatusBadRequest, fmt.Sprintf("pairs[%d]: a pair has two standards, got %d", i, len(p)))
					return
				}
				in = append(in, jobs.Pair{p[0], p[1]})
			}
			var err error
			if pairs, err = jobs.Resolve(pl.Profiles(), in); err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		actor := "api"
		if u, ok := auth.UserFrom(r.Context()); ok {
			actor = u.Name
		}
		// The plan is stored and counted now; the records are written and
		// the jobs published in the background (jobs.Runs), so a request
		// for every pair of hundreds of standards answers at once.
		run, err := runs.Start(r.Context(), pairs, actor)
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("enqueue")
			code, msg := apierr.Status(err)
			writeError(w, code, msg)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"queued": run.Queued, "skipped": run.Skipped, "run": run.ID,
			"progress": "/api/runs/" + run.ID, "pages": "/api/runs/" + run.ID + "/pages"})
	}
}

// handleRun answers a run's progress (jobs.Progress).
func handleRun(runs *jobs.Runs) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pr, err := runs.Progress(r.Context(), r.PathValue("id"))
		if errors.Is(err, jobs.ErrNoRun) {
			writeError(w, http.StatusNotFound, "no run "+r.PathValue("id"))
			return
		}
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("run progress")
			code, msg := apierr.Status(err)
			writeError(w, code, msg)
			return
		}
		writeJSON(w, http.StatusOK, pr)
	}
}

// runPageItem is one page of a run in GET /api/runs/{id}/pages.
type runPageItem struct {
	Slug  string      `json:"slug"`
	State store.State `json:"state"`
}

// handleRunPages pages through the pages a run queues (limit, default 100,
// at most 500; an opaque cursor), with their states now.
func handleRunPages(runs *jobs.Runs, st *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		run, err := runs.Get(r.Context(), r.PathValue("id"))
		if errors.Is(err, jobs.ErrNoRun) {
			writeError(w, http.StatusNotFound, "no run "+r.PathValue("id"))
			return
		}
		var plan []jobs.PlanItem
		if err == nil {
			plan, err = runs.Plan(r.Context(), run)
		}
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("run pages")
			code, msg := apierr.Status(err)
			writeError(w, code, msg)
			return
		}
		var slugs []string
		for _, it := range plan {
			if it.Kind == store.KindPage {
				slugs = append(slugs, it.Key)
			}
		}
		limit, from, err := offsetPaging(r, len(slugs))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		states := map[string]store.State{}
		for _, p := range st.Pages() {
			states[p.Slug] = p.State
		}
		items := []runPageItem{}
		end := min(from+limit, len(slugs))
		for _, s := range slugs[from:end] {
			items = append(items, runPageItem{Slug: s, State: states[s]})
		}
		next := ""
		if end < len(slugs) {
			next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		}
		writeJSON(w, http.StatusOK, map[string]any{"pages": items, "total": len(slugs), "next": next})
	}
}

// offsetPaging reads limit and cursor over a list that never changes (a
// run's plan): the cursor is the opaque position of the next item.
func offsetPaging(r *http.Request, n int) (limit, from int, err error) {
	q := r.URL.Query()
	limit = 100
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, 0, fmt.Errorf("limit is a whole number from 1 to 500, got %q", v)
		}
		limit = min(limit, 500)
	}
	if c := q.Get("cursor"); c != "" {
		b, derr := base64.RawURLEncoding.DecodeString(c)
		if derr == nil {
			from, derr = strconv.Atoi(string(b))
		}
		if derr != nil || from < 0 || from > n {
			return 0, 0, errors.New(`bad cursor: pass back the "next" value of the previous answer unchanged`)
		}
	}
	return limit, from, nil
}

func handleReload(run *Running) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor := "api"
		if u, ok := auth.UserFrom(r.Context()); ok {
			actor = u.Name
		}
		n, err := ReloadProfiles(r.Context(), run, actor)
		if err != nil {
			var le *profile.LoadError
			if errors.As(err, &le) {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "profiles have errors; the previous set is kept", "findings": le.Findings})
				return
			}
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("reload profiles")
			code, msg := apierr.Status(err)
			writeError(w, code, msg)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"standards": run.Profiles.Set().Len(), "stale": n})
	}
}

// handleHealth answers 200 when NATS and the index both answer.
func handleHealth(run *Running) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]string{"nats": "ok", "index": "ok"}
		code := http.StatusOK
		// What failed is logged; the probe, often public, says only which.
		if err := run.Store.Ping(ctx); err != nil {
			zerolog.Ctx(r.Context()).Warn().Err(err).Msg("healthz: nats")
			status["nats"], code = "unavailable", http.StatusServiceUnavailable
		}
		if run.Index != nil {
			if _, err := run.Index.Count(); err != nil {
				zerolog.Ctx(r.Context()).Warn().Err(err).Msg("healthz: index")
				status["index"], code = "unavailable", http.StatusServiceUnavailable
			}
		}
		writeJSON(w, code, status)
	}
}

// handleReindex rebuilds this replica's search index from the page records
// into a new index and swaps it in; queries are answered throughout.
func handleReindex(run *Running) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// A rebuild may outlast the server's write timeout.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
		start := time.Now()
		if err := run.Index.Reindex(r.Context(), indexer.Docs(run.Store, run.Profiles.Set())); err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("reindex")
			code, msg := apierr.Status(err)
			writeError(w, code, msg)
			return
		}
		n, _ := run.Index.Count()
		writeJSON(w, http.StatusOK, map[string]any{"documents": n, "seconds": time.Since(start).Seconds()})
	}
}

// usageJSON sums LLM tokens over records.
type usageJSON struct {
	Records int         `json:"records"`
	Usage   store.Usage `json:"usage"`
	Total   int         `json:"total_tokens"`
}

// handleUsage answers the tokens spent: per kind of record and in all,
// with the per-page average, so a run's LLM cost is one request away.
func handleUsage(st *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var pages, sections usageJSON
		for _, p := range st.Pages() {
			pages.Records++
			pages.Usage = pages.Usage.Add(p.Usage)
		}
		for _, s := range st.Sections() {
			sections.Records++
			sections.Usage = sections.Usage.Add(s.Usage)
		}
		pages.Total, sections.Total = pages.Usage.Total(), sections.Usage.Total()
		all := pages.Total + sections.Total
		perPage := 0.0
		if pages.Records > 0 {
			perPage = float64(all) / float64(pages.Records)
		}
		writeJSON(w, http.StatusOK, map[string]any{"pages": pages, "sections": sections, "total_tokens": all, "tokens_per_page": perPage})
	}
}
