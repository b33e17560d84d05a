/*
 * form.c - extraction form schemas: typed fields with units, ranges and
 * choices, repeating groups, and the lookup of a field by its path. The
 * checks on values are in validate.c.
 */
#include "chart_int.h"

static const char *const type_names[EV_CHART__TYPES] = {
    [EV_CHART_TEXT] = "text",       [EV_CHART_INTEGER] = "integer",
    [EV_CHART_NUMBER] = "number",   [EV_CHART_DATE] = "date",
    [EV_CHART_CHOICE] = "choice",   [EV_CHART_MULTI] = "multi_choice",
    [EV_CHART_MEAN_SD] = "mean_sd", [EV_CHART_MEDIAN_IQR] = "median_iqr",
    [EV_CHART_EVENTS] = "events",   [EV_CHART_INSTRUMENT] = "instrument_score",
    [EV_CHART_GROUP] = "group",
};

const char *ev_chart_type_name(ev_chart_type t)
{
    return t < EV_CHART__TYPES ? type_names[t] : "unknown";
}

static bool type_parse(const char *s, ev_chart_type *out)
{
    for (int i = 0; i < EV_CHART__TYPES; i++)
        if (strcmp(s, type_names[i]) == 0) {
            *out = (ev_chart_type)i;
            return true;
        }
    return false;
}

static void fields_release(ev__chart_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ev_free(f[i].name);
        ev_free(f[i].label);
        ev_free(f[i].unit);
        ev_free(f[i].instrument);
        for (size_t j = 0; j < f[i].nchoices; j++)
            ev_free(f[i].choices[j]);
        ev_free(f[i].choices);
        fields_release(f[i].sub, f[i].nsub);
    }
    ev_free(f);
}

void ev_chart_form_free(ev_chart_form *f)
{
    if (f == NULL)
        return;
    ev_free(f->name);
    fields_release(f->fields, f->n);
    ev_free(f);
}

const char *ev_chart_form_name(const ev_chart_form *f)
{
    return f->name ? f->name : "";
}
long ev_chart_form_version(const ev_chart_form *f)
{
    return f->version;
}

static ev_status oom(ev_error *err)
{
    return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

static ev_status parse_fields(ev__chart_field **out, size_t *n, json_t *arr, const char *prefix,
                              const char *input, ev_error *err);

static ev_status read_choices(ev__chart_field *fd, json_t *o, const char *path, const char *input,
                              ev_error *err)
{
    json_t *ch = json_object_get(o, "choices");
    if (!json_is_array(ch) || json_array_size(ch) == 0)
        return ev_error_set(err, EV_EINPUT, input, 0, 0,
                            "field '%s': a %s field needs a non-empty \"choices\" list", path,
                            type_names[fd->type]);
    if ((fd->choices = ev_calloc(json_array_size(ch), sizeof *fd->choices)) == NULL)
        return oom(err);
    for (size_t i = 0; i < json_array_size(ch); i++) {
        const char *s = json_string_value(json_array_get(ch, i));
        if (s == NULL)
            return ev_error_set(err, EV_EINPUT, input, 0, 0, "field '%s': choice %zu is not text",
                                path, i + 1);
        for (size_t j = 0; j < fd->nchoices; j++)
            if (strcmp(fd->choices[j], s) == 0)
                return ev_error_set(err, EV_EINPUT, input, 0, 0,
                                    "field '%s': duplicate choice '%s'", path, s);
        if ((fd->choices[fd->nchoices++] = ev_strdup(s)) == NULL)
            return oom(err);
    }
    return EV_OK;
}

static ev_status read_bounds(ev__chart_field *fd, json_t *o, const char *path, const char *input,
                             ev_error *err)
{
    json_t *mn = json_object_get(o, "min"), *mx = json_object_get(o, "max");
    if ((mn && !json_is_number(mn)) || (mx && !json_is_number(mx)))
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "field '%s': min/max must be numbers",
                            path);
    fd->has_min = mn != NULL;
    fd->has_max = mx != NULL;
    fd->min = mn ? json_number_value(mn) : 0;
    fd->max = mx ? json_number_value(mx) : 0;
    if (fd->has_min && fd->has_max && fd->min > fd->max)
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "field '%s': min %g > max %g", path,
                            fd->min, fd->max);
    return EV_OK;
}

static ev_status dup_opt(char **dst, json_t *o, const char *key, ev_error *err)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s && (*dst = ev_strdup(s)) == NULL)
        return oom(err);
    return EV_OK;
}

