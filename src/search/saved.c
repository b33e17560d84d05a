/*
 * saved.c - read back the documented searches a review keeps (saved by
 * ev_search_save), for the report's search section.
 */
#include "search_int.h"

void ev_search_saved_free(ev_search_saved *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        ev_free(r[i].source);
        ev_free(r[i].strategy);
        ev_free(r[i].run_at);
    }
    ev_free(r);
}

static ev_status add_row(ev_search_saved **out, size_t *n, ev_stmt *st, ev_error *err)
{
    ev_search_saved *g = ev_reallocarray(*out, *n + 1, sizeof **out);
    if (g == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    *out = g;
    ev_search_saved *x = &g[(*n)++];
    x->id = ev_stmt_int(st, 0);
    x->source = ev_strdup(ev_stmt_text(st, 1));
    x->strategy = ev_strdup(ev_stmt_text(st, 2));
    x->run_at = ev_strdup(ev_stmt_text(st, 3));
    x->records = (uint64_t)ev_stmt_int(st, 4);
    x->final_count = (uint64_t)ev_stmt_int(st, 5);
    if (!x->source || !x->strategy || !x->run_at)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return EV_OK;
}

ev_status ev_search_saved_list(ev_store *s, ev_search_saved **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_status rc = ev_store_ensure_schema(s, "search", ev__sq_schema, ev__sq_schema_steps, err);
    ev_stmt *st = NULL;
    bool row = false;
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st,
                             "SELECT id, source, strategy, run_at, records, final_count"
                             " FROM search_runs ORDER BY id",
                             err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        rc = add_row(out, n, st, err);
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_search_saved_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
