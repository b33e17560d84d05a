/*
 * import.c - batch charting from a file, one transaction: JSON documents
 * ({"form_version": N, "studies": [{"id", "records", "values": {...}}]},
 * groups as lists of objects) or CSV rows study,field,value. Every value is
 * validated before anything is kept; the first bad one names the study and
 * field and the review is left unchanged.
 */
#include "chart_int.h"

typedef struct import_ctx {
    ev_chart *c;
    const char *reviewer;
    const char *input;
    size_t written;
} import_ctx;

static ev_status put_value(import_ctx *x, const char *study, const char *path, json_t *v,
                           ev_error *err)
{
    const ev__chart_field *fd = ev__chart_form_find(x->c->form, path, true);
    json_t *norm = NULL;
    ev_status rc = EV_OK;
    if (fd == NULL)
        rc = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "'%s' is not a field of the form", path);
    else
        rc = ev__chart_check(&norm, fd, x->c->cat, path, v, err);
    char *text = rc == EV_OK ? ev__chart_dump(norm) : NULL;
    if (rc == EV_OK && text == NULL)
        rc = ev__chart_oom(err);
    if (rc == EV_OK)
        rc = ev__chart_put(x->c, study, path, text, x->reviewer, err);
    if (rc == EV_OK)
        x->written++;
    ev_free(text);
    json_decref(norm);
    return rc;
}

static ev_status put_object(import_ctx *x, const char *study, const char *prefix, json_t *obj,
                            ev_error *err);

static ev_status put_group(import_ctx *x, const char *study, const char *path, json_t *arr,
                           ev_error *err)
{
    if (!json_is_array(arr))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "%s: a repeating group is a list", path);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char sub[600];
        int w = snprintf(sub, sizeof sub, "%s.%zu.", path, i + 1);
        if (w < 0 || (size_t)w >= sizeof sub)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "%s: path too long", path);
        json_t *o = json_array_get(arr, i);
        if (!json_is_object(o))
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "%s.%zu: not an object", path, i + 1);
        ev_status rc = put_object(x, study, sub, o, err);
        if (rc != EV_OK)
            return rc;
    }
    return EV_OK;
}

static ev_status put_object(import_ctx *x, const char *study, const char *prefix, json_t *obj,
                            ev_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        char path[600];
        snprintf(path, sizeof path, "%s%s", prefix, key);
        if (json_is_null(v))
            continue; /* not reported: left uncharted */
        const ev__chart_field *fd = ev__chart_form_find(x->c->form, path, false);
        ev_status rc = fd && fd->type == EV_CHART_GROUP ? put_group(x, study, path, v, err)
                                                        : put_value(x, study, path, v, err);
        if (rc != EV_OK)
            return rc;
    }
    return EV_OK;
}

static ev_status put_links(import_ctx *x, const char *study, json_t *recs, ev_error *err)
{
    if (recs == NULL)
        return EV_OK;
    if (!json_is_array(recs))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "\"records\" must be a list of record ids");
    for (size_t i = 0; i < json_array_size(recs); i++) {
        json_t *r = json_array_get(recs, i);
        if (!json_is_integer(r))
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record %zu is not a record id", i + 1);
        ev_status rc = ev_chart_link(x->c, study, (ev_id)json_integer_value(r), err);
        if (rc != EV_OK)
            return rc;
    }
    return EV_OK;
}

static ev_status put_study(import_ctx *x, json_t *s, size_t idx, ev_error *err)
{
    const char *id = json_string_value(json_object_get(s, "id"));
    json_t *values = json_object_get(s, "values");
    if (id == NULL || !json_is_object(values))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "studies[%zu]: needs an \"id\" and a \"values\" object", idx + 1);
    ev_status rc = put_object(x, id, "", values, err);
    if (rc == EV_OK)
        rc = put_links(x, id, json_object_get(s, "records"), err);
    if (rc != EV_OK && err && strncmp(err->message, "study ", 6) != 0) {
        char msg[EV_ERROR_MSG_MAX];
        int w = snprintf(msg, sizeof msg, "study '%s': %s", id, err->message);
        if (w > 0)
            memcpy(err->message, msg, sizeof msg);
    }
    return rc;
}

static ev_status import_json(import_ctx *x, const char *text, size_t n, ev_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return ev_error_set(err, EV_EINPUT, x->input, (size_t)je.line, (size_t)je.column, "%s",
                            je.text);
    json_t *fv = json_object_get(root, "form_version"), *studies = json_object_get(root, "studies");
    ev_status rc = EV_OK;
    if (!json_is_integer(fv) || !json_is_array(studies))
        rc = ev_error_set(err, EV_EINPUT, x->input, 0, 0,
                          "expected {\"form_version\": N, \"studies\": [...]}");
    if (rc == EV_OK && json_integer_value(fv) < 1)
        rc = ev_error_set(err, EV_EINPUT, x->input, 0, 0, "form_version must be 1 or more");
    if (rc == EV_OK)
        rc = ev__chart_need_form(x->c, (long)json_integer_value(fv), err);
    for (size_t i = 0; rc == EV_OK && i < json_array_size(studies); i++)
        rc = put_study(x, json_array_get(studies, i), i, err);
    json_decref(root);
    return rc;
}

