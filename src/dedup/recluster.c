/*
 * recluster.c - clusters of a review rebuilt from its stored pairs: people's
 * "same" decisions first (they win over any automatic link they clash
 * with), then automatic pairs by descending score; membership written to
 * dedup_members.
 */
#include "dedup_int.h"

#include "review_int.h"

typedef struct links {
    ev_dedup_link *v;
    size_t n, cap;
} links;

static ev_status push(links *l, size_t a, size_t b)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        ev_dedup_link *v = ev_reallocarray(l->v, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (ev_dedup_link){a, b};
    return EV_OK;
}

/* Stored links whose records are still live (a tombstoned record drops
 * out of its cluster). */
static ev_status load_links(ev_store *s, const ev__dedup_view *v, links *l, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "SELECT a, b FROM dedup_pairs WHERE status IN ('same','auto') "
                                   "ORDER BY status = 'same' DESC, score DESC, id",
                                   err);
    bool row = false;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        size_t a, b;
        if (ev__dedup_view_index(v, ev_stmt_int(st, 0), &a) &&
            ev__dedup_view_index(v, ev_stmt_int(st, 1), &b) && push(l, a, b) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_stmt_free(st);
    return rc;
}

ev_status ev__dedup_recluster(ev_store *s, ev__dedup_view *v, const ev_dedup_link *extra,
                              size_t n_extra, size_t *refused, ev_error *err)
{
    links l = {0};
    ev_status rc = load_links(s, v, &l, err);
    for (size_t i = 0; rc == EV_OK && i < n_extra; i++)
        if (push(&l, extra[i].a, extra[i].b) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_free(v->cluster_of);
    v->cluster_of = ev_calloc(v->n_ids ? v->n_ids : 1, sizeof *v->cluster_of);
    if (rc == EV_OK && v->cluster_of == NULL)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == EV_OK)
        rc = ev_dedup_cluster(v->d, l.v, l.n, v->cluster_of, refused, err);
    ev_free(l.v);
    return rc;
}

ev_status ev__dedup_write_members(ev_store *s, const ev__dedup_view *v, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev_store_exec(s, "DELETE FROM dedup_members", err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st, "INSERT INTO dedup_members(record_id, cluster) "
                                     "VALUES (?1, ?2)",
                             err);
    /* Only merged records and their kept records get rows: a record with
     * no row is its own cluster. */
    bool *in_cluster = rc == EV_OK ? ev_calloc(v->n_ids ? v->n_ids : 1, sizeof *in_cluster)
                                   : NULL;
    if (rc == EV_OK && in_cluster == NULL)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < v->n_ids; i++)
        if (v->cluster_of[i] != i)
            in_cluster[i] = in_cluster[v->cluster_of[i]] = true;
    bool row;
    for (size_t i = 0; rc == EV_OK && i < v->n_ids; i++) {
        if (!in_cluster[i])
            continue;
        ev_stmt_reset(st);
        if (ev_stmt_bind_int(st, 1, v->ids[i]) != EV_OK ||
            ev_stmt_bind_int(st, 2, v->ids[v->cluster_of[i]]) != EV_OK)
            rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind cluster row");
        else
            rc = ev_stmt_step(st, &row, err);
    }
    ev_free(in_cluster);
    ev_stmt_free(st);
    return rc;
}
