/*
 * pool.c - meta-analysis of one outcome from charted data: per study, the
 * treatment and control arms' scores on the chosen instrument(s) at the
 * chosen time point become a mean difference (one instrument) or a
 * standardised mean difference (Hedges' g, several instruments) with signs
 * harmonised so that a positive value favours the treatment, then a
 * random-effects model (ev_rma_fit; REML by default, Viechtbauer 2005).
 */
#include "report_int.h"

/* One charted outcome element: outcomes.N of a study. */
typedef struct elem {
    size_t study; /* index into the study list */
    long no;
    char *arm, *timepoint, *instrument;
    double mean, sd, n;
} elem;

typedef struct charted {
    char **ids, **labels; /* per study */
    size_t nstudies;
    elem *e;
    size_t ne;
} charted;

static void charted_release(charted *c)
{
    for (size_t i = 0; i < c->nstudies; i++)
        ev_free(c->ids[i]), ev_free(c->labels[i]);
    for (size_t i = 0; i < c->ne; i++)
        ev_free(c->e[i].arm), ev_free(c->e[i].timepoint), ev_free(c->e[i].instrument);
    ev_free(c->ids);
    ev_free(c->labels);
    ev_free(c->e);
}

static ev_status study_of(charted *c, const char *id, size_t *out)
{
    if (c->nstudies && !strcmp(c->ids[c->nstudies - 1], id)) {
        *out = c->nstudies - 1; /* values come sorted by study */
        return EV_OK;
    }
    char **a = ev_reallocarray(c->ids, c->nstudies + 1, sizeof *a);
    if (a)
        c->ids = a;
    char **b = a ? ev_reallocarray(c->labels, c->nstudies + 1, sizeof *b) : NULL;
    if (b)
        c->labels = b;
    if (!a || !b || (a[c->nstudies] = ev_strdup(id)) == NULL)
        return EV_ENOMEM;
    b[c->nstudies] = NULL;
    *out = c->nstudies++;
    return EV_OK;
}

static elem *elem_of(charted *c, size_t study, long no)
{
    for (size_t i = c->ne; i-- > 0 && c->e[i].study == study;)
        if (c->e[i].no == no)
            return &c->e[i];
    elem *g = ev_reallocarray(c->e, c->ne + 1, sizeof *g);
    if (g == NULL)
        return NULL;
    c->e = g;
    g[c->ne] = (elem){.study = study, .no = no, .mean = NAN, .sd = NAN, .n = NAN};
    return &g[c->ne++];
}

/* outcomes.N.(arm|timepoint|score) */
static ev_status outcome_value(charted *c, size_t study, const char *path, const char *json)
{
    char *end = NULL;
    long no = strtol(path + 9, &end, 10);
    if (end == path + 9 || *end != '.')
        return EV_OK;
    const char *what = end + 1;
    if (strcmp(what, "arm") && strcmp(what, "timepoint") && strcmp(what, "score"))
        return EV_OK;
    elem *e = elem_of(c, study, no);
    if (e == NULL)
        return EV_ENOMEM;
    if (!strcmp(what, "arm"))
        (void)ev__rj_string(json, NULL, SIZE_MAX, &e->arm);
    else if (!strcmp(what, "timepoint"))
        (void)ev__rj_string(json, NULL, SIZE_MAX, &e->timepoint);
    else {
        (void)ev__rj_string(json, "instrument", SIZE_MAX, &e->instrument);
        (void)ev__rj_number(json, "mean", &e->mean);
        (void)ev__rj_number(json, "sd", &e->sd);
        (void)ev__rj_number(json, "n", &e->n);
    }
    return EV_OK;
}

static ev_status load_charted(charted *c, ev_chart *ch, ev_error *err)
{
    ev_chart_value *v = NULL;
    size_t nv = 0;
    ev_status rc = ev_chart_values(ch, &v, &nv, err);
    for (size_t i = 0; rc == EV_OK && i < nv; i++) {
        size_t s = 0;
        rc = study_of(c, v[i].study, &s);
        if (rc == EV_OK && !strcmp(v[i].path, "citation") && c->labels[s] == NULL)
            (void)ev__rj_string(v[i].json, NULL, SIZE_MAX, &c->labels[s]);
        else if (rc == EV_OK && !strncmp(v[i].path, "outcomes.", 9))
            rc = outcome_value(c, s, v[i].path, v[i].json);
        if (rc == EV_ENOMEM)
            rc = ev__report_oom(err);
    }
    ev_chart_values_free(v, nv);
    return rc;
}

/* ---- selection ------------------------------------------------------------- */

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (!ev_strncasecmp(hay, needle, n))
            return true;
    return false;
}