/* One RFC 4180 field starting at *p; advances past its separator. *eol is
 * set when the record ends. */
static ev_status csv_field(ev_buf *out, const char **p, const char *end, bool *eol, size_t *line)
{
    ev_buf_clear(out);
    const char *s = *p;
    ev_status st = EV_OK;
    if (s < end && *s == '"') {
        for (s++; st == EV_OK; s++) {
            if (s >= end)
                return EV_EINPUT; /* unterminated quote */
            if (*s == '"' && (s + 1 >= end || s[1] != '"'))
                break;
            if (*s == '"')
                s++;
            if (*s == '\n')
                (*line)++;
            st = ev_buf_putc(out, *s);
        }
        s++;
    } else {
        while (st == EV_OK && s < end && *s != ',' && *s != '\n' && *s != '\r')
            st = ev_buf_putc(out, *s++);
    }
    if (s < end && *s == '\r')
        s++;
    *eol = s >= end || *s == '\n';
    if (s < end)
        s++;
    if (st == EV_OK && !*eol && s[-1] != ',')
        return EV_EINPUT;
    *p = s;
    return st;
}

static ev_status csv_row(ev_buf f[3], size_t *nf, const char **p, const char *end, size_t *line)
{
    bool eol = false;
    *nf = 0;
    while (!eol) {
        ev_buf scratch;
        ev_buf_init(&scratch, 1 << 20);
        ev_buf *dst = *nf < 3 ? &f[*nf] : &scratch;
        ev_status st = csv_field(dst, p, end, &eol, line);
        ev_buf_release(&scratch);
        if (st != EV_OK)
            return st;
        (*nf)++;
    }
    (*line)++;
    return EV_OK;
}

static ev_status csv_value(import_ctx *x, ev_buf f[3], size_t line, ev_error *err)
{
    char *norm = NULL;
    const char *study = ev_buf_cstr(&f[0]), *path = ev_buf_cstr(&f[1]);
    ev_status rc = ev_chart_validate(&norm, x->c->form, x->c->cat, path, ev_buf_cstr(&f[2]), err);
    if (rc == EV_OK)
        rc = ev__chart_put(x->c, study, path, norm, x->reviewer, err);
    ev_free(norm);
    if (rc == EV_OK)
        x->written++;
    else if (err && err->line == 0) {
        err->line = line;
        snprintf(err->input, sizeof err->input, "%s", x->input);
        if (err->code == EV_ENOTFOUND)
            err->code = EV_EINPUT;
    }
    return rc;
}

static ev_status import_csv(import_ctx *x, const char *text, size_t n, ev_error *err)
{
    ev_buf f[3];
    for (int i = 0; i < 3; i++)
        ev_buf_init(&f[i], 1 << 20);
    const char *p = text, *end = text + n;
    size_t line = 1, nf = 0, at = 1;
    ev_status rc = ev__chart_need_form(x->c, 0, err);
    if (rc == EV_OK && (csv_row(f, &nf, &p, end, &line) != EV_OK || nf != 3 ||
                        strcmp(ev_buf_cstr(&f[0]), "study") ||
                        strcmp(ev_buf_cstr(&f[1]), "field") || strcmp(ev_buf_cstr(&f[2]), "value")))
        rc = ev_error_set(err, EV_EINPUT, x->input, 1, 1, "expected the header study,field,value");
    while (rc == EV_OK && p < end) {
        at = line;
        if (csv_row(f, &nf, &p, end, &line) != EV_OK || nf != 3) {
            if (nf == 1 && f[0].len == 0)
                continue; /* blank line */
            rc = ev_error_set(err, EV_EINPUT, x->input, at, 0,
                              "expected 3 fields (study,field,value), got %zu", nf);
        } else {
            rc = csv_value(x, f, at, err);
        }
    }
    for (int i = 0; i < 3; i++)
        ev_buf_release(&f[i]);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && ev_strcasecmp(s + a - b, suffix) == 0;
}

ev_status ev_chart_import_file(ev_chart *c, const char *path, const char *reviewer,
                               size_t *n_values, ev_error *err)
{
    if (n_values)
        *n_values = 0;
    import_ctx x = {.c = c, .reviewer = reviewer, .input = path};
    char *text = NULL;
    size_t n = 0;
    ev_status rc = ev__chart_read_file(&text, &n, path, err);
    if (rc != EV_OK)
        return rc;
    if ((rc = ev_store_begin(c->store, err)) == EV_OK) {
        rc = ends_with(path, ".csv") ? import_csv(&x, text, n, err) : import_json(&x, text, n, err);
        if (rc == EV_OK)
            rc = ev_store_audit(c->store, reviewer, "chart.import", NULL, err);
        rc = rc == EV_OK ? ev_store_commit(c->store, err) : (ev_store_rollback(c->store), rc);
    }
    ev_free(text);
    if (rc == EV_OK && n_values)
        *n_values = x.written;
    if (rc != EV_OK && err && err->input[0] == '\0')
        snprintf(err->input, sizeof err->input, "%s", path);
    return rc;
}
