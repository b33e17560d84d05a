/*
 * summary.c - study summary tables in the layout of the seed review's
 * Tables 5-7, and the safety summary per technology with pooled event
 * proportions (pool.c).
 */
#include "chart_int.h"

bool ev__chart_path_matches(const char *path, const char *field);

/* The resolved value of a top-level field for a study, as display text
 * (lists joined with ", "); "" when not charted. Caller frees. */
static char *text_of(const ev__chart_val *v, size_t nv, const char *study, const char *field)
{
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < nv; i++) {
        if (strcmp(v[i].study, study) != 0 || strcmp(v[i].path, field) != 0)
            continue;
        const json_t *x = v[i].value;
        for (size_t j = 0; j < (json_is_array(x) ? json_array_size(x) : 1); j++) {
            const json_t *e = json_is_array(x) ? json_array_get(x, j) : x;
            char *d = json_is_string(e) ? NULL : ev__chart_dump(e);
            if ((j && ev_buf_puts(&b, ", ") != EV_OK) ||
                ev_buf_puts(&b, d ? d : json_string_value(e)) != EV_OK) {
                ev_free(d);
                ev_buf_release(&b);
                return NULL;
            }
            ev_free(d);
        }
    }
    return ev_buf_detach(&b);
}

static const json_t *json_of(const ev__chart_val *v, size_t nv, const char *study, const char *path)
{
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].study, study) == 0 && strcmp(v[i].path, path) == 0)
            return v[i].value;
    return NULL;
}

static ev_status study_row(ev_chart_table *t, const ev__chart_val *v, size_t nv, const char *study)
{
    enum { CIT, AUTHOR, YEAR, N, METHOD, INSTR, SCORING, RESULTS, CONCL, NF };
    static const char *const fields[NF] = {"citation",    "first_author", "year",
                                           "sample_size", "method",       "instruments",
                                           "scoring",     "results",      "conclusions"};
    char *x[NF] = {0};
    bool ok = true;
    for (size_t i = 0; i < NF; i++)
        ok &= (x[i] = text_of(v, nv, study, fields[i])) != NULL;
    char ref[300] = "";
    if (ok && *x[CIT])
        snprintf(ref, sizeof ref, "%s", x[CIT]);
    else if (ok) /* the seed's style: "Kim et al. (2016)" */
        snprintf(ref, sizeof ref, "%s%s%s%s%s", *x[AUTHOR] ? x[AUTHOR] : study,
                 *x[AUTHOR] ? " et al." : "", *x[YEAR] ? " (" : "", x[YEAR], *x[YEAR] ? ")" : "");
    /* the scoring system as printed when charted, else the instruments */
    const char *scoring = ok && *x[SCORING] ? x[SCORING] : x[INSTR];
    const char *cells[6] = {ref, x[N], x[METHOD], scoring, x[RESULTS], x[CONCL]};
    ev_status st = ok ? ev__chart_table_add(t, cells) : EV_ENOMEM;
    for (size_t i = 0; i < NF; i++)
        ev_free(x[i]);
    return st;
}

static const char *const study_header[] = {"References",     "Sample size", "Method",
                                           "Scoring system", "Results",     "Conclusion"};

static ev_status add_table(ev_chart_table ***out, size_t *n, const char *title)
{
    ev_chart_table **g = ev_reallocarray(*out, *n + 1, sizeof *g);
    if (g == NULL)
        return EV_ENOMEM;
    *out = g;
    return (g[*n] = ev__chart_table_new(title, 6, study_header)) ? ((*n)++, EV_OK) : EV_ENOMEM;
}

