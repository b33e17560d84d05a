/*
 * index.c - the in-memory inverted index the executor runs on: positional
 * postings per word group (title, abstract, keywords, MeSH words, ...),
 * whole-value postings (MeSH headings, publication types, authors, ids,
 * ...), publication and history dates, and the MeSH flags per document.
 *
 * Positions: instance << 16 | token number, so a phrase or a proximity match
 * never spans two field instances (A4.8).
 */
#include "search_int.h"

/* ---- posting maps -------------------------------------------------------- */

static ev__sq_term *term_of(const char *key)
{
    return (ev__sq_term *)(uintptr_t)(key - offsetof(ev__sq_term, key));
}

/* Binary search of the sorted keys: a map read from the cache has no hash
 * table until records are added (a one-shot search looks few keys up, and
 * hashing millions of keys was most of the time to open the cache). */
static ev__sq_plist *sorted_find(const ev__sq_map *m, const char *key, size_t n)
{
    size_t a = 0, b = m->n_sorted;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        const char *k = EV__SQ_KEY(m, m->sorted[mid]);
        int c = strncmp(k, key, n);
        if (c == 0 && k[n] == '\0')
            return EV__SQ_LIST(m, m->sorted[mid]);
        if (c < 0)
            a = mid + 1;
        else
            b = mid;
    }
    return NULL;
}

ev__sq_plist *ev__sq_map_get(const ev__sq_map *m, const char *key, size_t n)
{
    if (m->h.n != m->n)
        return sorted_find(m, key, n);
    const char *k = ev__sq_hash_key(&m->h, key, n);
    return k ? &term_of(k)->pl : NULL;
}

static ev_status map_hash(ev__sq_map *m)
{
    ev__sq_hash_release(&m->h);
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < m->n; i++)
        st = ev__sq_hash_put(&m->h, m->terms[i]->key, strlen(m->terms[i]->key), (uint32_t)i,
                             NULL, NULL);
    return st;
}

static ev_status map_list(ev_search_index *ix, ev__sq_map *m, const char *key, size_t n,
                          ev__sq_plist **out)
{
    if (m->h.n != m->n) {
        ev_status hs = map_hash(m);
        if (hs != EV_OK)
            return hs;
    }
    const char *k = ev__sq_hash_key(&m->h, key, n);
    if (k) {
        *out = &term_of(k)->pl;
        return EV_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        ev__sq_term **t = ev_reallocarray(m->terms, cap, sizeof *t);
        if (t == NULL)
            return EV_ENOMEM;
        m->terms = t;
        m->cap = cap;
    }
    ev__sq_term *t = ev_arena_alloc(ix->arena, sizeof *t + n + 1);
    if (t == NULL)
        return EV_ENOMEM;
    memcpy(t->key, key, n);
    t->key[n] = '\0';
    ev_status st = ev__sq_hash_put(&m->h, t->key, n, (uint32_t)m->n, NULL, NULL);
    if (st != EV_OK)
        return st;
    m->terms[m->n++] = t;
    *out = &t->pl;
    ix->sorted = false;
    return EV_OK;
}

static ev_status plist_push(ev__sq_plist *l, uint32_t doc, uint32_t pos)
{
    if (l->n && l->p[l->n - 1].doc == doc && l->p[l->n - 1].pos >= pos)
        return EV_OK; /* values: one posting per document */
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 2;
        ev__sq_post *p = ev_reallocarray(l->p, cap, sizeof *p);
        if (p == NULL)
            return EV_ENOMEM;
        l->p = p;
        l->cap = cap;
    }
    l->p[l->n++] = (ev__sq_post){doc, pos};
    return EV_OK;
}

#define BATCH_ENTRIES ((size_t)1 << 18)

static void batch_reset(ev__sq_batch *b)
{
    ev__sq_hash_clear(&b->local);
    if (b->arena)
        ev_arena_reset(b->arena);
    b->n_terms = 0;
    b->n = 0;
}

