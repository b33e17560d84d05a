/*
 * persist.c - the search index cached in the review (tables search_index and
 * search_index_info), so a large review is not re-indexed by every search.
 *
 * Format (version 5, host byte order; a different magic or version is simply
 * rebuilt). The head, in parts 0, 1, ... of at most 64 MB each (SQLite's blob
 * limit is 1 GB): "EVSI", version, then varint-encoded: document count,
 * documents with MeSH, last record id; per document its record id, seven
 * dates and the has-MeSH flag; the PMID table; the word and value maps (keys,
 * sorted key order, then per term either 0, the length and its posting list
 * inline, when it encodes to at most INLINE bytes, or 1, its posting count
 * and a row number); last, per row its length and checksum. Row k (part ROWS + k)
 * holds one long posting list: count, document deltas and, within a
 * document, position deltas. A one-shot search thus reads the head and the
 * long lists its query touches, and decodes the documents and the lists its
 * query touches (ev__sq_list_load: short lists stay encoded in the kept head
 * until then); the keys stay in the head (get_keys), the PMID table is
 * hashed only when records are added, and the maps get no hash table
 * (ev__sq_map_get searches the sorted keys).
 *
 * The cache is valid while its fingerprint matches: last import, record
 * count, last record id, last audit entry of other modules (dedup merges,
 * edits) and the vocabulary used; and the head is read only when its
 * checksum matches, a row only when its own does.
 */
#include "search_int.h"

#define MAGIC "EVSI"
#define VERSION 5u /* 5: checksums are sum64 (four FNV lanes over 64-bit words) */
#define PART (64u << 20)
#define INLINE 256             /* longer encoded lists get their own row */
#define ROWS ((int64_t)1 << 32) /* part number of long list row 0 */

/* ---- encoding ------------------------------------------------------------------ */

/* The cache's checksum (head and rows): FNV-1a 64 (Fowler, Noll, Vo) run in
 * four lanes over 64-bit words, each word xor-ed into its lane then
 * multiplied by the FNV prime (both bijective, so one damaged word always
 * changes its lane), the lanes, the tail and the length then FNV-1a 64-ed.
 * Byte-wise FNV-1a is bound by one multiply per byte: 0.35 s for the 404 MB
 * head of a million-record review; this runs at memory speed. Damage
 * detection only: not a defence against crafted input. */
static uint64_t sum64(const void *data, size_t n)
{
    const uint64_t prime = 0x100000001b3ull;
    uint64_t lane[4] = {EV_FNV1A64_INIT, EV_FNV1A64_INIT ^ 1, EV_FNV1A64_INIT ^ 2,
                        EV_FNV1A64_INIT ^ 3};
    const unsigned char *p = data;
    size_t i = 0;
    for (; n - i >= 32; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            lane[k] = (lane[k] ^ w) * prime;
        }
    uint64_t h = ev_fnv1a64(EV_FNV1A64_INIT, lane, sizeof lane);
    h = ev_fnv1a64(h, p + i, n - i);
    uint64_t len = n;
    return ev_fnv1a64(h, &len, sizeof len);
}

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

/* A list as varints: count, then per posting the document delta and the
 * position (a delta within the same document). */
static ev_status put_list(ev_buf *b, const ev__sq_plist *l)
{
    uint32_t pd = 0, pp = 0;
    ev_status st = put_v(b, l->n);
    for (uint32_t j = 0; st == EV_OK && j < l->n; j++) {
        bool same = j > 0 && l->p[j].doc == pd;
        if ((st = put_v(b, l->p[j].doc - (j ? pd : 0))) == EV_OK)
            st = put_v(b, same ? l->p[j].pos - pp : l->p[j].pos);
        pd = l->p[j].doc;
        pp = l->p[j].pos;
    }
    return st;
}

/* Long lists, each stored in its own row (ROWS + number). */
typedef struct rowset {
    ev_buf data;     /* the rows one after another */
    ev__sq_row *v;
    size_t n, cap;
} rowset;

static ev_status row_add(rowset *rs, const ev_buf *t)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        ev__sq_row *v = ev_reallocarray(rs->v, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        rs->v = v;
        rs->cap = cap;
    }
    rs->v[rs->n++] = (ev__sq_row){sum64(t->ptr, t->len), t->len};
    return ev_buf_append(&rs->data, t->ptr, t->len);
}