typedef struct selection {
    const ev_report_outcome *o;
    const ev_chart_instrument **inst;
    size_t ninst;
} selection;

static bool arm_is(const selection *s, const char *arm, bool treatment)
{
    if (arm == NULL)
        return false;
    if (treatment)
        return contains_ci(arm, s->o->treatment);
    return contains_ci(arm, s->o->control) && !contains_ci(arm, s->o->treatment);
}

/* The element of `study` for `inst` at the time point in the treatment (or
 * control) arm; *count gets the number of matching elements. */
static const elem *find_arm(const charted *c, const selection *s, size_t study, const char *inst,
                            bool treatment, size_t *count)
{
    const elem *hit = NULL;
    *count = 0;
    for (size_t i = 0; i < c->ne; i++) {
        const elem *e = &c->e[i];
        if (e->study != study || !e->instrument || ev_strcasecmp(e->instrument, inst) ||
            !e->timepoint || ev_strcasecmp(e->timepoint, s->o->timepoint) ||
            !arm_is(s, e->arm, treatment))
            continue;
        if (hit == NULL || ev_strcasecmp(hit->arm, e->arm))
            (*count)++;
        hit = hit ? hit : e;
    }
    return hit;
}

static char *join3(const char *a, const char *b, const char *c)
{
    ev_buf t;
    ev_buf_init(&t, 4096);
    char *r = NULL;
    if (ev_buf_puts(&t, a) == EV_OK && ev_buf_puts(&t, b ? b : "") == EV_OK &&
        ev_buf_puts(&t, c) == EV_OK)
        r = ev_buf_detach(&t);
    ev_buf_release(&t);
    return r;
}

/* Why the arms' numbers cannot enter the model, or NULL. */
static char *missing_why(const elem *a, const elem *b)
{
    const elem *e[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        if (isnan(e[i]->mean))
            return join3("no mean charted for arm '", e[i]->arm, "'");
        if (isnan(e[i]->sd))
            return join3("no SD charted for arm '", e[i]->arm,
                         "' (the source does not report one)");
        if (isnan(e[i]->n))
            return join3("no n charted for arm '", e[i]->arm, "'");
    }
    return NULL;
}

/* ---- the pooled result -------------------------------------------------------- */

void ev_report_pool_free(ev_report_pool *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nstudies; i++) {
        ev_report_pool_study *s = &p->studies[i];
        ev_free(s->study), ev_free(s->label), ev_free(s->instrument);
        ev_free(s->arm1), ev_free(s->arm2), ev_free(s->left_out);
    }
    ev_free(p->studies);
    ev_free(p->title);
    ev_free(p->method);
    ev_free(p);
}

static ev_report_pool_study *add_study(ev_report_pool *p, const charted *c, size_t study,
                                       const char *inst)
{
    ev_report_pool_study *g = ev_reallocarray(p->studies, p->nstudies + 1, sizeof *g);
    if (g == NULL)
        return NULL;
    p->studies = g;
    ev_report_pool_study *s = &g[p->nstudies++];
    memset(s, 0, sizeof *s);
    s->m1 = s->sd1 = s->n1 = s->m2 = s->sd2 = s->n2 = NAN;
    s->yi = s->vi = s->weight = NAN;
    s->study = ev_strdup(c->ids[study]);
    s->label = ev_strdup(c->labels[study] ? c->labels[study] : c->ids[study]);
    s->instrument = ev_strdup(inst);
    return s->study && s->label && s->instrument ? s : NULL;
}

static void take_arms(ev_report_pool_study *s, const elem *t, const elem *k)
{
    if (t)
        s->arm1 = ev_strdup(t->arm), s->m1 = t->mean, s->sd1 = t->sd, s->n1 = t->n;
    if (k)
        s->arm2 = ev_strdup(k->arm), s->m2 = k->mean, s->sd2 = k->sd, s->n2 = k->n;
}

/* The study's row for the first instrument (in the order given) it
 * reports at the time point in either arm; nothing when none. */
static ev_status consider(ev_report_pool *p, const charted *c, const selection *sel, size_t study)
{
    for (size_t j = 0; j < sel->ninst; j++) {
        const char *inst = sel->inst[j]->id;
        size_t nt = 0, nk = 0;
        const elem *t = find_arm(c, sel, study, inst, true, &nt);
        const elem *k = find_arm(c, sel, study, inst, false, &nk);
        if (!t && !k)
            continue;
        ev_report_pool_study *s = add_study(p, c, study, inst);
        if (s == NULL)
            return EV_ENOMEM;
        take_arms(s, t, k);
        if (nt > 1 || nk > 1)
            s->left_out =
                join3("several arms match '", nt > 1 ? sel->o->treatment : sel->o->control, "'");
        else if (!t || !k)
            s->left_out =
                join3("no value at this time point for the ", t ? "control" : "treatment", " arm");
        else
            s->left_out = missing_why(t, k);
        return EV_OK;
    }
    return EV_OK;
}

