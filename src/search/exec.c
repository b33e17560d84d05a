/*
 * exec.c - evaluation of a query tree over the index: words, phrases and
 * proximity on token positions (A4.3, A4.8, A13), wildcards by key-range
 * expansion (A4.6), MeSH resolution and explosion (A6), values, authors (A8)
 * and dates (A7). Every term adds a search-details line to the notes.
 */
#include "search_int.h"

#define WILD_WARN 600 /* PubMed's expansion cap (A4.6, [S4]) */
#define PL(n) ((n) == 1 ? "" : "s")

static ev_status fail(ev__sq_ctx *c, size_t pos, const char *code, const char *fmt, ...)
    EV_PRINTF(4, 5);
static ev_status fail(ev__sq_ctx *c, size_t pos, const char *code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ev_error_set(c->err, EV_EINPUT, "query", 1, ev__sq_column(c->query, pos), "%s: %s",
                        code, msg);
}

/* ---- posting list collections ------------------------------------------------ */

/* Lists collected for one term; `ix` and `err` let a list read from the
 * cache be decoded when first collected. */
typedef struct plv {
    const ev__sq_plist **v;
    size_t n, cap;
    ev_search_index *ix;
    ev_error *err;
} plv;

static ev_status plv_push(plv *l, ev__sq_plist *p)
{
    if (p == NULL || p->n == 0)
        return EV_OK;
    ev_status st = ev__sq_list_load(l->ix, p, l->err);
    if (st != EV_OK)
        return st;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const ev__sq_plist **v = ev_reallocarray((void *)l->v, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = p;
    return EV_OK;
}

static void plv_release(plv *l)
{
    ev_free((void *)l->v);
    *l = (plv){0};
}

/* '*' (EV__SQ_WILD) matches any run of characters. */
static bool glob(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;
    while (*s) {
        if (*p == EV__SQ_WILD) {
            star = ++p;
            back = s;
        } else if (*p == *s) {
            p++, s++;
        } else if (star) {
            p = star;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*p == EV__SQ_WILD)
        p++;
    return *p == '\0';
}

/* Lists of every key "<prefix><pattern>" (pattern may hold wildcards);
 * *terms gets the number of keys matched. */
static ev_status expand(const ev__sq_map *m, char prefix, const char *pat, plv *out, size_t *terms)
{
    size_t stem = strcspn(pat, "\x01"), lo, hi;
    char key[512];
    if (stem + 2 > sizeof key)
        return EV_OK;
    key[0] = prefix;
    memcpy(key + 1, pat, stem);
    key[stem + 1] = '\0';
    if (pat[stem] == '\0') {
        ev__sq_plist *p = ev__sq_map_get(m, key, stem + 1);
        *terms += p != NULL;
        return plv_push(out, p);
    }
    ev__sq_map_prefix(m, key, stem + 1, &lo, &hi);
    ev_status st = EV_OK;
    for (size_t i = lo; st == EV_OK && i < hi; i++) {
        uint32_t li = m->sorted[i];
        if (glob(pat, EV__SQ_KEY(m, li) + 1)) {
            (*terms)++;
            st = plv_push(out, EV__SQ_LIST(m, li));
        }
    }
    return st;
}

static ev_status union_of(ev__sq_ctx *c, const plv *l, ev__sq_set *out)
{
    return ev__sq_set_union_plists(out, l->v, l->n, c->ix->n_docs);
}

/* ---- phrases and proximity ------------------------------------------------ */

static int post_cmp(const void *a, const void *b)
{
    const ev__sq_post *x = a, *y = b;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* One word's postings as one sorted array (merged when a wildcard gave
 * several lists). *owned is set when the array must be freed. */
static ev_status word_posts(const plv *l, ev__sq_plist *out, bool *owned)
{
    *owned = false;
    if (l->n == 1) {
        *out = *l->v[0];
        return EV_OK;
    }
    size_t total = 0;
    for (size_t i = 0; i < l->n; i++)
        total += l->v[i]->n;
    if (total > UINT32_MAX)
        return EV_ENOMEM;
    *out = (ev__sq_plist){ev_reallocarray(NULL, total ? total : 1, sizeof(ev__sq_post)), 0, 0};
    if (out->p == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < l->n; i++) {
        memcpy(out->p + out->n, l->v[i]->p, l->v[i]->n * sizeof(ev__sq_post));
        out->n += l->v[i]->n;
    }
    qsort(out->p, out->n, sizeof *out->p, post_cmp);
    *owned = true;
    return EV_OK;
}

/* First posting >= (doc, pos). */
static size_t seek(const ev__sq_plist *l, uint32_t doc, uint32_t pos)
{
    size_t lo = 0, hi = l->n;
    uint64_t k = (uint64_t)doc << 32 | pos;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t m = (uint64_t)l->p[mid].doc << 32 | l->p[mid].pos;
        if (m < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First posting >= (doc, pos) at or after *cur, by galloping from *cur: the
 * anchor's postings come in order, so each list is walked forwards once
 * (cache-friendly, O(log gap) per step). */
static bool has_post_from(const ev__sq_plist *l, size_t *cur, uint32_t doc, uint32_t pos)
{
    uint64_t k = (uint64_t)doc << 32 | pos;
#define KEY(i) ((uint64_t)l->p[i].doc << 32 | l->p[i].pos)
    size_t lo = *cur, step = 1, hi = lo;
    while (hi < l->n && KEY(hi) < k) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > l->n)
        hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (KEY(mid) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    *cur = lo;
    return lo < l->n && KEY(lo) == k;
#undef KEY
}

static size_t plv_total(const plv *l)
{
    size_t t = 0;
    for (size_t j = 0; j < l->n; j++)
        t += l->v[j]->n;
    return t;
}

/* Does any of word i's lists (a truncated word has one per expansion) hold
 * (doc, pos)? Each list keeps its own forward cursor. */
static bool word_has(const plv *l, size_t *cur, uint32_t doc, uint32_t pos)
{
    bool found = false;
    for (size_t j = 0; j < l->n && !found; j++)
        found = has_post_from(l->v[j], &cur[j], doc, pos);
    return found;
}

/* Consecutive tokens in one instance. The rarest word anchors (merged when it
 * is truncated); the others are probed at the expected positions, list by
 * list, so a truncated word's expansions are never merged and sorted. */
static ev_status phrase_lists(const plv *wl, size_t k, ev__sq_set *out)
{
    size_t a = 0, total = 0;
    for (size_t i = 0; i < k; i++) {
        total += wl[i].n;
        if (plv_total(&wl[i]) < plv_total(&wl[a]))
            a = i;
    }
    ev__sq_plist an;
    bool own = false;
    size_t *cur = ev_calloc(total ? total : 1, sizeof *cur);
    size_t *base = ev_calloc(k, sizeof *base);
    ev_status st = cur && base ? word_posts(&wl[a], &an, &own) : EV_ENOMEM;
    for (size_t i = 1; st == EV_OK && i < k; i++)
        base[i] = base[i - 1] + wl[i - 1].n;
    for (uint32_t j = 0; st == EV_OK && j < an.n; j++) {
        uint32_t d = an.p[j].doc, p = an.p[j].pos;
        if ((out->n && out->v[out->n - 1] == d) || (p & 0xFFFF) < a ||
            (p & 0xFFFF) - a + k - 1 > 0xFFFF)
            continue;
        bool ok = true;
        for (size_t i = 0; ok && i < k; i++)
            ok = i == a || word_has(&wl[i], cur + base[i], d, p - (uint32_t)a + (uint32_t)i);
        if (ok)
            st = ev__sq_set_push(out, d);
    }
    if (own)
        ev_free(an.p);
    ev_free(cur);
    ev_free(base);
    return st;
}

typedef struct lpos {
    uint32_t pos;
    uint32_t word;
} lpos;

static int lpos_cmp(const void *a, const void *b)
{
    const lpos *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A13.3: a run of matched positions, gaps of at most n words, one instance,
 * holding every query word. */
static bool prox_doc(const ev__sq_plist *w, size_t k, uint32_t d, long n, lpos **buf, size_t *cap)
{
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = seek(&w[i], d, 0); j < w[i].n && w[i].p[j].doc == d; j++) {
            if (m == *cap) {
                size_t nc = *cap ? *cap * 2 : 64;
                lpos *nb = ev_reallocarray(*buf, nc, sizeof *nb);
                if (nb == NULL)
                    return false;
                *buf = nb;
                *cap = nc;
            }
            (*buf)[m++] = (lpos){w[i].p[j].pos, (uint32_t)i};
        }
    }
    if (m > 1)
        qsort(*buf, m, sizeof **buf, lpos_cmp);
    uint64_t all = k >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1, mask = 0;
    for (size_t i = 0; i < m; i++) {
        const lpos *x = &(*buf)[i];
        if (i > 0 && ((x->pos >> 16) != (x[-1].pos >> 16) || (long)(x->pos - x[-1].pos) - 1 > n))
            mask = 0;
        mask |= (uint64_t)1 << (x->word & 63);
        if (mask == all)
            return true;
    }
    return false;
}

static ev_status prox_match(const ev__sq_plist *w, size_t k, long n, ev__sq_set *out)
{
    size_t a = 0;
    for (size_t i = 1; i < k; i++)
        if (w[i].n < w[a].n)
            a = i;
    lpos *buf = NULL;
    size_t cap = 0;
    ev_status st = EV_OK;
    for (uint32_t j = 0; st == EV_OK && j < w[a].n; j++) {
        uint32_t d = w[a].p[j].doc;
        if ((out->n && out->v[out->n - 1] == d) || (j && w[a].p[j - 1].doc == d))
            continue;
        if (prox_doc(w, k, d, n, &buf, &cap))
            st = ev__sq_set_push(out, d);
    }
    ev_free(buf);
    return st;
}

/* ---- text terms -------------------------------------------------------------- */

/* Proximity: no wildcards (E-PROXWILD), so each word is one posting list. */
static ev_status prox_lists(const plv *wl, size_t k, long n, ev__sq_set *out)
{
    ev__sq_plist *w = ev_calloc(k, sizeof *w);
    if (w == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < k; i++)
        w[i] = *wl[i].v[0];
    ev_status st = prox_match(w, k, n, out);
    ev_free(w);
    return st;
}

/* Phrase or proximity of nd's words inside group g, OR-ed into acc. */
static ev_status group_phrase(ev__sq_ctx *c, const ev__sq_node *nd, int g, ev__sq_set *acc,
                              size_t *terms)
{
    size_t k = nd->n_words;
    plv *wl = ev_calloc(k, sizeof *wl);
    ev_status st = wl ? EV_OK : EV_ENOMEM;
    bool empty = false;
    for (size_t i = 0; st == EV_OK && i < k && !empty; i++) {
        wl[i] = (plv){.ix = c->ix, .err = c->err};
        st = expand(&c->ix->words, (char)('a' + g), nd->words[i], &wl[i], terms);
        empty = wl[i].n == 0;
    }
    ev__sq_set hit = {0}, merged = {0};
    if (st == EV_OK && !empty)
        st = nd->prox >= 0 ? prox_lists(wl, k, nd->prox, &hit) : phrase_lists(wl, k, &hit);
    if (st == EV_OK && hit.n && (st = ev__sq_set_or(&merged, acc, &hit)) == EV_OK) {
        ev__sq_set_release(acc);
        *acc = merged;
        merged = (ev__sq_set){0};
    }
    for (size_t i = 0; wl && i < k; i++)
        plv_release(&wl[i]);
    ev_free(wl);
    ev__sq_set_release(&hit);
    ev__sq_set_release(&merged);
    return st;
}

static void put_words(char *buf, size_t n, const ev__sq_node *nd)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nd->n_words && k + 1 < n; i++)
        for (const char *s = nd->words[i]; *s && k + 2 < n;) {
            if (s == nd->words[i] && i)
                buf[k++] = ' ';
            buf[k++] = *s == EV__SQ_WILD ? '*' : *s;
            s++;
        }
    buf[k] = '\0';
}

/* PubMed searches "therap" as the word "therap" only; say when a prefix
 * would have found more (the seed's "Regenerative therap[Title/Abstract]"). */
static ev_status note_exact_words(ev__sq_ctx *c, const ev__sq_node *nd, unsigned groups)
{
    for (size_t i = 0; i < nd->n_words; i++) {
        const char *w = nd->words[i];
        if (strchr(w, EV__SQ_WILD) || strlen(w) < 4)
            continue;
        size_t exact = 0, longer = 0;
        char key[512];
        for (int g = 0; g < SQG__COUNT && strlen(w) + 2 < sizeof key; g++) {
            if (!(groups & 1u << g))
                continue;
            snprintf(key, sizeof key, "%c%s", 'a' + g, w);
            size_t lo, hi;
            exact += ev__sq_map_get(&c->ix->words, key, strlen(key)) != NULL;
            ev__sq_map_prefix(&c->ix->words, key, strlen(key), &lo, &hi);
            longer += hi - lo;
        }
        if (exact == 0 && longer > 0) {
            ev_status st = ev__sq_note_add(
                c->notes, "N-EXACTWORD",
                "'%s' has no '*', so it is searched as that exact word, which no record has; "
                "'%s*' would match %zu longer index term%s",
                w, w, longer, PL(longer));
            if (st != EV_OK)
                return st;
        }
    }
    return EV_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct index words a wildcard word matches across the searched groups. */
static ev_status distinct_terms(ev__sq_ctx *c, const char *w, unsigned groups, size_t *out)
{
    const ev__sq_map *m = &c->ix->words;
    const char **v = NULL;
    size_t n = 0, cap = 0, stem = strcspn(w, "\x01");
    char key[512];
    *out = 0;
    for (int g = 0; g < SQG__COUNT && stem + 2 < sizeof key; g++) {
        if (!(groups & 1u << g))
            continue;
        key[0] = (char)('a' + g);
        memcpy(key + 1, w, stem);
        size_t lo, hi;
        ev__sq_map_prefix(m, key, stem + 1, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            const char *k = EV__SQ_KEY(m, m->sorted[i]) + 1;
            if (!glob(w, k))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                const char **nv = ev_reallocarray((void *)v, cap, sizeof *nv);
                if (nv == NULL) {
                    ev_free((void *)v);
                    return EV_ENOMEM;
                }
                v = nv;
            }
            v[n++] = k;
        }
    }
    if (n > 1)
        qsort((void *)v, n, sizeof *v, str_cmp);
    for (size_t i = 0; i < n; i++)
        *out += i == 0 || strcmp(v[i], v[i - 1]) != 0;
    ev_free((void *)v);
    return EV_OK;
}

static ev_status wild_notes(ev__sq_ctx *c, const ev__sq_node *nd)
{
    ev_status st = EV_OK;
    unsigned groups = ev__sq_field_groups(nd->field);
    for (size_t i = 0; st == EV_OK && i < nd->n_words; i++) {
        const char *w = nd->words[i];
        size_t terms = 0;
        if (!strchr(w, EV__SQ_WILD) || (st = distinct_terms(c, w, groups, &terms)) != EV_OK)
            continue;
        char shown[256];
        size_t k = 0;
        for (; w[k] && k + 1 < sizeof shown; k++)
            shown[k] = w[k] == EV__SQ_WILD ? '*' : w[k];
        shown[k] = '\0';
        st = ev__sq_note_add(c->notes, "", "'%s': wildcard expanded to %zu index term%s", shown,
                             terms, PL(terms));
        if (st == EV_OK && terms > WILD_WARN)
            st = ev__sq_note_add(c->notes, "W-WILDMANY",
                                 "'%s' expanded to %zu index terms; PubMed uses only the first %d",
                                 shown, terms, WILD_WARN);
    }
    return st;
}

static ev_status text_notes(ev__sq_ctx *c, const ev__sq_node *nd, size_t hits)
{
    char words[512];
    put_words(words, sizeof words, nd);
    const char *how = nd->prox >= 0 ? "proximity" : nd->n_words > 1 ? "phrase" : "word";
    ev_status st = ev__sq_note_add(c->notes, "", "\"%s\"[%s]%s: %s%s, %zu record%s", words,
                                   ev__sq_fields[nd->field].long_name,
                                   nd->tagged ? "" : " (untagged)", how,
                                   nd->wild ? ", truncated" : "", hits, PL(hits));
    if (st == EV_OK && nd->wild)
        st = wild_notes(c, nd);
    if (st == EV_OK && nd->wild && nd->n_words > 1)
        st = ev__sq_note_add(c->notes, "N-PHRASEWILD",
                             "'%s' is a phrase with a truncated word: every expansion is tried "
                             "in the phrase (PubMed's phrase truncation has surprised users, "
                             "Vieira et al. 2021)",
                             words);
    if (st == EV_OK && !nd->wild)
        st = note_exact_words(c, nd, ev__sq_field_groups(nd->field));
    return st;
}

static ev_status eval_text(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    unsigned groups = ev__sq_field_groups(nd->field);
    size_t terms = 0;
    ev_status st = EV_OK;
    if (nd->n_words == 1) {
        plv l = {.ix = c->ix, .err = c->err};
        for (int g = 0; st == EV_OK && g < SQG__COUNT; g++)
            if (groups & 1u << g)
                st = expand(&c->ix->words, (char)('a' + g), nd->words[0], &l, &terms);
        if (st == EV_OK)
            st = union_of(c, &l, out);
        plv_release(&l);
    } else {
        for (int g = 0; st == EV_OK && g < SQG__COUNT; g++)
            if (groups & 1u << g)
                st = group_phrase(c, nd, g, out, &terms);
    }
    if (st == EV_OK && groups == 0)
        st = ev__sq_note_add(c->notes, "N-NOTINDEXED", "[%s] is not indexed locally: no records",
                             ev__sq_fields[nd->field].long_name);
    (void)terms;
    return st == EV_OK ? text_notes(c, nd, out->n) : st;
}

/* ---- MeSH ---------------------------------------------------------------------- */

static ev_status note_nomesh(ev__sq_ctx *c)
{
    if (c->mesh_noted)
        return EV_OK;
    c->mesh_noted = true;
    size_t without = c->ix->n_docs - c->ix->n_with_mesh;
    if (without == 0)
        return EV_OK;
    return ev__sq_note_add(c->notes, "W-NOMESH",
                           "%zu of %zu records have no MeSH headings and cannot match MeSH tags",
                           without, c->ix->n_docs);
}

static ev_status mesh_lists(ev__sq_ctx *c, const ev__sq_node *nd, const size_t *ds, size_t n,
                            plv *l)
{
    bool major = nd->field == SQF_MAJR;
    char p = nd->qual ? (major ? SQV_MJQ : SQV_MHQ) : (major ? SQV_MAJR : SQV_MESH);
    ev_buf norm, key;
    ev_buf_init(&norm, 1 << 16);
    ev_buf_init(&key, 1 << 16);
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < n; i++) {
        const char *name = ev_mesh_name(c->ix->mesh, ds[i]);
        ev_buf_clear(&key);
        if ((st = ev__sq_norm(&norm, name, strlen(name))) == EV_OK &&
            (st = ev_buf_printf(&key, "%c%s", p, ev_buf_cstr(&norm))) == EV_OK && nd->qual)
            st = ev_buf_printf(&key, "\x1f%s", nd->qual);
        if (st == EV_OK)
            st = plv_push(l, ev__sq_map_get(&c->ix->values, key.ptr, key.len));
    }
    ev_buf_release(&norm);
    ev_buf_release(&key);
    return st;
}

