/* sql.c - prepare-bind-step helpers over the store's statement API. */
#include "screen_int.h"

#include <string.h>

static ev_status bind_all(ev_stmt *st, const char *types, va_list ap)
{
    ev_status rc = EV_OK;
    for (int i = 0; types && types[i] && rc == EV_OK; i++) {
        if (types[i] == 'i') {
            rc = ev_stmt_bind_int(st, i + 1, va_arg(ap, int64_t));
        } else if (types[i] == 'd') {
            rc = ev_stmt_bind_double(st, i + 1, va_arg(ap, double));
        } else {
            const char *t = va_arg(ap, const char *);
            rc = t ? ev_stmt_bind_text(st, i + 1, t, strlen(t)) : ev_stmt_bind_null(st, i + 1);
        }
    }
    return rc;
}

static ev_status prepare_v(ev_store *s, ev_stmt **out, ev_error *err, const char *sql,
                           const char *types, va_list ap)
{
    *out = NULL;
    ev_status rc = ev_stmt_prepare(s, out, sql, err);
    if (rc != EV_OK)
        return rc;
    rc = bind_all(*out, types, ap);
    if (rc != EV_OK) {
        ev_stmt_free(*out);
        *out = NULL;
        return ev_error_set(err, rc, NULL, 0, 0, "cannot bind a screening query parameter");
    }
    return EV_OK;
}

ev_status ev__screen_prepare(ev_store *s, ev_stmt **out, ev_error *err, const char *sql,
                             const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    ev_status rc = prepare_v(s, out, err, sql, types, ap);
    va_end(ap);
    return rc;
}

ev_status ev__screen_exec(ev_store *s, ev_error *err, const char *sql, const char *types, ...)
{
    ev_stmt *st = NULL;
    va_list ap;
    va_start(ap, types);
    ev_status rc = prepare_v(s, &st, err, sql, types, ap);
    va_end(ap);
    bool row = false;
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    ev_stmt_free(st);
    return rc;
}

ev_status ev__screen_int(ev_store *s, int64_t *out, int64_t dflt, ev_error *err, const char *sql,
                         const char *types, ...)
{
    ev_stmt *st = NULL;
    va_list ap;
    va_start(ap, types);
    ev_status rc = prepare_v(s, &st, err, sql, types, ap);
    va_end(ap);
    bool row = false;
    *out = dflt;
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && row && !ev_stmt_is_null(st, 0))
        *out = ev_stmt_int(st, 0);
    ev_stmt_free(st);
    return rc;
}
