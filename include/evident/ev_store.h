/*
 * ev_store.h - a review is one SQLite file: records, their full-text index,
 * imports (sources), the audit log, and the tables of the modules above.
 *
 * SQLite's types never leave this module. Modules that own tables (dedup,
 * screen, chart, ...) declare their schema as an ordered list of migration
 * steps (ev_store_ensure_schema) and reach their tables through the prepared
 * statement API below; bound parameters only, never SQL built from input.
 *
 * Transactions: every import and every batch of decisions is one
 * transaction; on any error the review is left exactly as it was.
 *
 * Thread safety: an ev_store is used by one thread at a time. Several
 * processes (or several ev_stores) may open one review: WAL mode, with a busy
 * timeout so writers queue rather than fail.
 */
#ifndef EV_STORE_H
#define EV_STORE_H

#include "ev_core.h"
#include "ev_formats.h"
#include "ev_record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ev_store ev_store;
typedef int64_t ev_id;

enum {
    EV_STORE_READONLY = 1u << 0, /* open for reading only */
};

/* Create a new review file at `path` with a title (NULL = ""): WAL mode,
 * application_id set, the store's schema at its current version, an "init"
 * audit row. EV_EREFUSED if the file exists (never overwritten), EV_EIO if it
 * cannot be created (nothing is left behind), EV_ENOMEM. *out belongs to the
 * caller (free with ev_store_free). */
EV_EXTERN ev_status ev_store_create(ev_store **out, const char *path, const char *title,
                                    ev_error *err) EV_WARN_UNUSED;
/* Open an existing review, migrating the store's own schema forward (other
 * modules migrate theirs with ev_store_ensure_schema). `flags`:
 * EV_STORE_READONLY or 0. EV_ENOTFOUND if there is no file, EV_EINPUT if it
 * is not an evident review (text, empty, another SQLite database), EV_ENEWER
 * if a newer evident wrote it ("upgrade evident"), EV_EBUSY if another
 * writer holds it past the 5 s busy timeout, EV_EIO otherwise (including a
 * read-only open of a file that needs a migration). *out belongs to the
 * caller (ev_store_free). */
EV_EXTERN ev_status ev_store_open(ev_store **out, const char *path, unsigned flags,
                                  ev_error *err) EV_WARN_UNUSED;
/* Close and free. NULL is a no-op. An open transaction is rolled back. */
EV_EXTERN void ev_store_free(ev_store *s);
/* Borrowed path of the review file. */
EV_EXTERN const char *ev_store_path(const ev_store *s);

/* Review metadata: "title", "created" (UTC ISO 8601), "created_by" (evident
 * version); other modules use keys prefixed with their name. ev_store_meta_get
 * gives *out = NULL when the key is unset; the string belongs to the caller
 * (ev_free). ev_store_meta_set inserts or replaces (NULL value stores NULL),
 * inside the caller's transaction if one is open. EV_EIO/EV_EBUSY/EV_ENOMEM. */