static void batch_release(ev__sq_batch *b)
{
    ev__sq_hash_release(&b->local);
    ev_arena_free(b->arena);
    ev_free(b->keys);
    ev_free(b->lens);
    ev_free(b->e);
    *b = (ev__sq_batch){0};
}

/* Move a batch's postings into the map: entries grouped by term (a stable
 * counting sort keeps each term's (doc, pos) order), one map lookup per
 * term. */
static ev_status batch_flush(ev_search_index *ix, ev__sq_batch *b, ev__sq_map *m)
{
    if (b->n == 0)
        return EV_OK;
    size_t *start = ev_calloc(b->n_terms + 1, sizeof *start);
    uint32_t *order = start ? ev_reallocarray(NULL, b->n, sizeof *order) : NULL;
    ev_status st = order ? EV_OK : EV_ENOMEM;
    for (size_t i = 0; st == EV_OK && i < b->n; i++)
        start[b->e[i].term + 1]++;
    for (size_t t = 0; st == EV_OK && t < b->n_terms; t++)
        start[t + 1] += start[t];
    for (size_t i = 0; st == EV_OK && i < b->n; i++)
        order[start[b->e[i].term]++] = (uint32_t)i;
    for (size_t t = 0, j = 0; st == EV_OK && t < b->n_terms; t++) {
        ev__sq_plist *l;
        st = map_list(ix, m, b->keys[t], b->lens[t], &l);
        for (; st == EV_OK && j < start[t]; j++)
            st = plist_push(l, b->e[order[j]].doc, b->e[order[j]].pos);
    }
    ev_free(start);
    ev_free(order);
    batch_reset(b);
    return st;
}

static ev_status batch_term(ev__sq_batch *b, const char *key, size_t n, uint32_t *out)
{
    bool existed = false;
    if ((b->arena == NULL && (b->arena = ev_arena_new()) == NULL))
        return EV_ENOMEM;
    if (b->n_terms == b->cap_terms) {
        size_t cap = b->cap_terms ? b->cap_terms * 2 : 1024;
        const char **k = ev_reallocarray((void *)b->keys, cap, sizeof *k);
        if (k)
            b->keys = k;
        uint32_t *l = k ? ev_reallocarray(b->lens, cap, sizeof *l) : NULL;
        if (l == NULL)
            return EV_ENOMEM;
        b->lens = l;
        b->cap_terms = cap;
    }
    uint32_t found;
    if (ev__sq_hash_get(&b->local, key, n, &found)) {
        *out = found;
        return EV_OK;
    }
    char *copy = ev_arena_strndup(b->arena, key, n);
    if (copy == NULL)
        return EV_ENOMEM;
    ev_status st = ev__sq_hash_put(&b->local, copy, n, (uint32_t)b->n_terms, &existed, NULL);
    if (st != EV_OK)
        return st;
    b->keys[b->n_terms] = copy;
    b->lens[b->n_terms] = (uint32_t)n;
    *out = (uint32_t)b->n_terms++;
    return EV_OK;
}

static ev_status map_add(ev_search_index *ix, ev__sq_map *m, const char *key, size_t n,
                         uint32_t doc, uint32_t pos)
{
    ev__sq_batch *b = m == &ix->words ? &ix->bwords : &ix->bvalues;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        ev__sq_bent *e = ev_reallocarray(b->e, cap, sizeof *e);
        if (e == NULL)
            return EV_ENOMEM;
        b->e = e;
        b->cap = cap;
    }
    uint32_t t;
    ev_status st = batch_term(b, key, n, &t);
    if (st != EV_OK)
        return st;
    b->e[b->n++] = (ev__sq_bent){t, doc, pos};
    ix->sorted = false;
    return b->n >= BATCH_ENTRIES ? batch_flush(ix, b, m) : EV_OK;
}