static ev_status group_tables(ev_chart_table ***out, size_t *n, const ev__chart_val *v, size_t nv,
                              const char *group_by, ev_stmt *st, ev_error *err)
{
    bool row = false;
    ev_status rc;
    while ((rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        const char *study = ev_stmt_text(st, 0);
        char *g = group_by ? text_of(v, nv, study, group_by) : ev_strdup("Included studies");
        if (g == NULL)
            return ev__chart_oom(err);
        char title[300];
        snprintf(title, sizeof title, group_by ? "Summary of papers: %s" : "%s",
                 *g ? g : "(not charted)");
        ev_free(g);
        size_t k = 0;
        while (k < *n && strcmp((*out)[k]->title, title) != 0)
            k++;
        if (k == *n && add_table(out, n, title) != EV_OK)
            return ev__chart_oom(err);
        if (study_row((*out)[k], v, nv, study) != EV_OK)
            return ev__chart_oom(err);
    }
    return rc;
}

ev_status ev_chart_studies(ev_chart *c, const char *group_by, ev_chart_table ***out, size_t *n,
                           ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_status rc = ev__chart_need_form(c, 0, err);
    if (rc == EV_OK && group_by && !ev__chart_form_find(c->form, group_by, true))
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "'%s' is not a field of the form",
                            group_by);
    ev__chart_val *v = NULL;
    size_t nv = 0;
    ev_stmt *st = NULL;
    if (rc == EV_OK)
        rc = ev__chart_resolved(c, &v, &nv, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(c->store, &st, "SELECT id FROM chart_studies ORDER BY rowid", err);
    if (rc == EV_OK)
        rc = group_tables(out, n, v, nv, group_by, st, err);
    ev_stmt_free(st);
    ev__chart_vals_free(v, nv);
    if (rc != EV_OK) {
        for (size_t i = 0; i < *n; i++)
            ev_chart_table_free((*out)[i]);
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- safety ------------------------------------------------------------------ */

typedef struct tech_acc {
    size_t studies, reporting;
    double *x_any, *n_any, *x_ser, *n_ser;
    size_t k_any, k_ser;
    ev_buf cats;
} tech_acc;

static bool has_tech(const json_t *techs, const char *tech)
{
    for (size_t i = 0; i < json_array_size(techs); i++)
        if (strcmp(json_string_value(json_array_get(techs, i)), tech) == 0)
            return true;
    return json_is_string(techs) && strcmp(json_string_value(techs), tech) == 0;
}

static void take_events(const json_t *ev, double *x, double *n, size_t *k)
{
    if (!json_is_object(ev))
        return;
    x[*k] = (double)json_integer_value(json_object_get(ev, "events"));
    n[*k] = (double)json_integer_value(json_object_get(ev, "total"));
    (*k)++;
}

/* Adverse-event rows of one study: "category events/patients" summed. */
static ev_status add_categories(tech_acc *a, const ev__chart_val *v, size_t nv, const char *study)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < nv; i++) {
        if (strcmp(v[i].study, study) != 0 ||
            !ev__chart_path_matches(v[i].path, "adverse_events.category"))
            continue;
        char p[600];
        snprintf(p, sizeof p, "%.*s", (int)(strlen(v[i].path) - strlen("category")), v[i].path);
        size_t base = strlen(p);
        snprintf(p + base, sizeof p - base, "events");
        const json_t *e = json_of(v, nv, study, p);
        char cnt[32] = "events not reported";
        if (json_is_integer(e))
            snprintf(cnt, sizeof cnt, "%lld", (long long)json_integer_value(e));
        st = ev_buf_printf(&a->cats, "%s%s: %s (%s)", a->cats.len ? "; " : "",
                           json_string_value(v[i].value), cnt, study);
    }
    return st;
}

static void fmt_pool(char *buf, size_t n, const double *x, const double *t, size_t k)
{
    ev_chart_pooled p;
    if (k == 0 || ev_chart_pool_proportions(&p, x, t, k, NULL) != EV_OK)
        snprintf(buf, n, "not reported");
    else
        snprintf(buf, n, "%.0f/%.0f; %.1f%% (%.1f\u2013%.1f), k = %zu", p.events, p.total,
                 100 * p.est, 100 * p.ci_lb, 100 * p.ci_ub, p.k);
}

static bool reports_ae(const ev__chart_val *v, size_t nv, const char *study)
{
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].study, study) == 0 &&
            (strcmp(v[i].path, "ae_any") == 0 || strcmp(v[i].path, "ae_serious") == 0 ||
             strncmp(v[i].path, "adverse_events.", 15) == 0))
            return true;
    return false;
}

