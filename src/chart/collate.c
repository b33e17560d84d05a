/*
 * collate.c - frequency tables over charted fields (one field, or a cross-
 * table of two: technology x condition is the seed review's Figure 2).
 */
#include "chart_int.h"

#define NOT_CHARTED "(not charted)"

typedef struct strlist {
    char **s;
    size_t n;
} strlist;

static void strlist_release(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        ev_free(l->s[i]);
    ev_free(l->s);
    l->s = NULL;
    l->n = 0;
}

static size_t strlist_find(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->s[i], s) == 0)
            return i;
    return SIZE_MAX;
}

/* Add if absent. */
static ev_status strlist_add(strlist *l, const char *s)
{
    if (strlist_find(l, s) != SIZE_MAX)
        return EV_OK;
    char **g = ev_reallocarray(l->s, l->n + 1, sizeof *g);
    if (g == NULL)
        return EV_ENOMEM;
    l->s = g;
    return (l->s[l->n] = ev_strdup(s)) ? (l->n++, EV_OK) : EV_ENOMEM;
}

/* "outcomes.2.instrument" matches field "outcomes.instrument". */
bool ev__chart_path_matches(const char *path, const char *field);
bool ev__chart_path_matches(const char *path, const char *field)
{
    const char *p = path, *f = field;
    while (*p && *f) {
        if (isdigit((unsigned char)*p)) {
            while (isdigit((unsigned char)*p))
                p++;
            if (*p == '.')
                p++;
            continue;
        }
        size_t lp = strcspn(p, "."), lf = strcspn(f, ".");
        if (lp != lf || memcmp(p, f, lp) != 0)
            return false;
        p += lp + (p[lp] == '.');
        f += lf + (f[lf] == '.');
    }
    return *p == '\0' && *f == '\0';
}

static ev_status add_value_strings(strlist *l, const json_t *v)
{
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            ev_status st = add_value_strings(l, json_array_get(v, i));
            if (st != EV_OK)
                return st;
        }
        return EV_OK;
    }
    if (json_is_string(v))
        return strlist_add(l, json_string_value(v));
    char *s = ev__chart_dump(v);
    ev_status st = s ? strlist_add(l, s) : EV_ENOMEM;
    ev_free(s);
    return st;
}

/* Distinct values of `field` per study (index = study order in `studies`). */
static ev_status values_of(strlist *per, const strlist *studies, const ev__chart_val *v, size_t nv,
                           const char *field)
{
    for (size_t i = 0; i < nv; i++) {
        if (!ev__chart_path_matches(v[i].path, field))
            continue;
        size_t s = strlist_find(studies, v[i].study);
        ev_status st = s == SIZE_MAX ? EV_OK : add_value_strings(&per[s], v[i].value);
        if (st != EV_OK)
            return st;
    }
    for (size_t s = 0; s < studies->n; s++)
        if (per[s].n == 0 && strlist_add(&per[s], NOT_CHARTED) != EV_OK)
            return EV_ENOMEM;
    return EV_OK;
}

/* Row/column labels: the form's choices in order, then other values seen
 * (sorted by first appearance in study order), "(not charted)" last. */
static ev_status labels_of(strlist *out, const ev__chart_field *fd, const strlist *per, size_t ns)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < fd->nchoices; i++)
        st = strlist_add(out, fd->choices[i]);
    for (size_t s = 0; st == EV_OK && s < ns; s++)
        for (size_t j = 0; st == EV_OK && j < per[s].n; j++)
            if (strcmp(per[s].s[j], NOT_CHARTED) != 0)
                st = strlist_add(out, per[s].s[j]);
    bool any_missing = false;
    for (size_t s = 0; s < ns; s++)
        any_missing |= strlist_find(&per[s], NOT_CHARTED) != SIZE_MAX;
    if (st == EV_OK && any_missing)
        st = strlist_add(out, NOT_CHARTED);
    return st;
}