static ev_status mesh_detail(ev__sq_ctx *c, const ev__sq_node *nd, const size_t *ds, size_t n,
                             size_t hits)
{
    ev_buf b;
    ev_buf_init(&b, 1 << 16);
    size_t di = ds[0];
    for (size_t i = 0; i < n; i++)
        if (ev_mesh_find(c->ix->mesh, nd->value) == ds[i])
            di = ds[i];
    ev_status st = ev_buf_printf(&b, "\"%s\"[%s%s]: descriptor %s %s", nd->value,
                                 ev__sq_fields[nd->field].long_name, nd->noexp ? ":noexp" : "",
                                 ev_mesh_ui(c->ix->mesh, di), ev_mesh_name(c->ix->mesh, di));
    if (st == EV_OK && !nd->noexp)
        st = n == 1 ? ev_buf_puts(&b, ", no narrower descriptors")
                    : ev_buf_printf(&b, ", explosion adds %zu narrower descriptors", n - 1);
    for (size_t i = 0, shown = 0; st == EV_OK && !nd->noexp && i < n && shown < 12; i++)
        if (ds[i] != di) {
            st = ev_buf_printf(&b, "%s%s", shown++ ? "; " : " (", ev_mesh_name(c->ix->mesh, ds[i]));
            if (st == EV_OK && (shown == 12 || shown == n - 1))
                st = ev_buf_puts(&b, shown == n - 1 ? ")" : "; ...)");
        }
    if (st == EV_OK)
        st = ev__sq_note_add(c->notes, "", "%s; %zu record%s", ev_buf_cstr(&b), hits, PL(hits));
    ev_buf_release(&b);
    return st;
}

