/*
 * summary.c - the counts `evident dedup REVIEW` prints and PRISMA needs:
 * records, clusters, records removed as duplicates, pairs by status, and
 * per source (import) how many records it brought and how many of those
 * were removed.
 */
#include "dedup_int.h"

#include "review_int.h"

void ev_dedup_summary_release(ev_dedup_summary *s)
{
    for (size_t i = 0; i < s->n_sources; i++)
        ev_free(s->sources[i].source);
    ev_free(s->sources);
    s->sources = NULL;
    s->n_sources = 0;
}

static ev_status count_pairs(ev_store *s, ev_dedup_summary *sum, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "SELECT status, decided_by IS NOT NULL, count(*) FROM "
                                   "dedup_pairs GROUP BY 1, 2",
                                   err);
    bool row = false;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        const char *status = ev_stmt_text(st, 0);
        uint64_t n = (uint64_t)ev_stmt_int(st, 2);
        if (ev_stmt_int(st, 1))
            sum->decided += n;
        if (strcmp(status, "auto") == 0)
            sum->auto_pairs += n;
        else if (strcmp(status, "pending") == 0)
            sum->pending += n;
        else if (strcmp(status, "related") == 0)
            sum->related += n;
    }
    ev_stmt_free(st);
    return rc;
}

static ev_dedup_source_count *source_row(ev_dedup_summary *sum, int64_t import_id)
{
    for (size_t i = 0; i < sum->n_sources; i++)
        if (sum->sources[i].import_id == import_id)
            return &sum->sources[i];
    return NULL;
}

static ev_status list_sources(ev_store *s, ev_dedup_summary *sum, ev_error *err)
{
    ev_import_row *rows = NULL;
    size_t n = 0;
    ev_status rc = ev_store_imports_list(s, &rows, &n, err);
    if (rc != EV_OK)
        return rc;
    sum->sources = ev_calloc(n ? n : 1, sizeof *sum->sources);
    if (sum->sources == NULL)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < n; i++) {
        ev_dedup_source_count *c = &sum->sources[sum->n_sources++];
        c->import_id = rows[i].id;
        c->source = ev_strdup(rows[i].source ? rows[i].source : "unknown");
        if (c->source == NULL)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_store_imports_free(rows, n);
    return rc;
}

/* Every import a record came in is counted for that source. */
static ev_status count_record(ev_store *s, ev_dedup_summary *sum, ev_id id, bool removed,
                              ev_error *err)
{
    ev_id *imports = NULL;
    size_t n = 0;
    ev_status rc = ev_store_record_imports(s, id, &imports, &n, err);
    for (size_t i = 0; rc == EV_OK && i < n; i++) {
        ev_dedup_source_count *c = source_row(sum, imports[i]);
        if (c) {
            c->records++;
            c->removed += removed;
        }
    }
    ev_free(imports);
    return rc;
}

static ev_status fill_summary(ev_store *s, const ev__dedup_view *v, ev_dedup_summary *sum,
                              ev_error *err)
{
    sum->records = v->n_ids;
    for (size_t i = 0; i < v->n_ids; i++)
        sum->clusters += v->cluster_of[i] == i;
    sum->merged = sum->records - sum->clusters;
    ev_status rc = list_sources(s, sum, err);
    for (size_t i = 0; rc == EV_OK && i < v->n_ids; i++)
        rc = count_record(s, sum, v->ids[i], v->cluster_of[i] != i, err);
    return rc;
}

ev_status ev__dedup_summarise(ev_store *s, const ev__dedup_view *v, ev_dedup_summary *sum,
                              ev_error *err)
{
    sum->new_records = v->new_records;
    ev_status rc = count_pairs(s, sum, err);
    return rc == EV_OK ? fill_summary(s, v, sum, err) : rc;
}

ev_status ev_dedup_review_summary(ev_store *s, ev_dedup_summary *sum, ev_error *err)
{
    memset(sum, 0, sizeof *sum);
    ev__dedup_view v = {0};
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev__dedup_view_load(s, NULL, &v, err);
    if (rc == EV_OK)
        rc = ev__dedup_recluster(s, &v, NULL, 0, NULL, err);
    if (rc == EV_OK)
        rc = ev__dedup_summarise(s, &v, sum, err);
    ev__dedup_view_release(&v);
    if (rc != EV_OK)
        ev_dedup_summary_release(sum);
    return rc;
}
