/*
 * engine.c - the in-memory dedup engine's lifecycle: configuration, adding
 * (normalising) records, accessors, and scoring one pair on demand.
 */
#include "dedup_int.h"

ev_status ev_dedup_new(ev_dedup **out, const ev_dedup_config *cfg, ev_error *err)
{
    *out = NULL;
    ev_dedup_config c = EV_DEDUP_CONFIG_INIT;
    if (cfg)
        c = *cfg;
    if (c.review > c.auto_merge)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "review threshold %.1f is above the merge threshold %.1f", c.review,
                            c.auto_merge);
    if (c.window == 0 || c.window > 1000)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "window must be 1 to 1000, not %zu",
                            c.window);
    ev_dedup *d = ev_calloc(1, sizeof *d);
    if (d == NULL || (d->arena = ev_arena_new()) == NULL) {
        ev_free(d);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    d->cfg = c;
    *out = d;
    return EV_OK;
}

void ev_dedup_free(ev_dedup *d)
{
    if (d == NULL)
        return;
    ev_arena_free(d->arena);
    ev_free(d->recs);
    ev_free(d->pairs);
    ev_free(d);
}

static ev_status grow(ev_dedup *d)
{
    if (d->n < d->cap)
        return EV_OK;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    ev__dd_rec *v = ev_reallocarray(d->recs, cap, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    d->recs = v;
    d->cap = cap;
    return EV_OK;
}

ev_status ev__dedup_add_light(ev_dedup *d, const char *doi, const char *pmid,
                              unsigned completeness)
{
    if (grow(d) != EV_OK)
        return EV_ENOMEM;
    ev__dd_rec *r = &d->recs[d->n];
    memset(r, 0, sizeof *r);
    if ((doi && (r->doi = ev_arena_strdup(d->arena, doi)) == NULL) ||
        (pmid && (r->pmid = ev_arena_strdup(d->arena, pmid)) == NULL))
        return EV_ENOMEM;
    r->completeness = (uint8_t)(completeness > 255 ? 255 : completeness);
    d->n++;
    return EV_OK;
}

ev_status ev_dedup_add(ev_dedup *d, const ev_record *rec, int64_t source, bool is_new,
                       size_t *out_index)
{
    if (grow(d) != EV_OK)
        return EV_ENOMEM;
    ev__dd_rec *r = &d->recs[d->n];
    ev_status st = ev__dedup_normalise(d, rec, r);
    if (st != EV_OK)
        return st;
    r->source = source;
    r->is_new = is_new;
    if (out_index)
        *out_index = d->n;
    d->n++;
    return EV_OK;
}

size_t ev_dedup_count(const ev_dedup *d)
{
    return d->n;
}

int64_t ev_dedup_source(const ev_dedup *d, size_t i)
{
    return i < d->n ? d->recs[i].source : 0;
}

ev_dedup_kind ev_dedup_record_kind(const ev_dedup *d, size_t i)
{
    return i < d->n ? d->recs[i].kind : EV_DEDUP_KIND_ARTICLE;
}

unsigned ev_dedup_completeness(const ev_dedup *d, size_t i)
{
    return i < d->n ? d->recs[i].completeness : 0;
}

const ev_dedup_pair *ev_dedup_pairs(const ev_dedup *d, size_t *n)
{
    *n = d->n_pairs;
    return d->pairs;
}

uint64_t ev_dedup_candidates(const ev_dedup *d)
{
    return d->candidates;
}

void ev_dedup_score(const ev_dedup *d, size_t a, size_t b, ev_dedup_pair *out)
{
    memset(out, 0, sizeof *out);
    if (a >= d->n || b >= d->n || a == b)
        return;
    out->a = a < b ? a : b;
    out->b = a < b ? b : a;
    ev__dedup_score(&d->cfg, &d->recs[out->a], &d->recs[out->b], out);
}

const char *ev_dedup_verdict_name(ev_dedup_verdict v)
{
    switch (v) {
    case EV_DEDUP_SAME: return "same";
    case EV_DEDUP_REVIEW: return "review";
    case EV_DEDUP_RELATED: return "related";
    case EV_DEDUP_DIFFERENT: return "different";
    }
    return "different";
}