/* Resolve the instrument list in the catalogue and check the directions. */
static ev_status instruments(selection *sel, const ev_chart_catalogue *cat, ev_error *err)
{
    char *list = ev_strdup(sel->o->instruments);
    if (list == NULL)
        return ev__report_oom(err);
    ev_status rc = EV_OK;
    for (char *tok = list, *next; rc == EV_OK && tok && *tok; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        while (*tok == ' ')
            tok++;
        const ev_chart_instrument *in = ev_chart_catalogue_find(cat, tok);
        if (in == NULL)
            rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0,
                              "pool: instrument '%s' is not in the catalogue", tok);
        else if (sel->ninst < 16)
            sel->inst[sel->ninst++] = in;
    }
    ev_free(list);
    if (rc == EV_OK && sel->ninst == 0)
        rc = ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "pool: no instrument given");
    return rc;
}

static ev_status check_directions(const selection *sel, ev_synth_measure m, ev_error *err)
{
    for (size_t j = 1; j < sel->ninst; j++) {
        const ev_chart_instrument *a = sel->inst[0], *b = sel->inst[j];
        if (m == EV_MEASURE_MD)
            return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                                "pool: a mean difference needs one instrument, got %s and %s"
                                " (use --measure SMD)",
                                a->id, b->id);
        if (sel->o->no_harmonise && a->higher_is_better != b->higher_is_better)
            return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                                "pool: %s (higher is better) and %s (lower is better) point in"
                                " opposite directions; pooling them needs harmonised signs",
                                a->higher_is_better ? a->id : b->id,
                                a->higher_is_better ? b->id : a->id);
    }
    return EV_OK;
}

static ev_status fit(ev_report_pool *p, const ev_chart_catalogue *cat, const selection *sel,
                     ev_synth_options *opt, ev_error *err);

static ev_status setup(ev_report_pool *p, selection *sel, ev_synth_options *opt, ev_error *err)
{
    const ev_report_outcome *o = sel->o;
    if (!o->instruments || !o->timepoint || !o->treatment || !o->control || !*o->treatment ||
        !*o->control)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "pool: say which instrument, time point, treatment and control");
    ev_synth_options_init(opt);
    if (o->method && !ev_synth_method_parse(o->method, &opt->method))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "pool: unknown method '%s'", o->method);
    opt->measure = sel->ninst > 1 ? EV_MEASURE_SMD : EV_MEASURE_MD;
    if (o->measure && (!ev_synth_measure_parse(o->measure, &opt->measure) ||
                       (opt->measure != EV_MEASURE_MD && opt->measure != EV_MEASURE_SMD)))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "pool: measure is MD or SMD, not '%s'",
                            o->measure);
    p->measure = opt->measure;
    p->higher_better = sel->inst[0]->higher_is_better;
    p->method = ev_strdup(ev_synth_method_name(opt->method));
    p->title = ev_strdup(o->instruments);
    ev_buf t;
    ev_buf_init(&t, 4096);
    if (ev_buf_printf(&t, "%s at %s: %s vs %s", o->instruments, o->timepoint, o->treatment,
                      o->control) == EV_OK) {
        ev_free(p->title);
        p->title = ev_buf_detach(&t);
    }
    ev_buf_release(&t);
    return p->method && p->title ? check_directions(sel, opt->measure, err) : ev__report_oom(err);
}

ev_status ev_report_pool_run(ev_report_pool **out, ev_chart *c, const ev_chart_catalogue *cat,
                             const ev_report_outcome *o, ev_error *err)
{
    *out = NULL;
    const ev_chart_instrument *inst[16];
    selection sel = {o, inst, 0};
    charted ch = {0};
    ev_synth_options opt;
    ev_report_pool *p = ev_calloc(1, sizeof *p);
    if (p == NULL)
        return ev__report_oom(err);
    ev_status rc = o->instruments ? instruments(&sel, cat, err) : EV_OK;
    if (rc == EV_OK)
        rc = setup(p, &sel, &opt, err);
    if (rc == EV_OK)
        rc = load_charted(&ch, c, err);
    for (size_t i = 0; rc == EV_OK && i < ch.nstudies; i++)
        if (consider(p, &ch, &sel, i) != EV_OK)
            rc = ev__report_oom(err);
    if (rc == EV_OK)
        rc = fit(p, cat, &sel, &opt, err);
    charted_release(&ch);
    if (rc != EV_OK) {
        ev_report_pool_free(p);
        return rc;
    }
    *out = p;
    return EV_OK;
}