static ev_status eval_mesh_plain(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    /* no vocabulary, no descriptor, or a wildcard: match heading names in
     * the corpus directly, no explosion (A4.6, A6.1) */
    char p = nd->field == SQF_MAJR ? SQV_MAJR : SQV_MESH;
    plv l = {.ix = c->ix, .err = c->err};
    size_t terms = 0;
    ev_status st = expand(&c->ix->values, p, nd->value, &l, &terms);
    if (st == EV_OK && !nd->qual)
        st = union_of(c, &l, out);
    plv_release(&l);
    const char *code = nd->wild ? "" : c->ix->mesh ? "W-MESHNOTFOUND" : "W-NOVOCAB";
    if (st == EV_OK)
        st = ev__sq_note_add(c->notes, code,
                             "\"%s\"[%s]: %s, matched %zu heading(s) in the records, not "
                             "exploded, %zu record%s",
                             nd->value, ev__sq_fields[nd->field].long_name,
                             nd->wild ? "wildcard on heading names"
                             : c->ix->mesh ? "not a MeSH descriptor or entry term"
                                           : "no MeSH vocabulary loaded",
                             terms, out->n, PL(out->n));
    return st;
}

static ev_status eval_mesh(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    ev_status st = note_nomesh(c);
    size_t di = nd->wild ? SIZE_MAX : ev_mesh_find(c->ix->mesh, nd->value);
    if (st != EV_OK || di == SIZE_MAX)
        return st == EV_OK ? eval_mesh_plain(c, nd, out) : st;
    size_t *ds = NULL, n = 1;
    if (nd->noexp) {
        ds = ev_malloc(sizeof *ds);
        if (ds)
            ds[0] = di;
    } else if (ev_mesh_explode(c->ix->mesh, di, &ds, &n) != EV_OK) {
        ds = NULL;
    }
    if (ds == NULL)
        return EV_ENOMEM;
    plv l = {.ix = c->ix, .err = c->err};
    st = mesh_lists(c, nd, ds, n, &l);
    if (st == EV_OK)
        st = union_of(c, &l, out);
    if (st == EV_OK)
        st = mesh_detail(c, nd, ds, n, out->n);
    if (st == EV_OK && nd->qual && !nd->noexp)
        st = ev__sq_note_add(c->notes, "W-NOQUALTREE",
                             "subheading '%s' is not exploded: no qualifier tree is bundled",
                             nd->qual);
    plv_release(&l);
    ev_free(ds);
    return st;
}

