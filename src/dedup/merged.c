/*
 * merged.c - every record merged away into another, in one query: what a
 * caller filtering thousands of records needs instead of asking
 * ev_dedup_review_kept once per record (a statement prepared per record).
 */
#include "review_int.h"

#include "evident/ev_dedup.h"

ev_status ev_dedup_review_merged(ev_store *s, ev_id **out, size_t *n, ev_error *err)
{
    ev_stmt *st = NULL;
    size_t cap = 0;
    bool row = true;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st,
                             "SELECT record_id FROM dedup_members WHERE cluster <> record_id"
                             " ORDER BY record_id",
                             err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            ev_id *v = ev_reallocarray(*out, cap, sizeof *v);
            if (!v) {
                rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *out = v;
        }
        (*out)[(*n)++] = ev_stmt_int(st, 0);
    }
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
