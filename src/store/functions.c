/*
 * functions.c - SQL functions the store registers on every connection, for
 * its own migration steps (so that a step stays one SQL script run in the
 * migration's transaction):
 *
 *   ev_record_bin_from_json(data): the record JSON of a schema-1 review's
 *   records.data as the binary encoding schema 2 keeps (record_bin.c);
 *   an error (damaged JSON) fails the step, and the migration rolls back.
 */
#include "store_int.h"

static void bin_from_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) { /* already converted */
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    const char *json = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    ev_record *rec = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_status st = ev_record_from_json(&rec, json ? json : "", n, &err);
    if (st == EV_OK)
        st = ev_record_to_bin(&b, rec);
    if (st == EV_OK && b.len <= INT_MAX)
        sqlite3_result_blob(ctx, b.ptr, (int)b.len, SQLITE_TRANSIENT);
    else if (st == EV_ENOMEM)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_error(ctx, st == EV_OK ? "record too large" : err.message, -1);
    ev_record_free(rec);
    ev_buf_release(&b);
}

ev_status ev__store_functions(ev_store *s, ev_error *err)
{
    int rc = sqlite3_create_function(s->db, "ev_record_bin_from_json", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, bin_from_json,
                                     NULL, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot register the store's functions");
    return EV_OK;
}
