/*
 * persist.c - the search index cached in the review (tables search_index and
 * search_index_info), so a large review is not re-indexed by every search.
 *
 * Format (version 1, host byte order; a different magic or version is simply
 * rebuilt): "EVSI", version, then varint-encoded: document count, documents
 * with MeSH, last record id; per document its record id, seven dates and the
 * has-MeSH flag; the PMID table; the word and value maps (keys, sorted key
 * order, posting lists with document deltas and, within a document, position
 * deltas). Split into parts of at most 64 MB (SQLite's blob limit is 1 GB).
 *
 * The cache is valid while its fingerprint matches: last import, live record
 * count, last record id, last audit entry of other modules (dedup merges,
 * edits) and the vocabulary used; and it is read only when its checksum
 * matches.
 */
#include "search_int.h"

#define MAGIC "EVSI"
#define VERSION 1u
#define PART (64u << 20)

/* ---- encoding ------------------------------------------------------------------ */

static ev_status put_v(ev_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return ev_buf_append(b, tmp, n);
}

static ev_status put_map(ev_buf *b, const ev__sq_map *m)
{
    ev_status st = put_v(b, m->n);
    for (size_t i = 0; st == EV_OK && i < m->n; i++) {
        size_t len = strlen(EV__SQ_KEY(m, i));
        if ((st = put_v(b, len)) == EV_OK)
            st = ev_buf_append(b, EV__SQ_KEY(m, i), len);
    }
    for (size_t i = 0; st == EV_OK && i < m->n; i++)
        st = put_v(b, m->sorted[i]);
    for (size_t i = 0; st == EV_OK && i < m->n; i++) {
        const ev__sq_plist *l = EV__SQ_LIST(m, i);
        uint32_t pd = 0, pp = 0;
        st = put_v(b, l->n);
        for (uint32_t j = 0; st == EV_OK && j < l->n; j++) {
            bool same = j > 0 && l->p[j].doc == pd;
            if ((st = put_v(b, l->p[j].doc - (j ? pd : 0))) == EV_OK)
                st = put_v(b, same ? l->p[j].pos - pp : l->p[j].pos);
            pd = l->p[j].doc;
            pp = l->p[j].pos;
        }
    }
    return st;
}

