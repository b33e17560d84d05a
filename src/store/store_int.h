/*
 * store_int.h - what the files of the store module share: the ev_store and
 * ev_stmt structs (SQLite handles never leave src/store/), SQLite error
 * mapping, and the core schema.
 */
#ifndef EV_STORE_INT_H
#define EV_STORE_INT_H

#include "evident/ev_store.h"

#include <sqlite3.h>

/* 'EvId': PRAGMA application_id of every review file. */
#define EV__STORE_APP_ID 0x45764964

struct ev_store {
    sqlite3 *db;
    char *path;
    unsigned flags;
    int depth; /* open transactions: 1 = BEGIN, >1 = savepoints */
    struct ev__store_gate *gate; /* this file's writer queue (store.c), or NULL */
    bool gated;                  /* holding it: a write transaction is open */
};

struct ev_stmt {
    ev_store *s;
    sqlite3_stmt *st;
};

/* Map an SQLite result code to a status and set `err` with "what: sqlite's
 * message" (copied at once: the next call overwrites it). */
ev_status ev__store_fail(ev_store *s, ev_error *err, int rc, const char *what);
/* Prepare `sql` (SQLITE_PREPARE_PERSISTENT: statements reused per record). */
ev_status ev__store_prepare(ev_store *s, sqlite3_stmt **out, const char *sql, ev_error *err);
/* Step a statement that returns no rows, then reset it. */
ev_status ev__store_run(ev_store *s, sqlite3_stmt *st, const char *what, ev_error *err);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void ev__store_now(char out[32]);
/* Bind a string that may be NULL (SQLITE_STATIC: caller keeps it alive until
 * the statement is reset). */
int ev__store_bind(sqlite3_stmt *st, int i, const char *v);

/* Register the SQL functions the store's migration steps use
 * (functions.c). */
ev_status ev__store_functions(ev_store *s, ev_error *err);

/* Create schema_versions if needed and migrate the store's own tables
 * (module "store") forward; EV_ENEWER when the file is newer. */
ev_status ev__store_migrate_core(ev_store *s, ev_error *err);

/* Import internals for ev_store_import_file: hand over the parser's figures
 * (format, encoding, warnings) before commit; read the running counts. */
void ev__store_import_set_stats(ev_import *imp, const ev_parse_stats *stats);
/* The file's SHA-256, known only after parsing (import_file.c): refuse it
 * if an earlier import had it (unless `force`), else record it. */
ev_status ev__store_import_set_sha256(ev_import *imp, const char *sha256, bool force,
                                      ev_error *err);
void ev__store_import_counts(const ev_import *imp, uint64_t *added, uint64_t *replaced,
                             uint64_t *deleted);

#endif /* EV_STORE_INT_H */