static ev_status tech_row(ev_chart_table *t, const char *tech, const ev__chart_val *v, size_t nv,
                          char **studies, size_t ns, tech_acc *a)
{
    ev_status st = EV_OK;
    for (size_t s = 0; st == EV_OK && s < ns; s++) {
        if (!has_tech(json_of(v, nv, studies[s], "technology"), tech))
            continue;
        a->studies++;
        if (!reports_ae(v, nv, studies[s]))
            continue;
        a->reporting++;
        take_events(json_of(v, nv, studies[s], "ae_any"), a->x_any, a->n_any, &a->k_any);
        take_events(json_of(v, nv, studies[s], "ae_serious"), a->x_ser, a->n_ser, &a->k_ser);
        st = add_categories(a, v, nv, studies[s]);
    }
    if (st != EV_OK || a->studies == 0)
        return st;
    char ns_s[32], nr_s[32], any[160], ser[160];
    snprintf(ns_s, sizeof ns_s, "%zu", a->studies);
    snprintf(nr_s, sizeof nr_s, "%zu", a->reporting);
    fmt_pool(any, sizeof any, a->x_any, a->n_any, a->k_any);
    fmt_pool(ser, sizeof ser, a->x_ser, a->n_ser, a->k_ser);
    const char *cells[6] = {tech, ns_s, nr_s, any, ser, ev_buf_cstr(&a->cats)};
    return ev__chart_table_add(t, cells);
}

static const char *const safety_header[] = {"Technology",
                                            "Studies",
                                            "Reporting adverse events",
                                            "Patients with any adverse event",
                                            "Patients with a serious adverse event",
                                            "Events by category (study)"};

static ev_status safety_rows(ev_chart_table *t, const ev_chart_form *f, const ev__chart_val *v,
                             size_t nv, char **studies, size_t ns)
{
    const ev__chart_field *fd = ev__chart_form_find(f, "technology", true);
    size_t nt = fd ? fd->nchoices : 0;
    double *buf = ev_calloc(4 * (ns + 1), sizeof *buf);
    ev_status st = buf ? EV_OK : EV_ENOMEM;
    for (size_t i = 0; st == EV_OK && i < nt; i++) {
        tech_acc a = {.x_any = buf,
                      .n_any = buf + ns + 1,
                      .x_ser = buf + 2 * (ns + 1),
                      .n_ser = buf + 3 * (ns + 1)};
        ev_buf_init(&a.cats, 1 << 20);
        st = tech_row(t, fd->choices[i], v, nv, studies, ns, &a);
        ev_buf_release(&a.cats);
    }
    ev_free(buf);
    return st;
}

ev_status ev_chart_safety(ev_chart *c, ev_chart_table **out, ev_error *err)
{
    *out = NULL;
    ev_status rc = ev__chart_need_form(c, 0, err);
    ev__chart_val *v = NULL;
    size_t nv = 0, ns = 0;
    char **studies = NULL;
    ev_stmt *st = NULL;
    bool row = false;
    if (rc == EV_OK)
        rc = ev__chart_resolved(c, &v, &nv, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(c->store, &st, "SELECT id FROM chart_studies ORDER BY rowid", err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        char **g = ev_reallocarray(studies, ns + 1, sizeof *g);
        if (g == NULL || (g[ns] = ev_strdup(ev_stmt_text(st, 0))) == NULL)
            rc = ev__chart_oom(err);
        if (g)
            studies = g;
        if (rc == EV_OK)
            ns++;
    }
    ev_stmt_free(st);
    ev_chart_table *t = NULL;
    if (rc == EV_OK && (t = ev__chart_table_new("Safety by technology", 6, safety_header)) == NULL)
        rc = ev__chart_oom(err);
    if (rc == EV_OK && safety_rows(t, c->form, v, nv, studies, ns) != EV_OK)
        rc = ev__chart_oom(err);
    if (rc == EV_OK &&
        (t->note = ev_strdup("Pooled proportion of patients (95% CI): Freeman-Tukey double "
                             "arcsine, random effects (REML), Miller's back-transformation at the "
                             "harmonic mean n; k = studies reporting the count, zero-event "
                             "reports included.")) == NULL)
        rc = ev__chart_oom(err);
    for (size_t i = 0; i < ns; i++)
        ev_free(studies[i]);
    ev_free(studies);
    ev__chart_vals_free(v, nv);
    if (rc != EV_OK)
        ev_chart_table_free(t);
    else
        *out = t;
    return rc;
}
