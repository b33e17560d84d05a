/*
 * report_int.h - what the report module's files share: a reader for the
 * small JSON values chart hands out, HTML escaping and error helpers.
 */
#ifndef EV_REPORT_INT_H
#define EV_REPORT_INT_H

#include "evident/ev_report.h"

ev_status ev__report_oom(ev_error *err);

/* JSON values as chart gives them, read with jansson. `key` (NULL: the
 * value itself) selects a field of an object, `index` (SIZE_MAX: none) an
 * element of an array. Each returns false when the value is absent or not of
 * that kind. */
/* A string; *out is a new NUL-terminated copy (caller frees with ev_free). */
bool ev__rj_string(const char *json, const char *key, size_t index, char **out);
/* A number; null gives NAN and true. */
bool ev__rj_number(const char *json, const char *key, double *out);

/* Append s with &<>"' escaped. */
ev_status ev__report_esc(ev_buf *b, const char *s);

/* The report being written: sections append to `b`; the first failure
 * (ENOMEM) is kept in `rc` and later appends do nothing. */
typedef struct ev__rep {
    ev_buf *b;
    ev_store *s;
    ev_chart *chart; /* NULL when charting cannot be opened */
    const ev_chart_catalogue *cat;
    const ev_report_options *opt;
    ev_report_pool **pools; /* one per outcome (NULL when it cannot be pooled) */
    char **pool_errors;
    unsigned nsvg; /* figures so far: each gets its own id prefix */
    ev_status rc;
} ev__rep;

void ev__rep_printf(ev__rep *r, const char *fmt, ...) EV_PRINTF(2, 3);
void ev__rep_esc(ev__rep *r, const char *s);
/* A table rendered by the chart module (HTML), or the `none` sentence. */
void ev__rep_table(ev__rep *r, ev_chart_table *t);
/* Append an SVG document inline: the XML declaration dropped and every id
 * (and reference to one) prefixed with "figN-", because cairo names its
 * glyphs "glyph0-1" in every file and ids share one namespace per page. */
void ev__rep_svg(ev__rep *r, const ev_buf *svg);
/* "<p class=none>TEXT</p>" */
void ev__rep_none(ev__rep *r, const char *text);

/* The evidence map's data as html_chart.c hands it to ev_plot_evmap_svg:
 * rows = technologies, cols = conditions (in order of first appearance),
 * one cell per (row, col, direction) with its count of studies. A study's
 * direction is its charted `direction` value, else the one its pooled
 * outcomes give, else "not reported". Owned by the struct
 * (ev__rep_map_release). */
typedef struct ev__rep_map {
    char **rows, **cols;
    size_t nrows, ncols;
    ev_evmap_cell *cells;
    size_t ncells;
    size_t studies; /* studies on the map */
    size_t charted; /* of them, with a charted direction */
    bool oom;
} ev__rep_map;

/* Build the map from r->chart (none when NULL: an empty map). EV_ENOMEM,
 * EV_EIO; on failure *out is empty. */
ev_status ev__rep_map_build(const ev__rep *r, ev__rep_map *out, ev_error *err);
void ev__rep_map_release(ev__rep_map *m);

void ev__rep_flow(ev__rep *r);
void ev__rep_agreement(ev__rep *r);
void ev__rep_charted(ev__rep *r);
void ev__rep_evmap(ev__rep *r);
void ev__rep_meta(ev__rep *r);
void ev__rep_safety(ev__rep *r);

#endif /* EV_REPORT_INT_H */
