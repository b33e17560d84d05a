/*
 * records.c - reading the review back: records (from their stored binary
 * encoding, record_bin.c, plus the raw source text), the imports table and summary statistics.
 */
#include "store_int.h"

/* Build a record from a row whose columns `data` and `raw` are given. */
static ev_status load_row(ev_store *s, sqlite3_stmt *st, int data_col, int raw_col,
                          ev_record **out, ev_error *err)
{
    const void *data = sqlite3_column_blob(st, data_col);
    size_t n = (size_t)sqlite3_column_bytes(st, data_col);
    ev_record *rec = NULL;
    ev_error jerr = EV_ERROR_INIT;
    ev_status ret = ev_record_from_bin(&rec, data ? data : "", n, &jerr);
    if (ret != EV_OK)
        return ev_error_set(err, ret == EV_ENOMEM ? EV_ENOMEM : EV_EIO, s->path, 0, 0,
                            "record %lld is damaged: %s",
                            (long long)sqlite3_column_int64(st, 0), jerr.message);
    if (sqlite3_column_type(st, raw_col) != SQLITE_NULL) {
        const void *raw = sqlite3_column_blob(st, raw_col);
        size_t len = (size_t)sqlite3_column_bytes(st, raw_col);
        char *copy = ev_arena_strndup(rec->arena, raw ? raw : "", len);
        if (copy == NULL) {
            ev_record_free(rec);
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        }
        rec->raw = copy;
        rec->raw_len = len;
    }
    *out = rec;
    return EV_OK;
}

ev_status ev_store_record_get(ev_store *s, ev_id id, ev_record **out, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT id, data, raw FROM records WHERE id = ?1 AND deleted = 0",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot read records");
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    ev_status ret;
    if (rc == SQLITE_ROW)
        ret = load_row(s, st, 1, 2, out, err);
    else if (rc == SQLITE_DONE)
        ret = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no record %lld in '%s'",
                           (long long)id, s->path);
    else
        ret = ev__store_fail(s, err, rc, "cannot read records");
    sqlite3_finalize(st);
    return ret;
}

ev_status ev_store_records_foreach(ev_store *s, ev_record_visit_fn fn, void *payload,
                                   ev_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT id, data, raw FROM records WHERE deleted = 0 ORDER BY id", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot read records");
    ev_status ret = EV_OK;
    while (ret == EV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ev_record *rec = NULL;
        ret = load_row(s, st, 1, 2, &rec, err);
        if (ret == EV_OK)
            ret = fn(sqlite3_column_int64(st, 0), rec, payload);
        ev_record_free(rec);
    }
    if (ret == EV_OK && rc != SQLITE_DONE)
        ret = ev__store_fail(s, err, rc, "cannot read records");
    sqlite3_finalize(st);
    return ret;
}

ev_status ev_store_record_import(ev_store *s, ev_id id, ev_id *out, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = 0;
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT min(import_id) FROM record_imports WHERE record_id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot read imports");
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    ev_status ret = EV_OK;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        ret = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no record %lld in '%s'",
                           (long long)id, s->path);
    else
        ret = ev__store_fail(s, err, rc, "cannot read imports");
    sqlite3_finalize(st);
    return ret;
}

ev_status ev_store_record_imports(ev_store *s, ev_id id, ev_id **out, size_t *n, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT import_id FROM record_imports WHERE record_id = ?1 "
                                "ORDER BY import_id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot read imports");
    sqlite3_bind_int64(st, 1, id);
    ev_id *ids = NULL;
    size_t count = 0;
    ev_status ret = EV_OK;
    while (ret == EV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ev_id *p = ev_reallocarray(ids, count + 1, sizeof *p);
        if (p == NULL) {
            ret = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        ids = p;
        ids[count++] = sqlite3_column_int64(st, 0);
    }
    if (ret == EV_OK && rc != SQLITE_DONE)
        ret = ev__store_fail(s, err, rc, "cannot read imports");
    sqlite3_finalize(st);
    if (ret != EV_OK) {
        ev_free(ids);
        return ret;
    }
    *out = ids;
    *n = count;
    return EV_OK;
}

/* ---- statistics ---------------------------------------------------------------- */

