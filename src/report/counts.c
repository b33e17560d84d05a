/*
 * counts.c - the numbers of the PRISMA 2020 flow diagram, each read from
 * the module that owns it: records identified per source and duplicates
 * removed (dedup), screening and full-text outcomes (screen), studies
 * included (chart). No SQL of other modules' tables here.
 */
#include "report_int.h"

#include "evident/ev_dedup.h"
#include "evident/ev_screen.h"

void ev_report_counts_release(ev_report_counts *c)
{
    for (size_t i = 0; i < c->nsources; i++)
        ev_free((char *)c->sources[i].label);
    for (size_t i = 0; i < c->nreasons; i++)
        ev_free((char *)c->reasons[i].label);
    ev_free(c->sources);
    ev_free(c->reasons);
    memset(c, 0, sizeof *c);
}

/* Add n to the entry labelled `label` (created when new). */
static ev_status add_count(ev_prisma_count **arr, size_t *n, const char *label, long v)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*arr)[i].label, label)) {
            (*arr)[i].n += v;
            return EV_OK;
        }
    ev_prisma_count *g = ev_reallocarray(*arr, *n + 1, sizeof **arr);
    if (g == NULL)
        return EV_ENOMEM;
    *arr = g;
    g[*n].label = ev_strdup(label);
    g[*n].n = v;
    if (g[*n].label == NULL)
        return EV_ENOMEM;
    (*n)++;
    return EV_OK;
}

/* Records identified per source and duplicates removed (PRISMA 2020 items
 * "records identified from databases" and "duplicate records removed"). */
static ev_status identification(ev_report_counts *c, ev_store *s, ev_error *err)
{
    ev_dedup_summary d;
    memset(&d, 0, sizeof d);
    ev_status rc = ev_dedup_review_summary(s, &d, err);
    for (size_t i = 0; rc == EV_OK && i < d.n_sources; i++) {
        const char *src =
            d.sources[i].source && *d.sources[i].source ? d.sources[i].source : "unknown source";
        if (add_count(&c->sources, &c->nsources, src, (long)d.sources[i].records) != EV_OK)
            rc = ev__report_oom(err);
        c->identified += (long)d.sources[i].records;
    }
    c->duplicates = (long)d.merged;
    ev_dedup_summary_release(&d);
    return rc;
}

/* "reason=count; reason=count" (ev_screen_summary) into labelled counts. */
static ev_status parse_reasons(ev_report_counts *c, const char *s)
{
    while (s && *s) {
        const char *end = strstr(s, "; ");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char *item = ev_strndup(s, len);
        if (item == NULL)
            return EV_ENOMEM;
        char *eq = strrchr(item, '=');
        long v = 0;
        ev_status rc = EV_OK;
        if (eq && (*eq = '\0', ev_parse_long(eq + 1, &v)))
            rc = add_count(&c->reasons, &c->nreasons, item, v);
        ev_free(item);
        if (rc != EV_OK)
            return rc;
        s = end ? end + 2 : NULL;
    }
    return EV_OK;
}

static void stage_first(ev_report_counts *c, const ev_screen_stage_summary *t)
{
    c->screened = (long)t->records;
    c->excluded_people = (long)t->excluded;
    c->excluded_automation = (long)t->automation;
    c->pending_screen = (long)(t->pending + t->conflicts);
}

static ev_status stage_last(ev_report_counts *c, const ev_screen_stage_summary *t)
{
    c->sought = (long)t->records;
    c->not_retrieved = -1; /* evident records no retrieval outcome */
    c->assessed = (long)t->records;
    c->pending_fulltext = (long)(t->pending + t->conflicts);
    c->reports_included = (long)t->included;
    return parse_reasons(c, t->reasons);
}

/* Title/abstract and full-text outcomes (ev_screen_summary); a review
 * without screening set up leaves them -1. */
static ev_status screening(ev_report_counts *c, ev_store *s, ev_error *err)
{
    ev_screen_stage_summary *st = NULL;
    size_t n = 0;
    ev_error e = EV_ERROR_INIT;
    ev_status rc = ev_screen_summary(s, &st, &n, &e);
    if (rc == EV_EUSAGE || (rc == EV_OK && n == 0)) {
        ev_screen_summary_free(st, n);
        return EV_OK; /* not set up */
    }
    if (rc != EV_OK)
        return ev_error_set(err, rc, e.input, e.line, e.column, "%s", e.message);
    c->screening = true;
    stage_first(c, &st[0]);
    if (n > 1)
        rc = stage_last(c, &st[n - 1]);
    else
        c->reports_included = (long)st[0].included;
    ev_screen_summary_free(st, n);
    return rc == EV_OK ? EV_OK : ev__report_oom(err);
}

static ev_status studies(ev_report_counts *c, ev_store *s, ev_error *err)
{
    ev_chart *ch = NULL;
    size_t n = 0;
    ev_status rc = ev_chart_open(&ch, s, NULL, err);
    if (rc == EV_OK)
        rc = ev_chart_study_count(ch, &n, err);
    ev_chart_free(ch);
    if (rc == EV_OK && n > 0)
        c->studies_included = (long)n;
    return rc;
}

ev_status ev_report_counts_get(ev_report_counts *out, ev_store *s, ev_error *err)
{
    memset(out, 0, sizeof *out);
    out->screened = out->excluded_people = out->excluded_automation = -1;
    out->sought = out->not_retrieved = out->assessed = -1;
    out->reports_included = out->studies_included = -1;
    ev_status rc = identification(out, s, err);
    if (rc == EV_OK)
        rc = screening(out, s, err);
    if (rc == EV_OK)
        rc = studies(out, s, err);
    return rc;
}

ev_status ev_report_counts_prisma(ev_prisma *p, const ev_report_counts *c, bool scoping,
                                  ev_error *err)
{
    ev_prisma_init(p);
    p->scoping = scoping;
    if (c->nsources == 0)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "prisma: no search results are imported in this review");
    if (!c->screening)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "prisma: screening is not set up in this review");
    if (c->pending_screen > 0 || c->pending_fulltext > 0)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "prisma: screening is not finished: %ld records wait at title/abstract"
                            " and %ld at full text",
                            c->pending_screen, c->pending_fulltext > 0 ? c->pending_fulltext : 0);
    p->databases = c->sources;
    p->ndatabases = c->nsources;
    p->duplicates = c->duplicates;
    p->screened = c->screened;
    p->excluded_people = c->excluded_people;
    p->excluded_automation = c->excluded_automation;
    p->sought = c->sought;
    p->not_retrieved = c->not_retrieved;
    p->assessed = c->assessed;
    p->reasons = c->reasons;
    p->nreasons = c->nreasons;
    p->reports_included = c->reports_included;
    p->studies_included = c->studies_included >= 0 ? c->studies_included : c->reports_included;
    return EV_OK;
}
