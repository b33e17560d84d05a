/*
 * instruments.c - the outcome-instruments catalogue (data/instruments.json):
 * each instrument's range, unit and direction, found by id or alias, and the
 * sign harmonisation that pooling needs when instruments point different
 * ways (VAS: lower is better; AOFAS: higher is better).
 */
#include "chart_int.h"

#include "embed_chart.h"

typedef struct entry {
    ev_chart_instrument pub;
    char **aliases;
    size_t naliases;
} entry;

struct ev_chart_catalogue {
    entry *items;
    size_t n;
};

static void entry_release(entry *e)
{
    ev_free((char *)e->pub.id);
    ev_free((char *)e->pub.name);
    ev_free((char *)e->pub.unit);
    ev_free((char *)e->pub.sources);
    for (size_t i = 0; i < e->naliases; i++)
        ev_free(e->aliases[i]);
    ev_free(e->aliases);
}

void ev_chart_catalogue_free(ev_chart_catalogue *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        entry_release(&c->items[i]);
    ev_free(c->items);
    ev_free(c);
}

size_t ev_chart_catalogue_count(const ev_chart_catalogue *c)
{
    return c ? c->n : 0;
}

const ev_chart_instrument *ev_chart_catalogue_at(const ev_chart_catalogue *c, size_t i)
{
    return c && i < c->n ? &c->items[i].pub : NULL;
}

const ev_chart_instrument *ev_chart_catalogue_find(const ev_chart_catalogue *c, const char *name)
{
    if (c == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < c->n; i++) {
        if (ev_strcasecmp(c->items[i].pub.id, name) == 0)
            return &c->items[i].pub;
        for (size_t j = 0; j < c->items[i].naliases; j++)
            if (ev_strcasecmp(c->items[i].aliases[j], name) == 0)
                return &c->items[i].pub;
    }
    return NULL;
}

static char *opt_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return ev_strdup(s ? s : "");
}

static ev_status read_range(entry *e, json_t *o, const char *input, ev_error *err)
{
    json_t *mn = json_object_get(o, "min"), *mx = json_object_get(o, "max");
    if ((mn && !json_is_null(mn) && !json_is_number(mn)) ||
        (mx && !json_is_null(mx) && !json_is_number(mx)))
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "instrument '%s': min/max must be numbers",
                            e->pub.id);
    e->pub.has_min = json_is_number(mn);
    e->pub.has_max = json_is_number(mx);
    e->pub.min = e->pub.has_min ? json_number_value(mn) : -INFINITY;
    e->pub.max = e->pub.has_max ? json_number_value(mx) : INFINITY;
    if (e->pub.min > e->pub.max)
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "instrument '%s': min %g > max %g",
                            e->pub.id, e->pub.min, e->pub.max);
    return EV_OK;
}

static ev_status read_aliases(entry *e, json_t *o, const char *input, ev_error *err)
{
    json_t *a = json_object_get(o, "aliases");
    if (a == NULL)
        return EV_OK;
    if (!json_is_array(a))
        return ev_error_set(err, EV_EINPUT, input, 0, 0, "instrument '%s': aliases must be a list",
                            e->pub.id);
    e->aliases = ev_calloc(json_array_size(a) + 1, sizeof *e->aliases);
    if (e->aliases == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s == NULL)
            return ev_error_set(err, EV_EINPUT, input, 0, 0,
                                "instrument '%s': alias %zu is not a string", e->pub.id, i + 1);
        if ((e->aliases[e->naliases++] = ev_strdup(s)) == NULL)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return EV_OK;
}

static ev_status read_entry(entry *e, json_t *o, size_t idx, const char *input, ev_error *err)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    json_t *dir = json_object_get(o, "higher_is_better");
    if (id == NULL || *id == '\0' || !json_is_string(json_object_get(o, "name")))
        return ev_error_set(err, EV_EINPUT, input, 0, 0,
                            "instrument %zu: needs a non-empty \"id\" and a \"name\"", idx + 1);
    if (!json_is_boolean(dir))
        return ev_error_set(err, EV_EINPUT, input, 0, 0,
                            "instrument '%s': \"higher_is_better\" must be true or false", id);
    e->pub.id = ev_strdup(id);
    e->pub.name = opt_str(o, "name");
    e->pub.unit = opt_str(o, "unit");
    e->pub.sources = opt_str(o, "sources");
    e->pub.higher_is_better = json_is_true(dir);
    if (!e->pub.id || !e->pub.name || !e->pub.unit || !e->pub.sources)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_status st = read_range(e, o, input, err);
    return st != EV_OK ? st : read_aliases(e, o, input, err);
}

