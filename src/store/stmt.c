/*
 * stmt.c - the prepared-statement API other modules use to reach their own
 * tables (and to read records/records_fts) without seeing SQLite's types.
 */
#include "store_int.h"

ev_status ev_stmt_prepare(ev_store *s, ev_stmt **out, const char *sql, ev_error *err)
{
    *out = NULL;
    ev_stmt *st = ev_calloc(1, sizeof *st);
    if (st == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st->st, &tail);
    if (rc != SQLITE_OK) {
        ev_free(st);
        ev_status ret = ev__store_fail(s, err, rc, "cannot prepare a statement");
        return ret == EV_EINPUT || ret == EV_EREFUSED ? EV_EINTERNAL : ret;
    }
    if (st->st == NULL) { /* empty SQL */
        ev_free(st);
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "empty sql statement");
    }
    st->s = s;
    *out = st;
    return EV_OK;
}

static ev_status bind_status(int rc)
{
    switch (rc) {
    case SQLITE_OK: return EV_OK;
    case SQLITE_NOMEM: return EV_ENOMEM;
    case SQLITE_TOOBIG: return EV_EINPUT;
    case SQLITE_RANGE: return EV_EUSAGE;
    default: return EV_EINTERNAL;
    }
}

ev_status ev_stmt_bind_int(ev_stmt *st, int i, int64_t v)
{
    return bind_status(sqlite3_bind_int64(st->st, i, v));
}

ev_status ev_stmt_bind_double(ev_stmt *st, int i, double v)
{
    return bind_status(sqlite3_bind_double(st->st, i, v));
}

ev_status ev_stmt_bind_text(ev_stmt *st, int i, const char *v, size_t n)
{
    if (v == NULL)
        return ev_stmt_bind_null(st, i);
    if (n > INT_MAX)
        return EV_EINPUT;
    return bind_status(sqlite3_bind_text(st->st, i, v, (int)n, SQLITE_TRANSIENT));
}

ev_status ev_stmt_bind_blob(ev_stmt *st, int i, const void *v, size_t n)
{
    if (v == NULL)
        return ev_stmt_bind_null(st, i);
    if (n > INT_MAX)
        return EV_EINPUT;
    return bind_status(sqlite3_bind_blob(st->st, i, v, (int)n, SQLITE_TRANSIENT));
}

ev_status ev_stmt_bind_null(ev_stmt *st, int i)
{
    return bind_status(sqlite3_bind_null(st->st, i));
}

ev_status ev_stmt_step(ev_stmt *st, bool *row, ev_error *err)
{
    *row = false;
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW) {
        *row = true;
        return EV_OK;
    }
    if (rc == SQLITE_DONE)
        return EV_OK;
    return ev__store_fail(st->s, err, rc, "statement failed");
}

int64_t ev_stmt_int(ev_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

double ev_stmt_double(ev_stmt *st, int col)
{
    return sqlite3_column_double(st->st, col);
}

const char *ev_stmt_text(ev_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->st, col);
}

const void *ev_stmt_blob(ev_stmt *st, int col)
{
    return sqlite3_column_blob(st->st, col);
}

size_t ev_stmt_bytes(ev_stmt *st, int col)
{
    return (size_t)sqlite3_column_bytes(st->st, col);
}

bool ev_stmt_is_null(ev_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void ev_stmt_reset(ev_stmt *st)
{
    sqlite3_reset(st->st);
}

void ev_stmt_free(ev_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_finalize(st->st);
    ev_free(st);
}

ev_status ev_store_blob_read(ev_store *s, const char *table, const char *column, int64_t rowid,
                             size_t offset, void *buf, size_t n, ev_error *err)
{
    sqlite3_blob *b = NULL;
    int rc = sqlite3_blob_open(s->db, "main", table, column, rowid, 0, &b);
    if (rc != SQLITE_OK) {
        sqlite3_blob_close(b);
        if (rc == SQLITE_ERROR) /* no such row, or not a blob or text */
            return ev_error_set(err, EV_EINPUT, ev_store_path(s), 0, 0,
                                "cannot read %s.%s of row %lld: %s", table, column,
                                (long long)rowid, sqlite3_errmsg(s->db));
        return ev__store_fail(s, err, rc, "cannot open a blob");
    }
    size_t size = (size_t)sqlite3_blob_bytes(b);
    if (offset > size || n > size - offset || n > INT_MAX) {
        sqlite3_blob_close(b);
        return ev_error_set(err, EV_EINPUT, ev_store_path(s), 0, 0,
                            "%s.%s of row %lld has %zu bytes, not %zu at %zu", table, column,
                            (long long)rowid, size, n, offset);
    }
    rc = n ? sqlite3_blob_read(b, buf, (int)n, (int)offset) : SQLITE_OK;
    sqlite3_blob_close(b);
    return rc == SQLITE_OK ? EV_OK : ev__store_fail(s, err, rc, "cannot read a blob");
}
