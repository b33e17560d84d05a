/*
 * chart_int.h - what the chart module's files share: the parsed form
 * (fields and groups), path resolution, JSON helpers and the table builder.
 */
#ifndef EV_CHART_INT_H
#define EV_CHART_INT_H

#include "evident/ev_chart.h"

#include <jansson.h>

typedef struct ev__chart_field {
    char *name;
    char *label;
    char *unit;
    char *instrument; /* fixed instrument id (instrument fields), or NULL */
    ev_chart_type type;
    bool required;
    bool has_min, has_max;
    double min, max;
    char **choices;
    size_t nchoices;
    struct ev__chart_field *sub; /* group members */
    size_t nsub;
} ev__chart_field;

struct ev_chart_form {
    char *name;
    long version;
    ev__chart_field *fields;
    size_t n;
};

/* Find the field a path names. Numeric segments (group element numbers) are
 * skipped; `strict` requires one after every group. NULL when unknown. */
const ev__chart_field *ev__chart_form_find(const ev_chart_form *f, const char *path, bool strict);
/* Validate a parsed value for field `fd` at `path`; *out is a new
 * reference to the normalised value. */
ev_status ev__chart_check(json_t **out, const ev__chart_field *fd, const ev_chart_catalogue *cat,
                          const char *path, json_t *v, ev_error *err);
/* Compact, key-sorted JSON text of v (caller frees with ev_free). */
char *ev__chart_dump(const json_t *v);

/* Read a whole file (caller frees *out). EV_EIO, EV_ENOMEM. */
ev_status ev__chart_read_file(char **out, size_t *n, const char *path, ev_error *err);

/* Table builder. */
ev_chart_table *ev__chart_table_new(const char *title, size_t ncols, const char *const *header);
/* Append a row of ncols cells (copied; NULL = empty). EV_ENOMEM. */
ev_status ev__chart_table_add(ev_chart_table *t, const char *const *cells);

/* Charting attached to a review. */
struct ev_chart {
    ev_store *store;
    const ev_chart_catalogue *cat;
    ev_chart_form *form; /* current form, NULL before the first */
    long form_version;
};

ev_status ev__chart_oom(ev_error *err);
/* EV_OK when `study` is a charted study, else EV_ENOTFOUND naming it
 * (review.c). */
ev_status ev__chart_study_exists(ev_chart *c, const char *study, ev_error *err);
/* Run one statement binding varargs by `types`: 't' text, anything else
 * int64_t. */
ev_status ev__chart_exec(ev_chart *c, const char *sql, const char *types, ev_error *err, ...);
/* EV_ENOTFOUND without a form; EV_EREFUSED for a stale form_version. */
ev_status ev__chart_need_form(ev_chart *c, long form_version, ev_error *err);
/* Write one validated value (inside the caller's transaction). */
ev_status ev__chart_put(ev_chart *c, const char *study, const char *path, const char *norm,
                        const char *reviewer, ev_error *err);

/* The resolved value of every charted (study, path): consensus first, else
 * the earliest reviewer who charted that path. Sorted by study, path. */
typedef struct ev__chart_val {
    char *study, *path;
    json_t *value;
} ev__chart_val;
ev_status ev__chart_resolved(ev_chart *c, ev__chart_val **out, size_t *n, ev_error *err);
void ev__chart_vals_free(ev__chart_val *v, size_t n);

#endif /* EV_CHART_INT_H */