/* Ids and aliases share one namespace: a name must find one instrument. */
static ev_status check_unique(const ev_chart_catalogue *c, const char *input, ev_error *err)
{
    for (size_t i = 0; i < c->n; i++) {
        const entry *e = &c->items[i];
        for (size_t j = 0; j <= e->naliases; j++) {
            const char *nm = j == 0 ? e->pub.id : e->aliases[j - 1];
            const ev_chart_instrument *hit = ev_chart_catalogue_find(c, nm);
            if (hit != &e->pub)
                return ev_error_set(err, EV_EINPUT, input, 0, 0,
                                    "instrument '%s': name '%s' is already used by '%s'", e->pub.id,
                                    nm, hit->id);
        }
    }
    return EV_OK;
}

static ev_status parse_root(ev_chart_catalogue *c, json_t *root, const char *input, ev_error *err)
{
    json_t *arr = json_object_get(root, "instruments");
    if (!json_is_array(arr))
        return ev_error_set(err, EV_EINPUT, input, 0, 0,
                            "expected an object with an \"instruments\" list");
    c->items = ev_calloc(json_array_size(arr) + 1, sizeof *c->items);
    if (c->items == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i);
        if (!json_is_object(o))
            return ev_error_set(err, EV_EINPUT, input, 0, 0, "instrument %zu: not an object",
                                i + 1);
        ev_status st = read_entry(&c->items[c->n++], o, i, input, err);
        if (st != EV_OK)
            return st;
    }
    return check_unique(c, input, err);
}

ev_status ev_chart_catalogue_parse(ev_chart_catalogue **out, const char *json, size_t n,
                                   const char *input, ev_error *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return ev_error_set(err, EV_EINPUT, input, (size_t)je.line, (size_t)je.column, "%s",
                            je.text);
    ev_chart_catalogue *c = ev_calloc(1, sizeof *c);
    ev_status st = c ? parse_root(c, root, input, err)
                     : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    json_decref(root);
    if (st != EV_OK) {
        ev_chart_catalogue_free(c);
        return st;
    }
    *out = c;
    return EV_OK;
}

static ev_status read_file(char **out, size_t *n, const char *path, ev_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ev_error_set(err, EV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    ev_buf b;
    ev_buf_init(&b, (size_t)64 << 20);
    char chunk[8192];
    size_t got;
    ev_status st = EV_OK;
    while (st == EV_OK && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        st = ev_buf_append(&b, chunk, got);
    bool bad = ferror(fp);
    fclose(fp);
    if (st != EV_OK || bad) {
        ev_buf_release(&b);
        return ev_error_set(err, bad ? EV_EIO : st, path, 0, 0, "cannot read the file");
    }
    *n = b.len;
    *out = ev_buf_detach(&b);
    return *out ? EV_OK : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

ev_status ev__chart_read_file(char **out, size_t *n, const char *path, ev_error *err)
{
    return read_file(out, n, path, err);
}

ev_status ev_chart_catalogue_load(ev_chart_catalogue **out, const char *path, ev_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t n = 0;
    ev_status st = read_file(&text, &n, path, err);
    if (st == EV_OK)
        st = ev_chart_catalogue_parse(out, text, n, path, err);
    ev_free(text);
    return st;
}

bool ev_chart_bundled(const char *name, const char **data, size_t *n)
{
    const ev_embedded_file *f = ev_embed_chart_find(name);
    if (f == NULL)
        return false;
    *data = (const char *)f->data;
    *n = f->size;
    return true;
}

ev_status ev_chart_catalogue_load_default(ev_chart_catalogue **out, ev_error *err)
{
    const char *dir = getenv("EVIDENT_DATA");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/instruments.json", dir);
        return ev_chart_catalogue_load(out, path, err);
    }
    const char *data;
    size_t n;
    if (!ev_chart_bundled("instruments.json", &data, &n))
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "no bundled instruments.json");
    return ev_chart_catalogue_parse(out, data, n, "instruments.json (bundled)", err);
}

ev_status ev_chart_harmonise_sign(double *out, const ev_chart_catalogue *c, const char *instrument,
                                  double md, ev_error *err)
{
    const ev_chart_instrument *ins = ev_chart_catalogue_find(c, instrument);
    if (ins == NULL)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0,
                            "instrument '%s' is not in the catalogue", instrument);
    if (isnan(md))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "mean difference is missing");
    *out = ins->higher_is_better ? md : -md;
    return EV_OK;
}