/* Per term: 0 and the list inline when it encodes to at most INLINE bytes,
 * else 1, its posting count and its row number. */
static ev_status put_term(ev_buf *b, const ev__sq_plist *l, ev_buf *t, rowset *rs)
{
    ev_buf_clear(t);
    ev_status st = put_list(t, l);
    if (st == EV_OK && t->len <= INLINE) {
        if ((st = put_v(b, 0)) == EV_OK && (st = put_v(b, t->len)) == EV_OK)
            st = ev_buf_append(b, t->ptr, t->len);
    } else if (st == EV_OK && (st = put_v(b, 1)) == EV_OK && (st = put_v(b, l->n)) == EV_OK &&
               (st = put_v(b, rs->n)) == EV_OK) {
        st = row_add(rs, t);
    }
    return st;
}

static ev_status put_map(ev_buf *b, const ev__sq_map *m, rowset *rs)
{
    ev_status st = put_v(b, m->n);
    for (size_t i = 0; st == EV_OK && i < m->n; i++) {
        size_t len = strlen(EV__SQ_KEY(m, i));
        if ((st = put_v(b, len)) == EV_OK)
            st = ev_buf_append(b, EV__SQ_KEY(m, i), len);
    }
    for (size_t i = 0; st == EV_OK && i < m->n; i++)
        st = put_v(b, m->sorted[i]);
    ev_buf t;
    ev_buf_init(&t, (size_t)1 << 40);
    for (size_t i = 0; st == EV_OK && i < m->n; i++)
        st = put_term(b, EV__SQ_LIST(m, i), &t, rs);
    ev_buf_release(&t);
    return st;
}

static ev_status put_docs(ev_buf *b, const ev_search_index *ix)
{
    ev_status st = put_v(b, ix->n_docs);
    if (st == EV_OK && (st = put_v(b, ix->n_with_mesh)) == EV_OK)
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
    return st;
}