/* ---- values, authors, dates ------------------------------------------------------ */

static char value_prefix(ev__sq_field f)
{
    switch (f) {
    case SQF_PT: return SQV_PT;
    case SQF_LA: return SQV_LA;
    case SQF_TA: return SQV_TA;
    case SQF_PMID: return SQV_PMID;
    case SQF_AID: return SQV_AID;
    case SQF_LID: return SQV_LID;
    case SQF_DOI: return SQV_DOI;
    case SQF_IP: return SQV_IP;
    case SQF_VI: return SQV_VI;
    case SQF_PG: return SQV_PG;
    case SQF_PL: return SQV_PL;
    case SQF_JID: return SQV_JID;
    case SQF_SB: return SQV_SB;
    case SQF_SH: return SQV_SH;
    case SQF_AU: return SQV_AU;
    case SQF_FAU: return SQV_FAU;
    case SQF_1AU: return SQV_1AU;
    case SQF_LASTAU: return SQV_LASTAU;
    default: return 0;
    }
}

/* Query value as the index keys it: DOIs without resolver prefixes, subset
 * names without spaces. */
static void value_text(const ev__sq_node *nd, char *buf, size_t n)
{
    const char *v = nd->value;
    static const char *const pre[] = {"https dx doi org ", "http dx doi org ", "https doi org ",
                                      "http doi org ", "doi org ", "doi "};
    if (nd->field == SQF_DOI || nd->field == SQF_AID || nd->field == SQF_LID)
        for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
            if (strncmp(v, pre[i], strlen(pre[i])) == 0) {
                v += strlen(pre[i]);
                break;
            }
    size_t k = 0;
    for (; *v && k + 1 < n; v++)
        if (nd->field != SQF_SB || *v != ' ')
            buf[k++] = *v;
    buf[k] = '\0';
}

