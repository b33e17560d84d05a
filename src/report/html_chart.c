/*
 * html_chart.c - the report's sections built from the charted data: the
 * summary tables (chart module), the evidence map (technology x condition,
 * colour = direction of effect where a pooled outcome gives one), the
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

typedef struct names {
    char **v;
    size_t n;
} names;

static size_t name_index(names *x, const char *s, bool *oom)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->v[i], s))
            return i;
    char **g = ev_reallocarray(x->v, x->n + 1, sizeof *g);
    if (g == NULL || (g[x->n] = ev_strdup(s)) == NULL) {
        if (g)
            x->v = g;
        *oom = true;
        return 0;
    }
    x->v = g;
    return x->n++;
}

static void names_release(names *x)
{
    for (size_t i = 0; i < x->n; i++)
        ev_free(x->v[i]);
    ev_free(x->v);
}

/* Direction of effect of `study` over the pooled outcomes that use it. */
static ev_evmap_direction direction(const ev__rep *r, const char *study)
{
    int seen = 0; /* bit 0 treatment, 1 none, 2 control */
    for (size_t i = 0; i < r->opt->noutcomes; i++) {
        const ev_report_pool *p = r->pools[i];
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

typedef struct mapdata {
    names rows, cols;
    ev_evmap_cell *cells;
    size_t ncells;
    bool oom;
} mapdata;

static void bubble(mapdata *m, size_t row, size_t col, ev_evmap_direction d)
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

/* One study: every technology it charts x its condition. */
static void map_study(const ev__rep *r, mapdata *m, const char *study, const char *cond,
                      const char *techs)
{
    char *c = NULL, *t = NULL;
    if (!cond || !techs || !ev__rj_string(cond, NULL, SIZE_MAX, &c))
        return;
    size_t col = name_index(&m->cols, c, &m->oom);
    ev_evmap_direction d = direction(r, study);
    for (size_t i = 0; ev__rj_string(techs, NULL, i, &t); i++) {
        size_t row = name_index(&m->rows, t, &m->oom);
        if (!m->oom)
            bubble(m, row, col, d);
        ev_free(t);
    }
    ev_free(c);
}

static void map_collect(const ev__rep *r, mapdata *m, const ev_chart_value *v, size_t nv)
{
    for (size_t i = 0; i < nv;) {
        const char *cond = NULL, *techs = NULL;
        size_t j = i;
        for (; j < nv && !strcmp(v[j].study, v[i].study); j++) {
            if (!strcmp(v[j].path, "condition"))
                cond = v[j].json;
            else if (!strcmp(v[j].path, "technology"))
                techs = v[j].json;
        }
        map_study(r, m, v[i].study, cond, techs);
        i = j;
    }
}

void ev__rep_evmap(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"map\">6. Evidence map</h2>\n");
    ev_chart_value *v = NULL;
    size_t nv = 0;
    mapdata m = {0};
    ev_error e = EV_ERROR_INIT;
    if (r->chart && ev_chart_values(r->chart, &v, &nv, &e) == EV_OK)
        map_collect(r, &m, v, nv);
    if (m.ncells == 0 || m.oom) {
        ev__rep_none(r, "No studies with a charted technology and condition: no evidence map.");
    } else {
        ev_evmap map = {(const char *const *)m.rows.v,
                        m.rows.n,
                        (const char *const *)m.cols.v,
                        m.cols.n,
                        m.cells,
                        m.ncells,
                        "Technology",
                        "Condition",
                        NULL};
        ev__rep_printf(r, "<p>Studies per technology and condition. Colour is the direction of"
                          " effect where a pooled outcome below gives one (95%% CI of the"
                          " study's effect); the other studies are marked \"not reported\":"
                          " the form charts no direction of effect.</p>\n<div class=\"fig\">");
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
    }
    ev_free(m.cells);
    names_release(&m.rows);
    names_release(&m.cols);
    ev_chart_values_free(v, nv);
}