static ev_status encode(const ev_search_index *ix, ev_buf *b)
{
    ev_status st = ev_buf_append(b, MAGIC, 4);
    if (st == EV_OK)
        st = put_v(b, VERSION);
    if (st == EV_OK && (st = put_v(b, ix->n_docs)) == EV_OK &&
        (st = put_v(b, ix->n_with_mesh)) == EV_OK)
        st = put_v(b, (uint64_t)ix->last_id);
    for (size_t i = 0; st == EV_OK && i < ix->n_docs; i++) {
        const ev__sq_dates *d = &ix->dates[i];
        uint32_t v[7] = {d->pub, d->epub, d->edat, d->crdt, d->mhda, d->dcom, d->lr};
        st = put_v(b, (uint64_t)ix->ids[i]);
        for (int k = 0; st == EV_OK && k < 7; k++)
            st = put_v(b, v[k]);
        if (st == EV_OK)
            st = put_v(b, ix->has_mesh[i]);
    }
    if (st == EV_OK)
        st = put_v(b, ix->pmids.n);
    for (size_t i = 0; st == EV_OK && i < ix->pmids.cap; i++) {
        const ev__sq_slot *sl = &ix->pmids.slots[i];
        if (sl->key && (st = put_v(b, sl->len)) == EV_OK &&
            (st = ev_buf_append(b, sl->key, sl->len)) == EV_OK)
            st = put_v(b, sl->val);
    }
    if (st == EV_OK)
        st = put_map(b, &ix->words);
    return st == EV_OK ? put_map(b, &ix->values) : st;
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct rd {
    const unsigned char *p, *end;
    bool bad;
} rd;

static uint64_t get_v(rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static const char *get_str(rd *r, ev_arena *a, size_t *len)
{
    *len = (size_t)get_v(r);
    if (r->bad || *len > (size_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    const char *s = ev_arena_strndup(a, (const char *)r->p, *len);
    r->p += *len;
    return s;
}

/* A posting list; every document must be below n_docs (a damaged cache must
 * not make the executor index past its arrays). */
static ev_status get_list(rd *r, ev__sq_plist *l, size_t n_docs)
{
    uint64_t n = get_v(r);
    if (r->bad || n > (uint64_t)(r->end - r->p) / 2)
        return r->bad = true, EV_EINPUT;
    l->p = ev_reallocarray(NULL, n ? n : 1, sizeof *l->p);
    if (l->p == NULL)
        return EV_ENOMEM;
    l->n = l->cap = (uint32_t)n;
    uint32_t doc = 0, pos = 0;
    for (uint64_t j = 0; j < n && !r->bad; j++) {
        uint64_t dd = get_v(r), pv = get_v(r);
        bool same = j > 0 && dd == 0;
        if (dd > n_docs || doc + dd >= n_docs)
            r->bad = true;
        doc += (uint32_t)dd;
        pos = same ? pos + (uint32_t)pv : (uint32_t)pv;
        l->p[j] = (ev__sq_post){doc, pos};
    }
    return r->bad ? EV_EINPUT : EV_OK;
}

static ev_status get_map(rd *r, ev_search_index *ix, ev__sq_map *m)
{
    uint64_t n = get_v(r);
    if (r->bad || n > (uint64_t)(r->end - r->p))
        return EV_EINPUT;
    m->terms = ev_calloc(n ? n : 1, sizeof *m->terms);
    m->sorted = ev_calloc(n ? n : 1, sizeof *m->sorted);
    if (!m->terms || !m->sorted)
        return EV_ENOMEM;
    m->cap = n ? n : 1;
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < n; i++) {
        size_t len = (size_t)get_v(r);
        if (r->bad || len > (size_t)(r->end - r->p))
            return EV_EINPUT;
        ev__sq_term *t = ev_arena_alloc(ix->arena, sizeof *t + len + 1);
        if (t == NULL)
            return EV_ENOMEM;
        memcpy(t->key, r->p, len);
        t->key[len] = '\0';
        r->p += len;
        m->terms[i] = t;
        m->n = i + 1;
        st = ev__sq_hash_put(&m->h, t->key, len, (uint32_t)i, NULL, NULL);
    }
    for (size_t i = 0; st == EV_OK && i < n; i++)
        if ((m->sorted[i] = (uint32_t)get_v(r)) >= n)
            r->bad = true;
    m->n_sorted = n;
    for (size_t i = 0; st == EV_OK && i < n && !r->bad; i++)
        st = get_list(r, EV__SQ_LIST(m, i), ix->n_docs);
    return st == EV_OK && r->bad ? EV_EINPUT : st;
}

static ev_status get_docs(rd *r, ev_search_index *ix)
{
    uint64_t n = get_v(r);
    ix->n_with_mesh = (size_t)get_v(r);
    ix->last_id = (ev_id)get_v(r);
    ix->any = n > 0;
    if (r->bad || n > (uint64_t)(r->end - r->p) / 9)
        return EV_EINPUT;
    ix->ids = ev_calloc(n ? n : 1, sizeof *ix->ids);
    ix->dates = ev_calloc(n ? n : 1, sizeof *ix->dates);
    ix->has_mesh = ev_calloc(n ? n : 1, sizeof *ix->has_mesh);
    if (!ix->ids || !ix->dates || !ix->has_mesh)
        return EV_ENOMEM;
    ix->n_docs = ix->cap_docs = (size_t)n;
    for (size_t i = 0; i < n && !r->bad; i++) {
        uint32_t v[7];
        ix->ids[i] = (ev_id)get_v(r);
        for (int k = 0; k < 7; k++)
            v[k] = (uint32_t)get_v(r);
        ix->dates[i] = (ev__sq_dates){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
        ix->has_mesh[i] = get_v(r) != 0;
    }
    return r->bad ? EV_EINPUT : EV_OK;
}

static ev_status get_pmids(rd *r, ev_search_index *ix)
{
    uint64_t n = get_v(r);
    ev_status st = EV_OK;
    for (uint64_t i = 0; st == EV_OK && i < n && !r->bad; i++) {
        size_t len;
        const char *k = get_str(r, ix->arena, &len);
        uint32_t doc = (uint32_t)get_v(r);
        if (k == NULL)
            return r->bad ? EV_EINPUT : EV_ENOMEM;
        if (doc >= ix->n_docs)
            return EV_EINPUT;
        st = ev__sq_hash_put(&ix->pmids, k, len, doc, NULL, NULL);
    }
    return st == EV_OK && r->bad ? EV_EINPUT : st;
}

static ev_status decode(const char *data, size_t n, const ev_mesh *mesh, ev_search_index **out)
{
    rd r = {(const unsigned char *)data, (const unsigned char *)data + n, false};
    if (n < 5 || memcmp(data, MAGIC, 4) != 0)
        return EV_EINPUT;
    r.p += 4;
    if (get_v(&r) != VERSION)
        return EV_EINPUT;
    ev_search_index *ix = NULL;
    ev_status st = ev_search_index_new(&ix, mesh);
    if (st == EV_OK)
        st = get_docs(&r, ix);
    if (st == EV_OK)
        st = get_pmids(&r, ix);
    if (st == EV_OK)
        st = get_map(&r, ix, &ix->words);
    if (st == EV_OK)
        st = get_map(&r, ix, &ix->values);
    if (st == EV_OK && r.p != r.end)
        st = EV_EINPUT;
    if (st != EV_OK) {
        ev_search_index_free(ix);
        return st;
    }
    ix->sorted = true;
    *out = ix;
    return EV_OK;
}

/* FNV-1a 64 of the encoded index, kept beside it: a cache damaged on disk is
 * rebuilt, not decoded into wrong results. */
static void checksum(const char *p, size_t n, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- the review's tables ------------------------------------------------------- */

/* Steps of module "search" (session.c saves runs with the same list). */
const char *const ev__sq_schema[] = {
    "CREATE TABLE search_runs(id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
    " strategy TEXT NOT NULL, run_at TEXT NOT NULL, records INTEGER NOT NULL,"
    " final_count INTEGER NOT NULL);"
    "CREATE TABLE search_lines(run_id INTEGER NOT NULL REFERENCES search_runs(id)"
    " ON DELETE CASCADE, line INTEGER NOT NULL, query TEXT NOT NULL,"
    " canonical TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(run_id, line));",
    "CREATE TABLE search_index(part INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE search_index_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};
const size_t ev__sq_schema_steps = sizeof ev__sq_schema / sizeof ev__sq_schema[0];

static ev_status fingerprint(ev_store *s, const char *mesh_id, const ev_mesh *mesh, ev_buf *out,
                             ev_error *err)
{
    ev_stmt *q = NULL;
    bool row = false;
    ev_status st = ev_stmt_prepare(
        s, &q,
        "SELECT (SELECT coalesce(max(id), 0) FROM imports),"
        " (SELECT count(*) FROM records WHERE deleted = 0),"
        " (SELECT coalesce(max(id), 0) FROM records),"
        " (SELECT coalesce(max(id), 0) FROM audit WHERE action NOT LIKE 'search.%')",
        err);
    if (st == EV_OK)
        st = ev_stmt_step(q, &row, err);
    if (st == EV_OK && row)
        st = ev_buf_printf(out, "v%u|%lld|%lld|%lld|%lld|%s|%zu", VERSION,
                           (long long)ev_stmt_int(q, 0), (long long)ev_stmt_int(q, 1),
                           (long long)ev_stmt_int(q, 2), (long long)ev_stmt_int(q, 3),
                           mesh_id ? mesh_id : "-", ev_mesh_count(mesh));
    ev_stmt_free(q);
    return st;
}

/* Does info row `key` hold `want`? Tables may not exist yet. */
static bool info_is(ev_store *s, const char *key, const char *want)
{
    ev_stmt *q = NULL;
    bool row = false, ok = false;
    if (ev_stmt_prepare(s, &q, "SELECT value FROM search_index_info WHERE key = ?", NULL) ==
            EV_OK &&
        ev_stmt_bind_text(q, 1, key, strlen(key)) == EV_OK &&
        ev_stmt_step(q, &row, NULL) == EV_OK && row)
        ok = ev_stmt_text(q, 0) && strcmp(ev_stmt_text(q, 0), want) == 0;
    ev_stmt_free(q);
    return ok;
}

static ev_status load(ev_store *s, const ev_mesh *mesh, ev_search_index **out, ev_error *err)
{
    ev_stmt *q = NULL;
    ev_buf b;
    ev_buf_init(&b, (size_t)1 << 40);
    bool row = false;
    ev_status st = ev_stmt_prepare(s, &q, "SELECT data FROM search_index ORDER BY part", err);
    while (st == EV_OK && (st = ev_stmt_step(q, &row, err)) == EV_OK && row)
        st = ev_buf_append(&b, ev_stmt_blob(q, 0), ev_stmt_bytes(q, 0));
    ev_stmt_free(q);
    char sum[17];
    checksum(b.ptr ? b.ptr : "", b.len, sum);
    if (st == EV_OK && !info_is(s, "checksum", sum))
        st = EV_EINPUT;
    if (st == EV_OK)
        st = decode(b.ptr ? b.ptr : "", b.len, mesh, out);
    ev_buf_release(&b);
    return st;
}

static ev_status store_parts(ev_store *s, const ev_buf *b, const char *fp, ev_error *err)
{
    ev_stmt *ins = NULL, *info = NULL;
    bool row;
    ev_status st = ev_store_exec(s, "DELETE FROM search_index", err);
    if (st == EV_OK)
        st = ev_stmt_prepare(s, &ins, "INSERT INTO search_index(part, data) VALUES(?, ?)", err);
    for (size_t off = 0, part = 0; st == EV_OK && off < b->len; off += PART, part++) {
        size_t n = b->len - off < PART ? b->len - off : PART;
        ev_stmt_reset(ins);
        if ((st = ev_stmt_bind_int(ins, 1, (int64_t)part)) == EV_OK &&
            (st = ev_stmt_bind_blob(ins, 2, b->ptr + off, n)) == EV_OK)
            st = ev_stmt_step(ins, &row, err);
    }
    char sum[17];
    checksum(b->ptr ? b->ptr : "", b->len, sum);
    if (st == EV_OK)
        st = ev_stmt_prepare(s, &info, "INSERT OR REPLACE INTO search_index_info(key, value)"
                                       " VALUES('fingerprint', ?), ('checksum', ?)", err);
    if (st == EV_OK && (st = ev_stmt_bind_text(info, 1, fp, strlen(fp))) == EV_OK &&
        (st = ev_stmt_bind_text(info, 2, sum, strlen(sum))) == EV_OK)
        st = ev_stmt_step(info, &row, err);
    ev_stmt_free(ins);
    ev_stmt_free(info);
    return st;
}

static ev_status save(ev_store *s, const ev_search_index *ix, const char *fp, ev_error *err)
{
    ev_buf b;
    ev_buf_init(&b, (size_t)1 << 40);
    ev_status st = encode(ix, &b);
    if (st == EV_OK)
        st = ev_store_ensure_schema(s, "search", ev__sq_schema, ev__sq_schema_steps, err);
    if (st == EV_OK && (st = ev_store_begin(s, err)) == EV_OK) {
        st = store_parts(s, &b, fp, err);
        if (st == EV_OK)
            st = ev_store_commit(s, err);
        else
            ev_store_rollback(s);
    }
    ev_buf_release(&b);
    return st;
}

ev_status ev_search_index_open(ev_search_index **out, ev_store *s, const ev_mesh *mesh,
                               const char *mesh_id, bool save_cache, ev_progress_fn progress,
                               void *payload, bool *out_cached, ev_error *err)
{
    ev_buf fp;
    ev_buf_init(&fp, 1 << 16);
    *out = NULL;
    if (out_cached)
        *out_cached = false;
    ev_status st = fingerprint(s, mesh_id, mesh, &fp, err);
    if (st == EV_OK && info_is(s, "fingerprint", fp.ptr) && load(s, mesh, out, NULL) == EV_OK) {
        if (out_cached)
            *out_cached = true;
    } else if (st == EV_OK) {
        st = ev_search_index_from_store(out, s, mesh, progress, payload, err);
        /* a cache that cannot be written (read-only file, locked) is no error */
        if (st == EV_OK && save_cache)
            (void)save(s, *out, fp.ptr, NULL);
    }
    ev_buf_release(&fp);
    return st;
}