static ev_status too_few(const ev_report_pool *p, size_t k, ev_error *err)
{
    const char *why = NULL, *who = NULL;
    for (size_t i = 0; i < p->nstudies && !why; i++)
        if (p->studies[i].left_out)
            why = p->studies[i].left_out, who = p->studies[i].label;
    if (why)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "pool: %s: %zu of %zu studies have complete data (%s: %s)", p->title, k,
                            p->nstudies, who, why);
    return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                        "pool: %s: %zu studies report this outcome; pooling needs two", p->title,
                        p->nstudies);
}

/* Signs so that a positive value favours the treatment (group 1). */
static ev_status harmonise(ev_report_pool *p, const ev_chart_catalogue *cat, ev_error *err)
{
    for (size_t i = 0; i < p->nstudies; i++) {
        ev_report_pool_study *s = &p->studies[i];
        double sign = 1;
        if (s->left_out)
            continue;
        ev_status rc = ev_chart_harmonise_sign(&sign, cat, s->instrument, 1.0, err);
        if (rc != EV_OK)
            return rc;
        if (sign < 0)
            p->harmonised = true;
        s->yi *= sign;
    }
    return EV_OK;
}

static ev_status effect_sizes(ev_report_pool *p, size_t k, const ev_synth_options *opt,
                              ev_error *err)
{
    double *col = ev_calloc(6 * k, sizeof *col);
    if (col == NULL)
        return ev__report_oom(err);
    size_t j = 0;
    for (size_t i = 0; i < p->nstudies; i++) {
        const ev_report_pool_study *s = &p->studies[i];
        if (s->left_out)
            continue;
        col[j] = s->m1, col[k + j] = s->sd1, col[2 * k + j] = s->n1;
        col[3 * k + j] = s->m2, col[4 * k + j] = s->sd2, col[5 * k + j] = s->n2;
        j++;
    }
    ev_synth_data d = {.k = k,
                       .m1i = col,
                       .sd1i = col + k,
                       .n1i = col + 2 * k,
                       .m2i = col + 3 * k,
                       .sd2i = col + 4 * k,
                       .n2i = col + 5 * k};
    ev_escalc *es = NULL;
    ev_status rc = ev_escalc_compute(&es, &d, opt, err);
    for (size_t i = 0, q = 0; rc == EV_OK && i < p->nstudies; i++)
        if (!p->studies[i].left_out)
            p->studies[i].yi = es->yi[q], p->studies[i].vi = es->vi[q], q++;
    ev_escalc_free(es);
    ev_free(col);
    return rc;
}

static ev_status model(ev_report_pool *p, size_t k, const ev_synth_options *opt, ev_error *err)
{
    double *yv = ev_calloc(2 * k, sizeof *yv);
    if (yv == NULL)
        return ev__report_oom(err);
    for (size_t i = 0, q = 0; i < p->nstudies; i++)
        if (!p->studies[i].left_out)
            yv[q] = p->studies[i].yi, yv[k + q] = p->studies[i].vi, q++;
    ev_rma *f = NULL;
    ev_rma_pred pr;
    ev_status rc = ev_rma_fit(&f, yv, yv + k, k, NULL, opt, err);
    if (rc == EV_OK)
        rc = ev_rma_predict(&pr, f, NULL, 1, EV_TRANSF_NONE, 0, err);
    if (rc == EV_OK) {
        p->k = f->k;
        p->est = f->beta[0], p->se = f->se[0], p->ci_lb = f->ci_lb[0], p->ci_ub = f->ci_ub[0];
        p->zval = f->stat[0], p->pval = f->pval[0];
        p->pi_lb = pr.pi_lb, p->pi_ub = pr.pi_ub;
        p->tau2 = f->tau2, p->I2 = f->I2, p->QE = f->QE, p->QEp = f->QEp, p->QEdf = f->QEdf;
        for (size_t i = 0, q = 0; i < p->nstudies; i++)
            if (!p->studies[i].left_out)
                p->studies[i].weight = f->weights[q++];
    }
    ev_rma_free(f);
    ev_free(yv);
    return rc;
}

static ev_status fit(ev_report_pool *p, const ev_chart_catalogue *cat, const selection *sel,
                     ev_synth_options *opt, ev_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < p->nstudies; i++)
        k += p->studies[i].left_out == NULL;
    if (k < 2)
        return too_few(p, k, err);
    ev_status rc = effect_sizes(p, k, opt, err);
    if (rc == EV_OK && opt->measure == EV_MEASURE_SMD && !sel->o->no_harmonise)
        rc = harmonise(p, cat, err);
    return rc == EV_OK ? model(p, k, opt, err) : rc;
}