static void map_release(ev__sq_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        ev_free(EV__SQ_LIST(m, i)->p);
    ev_free(m->terms);
    ev_free(m->pls);
    ev_free(m->keys);
    ev_free(m->sorted);
    ev__sq_hash_release(&m->h);
    *m = (ev__sq_map){0};
}

static ev__sq_term **sort_terms; /* qsort has no payload; sorting is single-threaded */
static int key_cmp(const void *a, const void *b)
{
    return strcmp(sort_terms[*(const uint32_t *)a]->key, sort_terms[*(const uint32_t *)b]->key);
}

ev_status ev__sq_map_sort(ev__sq_map *m)
{
    if (m->n_sorted == m->n && m->sorted)
        return EV_OK;
    uint32_t *v = ev_reallocarray(m->sorted, m->n ? m->n : 1, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < m->n; i++)
        v[i] = (uint32_t)i;
    sort_terms = m->terms;
    qsort(v, m->n, sizeof *v, key_cmp);
    m->sorted = v;
    m->n_sorted = m->n;
    return EV_OK;
}

void ev__sq_map_prefix(const ev__sq_map *m, const char *prefix, size_t n, size_t *lo, size_t *hi)
{
    size_t a = 0, b = m->n_sorted;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (strncmp(EV__SQ_KEY(m, m->sorted[mid]), prefix, n) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    b = a;
    while (b < m->n_sorted && strncmp(EV__SQ_KEY(m, m->sorted[b]), prefix, n) == 0)
        b++;
    *hi = b;
}

/* ---- adding records ----------------------------------------------------------- */

typedef struct adder {
    ev_search_index *ix;
    uint32_t doc;
    uint32_t inst[SQG__COUNT]; /* next instance per word group */
    ev_buf norm, key;
} adder;

/* Index the words of one field instance of group g. */
static ev_status add_text(adder *a, int g, const char *s)
{
    if (s == NULL)
        return EV_OK;
    ev_status st = ev__sq_norm(&a->norm, s, strlen(s));
    if (st != EV_OK || a->norm.len == 0)
        return st;
    uint32_t inst = a->inst[g]++, tokno = 0;
    if (inst > 0xFFFF)
        return EV_OK; /* more than 65,536 instances: the rest is not indexed */
    size_t pos = 0;
    ev_str tok;
    while (st == EV_OK && ev_text_next_token(a->norm.ptr, a->norm.len, &pos, &tok) &&
           tokno <= 0xFFFF) {
        ev_buf_clear(&a->key);
        if ((st = ev_buf_putc(&a->key, (char)('a' + g))) == EV_OK &&
            (st = ev_buf_append(&a->key, tok.ptr, tok.len)) == EV_OK)
            st = map_add(a->ix, &a->ix->words, a->key.ptr, a->key.len, a->doc,
                         inst << 16 | tokno++);
    }
    return st;
}

/* Index a whole value under prefix p (normalised unless raw). */
static ev_status add_value(adder *a, char p, const char *s, bool squash)
{
    if (s == NULL)
        return EV_OK;
    ev_status st = ev__sq_norm(&a->norm, s, strlen(s));
    if (st != EV_OK || a->norm.len == 0)
        return st;
    ev_buf_clear(&a->key);
    if ((st = ev_buf_putc(&a->key, p)) != EV_OK)
        return st;
    for (size_t i = 0; st == EV_OK && i < a->norm.len; i++)
        if (!squash || a->norm.ptr[i] != ' ')
            st = ev_buf_putc(&a->key, a->norm.ptr[i]);
    return st == EV_OK ? map_add(a->ix, &a->ix->values, a->key.ptr, a->key.len, a->doc, 0) : st;
}

static ev_status add_values(adder *a, char p, const char *const *v, size_t n, int group)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < n; i++) {
        st = add_value(a, p, v[i], false);
        if (st == EV_OK && group >= 0)
            st = add_text(a, group, v[i]);
    }
    return st;
}