static ev_status study_list(ev_chart *c, strlist *out, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc =
        ev_stmt_prepare(c->store, &st, "SELECT id FROM chart_studies ORDER BY rowid", err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        if (strlist_add(out, ev_stmt_text(st, 0)) != EV_OK)
            rc = ev__chart_oom(err);
    ev_stmt_free(st);
    return rc;
}

typedef struct freq_ctx {
    strlist studies, labels1, labels2;
    strlist *per1, *per2;
    ev__chart_val *vals;
    size_t nvals;
} freq_ctx;

static void freq_release(freq_ctx *x)
{
    for (size_t s = 0; s < x->studies.n; s++) {
        if (x->per1)
            strlist_release(&x->per1[s]);
        if (x->per2)
            strlist_release(&x->per2[s]);
    }
    ev_free(x->per1);
    ev_free(x->per2);
    strlist_release(&x->studies);
    strlist_release(&x->labels1);
    strlist_release(&x->labels2);
    ev__chart_vals_free(x->vals, x->nvals);
}

static ev_status tabulate(ev_chart_table **out, freq_ctx *x, const char *f1, const char *f2)
{
    size_t nc = f2 ? x->labels2.n + 2 : 2;
    const char **cells = ev_calloc(nc, sizeof *cells);
    char **nums = ev_calloc(nc, sizeof *nums);
    char title[300];
    snprintf(title, sizeof title, f2 ? "Studies by %s and %s" : "Studies by %s", f1, f2);
    if (!cells || !nums) {
        ev_free(cells);
        ev_free(nums);
        return EV_ENOMEM;
    }
    cells[0] = f1;
    for (size_t j = 0; f2 && j < x->labels2.n; j++)
        cells[j + 1] = x->labels2.s[j];
    cells[nc - 1] = f2 ? "Total" : "Studies";
    ev_chart_table *t = ev__chart_table_new(title, nc, cells);
    ev_status st = t ? EV_OK : EV_ENOMEM;
    for (size_t i = 0; st == EV_OK && i < x->labels1.n; i++) {
        /* the last column: studies with this value (a study with two
           values of field2 counts once here) */
        for (size_t j = 1; j < nc; j++) {
            const char *col = j + 1 < nc ? x->labels2.s[j - 1] : NULL;
            size_t cnt = 0;
            for (size_t s = 0; s < x->studies.n; s++)
                cnt += strlist_find(&x->per1[s], x->labels1.s[i]) != SIZE_MAX &&
                       (col == NULL || strlist_find(&x->per2[s], col) != SIZE_MAX);
            char buf[32];
            snprintf(buf, sizeof buf, "%zu", cnt);
            ev_free(nums[j]);
            nums[j] = ev_strdup(buf);
        }
        cells[0] = x->labels1.s[i];
        for (size_t j = 1; j < nc; j++)
            cells[j] = nums[j];
        st = ev__chart_table_add(t, cells);
    }
    for (size_t j = 0; j < nc; j++)
        ev_free(nums[j]);
    ev_free(nums);
    ev_free(cells);
    if (st == EV_OK) {
        char note[200];
        snprintf(note, sizeof note,
                 "%zu studies; a study counts once under each value it has "
                 "(multi-choice fields, repeating groups).",
                 x->studies.n);
        t->note = ev_strdup(note);
        *out = t;
    } else {
        ev_chart_table_free(t);
    }
    return st;
}

ev_status ev_chart_freq(ev_chart *c, const char *field, const char *field2, ev_chart_table **out,
                        ev_error *err)
{
    *out = NULL;
    ev_status rc = ev__chart_need_form(c, 0, err);
    const ev__chart_field *fd1 = NULL, *fd2 = NULL;
    if (rc == EV_OK && (fd1 = ev__chart_form_find(c->form, field, false)) == NULL)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "'%s' is not a field of the form",
                            field);
    if (rc == EV_OK && field2 && (fd2 = ev__chart_form_find(c->form, field2, false)) == NULL)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "'%s' is not a field of the form",
                            field2);
    if (rc != EV_OK)
        return rc;
    freq_ctx x = {0};
    rc = study_list(c, &x.studies, err);
    if (rc == EV_OK)
        rc = ev__chart_resolved(c, &x.vals, &x.nvals, err);
    size_t ns = x.studies.n ? x.studies.n : 1;
    if (rc == EV_OK && ((x.per1 = ev_calloc(ns, sizeof *x.per1)) == NULL ||
                        (x.per2 = ev_calloc(ns, sizeof *x.per2)) == NULL))
        rc = ev__chart_oom(err);
    if (rc == EV_OK && (values_of(x.per1, &x.studies, x.vals, x.nvals, field) != EV_OK ||
                        labels_of(&x.labels1, fd1, x.per1, x.studies.n) != EV_OK))
        rc = ev__chart_oom(err);
    if (rc == EV_OK && fd2 &&
        (values_of(x.per2, &x.studies, x.vals, x.nvals, field2) != EV_OK ||
         labels_of(&x.labels2, fd2, x.per2, x.studies.n) != EV_OK))
        rc = ev__chart_oom(err);
    if (rc == EV_OK && tabulate(out, &x, field, field2) != EV_OK)
        rc = ev__chart_oom(err);
    freq_release(&x);
    return rc;
}
