/*
 * html_chart.c - the report's sections built from the charted data: the
 * summary tables (chart module), the evidence map (technology x condition,
 * colour = the charted direction of effect, else the pooled outcomes'), the
 * meta-analyses with their forest plots, and the safety table.
 */
#include "report_int.h"

void ev__rep_charted(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"tables\">5. Summary tables</h2>\n");
    size_t n = 0;
    ev_error e = EV_ERROR_INIT;
    if (!r->chart || ev_chart_study_count(r->chart, &n, &e) != EV_OK || n == 0) {
        ev__rep_none(r, "No studies are charted in this review.");
        return;
    }
    static const char *const freq[][2] = {
        {"condition", NULL}, {"technology", "condition"}, {"study_type", NULL}};
    for (size_t i = 0; i < 3; i++) {
        ev_chart_table *t = NULL;
        if (ev_chart_freq(r->chart, freq[i][0], freq[i][1], &t, &e) == EV_OK)
            ev__rep_table(r, t);
        ev_error_clear(&e);
    }
    ev_chart_table **many = NULL;
    size_t nt = 0;
    const ev_chart_form *f = ev_chart_form_current(r->chart, NULL);
    const char *by = f && ev_chart_form_field_type(f, "condition", NULL) ? "condition" : NULL;
    if (ev_chart_studies(r->chart, by, &many, &nt, &e) == EV_OK)
        for (size_t i = 0; i < nt; i++)
            ev__rep_table(r, many[i]);
    ev_free(many);
}

/* ---- evidence map ------------------------------------------------------------- */

static size_t name_index(char ***v, size_t *n, const char *s, bool *oom)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return i;
    char **g = ev_reallocarray(*v, *n + 1, sizeof *g);
    if (g)
        *v = g;
    if (g == NULL || (g[*n] = ev_strdup(s)) == NULL) {
        *oom = true;
        return 0;
    }
    return (*n)++;
}

static void names_release(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ev_free(v[i]);
    ev_free(v);
}

/* The form's `direction` choices, in ev_evmap_direction order. */
static const char *const dir_label[EV_EVMAP__COUNT] = {"favours_intervention", "no_difference",
                                                       "mixed", "favours_control", "not_reported"};

/* The direction charted for a study (form field "direction"), or -1 when
 * it is absent or not one of the form's choices. */
static int charted_direction(const char *json)
{
    char *s = NULL;
    int d = -1;
    if (json && ev__rj_string(json, NULL, SIZE_MAX, &s)) {
        for (int i = 0; i < EV_EVMAP__COUNT; i++)
            if (!strcmp(s, dir_label[i]))
                d = i;
        ev_free(s);
    }
    return d;
}

/* Direction of effect of `study` over the pooled outcomes that use it: the
 * fallback for studies charted on a form without `direction`. */
static ev_evmap_direction pooled_direction(const ev__rep *r, const char *study)
{
    int seen = 0; /* bit 0 treatment, 1 none, 2 control */
    for (size_t i = 0; r->opt && i < r->opt->noutcomes; i++) {
        const ev_report_pool *p = r->pools ? r->pools[i] : NULL;
        bool pos_treat = p && (p->measure == EV_MEASURE_SMD ? (p->harmonised || p->higher_better)
                                                            : p->higher_better);
        for (size_t j = 0; p && j < p->nstudies; j++) {
            const ev_report_pool_study *s = &p->studies[j];
            if (s->left_out || strcmp(s->study, study))
                continue;
            double d = pos_treat ? s->yi : -s->yi, h = 1.959963984540054 * sqrt(s->vi);
            seen |= d - h > 0 ? 1 : d + h < 0 ? 4 : 2;
        }
    }
    return seen == 0   ? EV_EVMAP_NOT_REPORTED
           : seen == 1 ? EV_EVMAP_FAVOURS_INTERVENTION
           : seen == 2 ? EV_EVMAP_NO_DIFFERENCE
           : seen == 4 ? EV_EVMAP_FAVOURS_CONTROL
                       : EV_EVMAP_MIXED;
}

static void bubble(ev__rep_map *m, size_t row, size_t col, ev_evmap_direction d)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].row == row && m->cells[i].col == col && m->cells[i].direction == d) {
            m->cells[i].n++;
            return;
        }
    ev_evmap_cell *g = ev_reallocarray(m->cells, m->ncells + 1, sizeof *g);
    if (g == NULL) {
        m->oom = true;
        return;
    }
    m->cells = g;
    g[m->ncells++] = (ev_evmap_cell){row, col, 1, d};
}