/* Index a key that is already normalised. */
static ev_status add_raw_value(adder *a, char p, const char *s, size_t n)
{
    ev_buf_clear(&a->key);
    ev_status st = ev_buf_putc(&a->key, p);
    if (st == EV_OK)
        st = ev_buf_append(&a->key, s, n);
    return st == EV_OK ? map_add(a->ix, &a->ix->values, a->key.ptr, a->key.len, a->doc, 0) : st;
}

/* "Family Initials" as PubMed's [au] index writes it (A8.1). */
static ev_status author_short(ev_buf *out, const ev_author *au)
{
    ev_buf_clear(out);
    ev_status st = ev_buf_puts(out, au->family);
    if (st == EV_OK && au->initials && *au->initials)
        st = ev_buf_printf(out, " %s", au->initials);
    else if (st == EV_OK && au->given && *au->given) {
        st = ev_buf_putc(out, ' ');
        for (const char *g = au->given; st == EV_OK && *g; g++)
            if ((g == au->given || g[-1] == ' ' || g[-1] == '-') && isalpha((unsigned char)*g))
                st = ev_buf_putc(out, *g);
    }
    return st;
}

static ev_status add_author(adder *a, const ev_author *au, bool first, bool last)
{
    if (au->invalid)
        return EV_OK; /* A8.4 */
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < au->n_affiliations; i++)
        st = add_text(a, SQG_AD, au->affiliations[i]);
    if (st != EV_OK || au->collective) {
        if (st == EV_OK && (st = add_text(a, SQG_CN, au->collective)) == EV_OK)
            st = add_value(a, SQV_AU, au->collective, false);
        return st;
    }
    if (au->family == NULL)
        return EV_OK;
    ev_buf name;
    ev_buf_init(&name, 1 << 16);
    st = author_short(&name, au);
    const char *sn = ev_buf_cstr(&name);
    if (st == EV_OK)
        st = add_value(a, SQV_AU, sn, false);
    if (st == EV_OK && first)
        st = add_value(a, SQV_1AU, sn, false);
    if (st == EV_OK && last)
        st = add_value(a, SQV_LASTAU, sn, false);
    if (st == EV_OK)
        st = add_text(a, SQG_AU, sn);
    if (st == EV_OK && au->suffix && (st = ev_buf_printf(&name, " %s", au->suffix)) == EV_OK)
        st = add_value(a, SQV_AU, ev_buf_cstr(&name), false);
    ev_buf_clear(&name);
    if (st == EV_OK && (st = ev_buf_printf(&name, "%s %s", au->family,
                                           au->given ? au->given : "")) == EV_OK)
        st = add_value(a, SQV_FAU, ev_buf_cstr(&name), false);
    ev_buf_release(&name);
    return st;
}

static ev_status index_people(adder *a, const ev_record *rec)
{
    size_t lastv = SIZE_MAX, firstv = SIZE_MAX;
    for (size_t i = 0; i < rec->n_authors; i++)
        if (!rec->authors[i].invalid && !rec->authors[i].collective) {
            lastv = i;
            if (firstv == SIZE_MAX)
                firstv = i;
        }
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < rec->n_authors; i++)
        st = add_author(a, &rec->authors[i], i == firstv, i == lastv);
    return st;
}

/* Normalised qualifier name ("&" reads "and", as in the query). */
static ev_status qual_norm(ev_buf *out, ev_buf *tmp, const char *q)
{
    ev_buf_clear(tmp);
    ev_status st = EV_OK;
    for (; st == EV_OK && *q; q++)
        st = *q == '&' ? ev_buf_puts(tmp, " and ") : ev_buf_putc(tmp, *q);
    return st == EV_OK ? ev__sq_norm(out, ev_buf_cstr(tmp), tmp->len) : st;
}

