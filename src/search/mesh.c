/*
 * mesh.c - the MeSH vocabulary: descriptors with their tree numbers and
 * entry terms, resolution of a heading (A6.1) and explosion by tree-number
 * prefix (A6.2).
 */
#include "search_int.h"

typedef struct mdesc {
    const char *ui, *name;
    const char **trees;
    uint32_t n_trees;
} mdesc;

typedef struct mtree {
    const char *tn;
    uint32_t desc;
} mtree;

struct ev_mesh {
    ev_arena *arena;
    mdesc *d;
    size_t n, cap;
    mtree *t;
    size_t nt, capt;
    ev__sq_hash names;   /* normalised name -> desc */
    ev__sq_hash entries; /* normalised entry term -> desc */
    ev__sq_hash uis;
};

const char *ev_mesh_default_path(void)
{
    const char *env = getenv("EVIDENT_MESH");
    return env && *env ? env : EV_SOURCE_DIR "/data/mesh/mesh2024.tsv";
}

void ev_mesh_free(ev_mesh *m)
{
    if (m == NULL)
        return;
    ev__sq_hash_release(&m->names);
    ev__sq_hash_release(&m->entries);
    ev__sq_hash_release(&m->uis);
    ev_free(m->d);
    ev_free(m->t);
    ev_arena_free(m->arena);
    ev_free(m);
}

size_t ev_mesh_count(const ev_mesh *m) { return m ? m->n : 0; }
const char *ev_mesh_ui(const ev_mesh *m, size_t i) { return m->d[i].ui; }
const char *ev_mesh_name(const ev_mesh *m, size_t i) { return m->d[i].name; }

/* Split s at `sep` into arena strings (empty pieces skipped). */
static const char **split(ev_arena *a, const char *s, size_t n, char sep, uint32_t *count)
{
    const char **v = NULL;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != sep)
            continue;
        if (i > start) {
            if ((v = ev_arena_grow(a, v, k, sizeof *v)) == NULL ||
                (v[k] = ev_arena_strndup(a, s + start, i - start)) == NULL)
                return NULL;
            k++;
        }
        start = i + 1;
    }
    *count = (uint32_t)k;
    return v ? v : ev_arena_alloc(a, sizeof *v);
}

static ev_status add_key(ev_mesh *m, ev__sq_hash *h, ev_buf *norm, const char *s, uint32_t di)
{
    ev_status st = ev__sq_norm(norm, s, strlen(s));
    if (st != EV_OK || norm->len == 0)
        return st;
    char *k = ev_arena_strndup(m->arena, norm->ptr, norm->len);
    return k ? ev__sq_hash_put(h, k, norm->len, di, NULL, NULL) : EV_ENOMEM;
}

static ev_status add_trees(ev_mesh *m, const mdesc *d, uint32_t di)
{
    for (uint32_t i = 0; i < d->n_trees; i++) {
        if (m->nt == m->capt) {
            size_t cap = m->capt ? m->capt * 2 : 1024;
            mtree *t = ev_reallocarray(m->t, cap, sizeof *t);
            if (t == NULL)
                return EV_ENOMEM;
            m->t = t;
            m->capt = cap;
        }
        m->t[m->nt++] = (mtree){d->trees[i], di};
    }
    return EV_OK;
}

/* One line: UI \t Name \t Trees \t EntryTerms */
static ev_status add_line(ev_mesh *m, ev_buf *norm, char *line, size_t n)
{
    char *f[4] = {line, NULL, NULL, NULL};
    size_t k = 1;
    for (size_t i = 0; i < n && k < 4; i++)
        if (line[i] == '\t') {
            line[i] = '\0';
            f[k++] = line + i + 1;
        }
    if (k < 2 || !*f[0] || !*f[1])
        return EV_EINPUT;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        mdesc *d = ev_reallocarray(m->d, cap, sizeof *d);
        if (d == NULL)
            return EV_ENOMEM;
        m->d = d;
        m->cap = cap;
    }
    uint32_t di = (uint32_t)m->n, ne = 0;
    mdesc *d = &m->d[m->n++];
    *d = (mdesc){ev_arena_strdup(m->arena, f[0]), ev_arena_strdup(m->arena, f[1]), NULL, 0};
    d->trees = split(m->arena, f[2] ? f[2] : "", f[2] ? strlen(f[2]) : 0, '|', &d->n_trees);
    const char **ent = split(m->arena, f[3] ? f[3] : "", f[3] ? strlen(f[3]) : 0, '|', &ne);
    if (!d->ui || !d->name || !d->trees || !ent)
        return EV_ENOMEM;
    ev_status st = add_key(m, &m->names, norm, d->name, di);
    for (uint32_t i = 0; st == EV_OK && i < ne; i++)
        st = add_key(m, &m->entries, norm, ent[i], di);
    if (st == EV_OK)
        st = ev__sq_hash_put(&m->uis, d->ui, strlen(d->ui), di, NULL, NULL);
    return st == EV_OK ? add_trees(m, d, di) : st;
}

