/*
 * features.c - the TF-IDF matrix, built once per corpus: tokens as the
 * full-text index makes them, unigrams and bigrams, scikit-learn's smooth
 * idf and L2 row normalisation (TfidfVectorizer defaults), so a model
 * retrained after every decision only does sparse dot products.
 */
#include "screen_int.h"

#include <math.h>
#include <string.h>

/* scikit-learn's ENGLISH_STOP_WORDS (from the Glasgow IR group's list,
 * BSD licence). */
static const char *const stop_words[] = {
    "a",          "about",      "above",      "across",       "after",      "afterwards",
    "again",      "against",    "all",        "almost",       "alone",      "along",
    "already",    "also",       "although",   "always",       "am",         "among",
    "amongst",    "amoungst",   "amount",     "an",           "and",        "another",
    "any",        "anyhow",     "anyone",     "anything",     "anyway",     "anywhere",
    "are",        "around",     "as",         "at",           "back",       "be",
    "became",     "because",    "become",     "becomes",      "becoming",   "been",
    "before",     "beforehand", "behind",     "being",        "below",      "beside",
    "besides",    "between",    "beyond",     "bill",         "both",       "bottom",
    "but",        "by",         "call",       "can",          "cannot",     "cant",
    "co",         "con",        "could",      "couldnt",      "cry",        "de",
    "describe",   "detail",     "do",         "done",         "down",       "due",
    "during",     "each",       "eg",         "eight",        "either",     "eleven",
    "else",       "elsewhere",  "empty",      "enough",       "etc",        "even",
    "ever",       "every",      "everyone",   "everything",   "everywhere", "except",
    "few",        "fifteen",    "fifty",      "fill",         "find",       "fire",
    "first",      "five",       "for",        "former",       "formerly",   "forty",
    "found",      "four",       "from",       "front",        "full",       "further",
    "get",        "give",       "go",         "had",          "has",        "hasnt",
    "have",       "he",         "hence",      "her",          "here",       "hereafter",
    "hereby",     "herein",     "hereupon",   "hers",         "herself",    "him",
    "himself",    "his",        "how",        "however",      "hundred",    "i",
    "ie",         "if",         "in",         "inc",          "indeed",     "interest",
    "into",       "is",         "it",         "its",          "itself",     "keep",
    "last",       "latter",     "latterly",   "least",        "less",       "ltd",
    "made",       "many",       "may",        "me",           "meanwhile",  "might",
    "mill",       "mine",       "more",       "moreover",     "most",       "mostly",
    "move",       "much",       "must",       "my",           "myself",     "name",
    "namely",     "neither",    "never",      "nevertheless", "next",       "nine",
    "no",         "nobody",     "none",       "noone",        "nor",        "not",
    "nothing",    "now",        "nowhere",    "of",           "off",        "often",
    "on",         "once",       "one",        "only",         "onto",       "or",
    "other",      "others",     "otherwise",  "our",          "ours",       "ourselves",
    "out",        "over",       "own",        "part",         "per",        "perhaps",
    "please",     "put",        "rather",     "re",           "same",       "see",
    "seem",       "seemed",     "seeming",    "seems",        "serious",    "several",
    "she",        "should",     "show",       "side",         "since",      "sincere",
    "six",        "sixty",      "so",         "some",         "somehow",    "someone",
    "something",  "sometime",   "sometimes",  "somewhere",    "still",      "such",
    "system",     "take",       "ten",        "than",         "that",       "the",
    "their",      "them",       "themselves", "then",         "thence",     "there",
    "thereafter", "thereby",    "therefore",  "therein",      "thereupon",  "these",
    "they",       "thick",      "thin",       "third",        "this",       "those",
    "though",     "three",      "through",    "throughout",   "thru",       "thus",
    "to",         "together",   "too",        "top",          "toward",     "towards",
    "twelve",     "twenty",     "two",        "un",           "under",      "until",
    "up",         "upon",       "us",         "very",         "via",        "was",
    "we",         "well",       "were",       "what",         "whatever",   "when",
    "whence",     "whenever",   "where",      "whereafter",   "whereas",    "whereby",
    "wherein",    "whereupon",  "wherever",   "whether",      "which",      "while",
    "whither",    "who",        "whoever",    "whole",        "whom",       "whose",
    "why",        "will",       "with",       "within",       "without",    "would",
    "yet",        "you",        "your",       "yours",        "yourself",   "yourselves",
};