/* Heading + qualifier combination key: "heading\x1fqualifier". */
static ev_status add_combo(adder *a, char p, const char *head, const char *qual)
{
    ev_buf k;
    ev_buf_init(&k, 1 << 16);
    ev_status st = ev_buf_printf(&k, "%s\x1f%s", head, qual);
    if (st == EV_OK)
        st = add_raw_value(a, p, k.ptr, k.len);
    ev_buf_release(&k);
    return st;
}

static ev_status add_heading(adder *a, const ev_mesh_heading *h, ev_buf *head, ev_buf *tmp)
{
    const ev_mesh *m = a->ix->mesh;
    size_t di = h->ui ? ev_mesh_find(m, h->ui) : SIZE_MAX;
    if (di == SIZE_MAX && h->name)
        di = ev_mesh_find(m, h->name);
    const char *name = di != SIZE_MAX ? ev_mesh_name(m, di) : h->name;
    if (name == NULL)
        return EV_OK;
    bool major = h->major;
    for (size_t i = 0; i < h->n_qualifiers; i++)
        major = major || h->qualifiers[i].major;
    ev_status st = ev__sq_norm(head, name, strlen(name));
    if (st == EV_OK)
        st = add_raw_value(a, SQV_MESH, head->ptr, head->len);
    if (st == EV_OK && major)
        st = add_raw_value(a, SQV_MAJR, head->ptr, head->len);
    if (st == EV_OK)
        st = add_text(a, SQG_MH, h->name);
    for (size_t i = 0; st == EV_OK && i < h->n_qualifiers; i++) {
        const char *qn = h->qualifiers[i].name;
        if (qn == NULL || (st = add_text(a, SQG_MH, qn)) != EV_OK ||
            (st = qual_norm(&a->norm, tmp, qn)) != EV_OK || a->norm.len == 0)
            continue;
        char *q = ev_strdup(a->norm.ptr);
        if (q == NULL)
            return EV_ENOMEM;
        st = add_raw_value(a, SQV_SH, q, strlen(q));
        if (st == EV_OK)
            st = add_combo(a, SQV_MHQ, head->ptr, q);
        if (st == EV_OK && major)
            st = add_combo(a, SQV_MJQ, head->ptr, q);
        ev_free(q);
    }
    return st;
}

static ev_status index_mesh(adder *a, const ev_record *rec)
{
    ev_buf head, tmp;
    ev_buf_init(&head, 1 << 16);
    ev_buf_init(&tmp, 1 << 16);
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < rec->n_mesh; i++)
        st = add_heading(a, &rec->mesh[i], &head, &tmp);
    ev_buf_release(&head);
    ev_buf_release(&tmp);
    if (rec->n_mesh && !a->ix->has_mesh[a->doc]) {
        a->ix->has_mesh[a->doc] = true;
        a->ix->n_with_mesh++;
    }
    return st;
}

static ev_status index_journal(adder *a, const ev_record *rec)
{
    const char *ta[] = {rec->journal, rec->journal_abbrev, rec->medline_ta, rec->issn_print,
                        rec->issn_electronic, rec->issn_linking, rec->nlm_id};
    ev_status st = add_values(a, SQV_TA, ta, 7, -1);
    for (size_t i = 0; st == EV_OK && i < 3; i++)
        st = add_text(a, SQG_TA, ta[i]);
    if (st == EV_OK)
        st = add_value(a, SQV_JID, rec->nlm_id, false);
    if (st == EV_OK)
        st = add_value(a, SQV_PL, rec->country, false);
    if (st == EV_OK)
        st = add_value(a, SQV_VI, rec->volume, false);
    if (st == EV_OK)
        st = add_value(a, SQV_IP, rec->issue, false);
    if (st == EV_OK)
        st = add_value(a, SQV_PG, rec->pages, false);
    if (st == EV_OK && rec->pages && strchr(rec->pages, '-')) {
        char *first = ev_strndup(rec->pages, (size_t)(strchr(rec->pages, '-') - rec->pages));
        st = first ? add_value(a, SQV_PG, first, false) : EV_ENOMEM;
        ev_free(first);
    }
    return st;
}

