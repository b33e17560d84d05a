/*
 * evaluate.c - automatic clustering and the labelled-set evaluation behind
 * the tests and `evident dedup --evaluate`: parse a labelled export,
 * deduplicate it, and score the merges against its ground-truth column.
 */
#include "dedup_int.h"

#include "evident/ev_formats.h"

static int cmp_score_desc(const void *x, const void *y)
{
    const ev_dedup_pair *a = *(const ev_dedup_pair *const *)x;
    const ev_dedup_pair *b = *(const ev_dedup_pair *const *)y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    if (a->a != b->a)
        return (a->a > b->a) - (a->a < b->a);
    return (a->b > b->b) - (a->b < b->b);
}

ev_status ev_dedup_cluster_auto(const ev_dedup *d, size_t *cluster_of, size_t *refused,
                                ev_error *err)
{
    size_t n = 0;
    const ev_dedup_pair **same = ev_calloc(d->n_pairs ? d->n_pairs : 1, sizeof *same);
    ev_dedup_link *links = ev_calloc(d->n_pairs ? d->n_pairs : 1, sizeof *links);
    ev_status st = EV_OK;
    if (same == NULL || links == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory while clustering");
        goto done;
    }
    for (size_t i = 0; i < d->n_pairs; i++)
        if (d->pairs[i].verdict == EV_DEDUP_SAME)
            same[n++] = &d->pairs[i];
    /* Strongest evidence first: a weak link loses to a DOI it would clash with. */
    qsort(same, n, sizeof *same, cmp_score_desc);
    for (size_t i = 0; i < n; i++)
        links[i] = (ev_dedup_link){same[i]->a, same[i]->b};
    st = ev_dedup_cluster(d, links, n, cluster_of, refused, err);
done:
    ev_free(same);
    ev_free(links);
    return st;
}

/* Ground-truth labels as strings, interned by position. */
typedef struct labelled {
    ev_dedup *d;
    const char *field;
    char **labels;
    size_t n, cap;
    const char *path;
    ev_error *err;
} labelled;

static const char *extra_value(const ev_record *rec, const char *key)
{
    for (size_t i = 0; i < rec->n_extra; i++)
        if (strcmp(rec->extra[i].key, key) == 0)
            return rec->extra[i].value;
    return NULL;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    labelled *l = payload;
    const char *truth = extra_value(rec, l->field);
    if (truth == NULL)
        return ev_error_set(l->err, EV_EINPUT, l->path, rec->source_line, 0,
                            "record has no '%s' column", l->field);
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        char **v = ev_reallocarray(l->labels, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        l->labels = v;
        l->cap = cap;
    }
    if ((l->labels[l->n] = ev_strdup(truth)) == NULL)
        return EV_ENOMEM;
    l->n++;
    return ev_dedup_add(l->d, rec, 0, true, NULL);
}

typedef struct label_idx {
    const char *s;
    size_t idx;
} label_idx;

static int cmp_label(const void *x, const void *y)
{
    const label_idx *a = x, *b = y;
    int c = strcmp(a->s, b->s);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* truth[i] = index of the first record carrying record i's label. */
static ev_status labels_to_truth(const labelled *l, size_t *truth)
{
    label_idx *v = ev_calloc(l->n ? l->n : 1, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < l->n; i++)
        v[i] = (label_idx){l->labels[i], i};
    qsort(v, l->n, sizeof *v, cmp_label);
    for (size_t i = 0, first = 0; i < l->n; i++) {
        if (i == 0 || strcmp(v[i].s, v[i - 1].s) != 0)
            first = v[i].idx;
        truth[v[i].idx] = first;
    }
    ev_free(v);
    return EV_OK;
}

static void count_pairs(const ev_dedup *d, size_t pairs[4])
{
    memset(pairs, 0, 4 * sizeof *pairs);
    for (size_t i = 0; i < d->n_pairs; i++)
        pairs[d->pairs[i].verdict]++;
}

/* Missed records that the pairs kept apart only for being different kinds
 * of item would join to their group: cluster SAME and kind-RELATED pairs
 * together and count the misses that remain. */
static ev_status related_misses(const ev_dedup *d, const size_t *truth, const ev_dedup_eval *e,
                                size_t *out, ev_error *err)
{
    size_t n = d->n, k = 0;
    size_t *cl = ev_calloc(n ? n : 1, sizeof *cl);
    ev_dedup_link *links = ev_calloc(d->n_pairs ? d->n_pairs : 1, sizeof *links);
    ev_status st = cl && links ? EV_OK : EV_ENOMEM;
    for (size_t i = 0; st == EV_OK && i < d->n_pairs; i++) {
        const ev_dedup_pair *p = &d->pairs[i];
        bool kind = p->verdict == EV_DEDUP_RELATED && (p->reasons & EV_DEDUP_R_KIND_DIFFERS);
        if (p->verdict == EV_DEDUP_SAME || kind)
            links[k++] = (ev_dedup_link){p->a, p->b};
    }
    ev_dedup_eval e2;
    if (st == EV_OK)
        st = ev_dedup_cluster(d, links, k, cl, NULL, err);
    if (st == EV_OK)
        st = ev_dedup_evaluate(truth, cl, n, &e2);
    if (st == EV_OK)
        *out = e->fn > e2.fn ? e->fn - e2.fn : 0;
    ev_free(cl);
    ev_free(links);
    return st;
}

static ev_status evaluate(labelled *l, ev_dedup_eval *out, size_t pairs[4], ev_error *err)
{
    size_t n = l->n;
    size_t *truth = ev_calloc(n ? n : 1, sizeof *truth);
    size_t *cluster_of = ev_calloc(n ? n : 1, sizeof *cluster_of);
    ev_status st = truth && cluster_of ? EV_OK : EV_ENOMEM;
    if (st == EV_OK)
        st = ev_dedup_find_pairs(l->d, NULL, NULL, err);
    if (st == EV_OK)
        st = ev_dedup_cluster_auto(l->d, cluster_of, NULL, err);
    if (st == EV_OK)
        st = labels_to_truth(l, truth);
    if (st == EV_OK)
        st = ev_dedup_evaluate(truth, cluster_of, n, out);
    if (st == EV_OK)
        st = related_misses(l->d, truth, out, &out->fn_related, err);
    if (st == EV_OK && pairs)
        count_pairs(l->d, pairs);
    ev_free(truth);
    ev_free(cluster_of);
    return st;
}

ev_status ev_dedup_evaluate_file(const char *path, const ev_dedup_config *cfg,
                                 const char *truth_field, ev_dedup_eval *out, size_t pairs[4],
                                 ev_error *err)
{
    memset(out, 0, sizeof *out);
    labelled l = {.field = truth_field, .path = path, .err = err};
    ev_status st = ev_dedup_new(&l.d, cfg, err);
    if (st != EV_OK)
        return st;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.keep_raw = false;
    ev_parse_sink sink = {.record = on_record, .payload = &l};
    st = ev_parse_file(path, &opts, &sink, NULL, err);
    if (st == EV_OK)
        st = evaluate(&l, out, pairs, err);
    if (st == EV_ENOMEM)
        ev_error_set(err, st, path, 0, 0, "out of memory");
    for (size_t i = 0; i < l.n; i++)
        ev_free(l.labels[i]);
    ev_free(l.labels);
    ev_dedup_free(l.d);
    return st;
}
