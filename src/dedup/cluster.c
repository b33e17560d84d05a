/*
 * cluster.c - clusters from links (union-find with path halving), with a
 * cannot-link rule: a cluster never holds two different DOIs or PMIDs, so a
 * chain A~B~C cannot join two distinct papers through a shaky middle. The
 * kept record of a cluster is its most complete member. Also the labelled-set
 * scoring used by the tests and `evident dedup --evaluate`.
 */
#include "dedup_int.h"

typedef struct uf {
    size_t *parent;
    const char **doi, **pmid; /* per root */
} uf;

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static bool ids_clash(const char *x, const char *y)
{
    return x && y && strcmp(x, y) != 0;
}

/* Join the clusters of a and b unless that mixes identifiers; returns
 * false when refused. */
static bool join(uf *u, size_t a, size_t b)
{
    size_t ra = find(u->parent, a), rb = find(u->parent, b);
    if (ra == rb)
        return true;
    if (ids_clash(u->doi[ra], u->doi[rb]) || ids_clash(u->pmid[ra], u->pmid[rb]))
        return false;
    if (rb < ra) { /* lower index as root: deterministic */
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    u->parent[rb] = ra;
    if (u->doi[ra] == NULL)
        u->doi[ra] = u->doi[rb];
    if (u->pmid[ra] == NULL)
        u->pmid[ra] = u->pmid[rb];
    return true;
}

static void choose_kept(const ev_dedup *d, size_t *parent, size_t *cluster_of)
{
    size_t n = d->n;
    /* cluster_of[root] first collects the best member of the root's cluster. */
    for (size_t i = 0; i < n; i++)
        cluster_of[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t r = find(parent, i), best = cluster_of[r];
        if (best == SIZE_MAX || d->recs[i].completeness > d->recs[best].completeness)
            cluster_of[r] = i;
    }
    for (size_t i = 0; i < n; i++) /* flatten: parent[i] becomes the root */
        parent[i] = find(parent, i);
    for (size_t i = 0; i < n; i++)
        parent[i] = cluster_of[parent[i]];
    memcpy(cluster_of, parent, n * sizeof *cluster_of);
}

ev_status ev_dedup_cluster(const ev_dedup *d, const ev_dedup_link *links, size_t n_links,
                           size_t *cluster_of, size_t *refused, ev_error *err)
{
    size_t n = d->n, bad = 0;
    uf u = {ev_calloc(n ? n : 1, sizeof *u.parent), ev_calloc(n ? n : 1, sizeof *u.doi),
            ev_calloc(n ? n : 1, sizeof *u.pmid)};
    ev_status st = EV_OK;
    if (!u.parent || !u.doi || !u.pmid) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory while clustering");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        u.parent[i] = i;
        u.doi[i] = d->recs[i].doi;
        u.pmid[i] = d->recs[i].pmid;
    }
    for (size_t k = 0; k < n_links; k++) {
        if (links[k].a >= n || links[k].b >= n) {
            st = ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "link %zu names record %zu of %zu", k,
                              links[k].a >= n ? links[k].a : links[k].b, n);
            goto done;
        }
        bad += !join(&u, links[k].a, links[k].b);
    }
    choose_kept(d, u.parent, cluster_of);
    if (refused)
        *refused = bad;
done:
    ev_free(u.parent);
    ev_free(u.doi);
    ev_free(u.pmid);
    return st;
}

typedef struct tagged {
    size_t truth, idx;
} tagged;

static int cmp_tagged(const void *x, const void *y)
{
    const tagged *a = x, *b = y;
    if (a->truth != b->truth)
        return (a->truth > b->truth) - (a->truth < b->truth);
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Add one true group of k records, m of them kept (ANCHORS.md rule). */
static void score_group(ev_dedup_eval *e, size_t k, size_t m)
{
    e->groups++;
    if (k == 1) {
        e->tn += m;
        e->fp += 1 - m;
    } else if (m == 0) {
        e->fp += 1;
        e->tp += k - 1;
    } else {
        e->tn += 1;
        e->fn += m - 1;
        e->tp += k - m;
    }
}

static double ratio(size_t x, size_t y)
{
    return y ? (double)x / (double)y : 1.0;
}

ev_status ev_dedup_evaluate(const size_t *truth, const size_t *cluster_of, size_t n,
                            ev_dedup_eval *out)
{
    memset(out, 0, sizeof *out);
    tagged *t = ev_calloc(n ? n : 1, sizeof *t);
    if (t == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < n; i++)
        t[i] = (tagged){truth[i], i};
    qsort(t, n, sizeof *t, cmp_tagged);
    for (size_t i = 0; i < n;) {
        size_t j = i, kept = 0;
        for (; j < n && t[j].truth == t[i].truth; j++)
            kept += cluster_of[t[j].idx] == t[j].idx;
        score_group(out, j - i, kept);
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        out->removed += cluster_of[i] != i;
    ev_free(t);
    out->records = n;
    out->true_duplicates = n - out->groups;
    out->sensitivity = ratio(out->tp, out->tp + out->fn);
    out->specificity = ratio(out->tn, out->tn + out->fp);
    out->precision = ratio(out->tp, out->tp + out->fp);
    return EV_OK;
}