/* The head into b, the long lists into rs. */
static ev_status encode(const ev_search_index *ix, ev_buf *b, rowset *rs)
{
    ev_status st = ev_buf_append(b, MAGIC, 4);
    if (st == EV_OK && (st = put_v(b, VERSION)) == EV_OK)
        st = put_docs(b, ix);
    if (st == EV_OK)
        st = put_v(b, ix->pmids.n);
    for (size_t i = 0; st == EV_OK && i < ix->pmids.cap; i++) {
        const ev__sq_slot *sl = &ix->pmids.slots[i];
        if (sl->key && (st = put_v(b, sl->len)) == EV_OK &&
            (st = ev_buf_append(b, sl->key, sl->len)) == EV_OK)
            st = put_v(b, sl->val);
    }
    if (st == EV_OK && (st = put_map(b, &ix->words, rs)) == EV_OK)
        st = put_map(b, &ix->values, rs);
    if (st == EV_OK)
        st = put_v(b, rs->n);
    for (size_t i = 0; st == EV_OK && i < rs->n; i++)
        if ((st = put_v(b, rs->v[i].bytes)) == EV_OK)
            st = put_v(b, rs->v[i].sum);
    return st;
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

/* A short list left encoded in the head: its count now, where it is kept in
 * the list's cap: EV__SQ_INLINE + its offset in the head when the head is
 * under 2 GB (no table: at a million records that is 8 bytes for each of
 * millions of rare terms), else + its number in ix->inl. */
static ev_status get_inline(rd *r, ev_search_index *ix, ev__sq_plist *l)
{
    uint64_t len = get_v(r);
    if (r->bad || len > (uint64_t)(r->end - r->p))
        return r->bad = true, EV_EINPUT;
    rd in = {r->p, r->p + len, false};
    uint64_t n = get_v(&in), off = (uint64_t)(r->p - (const unsigned char *)ix->head);
    if (in.bad || n > UINT32_MAX || ix->n_inl >= EV__SQ_INLINE)
        return r->bad = true, EV_EINPUT;
    r->p += len;
    if (ix->head_len < EV__SQ_INLINE) {
        *l = (ev__sq_plist){NULL, (uint32_t)n, EV__SQ_INLINE + (uint32_t)off};
        return EV_OK;
    }
    if (ix->n_inl == ix->cap_inl) {
        size_t cap = ix->cap_inl ? ix->cap_inl * 2 : 1024;
        uint64_t *v = ev_reallocarray(ix->inl, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        ix->inl = v;
        ix->cap_inl = cap;
    }
    ix->inl[ix->n_inl] = off;
    *l = (ev__sq_plist){NULL, (uint32_t)n, EV__SQ_INLINE + (uint32_t)ix->n_inl++};
    return EV_OK;
}

/* A term's list: short (kept encoded in the head) or the count and row of a
 * long list; both decoded on first use (ev__sq_list_load). */
static ev_status get_term(rd *r, ev_search_index *ix, ev__sq_plist *l)
{
    uint64_t kind = get_v(r);
    if (kind == 0 && !r->bad)
        return get_inline(r, ix, l);
    uint64_t n = get_v(r), row = get_v(r);
    if (r->bad || kind != 1 || n == 0 || n > UINT32_MAX || row >= EV__SQ_INLINE)
        return r->bad = true, EV_EINPUT;
    *l = (ev__sq_plist){NULL, (uint32_t)n, (uint32_t)row};
    return EV_OK;
}

/* The keys stay where they are in the head (checked, and ours): each is
 * moved one byte down over its length varint (at least a byte) and
 * NUL-terminated there, so a map costs its lists, key pointers and sorted
 * order (at a million records, 11.5 million terms copied into the arena
 * were a third of the time to open). */
static ev_status get_keys(rd *r, ev_search_index *ix, ev__sq_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *at = ix->head + (r->p - (const unsigned char *)ix->head);
        size_t len = (size_t)get_v(r);
        if (r->bad || len > (size_t)(r->end - r->p))
            return EV_EINPUT;
        memmove(at, r->p, len);
        at[len] = '\0';
        m->keys[i] = at;
        r->p += len;
    }
    return EV_OK;
}

static ev_status get_map(rd *r, ev_search_index *ix, ev__sq_map *m)
{
    uint64_t n = get_v(r);
    if (r->bad || n > (uint64_t)(r->end - r->p))
        return EV_EINPUT;
    m->pls = ev_calloc(n ? n : 1, sizeof *m->pls);
    m->keys = ev_calloc(n ? n : 1, sizeof *m->keys);
    m->sorted = ev_calloc(n ? n : 1, sizeof *m->sorted);
    if (!m->pls || !m->keys || !m->sorted)
        return EV_ENOMEM;
    m->n = (size_t)n; /* no hash table: see ev__sq_map_get */
    ev_status st = get_keys(r, ix, m, (size_t)n);
    for (size_t i = 0; st == EV_OK && i < n; i++)
        if ((m->sorted[i] = (uint32_t)get_v(r)) >= n)
            r->bad = true;
    m->n_sorted = n;
    for (size_t i = 0; st == EV_OK && i < n && !r->bad; i++)
        st = get_term(r, ix, &m->pls[i]);
    return st == EV_OK && r->bad ? EV_EINPUT : st;
}

/* Sizes and checksums of the long lists' rows. */
static ev_status get_rows(rd *r, ev_search_index *ix)
{
    uint64_t n = get_v(r);
    if (r->bad || n > (uint64_t)(r->end - r->p) / 2)
        return EV_EINPUT;
    ix->rows = ev_calloc(n ? n : 1, sizeof *ix->rows);
    if (ix->rows == NULL)
        return EV_ENOMEM;
    ix->n_rows = (size_t)n;
    for (size_t i = 0; i < n && !r->bad; i++) {
        ix->rows[i].bytes = get_v(r);
        ix->rows[i].sum = get_v(r);
    }
    return r->bad ? EV_EINPUT : EV_OK;
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

/* The PMID table is only needed to add records (one document per PMID):
 * opening checks it and keeps its offset; ev__sq_index_load_all hashes it. */
static ev_status skip_pmids(rd *r, ev_search_index *ix)
{
    ix->pmid_off = (uint64_t)(r->p - (const unsigned char *)ix->head);
    uint64_t n = get_v(r);
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        uint64_t len = get_v(r);
        if (r->bad || len > (uint64_t)(r->end - r->p))
            return EV_EINPUT;
        r->p += len;
        if (get_v(r) >= ix->n_docs)
            return EV_EINPUT;
    }
    return r->bad ? EV_EINPUT : EV_OK;
}

static ev_status get_pmids(ev_search_index *ix)
{
    const unsigned char *h = (const unsigned char *)ix->head;
    rd rr = {h + ix->pmid_off, h + ix->head_len, false}, *r = &rr;
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

/* Decode the head data[0..n); on success the index owns data. */
static ev_status decode(char *data, size_t n, const ev_mesh *mesh, ev_search_index **out)
{
    rd r = {(const unsigned char *)data, (const unsigned char *)data + n, false};
    if (n < 5 || memcmp(data, MAGIC, 4) != 0)
        return EV_EINPUT;
    r.p += 4;
    if (get_v(&r) != VERSION)
        return EV_EINPUT;
    ev_search_index *ix = NULL;
    ev_status st = ev_search_index_new(&ix, mesh);
    if (st != EV_OK)
        return st;
    ix->head = data;
    ix->head_len = n;
    st = get_docs(&r, ix);
    if (st == EV_OK)
        st = skip_pmids(&r, ix);
    if (st == EV_OK)
        st = get_map(&r, ix, &ix->words);
    if (st == EV_OK)
        st = get_map(&r, ix, &ix->values);
    if (st == EV_OK)
        st = get_rows(&r, ix);
    if (st == EV_OK && r.p != r.end)
        st = EV_EINPUT;
    if (st != EV_OK) {
        ix->head = NULL;
        ev_search_index_free(ix);
        return st;
    }
    ix->sorted = true;
    *out = ix;
    return EV_OK;
}

/* sum64 of the encoded head, kept beside it (each long list's row has
 * its own in the head): a cache damaged on disk is rebuilt, not decoded into
 * wrong results. */
static void checksum(const char *p, size_t n, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)sum64(p, n));
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

/* Records are tombstoned (and revived) only by imports, each of which adds a
 * row to imports: the total count, which SQLite reads from its smallest
 * index, does what the live count did (counting "deleted = 0" scanned the
 * whole records table: at a million records 4 GB and most of a one-shot
 * search's time). A review without tombstones keeps its fingerprint. */
static ev_status fingerprint(ev_store *s, const char *mesh_id, const ev_mesh *mesh, ev_buf *out,
                             ev_error *err)
{
    ev_stmt *q = NULL;
    bool row = false;
    ev_status st = ev_stmt_prepare(
        s, &q,
        "SELECT (SELECT coalesce(max(id), 0) FROM imports),"
        " (SELECT count(*) FROM records),"
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

/* The lengths of the head's parts 0, 1, ... (length() reads no blob). */
static ev_status head_parts(ev_store *s, size_t **lens, size_t *n_parts, size_t *total,
                            ev_error *err)
{
    ev_stmt *q = NULL;
    bool row = false;
    size_t cap = 0;
    *total = *n_parts = 0;
    ev_status st = ev_stmt_prepare(s, &q, "SELECT part, length(data) FROM search_index"
                                          " WHERE part < ? ORDER BY part", err);
    if (st == EV_OK)
        st = ev_stmt_bind_int(q, 1, ROWS);
    while (st == EV_OK && (st = ev_stmt_step(q, &row, err)) == EV_OK && row) {
        int64_t part = ev_stmt_int(q, 0), len = ev_stmt_int(q, 1);
        if (part != (int64_t)*n_parts || len < 0 || (uint64_t)len > SIZE_MAX / 2 - *total)
            st = EV_EINPUT; /* a part missing: rebuilt */
        if (st == EV_OK && *n_parts == cap) {
            size_t *v = ev_reallocarray(*lens, cap = cap ? cap * 2 : 16, sizeof *v);
            st = v ? EV_OK : EV_ENOMEM;
            *lens = v ? v : *lens;
        }
        if (st == EV_OK) {
            (*lens)[(*n_parts)++] = (size_t)len;
            *total += (size_t)len;
        }
    }
    ev_stmt_free(q);
    return st;
}

/* The head's parts, one after another, read with incremental blob I/O
 * straight into one exact allocation (ev_stmt_blob would have SQLite copy
 * each 64 MB part first). */
static ev_status read_head(ev_store *s, char **out, size_t *n, ev_error *err)
{
    size_t *lens = NULL, n_parts = 0, got = 0;
    ev_status st = head_parts(s, &lens, &n_parts, n, err);
    if (st == EV_OK && (*out = ev_malloc(*n ? *n : 1)) == NULL)
        st = EV_ENOMEM;
    for (size_t i = 0; st == EV_OK && i < n_parts; got += lens[i++])
        st = ev_store_blob_read(s, "search_index", "data", (int64_t)i, 0, *out + got, lens[i],
                                err);
    ev_free(lens);
    return st;
}

static ev_status load(ev_store *s, const ev_mesh *mesh, ev_search_index **out, ev_error *err)
{
    char *data = NULL;
    size_t n = 0;
    ev_status st = read_head(s, &data, &n, err);
    char sum[17];
    if (st == EV_OK)
        checksum(data, n, sum);
    if (st == EV_OK && !info_is(s, "checksum", sum))
        st = EV_EINPUT;
    if (st == EV_OK)
        st = decode(data, n, mesh, out);
    if (st == EV_OK)
        (*out)->store = s;
    else
        ev_free(data);
    return st;
}

static ev_status store_rows(ev_stmt *ins, const rowset *rs, ev_error *err)
{
    ev_status st = EV_OK;
    bool row;
    size_t off = 0;
    for (size_t i = 0; st == EV_OK && i < rs->n; off += rs->v[i].bytes, i++) {
        ev_stmt_reset(ins);
        if ((st = ev_stmt_bind_int(ins, 1, ROWS + (int64_t)i)) == EV_OK &&
            (st = ev_stmt_bind_blob(ins, 2, rs->data.ptr + off, rs->v[i].bytes)) == EV_OK)
            st = ev_stmt_step(ins, &row, err);
    }
    return st;
}

static ev_status store_parts(ev_store *s, const ev_buf *b, const rowset *rs, const char *fp,
                             ev_error *err)
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
    if (st == EV_OK)
        st = store_rows(ins, rs, err);
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
    rowset rs = {0};
    ev_buf_init(&rs.data, (size_t)1 << 40);
    ev_status st = encode(ix, &b, &rs);
    if (st == EV_OK)
        st = ev_store_ensure_schema(s, "search", ev__sq_schema, ev__sq_schema_steps, err);
    if (st == EV_OK && (st = ev_store_begin(s, err)) == EV_OK) {
        st = store_parts(s, &b, &rs, fp, err);
        if (st == EV_OK)
            st = ev_store_commit(s, err);
        else
            ev_store_rollback(s);
    }
    ev_buf_release(&b);
    ev_buf_release(&rs.data);
    ev_free(rs.v);
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

/* ---- long lists on demand ---------------------------------------------------- */

/* A damaged row: the cache is marked stale (best effort: the review may be
 * read-only) so the next open rebuilds it, and this search fails. */
static ev_status damaged(ev_search_index *ix, uint32_t row, ev_error *err)
{
    if (ix->store == NULL)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "the cached search index is damaged");
    ev_status st = ev_store_exec(ix->store,
                                 "DELETE FROM search_index_info WHERE key = 'fingerprint'", NULL);
    (void)st; /* a read-only review keeps it: every search then fails here */
    return ev_error_set(err, EV_EINPUT, ev_store_path(ix->store), 0, 0,
                        "the cached search index is damaged (%s %u); it is rebuilt by the "
                        "next search",
                        row >= EV__SQ_INLINE ? "short list" : "list row",
                        (unsigned)(row >= EV__SQ_INLINE ? row - EV__SQ_INLINE : row));
}

/* Read row `row` and decode it into *l (same count as the head says). */
static ev_status read_row(ev_search_index *ix, uint32_t row, uint32_t n, ev__sq_plist *l)
{
    bool found = false;
    ev_status st = EV_OK;
    if (ix->row_q == NULL)
        st = ev_stmt_prepare(ix->store, &ix->row_q,
                             "SELECT data FROM search_index WHERE part = ?", NULL);
    if (st == EV_OK && (st = ev_stmt_bind_int(ix->row_q, 1, ROWS + row)) == EV_OK)
        st = ev_stmt_step(ix->row_q, &found, NULL);
    if (st == EV_OK && found) {
        const char *p = ev_stmt_blob(ix->row_q, 0);
        size_t len = ev_stmt_bytes(ix->row_q, 0);
        rd r = {(const unsigned char *)p, (const unsigned char *)p + len, false};
        if (p == NULL || len != ix->rows[row].bytes ||
            sum64(p, len) != ix->rows[row].sum)
            st = EV_EINPUT;
        else if ((st = get_list(&r, l, ix->n_docs)) == EV_OK && (r.p != r.end || l->n != n))
            st = EV_EINPUT;
    } else if (st == EV_OK) {
        st = EV_EINPUT;
    }
    ev_stmt_reset(ix->row_q);
    return st;
}

/* A short list from the head (checked with the head; decoded now). */
static ev_status read_inline(ev_search_index *ix, uint32_t k, uint32_t n, ev__sq_plist *l)
{
    if (ix->head == NULL || (ix->head_len >= EV__SQ_INLINE && k >= ix->n_inl))
        return EV_EINPUT;
    uint64_t off = ix->head_len >= EV__SQ_INLINE ? ix->inl[k] : k;
    if (off >= ix->head_len)
        return EV_EINPUT;
    const unsigned char *h = (const unsigned char *)ix->head;
    rd r = {h + off, h + ix->head_len, false};
    ev_status st = get_list(&r, l, ix->n_docs);
    return st == EV_OK && l->n != n ? EV_EINPUT : st;
}

ev_status ev__sq_list_load(ev_search_index *ix, ev__sq_plist *l, ev_error *err)
{
    if (!EV__SQ_LAZY(l))
        return EV_OK;
    uint32_t row = l->cap, n = l->n;
    ev__sq_plist got = {0};
    ev_status st;
    if (row >= EV__SQ_INLINE)
        st = read_inline(ix, row - EV__SQ_INLINE, n, &got);
    else if (ix->store == NULL || row >= ix->n_rows)
        st = EV_EINPUT;
    else
        st = read_row(ix, row, n, &got);
    if (st != EV_OK) {
        ev_free(got.p);
        return st == EV_ENOMEM ? ev_error_set(err, st, NULL, 0, 0, "out of memory")
                               : damaged(ix, row, err);
    }
    *l = got;
    return EV_OK;
}

/* A map read from the cache into terms (key copied into the arena, list
 * moved), as a built map has them: records can then be added. */
static ev_status map_to_terms(ev_search_index *ix, ev__sq_map *m)
{
    ev__sq_term **t = ev_calloc(m->n ? m->n : 1, sizeof *t);
    for (size_t i = 0; t && i < m->n; i++) {
        size_t len = strlen(m->keys[i]);
        if ((t[i] = ev_arena_alloc(ix->arena, sizeof **t + len + 1)) == NULL) {
            ev_free(t);
            t = NULL;
        } else {
            memcpy(t[i]->key, m->keys[i], len + 1);
            t[i]->pl = m->pls[i];
        }
    }
    if (t == NULL)
        return EV_ENOMEM;
    ev_free(m->pls);
    ev_free(m->keys);
    m->pls = NULL;
    m->keys = NULL;
    m->terms = t;
    m->cap = m->n ? m->n : 1;
    return EV_OK;
}

static ev_status load_map(ev_search_index *ix, ev__sq_map *m)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < m->n; i++)
        st = ev__sq_list_load(ix, EV__SQ_LIST(m, i), NULL);
    return st == EV_OK && m->pls ? map_to_terms(ix, m) : st;
}

ev_status ev__sq_index_load_all(ev_search_index *ix)
{
    if (ix->store == NULL && ix->head == NULL)
        return EV_OK;
    ev_status st = load_map(ix, &ix->words);
    if (st == EV_OK)
        st = load_map(ix, &ix->values);
    if (st == EV_OK && ix->head && ix->pmid_off) {
        if ((st = get_pmids(ix)) == EV_OK)
            ix->pmid_off = 0;
    }
    if (st == EV_OK) {
        ev_stmt_free(ix->row_q);
        ix->row_q = NULL;
        ix->store = NULL;
        ev_free(ix->head);
        ix->head = NULL;
    }
    return st;
}