static ev_status parse_field(ev__chart_field *fd, json_t *o, const char *prefix, const char *input,
                             ev_error *err)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *type = json_string_value(json_object_get(o, "type"));
    char path[512];
    snprintf(path, sizeof path, "%s%s", prefix, name ? name : "?");
    if (name == NULL || *name == '\0' || strchr(name, '.') || isdigit((unsigned char)*name))
        return ev_error_set(err, EV_EINPUT, input, 0, 0,
                            "field '%s': needs a \"name\" (no dots, not starting with a digit)",
                            path);
    if (type == NULL || !type_parse(type, &fd->type))
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "field '%s': unknown type '%s'", path,
                            type ? type : "(none)");
    if ((fd->name = ev_strdup(name)) == NULL)
        return oom(err);
    fd->required = json_is_true(json_object_get(o, "required"));
    ev_status st = dup_opt(&fd->label, o, "label", err);
    if (st == EV_OK)
        st = dup_opt(&fd->unit, o, "unit", err);
    if (st == EV_OK)
        st = dup_opt(&fd->instrument, o, "instrument", err);
    if (st == EV_OK)
        st = read_bounds(fd, o, path, input, err);
    if (st == EV_OK && (fd->type == EV_CHART_CHOICE || fd->type == EV_CHART_MULTI))
        st = read_choices(fd, o, path, input, err);
    if (st == EV_OK && fd->type == EV_CHART_GROUP) {
        char sub[600];
        snprintf(sub, sizeof sub, "%s.", path);
        st = parse_fields(&fd->sub, &fd->nsub, json_object_get(o, "fields"), sub, input, err);
    }
    return st;
}

static ev_status parse_fields(ev__chart_field **out, size_t *n, json_t *arr, const char *prefix,
                              const char *input, ev_error *err)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "%s: needs a non-empty \"fields\" list",
                            *prefix ? prefix : "form");
    if ((*out = ev_calloc(json_array_size(arr), sizeof **out)) == NULL)
        return oom(err);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i);
        if (!json_is_object(o))
            return ev_error_set(err, EV_EINPUT, input, 0, 0, "%sfield %zu: not an object", prefix,
                                i + 1);
        ev_status st = parse_field(&(*out)[(*n)++], o, prefix, input, err);
        if (st != EV_OK)
            return st;
        for (size_t j = 0; j + 1 < *n; j++)
            if (strcmp((*out)[j].name, (*out)[*n - 1].name) == 0)
                return ev_error_set(err, EV_EINPUT, input, 0, 0, "field '%s%s': duplicate name",
                                    prefix, (*out)[j].name);
    }
    return EV_OK;
}

ev_status ev_chart_form_parse(ev_chart_form **out, const char *json, size_t n, const char *input,
                              ev_error *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return ev_error_set(err, EV_EINPUT, input, (size_t)je.line, (size_t)je.column, "%s",
                            je.text);
    ev_chart_form *f = ev_calloc(1, sizeof *f);
    ev_status st = EV_OK;
    if (f == NULL)
        st = oom(err);
    else if (!json_is_object(root))
        st = ev_error_set(err, EV_EINPUT, input, 0, 0, "a form is a JSON object");
    if (st == EV_OK) {
        json_t *v = json_object_get(root, "version");
        f->version = json_is_integer(v) ? (long)json_integer_value(v) : 0;
        st = dup_opt(&f->name, root, "name", err);
    }
    if (st == EV_OK)
        st = parse_fields(&f->fields, &f->n, json_object_get(root, "fields"), "", input, err);
    json_decref(root);
    if (st != EV_OK) {
        ev_chart_form_free(f);
        return st;
    }
    *out = f;
    return EV_OK;
}

static const ev__chart_field *find_in(const ev__chart_field *f, size_t n, const char *seg,
                                      size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(f[i].name) == len && memcmp(f[i].name, seg, len) == 0)
            return &f[i];
    return NULL;
}

static bool is_index(const char *s, size_t len)
{
    if (len == 0 || len > 6 || *s == '0')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

const ev__chart_field *ev__chart_form_find(const ev_chart_form *f, const char *path, bool strict)
{
    const ev__chart_field *list = f->fields, *cur = NULL;
    size_t n = f->n;
    bool want_index = false;
    for (const char *p = path;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (want_index && is_index(p, len)) {
            want_index = false;
        } else {
            if (want_index && strict)
                return NULL;
            if ((cur = find_in(list, n, p, len)) == NULL)
                return NULL;
            want_index = cur->type == EV_CHART_GROUP;
            list = cur->sub;
            n = cur->nsub;
        }
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    return want_index && strict ? NULL : cur;
}

bool ev_chart_form_field_type(const ev_chart_form *f, const char *path, ev_chart_type *out)
{
    const ev__chart_field *fd = ev__chart_form_find(f, path, false);
    if (fd && out)
        *out = fd->type;
    return fd != NULL;
}