static ev_status index_ids(adder *a, const ev_record *rec)
{
    ev_status st = add_value(a, SQV_PMID, rec->pmid, false);
    const char *lid[] = {rec->doi, rec->pii};
    for (size_t i = 0; st == EV_OK && i < 2; i++)
        if ((st = add_value(a, SQV_LID, lid[i], false)) == EV_OK)
            st = add_value(a, SQV_AID, lid[i], false);
    if (st == EV_OK)
        st = add_value(a, SQV_DOI, rec->doi, false);
    if (st == EV_OK)
        st = add_value(a, SQV_AID, rec->pmcid, false);
    for (size_t i = 0; st == EV_OK && i < rec->n_other_ids; i++)
        st = add_value(a, SQV_AID, rec->other_ids[i].value, false);
    return st;
}

/* Language codes and English names (A5 [la]: either form is accepted). */
static const char *const languages[][2] = {
    {"eng", "english"}, {"fre", "french"}, {"ger", "german"}, {"spa", "spanish"},
    {"ita", "italian"}, {"jpn", "japanese"}, {"chi", "chinese"}, {"rus", "russian"},
    {"por", "portuguese"}, {"dut", "dutch"}, {"pol", "polish"}, {"swe", "swedish"},
    {"kor", "korean"}, {"tur", "turkish"}, {"dan", "danish"}, {"nor", "norwegian"},
    {"fin", "finnish"}, {"cze", "czech"}, {"hun", "hungarian"}, {"gre", "greek"},
    {"heb", "hebrew"}, {"ara", "arabic"}, {"per", "persian"}, {"ukr", "ukrainian"},
};

static ev_status index_language(adder *a, const char *l)
{
    ev_status st = add_value(a, SQV_LA, l, false);
    for (size_t i = 0; st == EV_OK && i < sizeof languages / sizeof languages[0]; i++)
        if (ev_strcasecmp(l, languages[i][0]) == 0)
            st = add_value(a, SQV_LA, languages[i][1], false);
        else if (ev_strcasecmp(l, languages[i][1]) == 0)
            st = add_value(a, SQV_LA, languages[i][0], false);
    return st;
}

static uint32_t date_int(const ev_date *d)
{
    if (d->year <= 0 || d->year > 9999)
        return 0;
    int m = d->month >= 1 && d->month <= 12 ? d->month : 1;
    int day = d->day >= 1 && d->day <= 31 ? d->day : 1;
    return (uint32_t)(d->year * 10000 + m * 100 + day);
}

static void index_dates(adder *a, const ev_record *rec)
{
    ev__sq_dates *d = &a->ix->dates[a->doc];
    uint32_t v[7] = {date_int(&rec->pub_date), date_int(&rec->epub_date),
                     date_int(&rec->date_entrez), date_int(&rec->date_create),
                     date_int(&rec->date_mesh), date_int(&rec->date_completed),
                     date_int(&rec->date_revised)};
    uint32_t *slot[7] = {&d->pub, &d->epub, &d->edat, &d->crdt, &d->mhda, &d->dcom, &d->lr};
    for (int i = 0; i < 7; i++)
        if (v[i] && !*slot[i])
            *slot[i] = v[i];
    if (!d->crdt)
        d->crdt = d->edat; /* A7.4: create date = entrez date */
    if (!d->edat)
        d->edat = d->crdt;
}

static ev_status index_misc(adder *a, const ev_record *rec)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < rec->n_languages; i++)
        st = index_language(a, rec->languages[i]);
    /* [sb]: "MEDLINE" -> medline, "PubMed-not-MEDLINE" -> pubmednotmedline,
     * "In-Process" -> inprocess, "Publisher" -> publisher */
    if (st == EV_OK && rec->status)
        st = add_value(a, SQV_SB, rec->status, true);
    index_dates(a, rec);
    return st;
}

