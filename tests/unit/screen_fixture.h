/*
 * screen_fixture.h - the screen tests' shared fixture: a fresh review in a
 * temporary directory with a labelled CSV imported and screening set up.
 * Header-only (static inline): each test executable is one translation unit.
 */
#ifndef SCREEN_FIXTURE_H
#define SCREEN_FIXTURE_H

#include <stdlib.h>
#include <unistd.h>

#include "evident/ev_screen.h"
#include "test_util.h"

typedef struct screen_fx {
    char dir[256], path[300];
    ev_store *s;
} screen_fx;

/* A review named after `tag` holding `csv`, set up with `in` by its owner
 * (in->owner). NULL if any step fails; the process cache starts empty. */
static inline screen_fx *screen_fx_open(const char *tag, const char *csv,
                                        const ev_screen_setup_info *in)
{
    screen_fx *f = calloc(1, sizeof *f);
    ev_import_summary sum;
    if (!f || !test_temp_review(f->dir, sizeof f->dir, f->path, sizeof f->path, tag) ||
        ev_store_create(&f->s, f->path, tag, NULL) != EV_OK ||
        ev_store_import_file(f->s, csv, NULL, NULL, NULL, NULL, NULL, &sum, NULL) != EV_OK ||
        ev_screen_setup(f->s, in, in->owner, NULL) != EV_OK) {
        free(f);
        return NULL;
    }
    ev_screen_cache_clear();
    return f;
}

/* Close the store, remove the review and its directory, empty the cache. */
static inline void screen_fx_close(screen_fx *f)
{
    ev_store_free(f->s);
    test_remove_review(f->path);
    rmdir(f->dir);
    free(f);
    ev_screen_cache_clear();
}

#endif /* SCREEN_FIXTURE_H */