/* Vocabulary: open addressing over term strings kept in an arena. */
typedef struct vocab {
    ev_arena *arena;
    const char **key;
    uint32_t *klen;
    uint32_t *slot; /* term id + 1; 0 = empty */
    size_t cap;     /* slots, power of two */
    size_t n;
    uint32_t *df;
    size_t df_cap;
    size_t n_stop; /* ids below this are stop words (entered first) */
} vocab;

static ev_status vocab_grow(vocab *v)
{
    size_t ncap = v->cap ? v->cap * 2 : 1u << 14;
    uint32_t *slot = ev_calloc(ncap, sizeof *slot);
    if (!slot)
        return EV_ENOMEM;
    for (size_t i = 0; i < v->cap; i++) {
        if (!v->slot[i])
            continue;
        uint32_t id = v->slot[i] - 1;
        size_t j = ev_fnv1a64(EV_FNV1A64_INIT, v->key[id], v->klen[id]) & (ncap - 1);
        while (slot[j])
            j = (j + 1) & (ncap - 1);
        slot[j] = v->slot[i];
    }
    ev_free(v->slot);
    v->slot = slot;
    v->cap = ncap;
    return EV_OK;
}

static ev_status vocab_arrays(vocab *v)
{
    if (v->n < v->df_cap)
        return EV_OK;
    size_t ncap = v->df_cap ? v->df_cap * 2 : 1u << 13;
    const char **key = ev_reallocarray(v->key, ncap, sizeof *key);
    if (!key)
        return EV_ENOMEM;
    v->key = key;
    uint32_t *klen = ev_reallocarray(v->klen, ncap, sizeof *klen);
    if (!klen)
        return EV_ENOMEM;
    v->klen = klen;
    uint32_t *df = ev_reallocarray(v->df, ncap, sizeof *df);
    if (!df)
        return EV_ENOMEM;
    v->df = df;
    v->df_cap = ncap;
    return EV_OK;
}

/* The id of term s[0..n), added when new. */
static ev_status vocab_id(vocab *v, const char *s, size_t n, uint32_t *out)
{
    if ((v->n + 1) * 2 > v->cap && vocab_grow(v) != EV_OK)
        return EV_ENOMEM;
    size_t j = ev_fnv1a64(EV_FNV1A64_INIT, s, n) & (v->cap - 1);
    while (v->slot[j]) {
        uint32_t id = v->slot[j] - 1;
        if (v->klen[id] == n && memcmp(v->key[id], s, n) == 0) {
            *out = id;
            return EV_OK;
        }
        j = (j + 1) & (v->cap - 1);
    }
    if (v->n >= UINT32_MAX - 1 || vocab_arrays(v) != EV_OK)
        return EV_ENOMEM;
    const char *copy = ev_arena_strndup(v->arena, s, n);
    if (!copy)
        return EV_ENOMEM;
    v->key[v->n] = copy;
    v->klen[v->n] = (uint32_t)n;
    v->df[v->n] = 0;
    v->slot[j] = (uint32_t)(v->n + 1);
    *out = (uint32_t)v->n++;
    return EV_OK;
}

static void vocab_release(vocab *v)
{
    ev_arena_free(v->arena);
    ev_free(v->key);
    ev_free(v->klen);
    ev_free(v->slot);
    ev_free(v->df);
}

/* Growable array of term ids (the token stream of every document). */
typedef struct idlist {
    uint32_t *v;
    size_t n, cap;
} idlist;

static ev_status idlist_push(idlist *l, uint32_t id)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 1u << 16;
        uint32_t *nv = ev_reallocarray(l->v, ncap, sizeof *nv);
        if (!nv)
            return EV_ENOMEM;
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n++] = id;
    return EV_OK;
}

/* The next token of text normalised with EV_NORM_DEFAULT: PUNCT turns
 * every character that is not a letter or digit into a space and SQUEEZE
 * leaves single spaces between words, so the tokens ev_text_next_token
 * would find are exactly the space-separated words (without its per-code
 * point utf8proc lookups, a tenth of a simulation's fixed cost). */
static bool next_word(const char *s, size_t n, size_t *pos, ev_str *tok)
{
    size_t i = *pos;
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n)
        return false;
    const char *sp = memchr(s + i, ' ', n - i);
    size_t end = sp ? (size_t)(sp - s) : n;
    tok->ptr = s + i;
    tok->len = end - i;
    *pos = end;
    return true;
}

/* Append the term ids of one text (unigrams, then bigrams of adjacent
 * tokens) to `ids`. */
