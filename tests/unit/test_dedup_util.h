/* test_dedup_util.h - building hand-made records for the dedup tests. */
#ifndef TEST_DEDUP_UTIL_H
#define TEST_DEDUP_UTIL_H

#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_dedup.h"

/* A record from fields (NULL = absent); authors "Family, Given; Family, G". */
typedef struct t_rec {
    const char *title, *authors, *journal, *volume, *issue, *pages, *doi, *pmid, *type;
    int year;
} t_rec;

static inline void t_set(ev_record *r, const char **f, const char *v)
{
    if (v)
        assert_int_equal(ev_record_set(r, f, v, strlen(v)), EV_OK);
}

static inline ev_record *t_make(const t_rec *t)
{
    ev_record *r = ev_record_new();
    assert_non_null(r);
    t_set(r, &r->title, t->title);
    t_set(r, &r->journal, t->journal);
    t_set(r, &r->volume, t->volume);
    t_set(r, &r->issue, t->issue);
    t_set(r, &r->pages, t->pages);
    t_set(r, &r->pmid, t->pmid);
    t_set(r, &r->type, t->type);
    if (t->doi)
        r->doi = ev_record_doi(r, t->doi, strlen(t->doi));
    r->pub_date.year = t->year;
    for (const char *p = t->authors; p && *p;) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        ev_author *a;
        assert_int_equal(ev_record_add_author(r, &a), EV_OK);
        assert_int_equal(ev_record_author_from_name(r, a, p, n), EV_OK);
        p += n + (e != NULL);
    }
    return r;
}

/* Add a record to the engine; returns its index. */
static inline size_t t_add(ev_dedup *d, const t_rec *t)
{
    ev_record *r = t_make(t);
    size_t i;
    assert_int_equal(ev_dedup_add(d, r, 1, true, &i), EV_OK);
    ev_record_free(r);
    return i;
}

/* Score two hand-made records with the default configuration. */
static inline ev_dedup_pair t_score(const t_rec *a, const t_rec *b)
{
    ev_dedup *d;
    assert_int_equal(ev_dedup_new(&d, NULL, NULL), EV_OK);
    size_t i = t_add(d, a), j = t_add(d, b);
    ev_dedup_pair p;
    ev_dedup_score(d, i, j, &p);
    ev_dedup_free(d);
    return p;
}

#endif