static const char stats_sql[] =
    "SELECT count(*) FILTER (WHERE deleted = 0),"
    "       count(*) FILTER (WHERE deleted = 1),"
    "       count(*) FILTER (WHERE deleted = 0 AND has_abstract),"
    "       count(*) FILTER (WHERE deleted = 0 AND doi IS NOT NULL),"
    "       count(*) FILTER (WHERE deleted = 0 AND pmid IS NOT NULL),"
    "       count(*) FILTER (WHERE deleted = 0 AND has_mesh),"
    "       count(*) FILTER (WHERE deleted = 0 AND year IS NULL),"
    "       min(year) FILTER (WHERE deleted = 0),"
    "       max(year) FILTER (WHERE deleted = 0),"
    "       (SELECT count(*) FROM imports)"
    "  FROM records";

ev_status ev_store_stats_get(ev_store *s, ev_store_stats *out, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    int rc = sqlite3_prepare_v2(s->db, stats_sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return ev__store_fail(s, err, rc, "cannot count records");
    }
    out->records = (uint64_t)sqlite3_column_int64(st, 0);
    out->tombstones = (uint64_t)sqlite3_column_int64(st, 1);
    out->with_abstract = (uint64_t)sqlite3_column_int64(st, 2);
    out->with_doi = (uint64_t)sqlite3_column_int64(st, 3);
    out->with_pmid = (uint64_t)sqlite3_column_int64(st, 4);
    out->with_mesh = (uint64_t)sqlite3_column_int64(st, 5);
    out->without_year = (uint64_t)sqlite3_column_int64(st, 6);
    out->year_min = sqlite3_column_int(st, 7);
    out->year_max = sqlite3_column_int(st, 8);
    out->imports = (uint64_t)sqlite3_column_int64(st, 9);
    sqlite3_finalize(st);
    return EV_OK;
}

/* ---- imports ------------------------------------------------------------------- */

void ev_store_imports_free(ev_import_row *rows, size_t n)
{
    if (rows == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        ev_import_row *r = &rows[i];
        char *strs[] = {r->source, r->searched,  r->strategy,   r->file_name,
                        r->sha256, r->format,    r->imported_at};
        for (size_t j = 0; j < sizeof strs / sizeof strs[0]; j++)
            ev_free(strs[j]);
    }
    ev_free(rows);
}

/* Copy a text column: NULL stays NULL; *ok turns false on ENOMEM. */
static char *dup_col(sqlite3_stmt *st, int c, bool *ok)
{
    if (sqlite3_column_type(st, c) == SQLITE_NULL)
        return NULL;
    char *p = ev_strdup((const char *)sqlite3_column_text(st, c));
    if (p == NULL)
        *ok = false;
    return p;
}

static bool fill_row(sqlite3_stmt *st, ev_import_row *r)
{
    bool ok = true;
    r->id = sqlite3_column_int64(st, 0);
    r->source = dup_col(st, 1, &ok);
    r->searched = dup_col(st, 2, &ok);
    r->strategy = dup_col(st, 3, &ok);
    r->file_name = dup_col(st, 4, &ok);
    r->sha256 = dup_col(st, 5, &ok);
    r->format = dup_col(st, 6, &ok);
    r->imported_at = dup_col(st, 7, &ok);
    r->records = (uint64_t)sqlite3_column_int64(st, 8);
    r->added = (uint64_t)sqlite3_column_int64(st, 9);
    r->replaced = (uint64_t)sqlite3_column_int64(st, 10);
    r->deleted = (uint64_t)sqlite3_column_int64(st, 11);
    return ok;
}

ev_status ev_store_imports_list(ev_store *s, ev_import_row **out, size_t *n, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT id, source, searched, strategy, file_name, sha256, "
                                "format, imported_at, records, added, replaced, deleted "
                                "FROM imports ORDER BY id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot read imports");
    ev_import_row *rows = NULL;
    size_t count = 0, cap = 0;
    ev_status ret = EV_OK;
    while (ret == EV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            ev_import_row *p = ev_reallocarray(rows, ncap, sizeof *p);
            if (p == NULL) {
                ret = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            rows = p;
            cap = ncap;
        }
        memset(&rows[count], 0, sizeof rows[count]);
        if (!fill_row(st, &rows[count++]))
            ret = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (ret == EV_OK && rc != SQLITE_DONE)
        ret = ev__store_fail(s, err, rc, "cannot read imports");
    sqlite3_finalize(st);
    if (ret != EV_OK) {
        ev_store_imports_free(rows, count);
        return ret;
    }
    *out = rows;
    *n = count;
    return EV_OK;
}
