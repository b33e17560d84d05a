/*
 * ev_search.h - the PubMed query language run locally over a review's
 * records (spec: shared/spec/pubmed-query.md, Part A).
 *
 * Four pieces:
 *  - ev_query: a parsed query (lexer + parser -> syntax tree), its
 *    canonical translation (A11) and the parse warnings (A14);
 *  - ev_mesh: the MeSH vocabulary (descriptors, tree numbers, entry terms)
 *    used to resolve and explode [mh]/[majr] terms (A6);
 *  - ev_search_index: an in-memory inverted index over records (token
 *    positions per field instance, MeSH headings, dates, authors, ...);
 *  - ev_search_session: a search history (#n) over one index; running a
 *    query or a numbered strategy gives result sets (sorted record ids) and
 *    PubMed-style search details.
 *
 * Errors in a query are EV_EINPUT with the message starting with the spec's
 * code ("E-PAREN: ..."), err->input = "query", line 1 and err->column the
 * 1-based character column of the offending position (ev_search_caret draws
 * the caret line).
 *
 * Thread safety: objects are used by one thread at a time; a built index and
 * a loaded vocabulary are read-only during searches and may be shared by
 * several sessions in several threads.
 */
#ifndef EV_SEARCH_H
#define EV_SEARCH_H

#include "ev_core.h"
#include "ev_record.h"
#include "ev_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- notes: warnings and search details ------------------------------------- */

/* One warning (code "W-LOWEROP", ...) or detail line (code "" for a plain
 * search-details line, "N-..." for an evident note about a surprise). */
typedef struct ev_search_note {
    const char *code;
    const char *text;
} ev_search_note;

/* ---- MeSH vocabulary ---------------------------------------------------------- */

typedef struct ev_mesh ev_mesh;

/* Path of the bundled vocabulary (data/mesh/mesh2024.tsv): $EVIDENT_MESH when
 * set, else the copy in the source tree. Static string. */
EV_EXTERN const char *ev_mesh_default_path(void);
/* Load a vocabulary file: one descriptor per line, tab-separated UI, name,
 * tree numbers ('|'-joined), entry terms ('|'-joined); a first line starting
 * with '#' or "DescriptorUI" is skipped (so shared/data/mesh's uncompressed
 * descriptor TSVs load too). *out belongs to the caller (ev_mesh_free).
 * EV_ENOTFOUND/EV_EIO when unreadable, EV_EINPUT (file:line) when malformed,
 * EV_ENOMEM. */
