/*
 * chart_fixture.h - the report tests' shared fixture: a fresh review in a
 * temporary directory with the instrument catalogue and the bundled default
 * extraction form. Header-only (static inline): each test executable is one
 * translation unit.
 */
#ifndef CHART_FIXTURE_H
#define CHART_FIXTURE_H

#include <stdlib.h>
#include <unistd.h>

#include "evident/ev_chart.h"
#include "test_util.h"

typedef struct chart_fx {
    char dir[256], path[300];
    ev_store *s;
    ev_chart_catalogue *cat;
    ev_chart *c;
} chart_fx;

static inline void chart_fx_close(chart_fx *f)
{
    ev_chart_free(f->c);
    ev_store_free(f->s);
    ev_chart_catalogue_free(f->cat);
    test_remove_review(f->path);
    rmdir(f->dir);
    free(f);
}

/* A review named after `tag` with the default form set; NULL if any step
 * fails. */
static inline chart_fx *chart_fx_open(const char *tag)
{
    chart_fx *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const char *form = NULL;
    size_t nform = 0;
    if (!test_temp_review(f->dir, sizeof f->dir, f->path, sizeof f->path, tag)) {
        free(f);
        return NULL;
    }
    if (ev_store_create(&f->s, f->path, tag, NULL) != EV_OK ||
        ev_chart_catalogue_load_default(&f->cat, NULL) != EV_OK ||
        ev_chart_open(&f->c, f->s, f->cat, NULL) != EV_OK ||
        !ev_chart_bundled("forms/default.json", &form, &nform) ||
        ev_chart_form_set(f->c, form, nform, "default", "test", NULL, NULL) != EV_OK) {
        chart_fx_close(f);
        return NULL;
    }
    return f;
}

#endif /* CHART_FIXTURE_H */