/* The values of one study, as the map needs them (JSON, borrowed). */
typedef struct map_study_values {
    const char *study, *cond, *techs, *dir;
} map_study_values;

/* One study: every technology it charts x its condition, coloured by its
 * charted direction, else by the pooled outcomes. */
static void map_study(const ev__rep *r, ev__rep_map *m, const map_study_values *sv)
{
    char *c = NULL, *t = NULL;
    if (!sv->cond || !sv->techs || !ev__rj_string(sv->cond, NULL, SIZE_MAX, &c))
        return;
    size_t col = name_index(&m->cols, &m->ncols, c, &m->oom);
    int charted = charted_direction(sv->dir);
    ev_evmap_direction d =
        charted >= 0 ? (ev_evmap_direction)charted : pooled_direction(r, sv->study);
    m->studies++;
    if (charted >= 0)
        m->charted++;
    for (size_t i = 0; ev__rj_string(sv->techs, NULL, i, &t); i++) {
        size_t row = name_index(&m->rows, &m->nrows, t, &m->oom);
        if (!m->oom)
            bubble(m, row, col, d);
        ev_free(t);
    }
    ev_free(c);
}

static void map_collect(const ev__rep *r, ev__rep_map *m, const ev_chart_value *v, size_t nv)
{
    for (size_t i = 0; i < nv;) {
        map_study_values sv = {v[i].study, NULL, NULL, NULL};
        size_t j = i;
        for (; j < nv && !strcmp(v[j].study, v[i].study); j++) {
            if (!strcmp(v[j].path, "condition"))
                sv.cond = v[j].json;
            else if (!strcmp(v[j].path, "technology"))
                sv.techs = v[j].json;
            else if (!strcmp(v[j].path, "direction"))
                sv.dir = v[j].json;
        }
        map_study(r, m, &sv);
        i = j;
    }
}

ev_status ev__rep_map_build(const ev__rep *r, ev__rep_map *out, ev_error *err)
{
    *out = (ev__rep_map){0};
    ev_chart_value *v = NULL;
    size_t nv = 0;
    if (!r->chart)
        return EV_OK;
    ev_status rc = ev_chart_values(r->chart, &v, &nv, err);
    if (rc == EV_OK)
        map_collect(r, out, v, nv);
    ev_chart_values_free(v, nv);
    if (rc == EV_OK && out->oom)
        rc = ev__report_oom(err);
    if (rc != EV_OK)
        ev__rep_map_release(out);
    return rc;
}

void ev__rep_map_release(ev__rep_map *m)
{
    ev_free(m->cells);
    names_release(m->rows, m->nrows);
    names_release(m->cols, m->ncols);
    *m = (ev__rep_map){0};
}

/* Where the colours come from, in one sentence before the map. */
static void map_caption(ev__rep *r, const ev__rep_map *m)
{
    ev__rep_printf(r,
                   "<p>Studies per technology and condition (a study testing several"
                   " technologies is counted in each of their rows). Colour is the"
                   " direction of effect charted for each study: the charter's reading of"
                   " the study's reported primary outcome (form field"
                   " <code>direction</code>; %zu of %zu studies).",
                   m->charted, m->studies);
    if (m->charted < m->studies)
        ev__rep_printf(r, " Studies without a charted direction take it from the pooled"
                          " outcomes below (95%% CI of the study's effect), else"
                          " \"not reported\".");
    ev__rep_printf(r, "</p>\n");
}

void ev__rep_evmap(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"map\">6. Evidence map</h2>\n");
    ev__rep_map m;
    ev_error e = EV_ERROR_INIT;
    if (ev__rep_map_build(r, &m, &e) != EV_OK || m.ncells == 0) {
        ev__rep_none(r, "No studies with a charted technology and condition: no evidence map.");
        ev__rep_map_release(&m);
        return;
    }
    ev_evmap map = {(const char *const *)m.rows,
                    m.nrows,
                    (const char *const *)m.cols,
                    m.ncols,
                    m.cells,
                    m.ncells,
                    "Technology",
                    "Condition",
                    NULL};
    map_caption(r, &m);
    ev__rep_printf(r, "<div class=\"fig\">");
    ev_buf svg;
    ev_buf_init(&svg, EV_BUF_DEFAULT_MAX);
    if (ev_plot_evmap_svg(&svg, &map, &e) != EV_OK) {
        ev__rep_printf(r, "</div><p class=\"fail\">");
        ev__rep_esc(r, e.message);
        ev__rep_printf(r, "</p>");
    } else {
        ev__rep_svg(r, &svg);
        ev__rep_printf(r, "</div>\n");
    }
    ev_buf_release(&svg);
    ev__rep_map_release(&m);
}