static ev_status add_record(adder *a, const ev_record *rec)
{
    ev_status st = add_text(a, SQG_TI, rec->title);
    if (st == EV_OK)
        st = add_text(a, SQG_TI, rec->vernacular_title);
    if (st == EV_OK)
        st = add_text(a, SQG_TI, rec->book_title);
    for (size_t i = 0; st == EV_OK && i < rec->n_abstract; i++)
        st = add_text(a, SQG_AB, rec->abstract[i].text);
    for (size_t i = 0; st == EV_OK && i < rec->n_keywords; i++)
        st = add_text(a, SQG_OT, rec->keywords[i].text);
    if (st == EV_OK)
        st = add_values(a, SQV_PT, rec->publication_types, rec->n_publication_types, SQG_PT);
    if (st == EV_OK)
        st = add_values(a, SQV_NM, rec->substances, rec->n_substances, SQG_NM);
    for (size_t i = 0; st == EV_OK && i < rec->n_grants; i++)
        st = add_text(a, SQG_GR, rec->grants[i]);
    if (st == EV_OK)
        st = index_people(a, rec);
    if (st == EV_OK)
        st = index_mesh(a, rec);
    if (st == EV_OK)
        st = index_journal(a, rec);
    if (st == EV_OK)
        st = index_ids(a, rec);
    if (st == EV_OK)
        st = index_misc(a, rec);
    return st;
}

static ev_status grow_docs(ev_search_index *ix)
{
    if (ix->n_docs < ix->cap_docs)
        return EV_OK;
    size_t cap = ix->cap_docs ? ix->cap_docs * 2 : 1024;
    ev_id *ids = ev_reallocarray(ix->ids, cap, sizeof *ids);
    if (ids)
        ix->ids = ids;
    ev__sq_dates *d = ids ? ev_reallocarray(ix->dates, cap, sizeof *d) : NULL;
    if (d)
        ix->dates = d;
    bool *hm = d ? ev_reallocarray(ix->has_mesh, cap, sizeof *hm) : NULL;
    if (hm == NULL)
        return EV_ENOMEM;
    ix->has_mesh = hm;
    ix->cap_docs = cap;
    return EV_OK;
}

/* The document a record goes into: a new one, or the one holding its PMID. */
static ev_status doc_for(ev_search_index *ix, ev_id id, const ev_record *rec, uint32_t *doc)
{
    uint32_t d = (uint32_t)ix->n_docs;
    if (rec->pmid && *rec->pmid) {
        size_t n = strlen(rec->pmid);
        char *k = ev_arena_strndup(ix->arena, rec->pmid, n);
        bool existed = false;
        ev_status st = k ? ev__sq_hash_put(&ix->pmids, k, n, d, &existed, doc) : EV_ENOMEM;
        if (st != EV_OK || existed)
            return st;
    }
    ev_status st = grow_docs(ix);
    if (st != EV_OK)
        return st;
    ix->ids[d] = id;
    ix->dates[d] = (ev__sq_dates){0};
    ix->has_mesh[d] = false;
    ix->n_docs++;
    *doc = d;
    return EV_OK;
}

ev_status ev_search_index_add(ev_search_index *ix, ev_id id, const ev_record *rec)
{
    if (ix->any && id <= ix->last_id)
        return EV_EUSAGE;
    if (ix->n_docs >= UINT32_MAX - 1)
        return EV_ENOMEM;
    ev_status ls = ev__sq_index_load_all(ix);
    if (ls != EV_OK)
        return ls;
    ix->any = true;
    ix->last_id = id;
    adder a = {.ix = ix};
    ev_status st = doc_for(ix, id, rec, &a.doc);
    if (st != EV_OK)
        return st;
    ev_buf_init(&a.norm, EV_BUF_DEFAULT_MAX);
    ev_buf_init(&a.key, EV_BUF_DEFAULT_MAX);
    st = add_record(&a, rec);
    ev_buf_release(&a.norm);
    ev_buf_release(&a.key);
    return st;
}