static ev_status doc_terms(vocab *v, idlist *ids, ev_buf *norm, ev_buf *pair, const char *text,
                           const ev_screen_corpus_options *o)
{
    ev_buf_clear(norm);
    if (text && ev_text_normalise(norm, text, strlen(text), EV_NORM_DEFAULT) != EV_OK)
        return EV_ENOMEM;
    const char *s = ev_buf_cstr(norm);
    size_t pos = 0;
    ev_str tok, prev = {NULL, 0};
    uint32_t id;
    while (next_word(s, norm->len, &pos, &tok)) {
        if (vocab_id(v, tok.ptr, tok.len, &id) != EV_OK)
            return EV_ENOMEM;
        if (id < v->n_stop)
            continue; /* a stop word: neither a term nor half of a bigram */
        if (idlist_push(ids, id) != EV_OK)
            return EV_ENOMEM;
        if (o->ngram_max >= 2 && prev.ptr) {
            ev_buf_clear(pair);
            if (ev_buf_append(pair, prev.ptr, prev.len) != EV_OK ||
                ev_buf_putc(pair, ' ') != EV_OK || ev_buf_append(pair, tok.ptr, tok.len) != EV_OK)
                return EV_ENOMEM;
            if (vocab_id(v, pair->ptr, pair->len, &id) != EV_OK || idlist_push(ids, id) != EV_OK)
                return EV_ENOMEM;
        }
        prev = tok;
    }
    return EV_OK;
}

/* Document frequencies without sorting: mark[t] holds the last document
 * (+1) that counted term t. */
static ev_status count_df(vocab *v, const idlist *ids, const size_t *start, size_t n)
{
    uint32_t *mark = ev_calloc(v->n ? v->n : 1, sizeof *mark);
    if (!mark)
        return EV_ENOMEM;
    for (size_t d = 0; d < n; d++)
        for (size_t i = start[d]; i < start[d + 1]; i++)
            if (mark[ids->v[i]] != d + 1) {
                mark[ids->v[i]] = (uint32_t)(d + 1);
                v->df[ids->v[i]]++;
            }
    ev_free(mark);
    return EV_OK;
}

typedef struct build {
    vocab v;
    idlist ids;
    size_t *start;
    uint32_t *remap;
    float *idf;
    bool sublinear;
} build;

/* One row: the kept terms in first-occurrence order with their counts
 * (mark/cnt are per-term scratch, mark[t] = d + 1 once seen in row d), then
 * tf-idf weights, L2-normalised. Returns the row's end in col/val. */
static size_t build_row(ev_screen_corpus *c, const build *b, size_t d, size_t k, uint32_t *mark,
                        uint32_t *cnt)
{
    size_t row0 = k;
    for (size_t i = b->start[d]; i < b->start[d + 1]; i++) {
        uint32_t t = b->ids.v[i];
        if (b->remap[t] == UINT32_MAX)
            continue;
        if (mark[t] != d + 1) {
            mark[t] = (uint32_t)(d + 1);
            cnt[t] = 0;
            c->col[k++] = t; /* the vocabulary id for now */
        }
        cnt[t]++;
    }
    double ss = 0;
    for (size_t i = row0; i < k; i++) {
        uint32_t t = c->col[i];
        double tf = b->sublinear ? 1.0 + log((double)cnt[t]) : (double)cnt[t];
        c->val[i] = (float)tf * b->idf[b->remap[t]];
        c->col[i] = b->remap[t];
        ss += (double)c->val[i] * c->val[i];
    }
    double norm = ss > 0 ? 1.0 / sqrt(ss) : 0;
    for (size_t i = row0; i < k; i++)
        c->val[i] = (float)(c->val[i] * norm);
    return k;
}

static ev_status build_csr(ev_screen_corpus *c, build *b)
{
    size_t nv = b->v.n ? b->v.n : 1, nnz = 0;
    uint32_t *mark = ev_calloc(nv, sizeof *mark), *cnt = ev_calloc(nv, sizeof *cnt);
    c->row_ptr = ev_calloc(c->rows + 1, sizeof *c->row_ptr);
    ev_status st = mark && cnt && c->row_ptr ? EV_OK : EV_ENOMEM;
    for (size_t d = 0; st == EV_OK && d < c->rows; d++)
        for (size_t i = b->start[d]; i < b->start[d + 1]; i++) {
            uint32_t t = b->ids.v[i];
            if (b->remap[t] != UINT32_MAX && mark[t] != d + 1) {
                mark[t] = (uint32_t)(d + 1);
                nnz++;
            }
        }
    if (st == EV_OK) {
        c->col = ev_calloc(nnz ? nnz : 1, sizeof *c->col);
        c->val = ev_calloc(nnz ? nnz : 1, sizeof *c->val);
        st = c->col && c->val ? EV_OK : EV_ENOMEM;
    }
    if (st == EV_OK)
        memset(mark, 0, nv * sizeof *mark);
    for (size_t d = 0, k = 0; st == EV_OK && d < c->rows; d++)
        c->row_ptr[d + 1] = k = build_row(c, b, d, k, mark, cnt);
    ev_free(mark);
    ev_free(cnt);
    return st;
}