/* A8.2: "smith j" finds "smith j", "smith ja", ...; "smith" finds "smith *"
 * but not "smithson"; quoted names match exactly. */
static ev_status author_lists(ev__sq_ctx *c, const ev__sq_node *nd, char p, const char *v,
                              plv *l, size_t *terms)
{
    char key[512];
    int kn = snprintf(key, sizeof key, "%c%s", p, v);
    if (kn < 0 || (size_t)kn >= sizeof key)
        return EV_OK;
    if (nd->quoted || nd->wild)
        return expand(&c->ix->values, p, v, l, terms);
    bool initials = strchr(v, ' ') != NULL;
    size_t lo, hi;
    ev__sq_map_prefix(&c->ix->values, key, (size_t)kn, &lo, &hi);
    ev_status st = EV_OK;
    for (size_t i = lo; st == EV_OK && i < hi; i++) {
        const char *k = EV__SQ_KEY(&c->ix->values, c->ix->values.sorted[i]);
        char next = k[kn];
        if (next == '\0' || next == ' ' || initials) {
            (*terms)++;
            st = plv_push(l, EV__SQ_LIST(&c->ix->values, c->ix->values.sorted[i]));
        }
    }
    return st;
}

static ev_status eval_value(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    char p = value_prefix(nd->field), v[512];
    plv l = {.ix = c->ix, .err = c->err};
    size_t terms = 0;
    ev_status st = EV_OK;
    value_text(nd, v, sizeof v);
    if (p && ev__sq_fields[nd->field].kind == SQK_AUTHOR)
        st = author_lists(c, nd, p, v, &l, &terms);
    else if (p)
        st = expand(&c->ix->values, p, v, &l, &terms);
    if (st == EV_OK)
        st = union_of(c, &l, out);
    plv_release(&l);
    if (st == EV_OK && nd->field == SQF_SH)
        st = note_nomesh(c);
    if (st == EV_OK)
        st = ev__sq_note_add(c->notes, p ? "" : "N-NOTINDEXED", "\"%s\"[%s]: %s%zu matching value%s, %zu record%s",
                             v, ev__sq_fields[nd->field].long_name,
                             p ? "" : "field not indexed locally, ", terms, PL(terms), out->n,
                             PL(out->n));
    return st;
}