static int tree_cmp(const void *a, const void *b)
{
    return strcmp(((const mtree *)a)->tn, ((const mtree *)b)->tn);
}

static ev_status read_lines(ev_mesh *m, FILE *f, const char *path, ev_error *err)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    ev_buf norm;
    ev_buf_init(&norm, 1 << 20);
    ev_status st = EV_OK;
    while (st == EV_OK && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#' || (lineno == 1 && strncmp(line, "DescriptorUI", 12) == 0))
            continue;
        st = add_line(m, &norm, line, (size_t)len);
        if (st == EV_EINPUT)
            ev_error_set(err, st, path, lineno, 1,
                         "expected UI<TAB>name<TAB>tree numbers<TAB>entry terms");
    }
    free(line); /* getline's buffer comes from libc */
    ev_buf_release(&norm);
    return st;
}

ev_status ev_mesh_load(ev_mesh **out, const char *path, ev_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ev_error_set(err, errno == ENOENT ? EV_ENOTFOUND : EV_EIO, path, 0, 0,
                            "cannot open MeSH vocabulary: %s", strerror(errno));
    ev_mesh *m = ev_calloc(1, sizeof *m);
    ev_status st = m && (m->arena = ev_arena_new()) ? read_lines(m, f, path, err) : EV_ENOMEM;
    fclose(f);
    if (st == EV_OK && m->n == 0)
        st = ev_error_set(err, EV_EINPUT, path, 0, 0, "no MeSH descriptors in the file");
    if (st != EV_OK) {
        if (st == EV_ENOMEM)
            ev_error_set(err, st, path, 0, 0, "out of memory");
        ev_mesh_free(m);
        return st;
    }
    qsort(m->t, m->nt, sizeof *m->t, tree_cmp);
    *out = m;
    return EV_OK;
}

size_t ev_mesh_find(const ev_mesh *m, const char *term)
{
    if (m == NULL)
        return SIZE_MAX;
    uint32_t di;
    if (ev__sq_hash_get(&m->uis, term, strlen(term), &di))
        return di;
    ev_buf norm;
    ev_buf_init(&norm, 1 << 16);
    size_t r = SIZE_MAX;
    if (ev__sq_norm(&norm, term, strlen(term)) == EV_OK && norm.len &&
        (ev__sq_hash_get(&m->names, norm.ptr, norm.len, &di) ||
         ev__sq_hash_get(&m->entries, norm.ptr, norm.len, &di)))
        r = di;
    ev_buf_release(&norm);
    return r;
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* First tree entry >= tn. */
static size_t lower_bound(const ev_mesh *m, const char *tn)
{
    size_t lo = 0, hi = m->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->t[mid].tn, tn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static ev_status push(size_t **v, size_t *n, size_t *cap, size_t x)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        size_t *nv = ev_reallocarray(*v, c, sizeof *nv);
        if (nv == NULL)
            return EV_ENOMEM;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = x;
    return EV_OK;
}

ev_status ev_mesh_explode(const ev_mesh *m, size_t i, size_t **out, size_t *n)
{
    size_t *v = NULL, k = 0, cap = 0;
    ev_status st = push(&v, &k, &cap, i);
    const mdesc *d = &m->d[i];
    for (uint32_t t = 0; st == EV_OK && t < d->n_trees; t++) {
        const char *tn = d->trees[t];
        size_t len = strlen(tn);
        for (size_t j = lower_bound(m, tn); st == EV_OK && j < m->nt; j++) {
            const char *x = m->t[j].tn;
            if (strncmp(x, tn, len) != 0 || (x[len] != '\0' && x[len] != '.'))
                break;
            st = push(&v, &k, &cap, m->t[j].desc);
        }
    }
    if (st != EV_OK) {
        ev_free(v);
        return st;
    }
    qsort(v, k, sizeof *v, size_cmp);
    size_t w = 0;
    for (size_t r = 0; r < k; r++)
        if (w == 0 || v[w - 1] != v[r])
            v[w++] = v[r];
    *out = v;
    *n = w;
    return EV_OK;
}