ev_status ev_search_index_new(ev_search_index **out, const ev_mesh *mesh)
{
    ev_search_index *ix = ev_calloc(1, sizeof *ix);
    if (ix == NULL || (ix->arena = ev_arena_new()) == NULL) {
        ev_free(ix);
        *out = NULL;
        return EV_ENOMEM;
    }
    ix->mesh = mesh;
    *out = ix;
    return EV_OK;
}

void ev_search_index_free(ev_search_index *ix)
{
    if (ix == NULL)
        return;
    map_release(&ix->words);
    map_release(&ix->values);
    batch_release(&ix->bwords);
    batch_release(&ix->bvalues);
    ev__sq_hash_release(&ix->pmids);
    ev_free(ix->ids);
    ev_free(ix->dates);
    ev_free(ix->has_mesh);
    ev_stmt_free(ix->row_q);
    ev_free(ix->rows);
    ev_free(ix->head);
    ev_free(ix->inl);
    ev_arena_free(ix->arena);
    ev_free(ix);
}

size_t ev_search_index_docs(const ev_search_index *ix) { return ix->n_docs; }

size_t ev_search_index_docs_without_mesh(const ev_search_index *ix)
{
    size_t n = 0;
    for (size_t i = 0; i < ix->n_docs; i++)
        n += !ix->has_mesh[i];
    return n;
}

/* Give back the slack of doubling (about a quarter of the postings' memory). */
static void shrink(ev__sq_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        ev__sq_plist *l = EV__SQ_LIST(m, i);
        if (l->cap > l->n && l->n) {
            ev__sq_post *p = ev_reallocarray(l->p, l->n, sizeof *p);
            if (p) {
                l->p = p;
                l->cap = l->n;
            }
        }
    }
}

ev_status ev__sq_index_prepare(ev_search_index *ix)
{
    if (ix->sorted)
        return EV_OK;
    ev_status fs = batch_flush(ix, &ix->bwords, &ix->words);
    if (fs == EV_OK)
        fs = batch_flush(ix, &ix->bvalues, &ix->values);
    if (fs != EV_OK)
        return fs;
    shrink(&ix->words);
    shrink(&ix->values);
    ev_status st = ev__sq_map_sort(&ix->words);
    if (st == EV_OK)
        st = ev__sq_map_sort(&ix->values);
    ix->sorted = st == EV_OK;
    return st;
}

typedef struct from_store {
    ev_search_index *ix;
    ev_progress_fn progress;
    void *payload;
    uint64_t done;
} from_store;

static ev_status visit(ev_id id, const ev_record *rec, void *payload)
{
    from_store *fs = payload;
    ev_status st = ev_search_index_add(fs->ix, id, rec);
    if (st == EV_OK && fs->progress && ++fs->done % 1024 == 0 &&
        !fs->progress(fs->done, 0, fs->payload))
        st = EV_ECANCEL;
    return st;
}

ev_status ev_search_index_from_store(ev_search_index **out, ev_store *s, const ev_mesh *mesh,
                                     ev_progress_fn progress, void *payload, ev_error *err)
{
    ev_search_index *ix = NULL;
    ev_status st = ev_search_index_new(&ix, mesh);
    if (st != EV_OK)
        return ev_error_set(err, st, NULL, 0, 0, "out of memory");
    from_store fs = {ix, progress, payload, 0};
    st = ev_store_records_foreach(s, visit, &fs, err);
    if (st == EV_OK)
        st = ev__sq_index_prepare(ix);
    if (st != EV_OK) {
        ev_error_set(err, st, ev_store_path(s), 0, 0, "cannot build the search index: %s",
                     ev_status_name(st));
        ev_search_index_free(ix);
        ix = NULL;
    }
    *out = ix;
    return st;
}