/* Offset of the date a field searches in ev__sq_dates ([dp] also looks at
 * the electronic date, A7.3). */
static size_t date_slot(ev__sq_field f)
{
    switch (f) {
    case SQF_EDAT: return offsetof(ev__sq_dates, edat);
    case SQF_CRDT: return offsetof(ev__sq_dates, crdt);
    case SQF_MHDA: return offsetof(ev__sq_dates, mhda);
    case SQF_DCOM: return offsetof(ev__sq_dates, dcom);
    case SQF_LR: return offsetof(ev__sq_dates, lr);
    default: return offsetof(ev__sq_dates, pub);
    }
}

static ev_status eval_date(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    /* one tight pass over the date array into a set sized for every
     * document: a date limit often keeps most of a large corpus */
    uint32_t lo = (uint32_t)nd->from, hi = (uint32_t)nd->to;
    size_t n = c->ix->n_docs, k = 0, off = date_slot(nd->field);
    bool dp = nd->field == SQF_DP;
    uint32_t *v = ev_reallocarray(out->v, n ? n : 1, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    const char *base = (const char *)c->ix->dates;
    for (size_t i = 0; i < n; i++) {
        const ev__sq_dates *d = (const ev__sq_dates *)(base + i * sizeof *d);
        uint32_t a = *(const uint32_t *)((const char *)d + off);
        bool hit = a - lo <= hi - lo || (dp && d->epub - lo <= hi - lo); /* 0 never in range */
        v[k] = (uint32_t)i;
        k += hit;
    }
    out->v = v;
    out->cap = n ? n : 1;
    out->n = k;
    return ev__sq_note_add(c->notes, "", "%ld/%02ld/%02ld:%ld/%02ld/%02ld[%s]: %zu record%s",
                           nd->from / 10000, nd->from / 100 % 100, nd->from % 100,
                           nd->to / 10000, nd->to / 100 % 100, nd->to % 100,
                           ev__sq_fields[nd->field].long_name, out->n, PL(out->n));
}

/* X AND date-range: keep X's documents whose date is in range, instead of
 * scanning every document's date (a date limit usually closes a strategy
 * line, and X is usually far smaller than the corpus). Same set as the
 * intersection. */
static ev_status date_filter(ev__sq_ctx *c, const ev__sq_node *range, const ev__sq_set *in,
                             ev__sq_set *out)
{
    uint32_t lo = (uint32_t)range->from, hi = (uint32_t)range->to;
    size_t off = date_slot(range->field), k = 0;
    bool dp = range->field == SQF_DP;
    uint32_t *v = ev_reallocarray(NULL, in->n ? in->n : 1, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < in->n; i++) {
        const ev__sq_dates *d = &c->ix->dates[in->v[i]];
        uint32_t a = *(const uint32_t *)((const char *)d + off);
        v[k] = in->v[i];
        k += a - lo <= hi - lo || (dp && d->epub - lo <= hi - lo);
    }
    *out = (ev__sq_set){v, k, in->n ? in->n : 1};
    return ev__sq_note_add(c->notes, "",
                           "%ld/%02ld/%02ld:%ld/%02ld/%02ld[%s]: applied as a limit, %zu of %zu "
                           "record%s kept",
                           range->from / 10000, range->from / 100 % 100, range->from % 100,
                           range->to / 10000, range->to / 100 % 100, range->to % 100,
                           ev__sq_fields[range->field].long_name, k, in->n, PL(in->n));
}

static ev_status eval_limited(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    bool right = nd->r->op == SQN_RANGE;
    ev__sq_set x = {0};
    ev_status st = ev__sq_eval(c, right ? nd->l : nd->r, &x);
    if (st == EV_OK)
        st = date_filter(c, right ? nd->r : nd->l, &x, out);
    ev__sq_set_release(&x);
    return st;
}

/* ---- the tree --------------------------------------------------------------- */

static ev_status eval_hist(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    if (c->n_hist == 0)
        return fail(c, nd->pos, "E-HISTREF", "#%ld does not exist: the history is empty",
                    nd->hist);
    if (nd->hist < 1 || (size_t)nd->hist > c->n_hist)
        return fail(c, nd->pos, "E-HISTREF",
                    "#%ld does not exist: the history has searches #1 to #%zu", nd->hist,
                    c->n_hist);
    const ev__sq_set *h = &c->hist[nd->hist - 1];
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < h->n; i++)
        st = ev__sq_set_push(out, h->v[i]);
    return st;
}

ev_status ev__sq_eval(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out)
{
    switch (nd->op) {
    case SQN_HIST: return eval_hist(c, nd, out);
    case SQN_RANGE: return eval_date(c, nd, out);
    case SQN_TERM:
        switch (ev__sq_fields[nd->field].kind) {
        case SQK_TEXT: return eval_text(c, nd, out);
        case SQK_MESH: return eval_mesh(c, nd, out);
        default: return eval_value(c, nd, out);
        }
    default: break;
    }
    if (nd->op == SQN_AND && (nd->r->op == SQN_RANGE || nd->l->op == SQN_RANGE))
        return eval_limited(c, nd, out);
    ev__sq_set a = {0}, b = {0};
    ev_status st = ev__sq_eval(c, nd->l, &a);
    if (st == EV_OK)
        st = ev__sq_eval(c, nd->r, &b);
    if (st == EV_OK)
        st = nd->op == SQN_AND ? ev__sq_set_and(out, &a, &b)
             : nd->op == SQN_OR ? ev__sq_set_or(out, &a, &b)
                                : ev__sq_set_not(out, &a, &b);
    ev__sq_set_release(&a);
    ev__sq_set_release(&b);
    return st;
}