EV_EXTERN ev_status ev_store_meta_get(ev_store *s, const char *key, char **out,
                                      ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_store_meta_set(ev_store *s, const char *key, const char *value,
                                      ev_error *err) EV_WARN_UNUSED;

/* ---- transactions ---------------------------------------------------------- */

/* Nestable: the outermost begin/commit is the real transaction (BEGIN
 * IMMEDIATE, so a second writer waits up to 5 s, then EV_EBUSY; handles of
 * one process to one file queue in turn, and the thread that began must be
 * the one that commits or rolls back), inner ones are savepoints. A rollback undoes to the matching begin. A failed commit
 * rolls back what it would have committed (the level is closed either way).
 * ev_store_commit without a begin is EV_EINTERNAL. */
EV_EXTERN ev_status ev_store_begin(ev_store *s, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_store_commit(ev_store *s, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_store_rollback(ev_store *s);
/* True inside ev_store_begin ... commit/rollback: what this handle reads may
 * include its own writes that are not committed yet (process-wide caches
 * keyed by the file must not learn from them). */
EV_EXTERN bool ev_store_in_transaction(const ev_store *s);

/* ---- module schemas ------------------------------------------------------- */

/* Bring `module`'s tables to version n_steps by running the steps not yet
 * applied (steps[i] takes the schema from version i to i+1), in one
 * transaction. EV_ENEWER if the file holds a newer version of the module's
 * schema than `n_steps`. Cheap when up to date (call it on every open). */
EV_EXTERN ev_status ev_store_ensure_schema(ev_store *s, const char *module,
                                           const char *const *steps, size_t n_steps,
                                           ev_error *err) EV_WARN_UNUSED;

/* ---- prepared statements ------------------------------------------------ */

typedef struct ev_stmt ev_stmt;

/* Prepare one SQL statement (bound parameters only: never SQL built from
 * input). A statement that does not compile is EV_EINTERNAL (a bug in the
 * caller's SQL); the message is SQLite's. *out belongs to the caller
 * (ev_stmt_free, before ev_store_free). The records, records_fts and
 * record_imports tables may be read directly: docs/internals/store.md. */
EV_EXTERN ev_status ev_stmt_prepare(ev_store *s, ev_stmt **out, const char *sql,
                                    ev_error *err) EV_WARN_UNUSED;
/* Bind parameter `i` (1-based). Text and blobs are copied. NULL text binds
 * NULL. EV_EUSAGE for an index out of range, EV_EINPUT for a value over
 * INT_MAX bytes, EV_ENOMEM. */
EV_EXTERN ev_status ev_stmt_bind_int(ev_stmt *st, int i, int64_t v) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_stmt_bind_double(ev_stmt *st, int i, double v) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_stmt_bind_text(ev_stmt *st, int i, const char *v, size_t n) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_stmt_bind_blob(ev_stmt *st, int i, const void *v, size_t n) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_stmt_bind_null(ev_stmt *st, int i) EV_WARN_UNUSED;
/* Run one step: *row is true when a row is available, false when done.
 * Errors: EV_EREFUSED (a constraint such as UNIQUE failed), EV_EBUSY,
 * EV_EIO, EV_ENOMEM, EV_EINTERNAL; reset the statement before reusing it. */
EV_EXTERN ev_status ev_stmt_step(ev_stmt *st, bool *row, ev_error *err) EV_WARN_UNUSED;
/* Column getters for the current row (0-based). Text/blob are borrowed until
 * the next step/reset/free; ev_stmt_text returns NULL for SQL NULL. */
EV_EXTERN int64_t ev_stmt_int(ev_stmt *st, int col);
EV_EXTERN double ev_stmt_double(ev_stmt *st, int col);
EV_EXTERN const char *ev_stmt_text(ev_stmt *st, int col);
EV_EXTERN const void *ev_stmt_blob(ev_stmt *st, int col);
EV_EXTERN size_t ev_stmt_bytes(ev_stmt *st, int col);
EV_EXTERN bool ev_stmt_is_null(ev_stmt *st, int col);
/* Read bytes [offset, offset + n) of the blob in `column` of the row with
 * rowid `rowid` of `table` (main database; names are the caller's constants,
 * never input) straight into buf (SQLite's incremental blob I/O: a large
 * value is not first copied whole, as ev_stmt_blob does). EV_EINPUT when the
 * row does not exist, the value is not a blob or text, or the range passes
 * its end; EV_EBUSY, EV_EIO, EV_ENOMEM. */
EV_EXTERN ev_status ev_store_blob_read(ev_store *s, const char *table, const char *column,
                                       int64_t rowid, size_t offset, void *buf, size_t n,
                                       ev_error *err) EV_WARN_UNUSED;
/* Reset for re-execution; bindings are kept. */
EV_EXTERN void ev_stmt_reset(ev_stmt *st);
EV_EXTERN void ev_stmt_free(ev_stmt *st);
/* Run SQL with no parameters (DDL in migrations; several statements may be
 * separated by ';'). Rows a statement returns are discarded. Same statuses
 * as ev_stmt_step. */
EV_EXTERN ev_status ev_store_exec(ev_store *s, const char *sql, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN int64_t ev_store_last_insert_id(ev_store *s);
EV_EXTERN int64_t ev_store_changes(ev_store *s);

/* ---- imports ------------------------------------------------------------- */

/* Where an import came from: what PRISMA-S asks to report. */
typedef struct ev_import_info {
    const char *source;     /* database name ("PubMed", "Embase"); NULL = "unknown" */
    const char *searched;   /* date searched, YYYY-MM-DD; may be NULL */
    const char *strategy;   /* the search strategy text; may be NULL */
    const char *file_name;  /* the file's name as given */
    const char *sha256;     /* of the file's bytes (hex) */
    bool force;             /* import even if this sha256 was imported before */
} ev_import_info;

typedef struct ev_import ev_import;

/* Start an import: opens the transaction (a savepoint if the caller has one
 * open) and writes the imports row. EV_EREFUSED when a file with the same
 * SHA-256 was imported before and !info->force (the message names the
 * earlier import); EV_EUSAGE on a read-only store; EV_EBUSY. *out belongs to
 * the caller until ev_store_import_commit or ev_store_import_abort. */
EV_EXTERN ev_status ev_store_import_begin(ev_store *s, ev_import **out,
                                          const ev_import_info *info,
                                          ev_error *err) EV_WARN_UNUSED;
/* Add one record (stored, normalised columns filled, FTS-indexed). A PubMed
 * record (format medline-xml or medline) whose PMID is already held by a
 * PubMed record in the review replaces it in place, keeping its id and
 * reviving a tombstone (MEDLINE update semantics); records from other
 * databases are always added (dedup decides about them). *out_id (may be
 * NULL) receives the id. The record is borrowed for the call. Errors:
 * EV_ENOMEM, EV_EIO (disk), EV_EBUSY. On error call ev_store_import_abort. */
EV_EXTERN ev_status ev_store_import_add(ev_import *imp, const ev_record *rec, ev_id *out_id,
                                        ev_error *err) EV_WARN_UNUSED;
/* Apply a DeleteCitation PMID to the PubMed record holding it: the record
 * is kept as a tombstone (deleted = 1), removed from the full-text index and
 * from every listing. Unknown PMIDs and records already deleted are ignored.
 * Errors as ev_store_import_add. */
EV_EXTERN ev_status ev_store_import_delete(ev_import *imp, const char *pmid,
                                           ev_error *err) EV_WARN_UNUSED;
/* Record the counts and commit. Frees imp whatever the outcome (on failure
 * everything is rolled back). */
EV_EXTERN ev_status ev_store_import_commit(ev_import *imp, ev_id *out_import_id,
                                           ev_error *err) EV_WARN_UNUSED;
/* Roll back and free. NULL is a no-op. */
EV_EXTERN void ev_store_import_abort(ev_import *imp);

typedef struct ev_import_summary {
    ev_id import_id;
    ev_parse_stats parse;
    uint64_t added;    /* new records */
    uint64_t replaced; /* records whose PMID was already present */
    uint64_t deleted;  /* tombstoned by DeleteCitation */
    char sha256[65];
} ev_import_summary;

/* Parse, hash and import one file as one transaction: on any error (bad
 * input, refused duplicate, cancelled progress) the review is unchanged.
 * `info` may be NULL; `info->sha256` and `info->file_name` are filled from
 * `path` when NULL (the hash is taken in the parser's pass over the file, so
 * a duplicate is refused after parsing, before anything is committed). `warn`/`progress` may be NULL; `progress` gets bytes read
 * of the total, and while it runs out->added/replaced/deleted and
 * out->parse.records hold the running counts (so a progress callback whose
 * payload can see `out` may show records/s). `out` may be NULL. Statuses:
 * EV_EREFUSED (same SHA-256 imported before, !force), EV_EINPUT (bad file,
 * with file:line:col), EV_EIO, EV_ECANCEL, EV_EBUSY, EV_ENOMEM. */
EV_EXTERN ev_status ev_store_import_file(ev_store *s, const char *path, const ev_import_info *info,
                                         const ev_parse_options *opts, ev_warn_fn warn,
                                         ev_progress_fn progress, void *payload,
                                         ev_import_summary *out, ev_error *err) EV_WARN_UNUSED;

/* One row of the imports table, in import order. Strings are NULL when
 * unknown. ev_store_imports_list gives a caller-owned array (*out may be NULL
 * when *n is 0), freed with ev_store_imports_free (NULL is a no-op).
 * EV_EIO/EV_ENOMEM. */
typedef struct ev_import_row {
    ev_id id;
    char *source, *searched, *strategy, *file_name, *sha256, *format, *imported_at;
    uint64_t records, added, replaced, deleted;
} ev_import_row;

EV_EXTERN ev_status ev_store_imports_list(ev_store *s, ev_import_row **out, size_t *n,
                                          ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_store_imports_free(ev_import_row *rows, size_t n);

/* ---- records ------------------------------------------------------------- */

/* Load a record: its fields from the stored record JSON, and `raw` when the
 * store keeps it (tagged text formats; not XML: docs/internals/store.md).
 * *out belongs to the caller (ev_record_free). EV_ENOTFOUND if no live record
 * has that id (tombstones included); EV_EIO if the stored JSON is damaged. */
EV_EXTERN ev_status ev_store_record_get(ev_store *s, ev_id id, ev_record **out,
                                        ev_error *err) EV_WARN_UNUSED;

/* Visit every live record in id order. The record is borrowed for the call
 * (one at a time: memory stays flat). `fn` may write to the review through
 * this store (same connection). A non-EV_OK return from `fn` stops the walk
 * and is returned (fn fills `err` itself if it wants a message). */
typedef ev_status (*ev_record_visit_fn)(ev_id id, const ev_record *rec, void *payload);
EV_EXTERN ev_status ev_store_records_foreach(ev_store *s, ev_record_visit_fn fn, void *payload,
                                             ev_error *err) EV_WARN_UNUSED;

/* The import (source) a record came from first: min(import id) over its
 * imports. EV_ENOTFOUND if the record is in no import. */
EV_EXTERN ev_status ev_store_record_import(ev_store *s, ev_id id, ev_id *out,
                                           ev_error *err) EV_WARN_UNUSED;

/* Every import a record was seen in, ascending. *out belongs to the caller
 * (ev_free); *n may be 0 (records added outside an import). */
EV_EXTERN ev_status ev_store_record_imports(ev_store *s, ev_id id, ev_id **out, size_t *n,
                                            ev_error *err) EV_WARN_UNUSED;

typedef struct ev_store_stats {
    uint64_t records;       /* live records */
    uint64_t tombstones;    /* deleted by DeleteCitation */
    uint64_t imports;
    uint64_t with_abstract, with_doi, with_pmid, with_mesh, without_year;
    int year_min, year_max; /* 0 when no record has a year */
} ev_store_stats;

/* Counts over the live records and the imports table (one query). */
EV_EXTERN ev_status ev_store_stats_get(ev_store *s, ev_store_stats *out,
                                       ev_error *err) EV_WARN_UNUSED;

/* ---- audit log --------------------------------------------------------------- */

/* Append to the audit log (who, what, details as JSON text or NULL). Runs
 * inside the caller's transaction if one is open. */
EV_EXTERN ev_status ev_store_audit(ev_store *s, const char *actor, const char *action,
                                   const char *detail_json, ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_STORE_H */
