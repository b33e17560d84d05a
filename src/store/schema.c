/*
 * schema.c - versioned schemas: every module (the store itself included)
 * declares its tables as an ordered list of migration steps; the version each
 * module's tables are at is kept in schema_versions. Migrations run forward
 * on open; a file from a newer evident is refused. Layout and column meanings:
 * docs/internals/store.md (other modules read records/records_fts/
 * record_imports directly, so those names never change).
 */
#include "store_int.h"

static const char core_v1[] =
    "CREATE TABLE meta("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT);"
    "CREATE TABLE imports("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  searched TEXT,"
    "  strategy TEXT,"
    "  file_name TEXT,"
    "  sha256 TEXT,"
    "  format TEXT,"
    "  encoding TEXT,"
    "  imported_at TEXT NOT NULL,"
    "  records INTEGER NOT NULL DEFAULT 0,"
    "  added INTEGER NOT NULL DEFAULT 0,"
    "  replaced INTEGER NOT NULL DEFAULT 0,"
    "  deleted INTEGER NOT NULL DEFAULT 0,"
    "  skipped INTEGER NOT NULL DEFAULT 0,"
    "  warnings INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX imports_sha256 ON imports(sha256);"
    "CREATE TABLE records("
    "  id INTEGER PRIMARY KEY,"
    "  pmid TEXT,"
    "  doi TEXT,"
    "  pmcid TEXT,"
    "  title TEXT,"
    "  title_norm TEXT,"
    "  authors_norm TEXT,"
    "  first_author_norm TEXT,"
    "  journal_norm TEXT,"
    "  year INTEGER,"
    "  pub_date TEXT,"
    "  format TEXT NOT NULL,"
    "  has_abstract INTEGER NOT NULL DEFAULT 0,"
    "  has_mesh INTEGER NOT NULL DEFAULT 0,"
    "  deleted INTEGER NOT NULL DEFAULT 0,"
    "  data TEXT NOT NULL,"
    "  raw TEXT);"
    "CREATE INDEX records_pmid ON records(pmid);"
    "CREATE INDEX records_doi ON records(doi);"
    "CREATE INDEX records_year ON records(year);"
    "CREATE TABLE record_imports("
    "  record_id INTEGER NOT NULL,"
    "  import_id INTEGER NOT NULL,"
    "  PRIMARY KEY(record_id, import_id)) WITHOUT ROWID;"
    "CREATE INDEX record_imports_import ON record_imports(import_id);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT,"
    "  action TEXT NOT NULL,"
    "  detail TEXT);"
    "CREATE VIRTUAL TABLE records_fts USING fts5("
    "  title, abstract, keywords, mesh,"
    "  tokenize = 'unicode61 remove_diacritics 2');";

/* v2: records.data holds the binary record encoding (record_bin.c) instead
 * of record JSON: reading records back was the cost of search indexing,
 * dedup and export (docs/internals/store.md, "record encoding"). */
static const char core_v2[] =
    "UPDATE records SET data = ev_record_bin_from_json(data) WHERE typeof(data) = 'text';";

static const char *const core_steps[] = {core_v1, core_v2};

/* schema_versions exists before any module's first step runs. */
static ev_status bootstrap(ev_store *s, ev_error *err)
{
    return ev_store_exec(s,
                         "CREATE TABLE IF NOT EXISTS schema_versions("
                         "  module TEXT PRIMARY KEY,"
                         "  version INTEGER NOT NULL)",
                         err);
}

static ev_status read_version(ev_store *s, const char *module, int64_t *out, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = 0;
    int rc = sqlite3_prepare_v2(s->db, "SELECT version FROM schema_versions WHERE module = ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *out = sqlite3_column_int64(st, 0);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    ev_status ret = EV_OK;
    if (rc != SQLITE_OK)
        ret = ev__store_fail(s, err, rc, "cannot read the schema version");
    sqlite3_finalize(st);
    return ret;
}

static ev_status write_version(ev_store *s, const char *module, int64_t v, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO schema_versions(module, version) VALUES (?1, ?2) "
                                "ON CONFLICT(module) DO UPDATE SET version = excluded.version",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, v);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    ev_status ret = EV_OK;
    if (rc != SQLITE_OK)
        ret = ev__store_fail(s, err, rc, "cannot record the schema version");
    sqlite3_finalize(st);
    if (ret == EV_OK && strcmp(module, "store") == 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %lld", (long long)v);
        ret = ev_store_exec(s, sql, err);
    }
    return ret;
}

static ev_status run_steps(ev_store *s, const char *module, const char *const *steps,
                           int64_t from, size_t n, ev_error *err)
{
    for (size_t i = (size_t)from; i < n; i++) {
        char *msg = NULL;
        int rc = sqlite3_exec(s->db, steps[i], NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            ev_status st = ev_error_set(err, rc == SQLITE_NOMEM ? EV_ENOMEM : EV_EINTERNAL,
                                        s->path, 0, 0, "%s schema step %zu failed: %s", module,
                                        i + 1, msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            return st;
        }
    }
    return write_version(s, module, (int64_t)n, err);
}

ev_status ev_store_ensure_schema(ev_store *s, const char *module, const char *const *steps,
                                 size_t n_steps, ev_error *err)
{
    int64_t v = 0;
    ev_status st = read_version(s, module, &v, err);
    if (st != EV_OK)
        return st;
    if (v > (int64_t)n_steps)
        return ev_error_set(err, EV_ENEWER, NULL, 0, 0,
                            "'%s' was written by a newer evident (%s schema %lld, this build "
                            "knows %zu): upgrade evident",
                            s->path, module, (long long)v, n_steps);
    if (v == (int64_t)n_steps)
        return EV_OK;
    if (s->flags & EV_STORE_READONLY)
        return ev_error_set(err, EV_EIO, NULL, 0, 0,
                            "'%s' needs its %s schema upgraded (version %lld to %zu): open it "
                            "for writing once",
                            s->path, module, (long long)v, n_steps);
    st = ev_store_begin(s, err);
    if (st != EV_OK)
        return st;
    st = bootstrap(s, err);
    if (st == EV_OK) /* re-read: another process may have migrated meanwhile */
        st = read_version(s, module, &v, err);
    if (st == EV_OK && v < (int64_t)n_steps)
        st = run_steps(s, module, steps, v, n_steps, err);
    if (st == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return st;
}

ev_status ev__store_migrate_core(ev_store *s, ev_error *err)
{
    if (!(s->flags & EV_STORE_READONLY)) {
        ev_status st = bootstrap(s, err);
        if (st != EV_OK)
            return st;
    }
    return ev_store_ensure_schema(s, "store", core_steps,
                                  sizeof core_steps / sizeof core_steps[0], err);
}