/* Keep terms with df >= min_df; idf = ln((1 + n) / (1 + df)) + 1. */
static ev_status prune(ev_screen_corpus *c, build *b, unsigned min_df)
{
    b->remap = ev_calloc(b->v.n ? b->v.n : 1, sizeof *b->remap);
    b->idf = ev_calloc(b->v.n ? b->v.n : 1, sizeof *b->idf);
    if (!b->remap || !b->idf)
        return EV_ENOMEM;
    size_t cols = 0;
    for (size_t t = 0; t < b->v.n; t++) {
        if (b->v.df[t] < min_df) {
            b->remap[t] = UINT32_MAX;
            continue;
        }
        b->idf[cols] = (float)(log((1.0 + (double)c->rows) / (1.0 + b->v.df[t])) + 1.0);
        b->remap[t] = (uint32_t)cols++;
    }
    c->cols = cols;
    return EV_OK;
}

/* Enter the stop words first so one hash lookup tells a token is one. */
static ev_status seed_stop_words(vocab *v)
{
    uint32_t id;
    for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
        if (vocab_id(v, stop_words[i], strlen(stop_words[i]), &id) != EV_OK)
            return EV_ENOMEM;
    v->n_stop = v->n;
    return EV_OK;
}

static ev_status tokenise_all(build *b, const char *const *texts, size_t n,
                              const ev_screen_corpus_options *o)
{
    if (o->stop_words && seed_stop_words(&b->v) != EV_OK)
        return EV_ENOMEM;
    ev_buf norm, pair;
    ev_buf_init(&norm, EV_BUF_DEFAULT_MAX);
    ev_buf_init(&pair, EV_BUF_DEFAULT_MAX);
    ev_status st = EV_OK;
    for (size_t d = 0; d < n && st == EV_OK; d++) {
        b->start[d] = b->ids.n;
        st = doc_terms(&b->v, &b->ids, &norm, &pair, texts[d], o);
    }
    b->start[n] = b->ids.n;
    ev_buf_release(&norm);
    ev_buf_release(&pair);
    return st;
}

ev_status ev_screen_corpus_new(ev_screen_corpus **out, const char *const *texts, size_t n,
                               const ev_screen_corpus_options *opt, ev_error *err)
{
    ev_screen_corpus_options o = EV_SCREEN_CORPUS_OPTIONS_INIT;
    if (opt)
        o = *opt;
    *out = NULL;
    if (n == 0 || !texts || o.ngram_max < 1 || o.ngram_max > 2)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "corpus needs texts and ngram_max 1 or 2");
    build b = {0};
    ev_screen_corpus *c = ev_calloc(1, sizeof *c);
    b.v.arena = ev_arena_new();
    b.start = ev_calloc(n + 1, sizeof *b.start);
    ev_status st = (!c || !b.v.arena || !b.start) ? EV_ENOMEM : EV_OK;
    b.sublinear = o.sublinear_tf;
    if (st == EV_OK) {
        c->rows = n;
        st = tokenise_all(&b, texts, n, &o);
    }
    if (st == EV_OK)
        st = count_df(&b.v, &b.ids, b.start, n);
    if (st == EV_OK)
        st = prune(c, &b, o.min_df ? o.min_df : 1);
    if (st == EV_OK)
        st = build_csr(c, &b);
    vocab_release(&b.v);
    ev_free(b.ids.v);
    ev_free(b.start);
    ev_free(b.remap);
    ev_free(b.idf);
    if (st != EV_OK) {
        ev_screen_corpus_free(c);
        return ev_error_set(err, st, NULL, 0, 0, "out of memory building the tf-idf matrix");
    }
    *out = c;
    return EV_OK;
}

void ev_screen_corpus_free(ev_screen_corpus *c)
{
    if (!c)
        return;
    ev_free(c->row_ptr);
    ev_free(c->col);
    ev_free(c->val);
    ev_free(c);
}

size_t ev_screen_corpus_rows(const ev_screen_corpus *c)
{
    return c ? c->rows : 0;
}

size_t ev_screen_corpus_features(const ev_screen_corpus *c)
{
    return c ? c->cols : 0;
}