EV_EXTERN ev_status ev_mesh_load(ev_mesh **out, const char *path, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_mesh_free(ev_mesh *m);
EV_EXTERN size_t ev_mesh_count(const ev_mesh *m);
/* Resolve a heading as written in a query or a record (A6.1): exact
 * case-insensitive name, else entry term. Returns the descriptor index or
 * SIZE_MAX. */
EV_EXTERN size_t ev_mesh_find(const ev_mesh *m, const char *term);
/* Borrowed UI / name of descriptor `i`. */
EV_EXTERN const char *ev_mesh_ui(const ev_mesh *m, size_t i);
EV_EXTERN const char *ev_mesh_name(const ev_mesh *m, size_t i);
/* The explosion of descriptor `i` (A6.2): `i` and every descriptor with a
 * tree number at or under one of i's, sorted by index, no duplicates.
 * *out belongs to the caller (ev_free). EV_ENOMEM. */
EV_EXTERN ev_status ev_mesh_explode(const ev_mesh *m, size_t i, size_t **out,
                                    size_t *n) EV_WARN_UNUSED;

/* ---- queries -------------------------------------------------------------- */

typedef struct ev_query ev_query;

/* Parse `text` (UTF-8). *out belongs to the caller (ev_query_free).
 * EV_EINPUT with a positioned error (see above), EV_ENOMEM. History
 * references are checked when the query is run, not here. */
EV_EXTERN ev_status ev_query_parse(ev_query **out, const char *text, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_query_free(ev_query *q);
/* Append the canonical translation (A11) to `out`; history references print
 * as "#n" (sessions expand them). */
EV_EXTERN ev_status ev_query_canonical(const ev_query *q, ev_buf *out) EV_WARN_UNUSED;
/* Parse-time warnings (W-LOWEROP, W-ATM-OFF, ...), borrowed from q. */
EV_EXTERN const ev_search_note *ev_query_warnings(const ev_query *q, size_t *n);

/* Append the query and a caret line under 1-based character `column`:
 * "  QUERY\n  ^\n" (prefix = two spaces). */
EV_EXTERN ev_status ev_search_caret(ev_buf *out, const char *query, size_t column) EV_WARN_UNUSED;

/* ---- index ------------------------------------------------------------------ */

typedef struct ev_search_index ev_search_index;

/* An empty index. `mesh` (may be NULL: no explosion, W-NOVOCAB) is borrowed
 * and must outlive the index. *out belongs to the caller. EV_ENOMEM. */
EV_EXTERN ev_status ev_search_index_new(ev_search_index **out, const ev_mesh *mesh) EV_WARN_UNUSED;
EV_EXTERN void ev_search_index_free(ev_search_index *ix);
/* Index one record under record id `id` (ids must be added in increasing
 * order). A record whose PMID is already indexed counts once (A12.2): its
 * fields join the earlier record's. EV_ENOMEM, EV_EUSAGE for ids out of
 * order. */
EV_EXTERN ev_status ev_search_index_add(ev_search_index *ix, ev_id id,
                                        const ev_record *rec) EV_WARN_UNUSED;
/* Build the index of every live record of a review (progress in records). */
EV_EXTERN ev_status ev_search_index_from_store(ev_search_index **out, ev_store *s,
                                               const ev_mesh *mesh, ev_progress_fn progress,
                                               void *payload, ev_error *err) EV_WARN_UNUSED;
/* Like ev_search_index_from_store, but first tries the index cached in the
 * review (tables search_index, search_index_info): it is used when nothing
 * changed since it was saved (same last import, live record count, last
 * record id, last audit entry of other modules, and the same vocabulary:
 * `mesh_id` names it, e.g. its path; may be NULL). Otherwise the index is
 * built and, when `save_cache` is true and the review is writable, saved
 * for next time (a failure to save is not an error). *out_cached (may be
 * NULL) says whether the cache was used. Same statuses as
 * ev_search_index_from_store.
 * An index read from the cache decodes its long posting lists when a query
 * first needs them: it borrows `s`, which must stay open until the index is
 * freed, and a search may then fail with EV_EINPUT if a list's row turns out
 * damaged (the cache is then marked stale, so the next open rebuilds it). An
 * index is used by one thread at a time. */
EV_EXTERN ev_status ev_search_index_open(ev_search_index **out, ev_store *s, const ev_mesh *mesh,
                                         const char *mesh_id, bool save_cache,
                                         ev_progress_fn progress, void *payload,
                                         bool *out_cached, ev_error *err) EV_WARN_UNUSED;
/* Searchable documents (distinct keys) and how many have no MeSH. */
EV_EXTERN size_t ev_search_index_docs(const ev_search_index *ix);
EV_EXTERN size_t ev_search_index_docs_without_mesh(const ev_search_index *ix);

/* ---- sessions, results, strategies ---------------------------------------- */

typedef struct ev_search_session ev_search_session;

typedef struct ev_search_result {
    size_t line;          /* history number (#line) */
    char *query;          /* as given */
    char *canonical;      /* A11 translation, history references expanded */
    ev_id *ids;           /* matching record ids (one per key), ascending */
    size_t count;
    ev_search_note *notes; /* warnings and search details, in order */
    size_t n_notes;
} ev_search_result;

/* A session over `ix` (borrowed; must outlive the session). The first
 * session sorts the index's key tables (not thread-safe with other sessions
 * created at the same time on the same index). EV_ENOMEM. */
EV_EXTERN ev_status ev_search_session_new(ev_search_session **out,
                                          ev_search_index *ix) EV_WARN_UNUSED;
EV_EXTERN void ev_search_session_free(ev_search_session *s);
/* Parse and run one query, append it to the history. The result is borrowed
 * from the session (valid until the session is freed). EV_EINPUT for a bad
 * query (positioned error, E-HISTREF for a missing #n), EV_ENOMEM. On error
 * the history is unchanged. */
EV_EXTERN ev_status ev_search_run(ev_search_session *s, const char *query,
                                  const ev_search_result **out, ev_error *err) EV_WARN_UNUSED;
/* History so far (borrowed). */
EV_EXTERN const ev_search_result *ev_search_history(const ev_search_session *s, size_t *n);

/* Run a numbered strategy (A9.4): lines "#1 q", "1. q", "1 q", "1<TAB>q", a
 * pasted table row "TITLE<TAB>#1<TAB>q", or bare queries numbered in order;
 * blank lines are skipped. Each line's number must equal its history
 * position. Errors name the strategy line: err->line = line of the file,
 * err->column = column in that line. The session must be empty. */
EV_EXTERN ev_status ev_search_run_strategy(ev_search_session *s, const char *name,
                                           const char *text, ev_error *err) EV_WARN_UNUSED;

/* Save the session's history into the review as the documented search of
 * `source` (own tables: search_runs, search_lines): strategy text, per-line
 * query, canonical form and count, date run (UTC). One transaction. *out_id
 * (may be NULL) gets the run id. */
EV_EXTERN ev_status ev_search_save(ev_store *st, const ev_search_session *s, const char *source,
                                   const char *strategy_text, ev_id *out_id,
                                   ev_error *err) EV_WARN_UNUSED;

/* A documented search kept in the review (ev_search_save): source, the
 * strategy text, when it was run (UTC, ISO 8601), the records searched and
 * the count of its last line. */
typedef struct ev_search_saved {
    ev_id id;
    char *source, *strategy, *run_at;
    uint64_t records, final_count;
} ev_search_saved;
/* Every saved search, oldest first (creates the module's tables when
 * missing). *out is caller-owned (ev_search_saved_free). EV_EIO, EV_ENOMEM. */
EV_EXTERN ev_status ev_search_saved_list(ev_store *s, ev_search_saved **out, size_t *n,
                                         ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_search_saved_free(ev_search_saved *r, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* EV_SEARCH_H */
