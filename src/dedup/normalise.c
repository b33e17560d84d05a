/*
 * normalise.c - turn an ev_record into the compact form comparisons use,
 * once per record: titles folded (case, diacritics, markup, punctuation,
 * British -> American spelling, bracketed language tags and translation
 * brackets dropped), identifiers, family-name token sets, journal without
 * stopwords, first page, volume, issue, year, and the kind of item.
 */
#include "dedup_int.h"

uint32_t ev__dedup_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1; /* 0 means "none" */
}

/* Exports write a missing value as "NA", "null", "UNKNOWN"...: no value. */
static bool is_placeholder(const char *s)
{
    static const char *const none[] = {"na", "n/a", "nan", "null", "none", "unknown", "-"};
    if (s == NULL)
        return true;
    while (isspace((unsigned char)*s))
        s++;
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (ev_strcasecmp(s, none[i]) == 0)
            return true;
    return *s == '\0';
}

static bool ends_with(const char *t, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(t + n - k, suf, k) == 0;
}

/* Replace suffix `from` (length k) with `to` when at least `stem` chars
 * precede it; returns the new length or 0 when it did not apply. */
static size_t swap_suffix(char *t, size_t n, const char *from, const char *to, size_t stem)
{
    size_t k = strlen(from), m = strlen(to);
    if (!ends_with(t, n, from) || n - k < stem || m > k)
        return 0;
    memcpy(t + n - k, to, m);
    return n - k + m;
}

/* Collapse the digraphs ae/oe to e (haem -> hem, oedema -> edema). */
static size_t fold_digraphs(char *t, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        bool digraph = i + 1 < n && (t[i] == 'a' || t[i] == 'o') && t[i + 1] == 'e';
        t[w++] = digraph ? 'e' : t[i];
        i += digraph;
    }
    return w;
}

/* Both sides of a comparison go through the same mapping, so a rule that
 * over-reaches ("four" stays, "colour" -> "color") only needs to be
 * consistent, not linguistically perfect. */
size_t ev__dedup_spelling(char *t, size_t n)
{
    static const char *const rules[][2] = {
        {"isations", "izations"}, {"isation", "ization"}, {"ising", "izing"}, {"ised", "ized"},
        {"ises", "izes"},         {"ise", "ize"},         {"ysing", "yzing"}, {"ysed", "yzed"},
        {"yse", "yze"},           {"ours", "ors"},        {"our", "or"},      {"oural", "oral"},
        {"tres", "ters"},         {"tre", "ter"},         {"ogues", "ogs"},   {"ogue", "og"},
        {"lled", "led"},          {"lling", "ling"},      {"mme", "m"},       {"mmes", "ms"},
    };
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] >= 0x80)
            return n; /* ASCII words only */
    n = fold_digraphs(t, n);
    if (n >= 5 && memcmp(t, "sulph", 5) == 0) { /* sulphate -> sulfate */
        t[3] = 'f';
        memmove(t + 4, t + 5, n - 5);
        n--;
    }
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        size_t m = swap_suffix(t, n, rules[r][0], rules[r][1], 3);
        if (m)
            return m;
    }
    return n;
}

/* Where a note appended to the title starts ("...syndrome.[Erratum appears
 * in N Engl J Med...]", "[see comments]"): the note is not the title, and
 * exports often cut it off mid-way. */
static size_t note_start(const char *t, size_t n)
{
    static const char *const notes[] = {"erratum appears", "erratum in", "retraction in",
                                        "retraction appears", "comment in", "comment on",
                                        "see comment", "corrected and republished",
                                        "published erratum", "update in", "expression of concern",
                                        "summary for patients"};
    for (size_t i = 9; i < n; i++) {
        if (t[i] != '[')
            continue;
        for (size_t k = 0; k < sizeof notes / sizeof notes[0]; k++)
            if (ev_strncasecmp(t + i + 1, notes[k], strlen(notes[k])) == 0)
                return i;
    }
    return n;
}

/* " pg " within p[0..n). */
static bool has_pg(const char *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, " pg ", 4) == 0)
            return true;
    return false;
}

/* A citation of the corrected article after an erratum's title: Web of
 * Science's "(vol 142, pg 310, 2003)" and Embase's "(The Journal of
 * Pediatrics (2003) 142 (310-317))", often cut mid-way: where it starts,
 * else n. Embase's form is told by the nested parenthesis after a
 * capitalised name of two or more words, which titles do not have. */
static size_t erratum_cite(const char *t, size_t n)
{
    for (size_t i = n; i-- > 9;) {
        if (t[i] != '(' || t[i - 1] != ' ')
            continue;
        const char *p = t + i + 1;
        size_t rest = n - i - 1;
        if (rest > 4 && ev_strncasecmp(p, "vol ", 4) == 0 && has_pg(p + 4, rest - 4))
            return i - 1;
        size_t k = 0, words = 1;
        while (k < rest && p[k] != '(' && p[k] != ')')
            words += p[k++] == ' ';
        if (k < rest && p[k] == '(' && k > 1 && p[k - 1] == ' ' && words >= 3 &&
            isupper((unsigned char)p[0]))
            return i - 1;
    }
    return n;
}

bool ev__dedup_cites_article(const char *t)
{
    size_t n = note_start(t, strlen(t));
    return erratum_cite(t, n) < n;
}

/* ev_text_normalise(EV_NORM_DEFAULT), with a fast path for plain ASCII
 * (most citations): there NFKC, case folding and mark stripping reduce to
 * lower-casing, and with no '<' there is no markup. Same output. */
static ev_status fold(ev_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == '<')
            return ev_text_normalise(out, s, n, EV_NORM_DEFAULT);
    bool space = false;
    size_t start = out->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c)) {
            space = out->len > start;
            continue;
        }
        if ((space && ev_buf_putc(out, ' ') != EV_OK) ||
            ev_buf_putc(out, (char)tolower(c)) != EV_OK)
            return EV_ENOMEM;
        space = false;
    }
    return EV_OK;
}

static size_t count_words(const char *t, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += !isspace((unsigned char)t[i]) && (i == 0 || isspace((unsigned char)t[i - 1]));
    return w;
}

/* Embase appends the original-language title after "<ORIGINAL>". */
static size_t original_marker(const char *t, size_t n)
{
    for (size_t i = 9; i + 10 <= n; i++)
        if (t[i] == '<' && ev_strncasecmp(t + i, "<original>", 10) == 0)
            return i;
    return n;
}

typedef struct spans {
    size_t start, len;         /* the title */
    size_t alt, alt_len;       /* an other-language title, alt_len 0 if none */
    bool translated;           /* bracketed whole, or with an alternative */
} spans;

static bool trim_char(char c)
{
    return isspace((unsigned char)c) || c == '.' || c == '"';
}

/* A trailing "[...]": an other-language title when it has 4+ words, else
 * a language tag ("[Chinese]", "[Article in German]") to drop. */
static void trailing_bracket(const char *t, size_t *n, spans *sp)
{
    size_t open = 0;
    for (size_t i = *n - 1; i > 0 && !open; i--)
        open = t[i - 1] == '[' ? i - 1 : 0;
    bool tag = count_words(t + open + 1, *n - open - 2) < 4 ||
               ev_strncasecmp(t + open + 1, "article in", 10) == 0;
    if (open > 8 && !tag) {
        sp->alt = open + 1;
        sp->alt_len = *n - open - 2;
        sp->translated = true;
    }
    if (open > 8 && (!tag || *n - open < 48))
        *n = open;
}

/* MEDLINE brackets a whole translated title: drop the brackets. */
static bool whole_bracket(const char *t, size_t *s, size_t *n, spans *sp)
{
    if (*n <= *s + 2 || t[*s] != '[' || t[*n - 1] != ']' ||
        memchr(t + *s + 1, '[', *n - *s - 2) != NULL)
        return false;
    (*s)++;
    (*n)--;
    sp->translated = true;
    return true;
}

/* Split a title into its main part and an other-language title
 * ("Crowdwork: ... [Arbeiten in der Crowd: ...]", "Title. <ORIGINAL>
 * TITRE"); cut appended notes; drop language tags and the brackets (and
 * stray quotes) round a whole translated title. */
static spans title_spans(const char *t)
{
    spans sp = {0};
    size_t s = 0, n = note_start(t, strlen(t));
    n = erratum_cite(t, n);
    size_t o = original_marker(t, n);
    if (o < n) {
        sp.alt = o + 10;
        sp.alt_len = n - o - 10;
        sp.translated = true;
        n = o;
    }
    while (n > s && trim_char(t[n - 1]))
        n--;
    while (s < n && (isspace((unsigned char)t[s]) || t[s] == '"'))
        s++;
    if (!whole_bracket(t, &s, &n, &sp) && n > s + 2 && t[n - 1] == ']' && sp.alt_len == 0) {
        trailing_bracket(t, &n, &sp);
        /* "[Translated title]. [Spanish]": the tag gone, the brackets */
        while (n > s && trim_char(t[n - 1]))
            n--;
        if (sp.alt_len == 0)
            whole_bracket(t, &s, &n, &sp);
    }
    sp.start = s;
    sp.len = n - s;
    return sp;
}

/* Length of the apostrophe ("'" or U+2019) of a possessive "'s" at t[i],
 * else 0. */
static size_t inner_apostrophe(const char *t, size_t n, size_t i)
{
    size_t k = t[i] == '\'' ? 1 : (i + 2 < n && memcmp(t + i, "\xe2\x80\x99", 3) == 0) ? 3 : 0;
    if (k == 0 || i == 0 || i + k >= n || !isalnum((unsigned char)t[i - 1]))
        return 0;
    bool s = t[i + k] == 's' || t[i + k] == 'S';
    return s && (i + k + 1 == n || !isalnum((unsigned char)t[i + k + 1])) ? k : 0;
}

/* t[0..n) without the apostrophe of "'s": "symptom's" and "symptoms",
 * "Crohn's" and "Crohns" are one spelling ("Crohn s" would add a word).
 * Other apostrophes (French "l'efficacite") still part words. */
static ev_status drop_apostrophes(ev_buf *out, const char *t, size_t n)
{
    ev_status st = EV_OK;
    for (size_t i = 0; i < n && st == EV_OK; i++) {
        size_t k = inner_apostrophe(t, n, i);
        if (k)
            i += k - 1;
        else
            st = ev_buf_putc(out, t[i]);
    }
    return st;
}

/* Normalise t[0..n) as a title: folded, then spelling per word. */
static ev_status title_text(ev_buf *out, const char *t, size_t n)
{
    ev_buf norm, raw;
    ev_buf_init(&norm, 0);
    ev_buf_init(&raw, 0);
    ev_status st = EV_OK;
    /* most titles have no apostrophe at all: no copy then */
    if (memchr(t, '\'', n) || memchr(t, '\xe2', n)) {
        st = drop_apostrophes(&raw, t, n);
        t = raw.len ? raw.ptr : "";
        n = raw.len;
    }
    if (st == EV_OK)
        st = fold(&norm, t, n);
    size_t pos = 0;
    ev_str tok;
    const char *text = ev_buf_cstr(&norm);
    char word[128];
    while (st == EV_OK && ev_text_next_token(text, norm.len, &pos, &tok)) {
        if (out->len && (st = ev_buf_putc(out, ' ')) != EV_OK)
            break;
        if (tok.len >= sizeof word) {
            st = ev_buf_append(out, tok.ptr, tok.len);
            continue;
        }
        memcpy(word, tok.ptr, tok.len);
        st = ev_buf_append(out, word, ev__dedup_spelling(word, tok.len));
    }
    ev_buf_release(&raw);
    ev_buf_release(&norm);
    return st;
}

ev_status ev__dedup_title(ev_buf *out, const char *title)
{
    spans sp = title_spans(title);
    return title_text(out, title + sp.start, sp.len);
}

ev_status ev__dedup_title_alt(ev_buf *out, const char *title)
{
    spans sp = title_spans(title);
    return sp.alt_len ? title_text(out, title + sp.alt, sp.alt_len) : EV_OK;
}

/* Words of exactly n bytes, one space apart: is w[0..n) one of them? */
static bool in_bucket(const char *list, const char *w, size_t n)
{
    for (const char *p = list; p; p = p[n] ? p + n + 1 : NULL)
        if (memcmp(p, w, n) == 0)
            return true;
    return false;
}

/* Function words tell a title's language: English ones, and those of the
 * languages journals most often translate from (German, French, Spanish,
 * Portuguese, Italian, Dutch; diacritics already gone: "für" -> "fur").
 * Only words no English title uses count as foreign. A title is English
 * with more English than foreign words, other with two or more foreign
 * words and no English one, else unknown. The words are listed by length
 * (normalised titles are words one space apart), which keeps this cheap:
 * it runs once per record. */
uint8_t ev__dedup_title_lang(const char *s, size_t n)
{
    static const char *const en[8] = {
        NULL, NULL, "of by to an is or", "the and for are its", "with from into",
        "after among their", "versus during", "between without"};
    static const char *const other[8] = {
        NULL, "y", "im zu le du et de la el al os em ao il di",
        "der das und fur mit von zur zum den dem ein auf bei aus als les des une sur aux par "
        "los las del con por una dos com uma gli dei nel per het een van bij uit",
        "eine uber nach oder pour dans avec para voor naar", "einer eines della delle nella",
        NULL, NULL};
    size_t ne = 0, no = 0;
    for (size_t i = 0; i < n;) {
        const char *sp = memchr(s + i, ' ', n - i);
        size_t end = sp ? (size_t)(sp - s) : n, len = end - i;
        if (len < 8) { /* no function word is longer: most words stop here */
            ne += en[len] && in_bucket(en[len], s + i, len);
            no += other[len] && in_bucket(other[len], s + i, len);
        }
        i = end + 1;
    }
    if (ne > no)
        return EV__DD_LANG_ENGLISH;
    return ne == 0 && no >= 2 ? EV__DD_LANG_OTHER : EV__DD_LANG_UNKNOWN;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Sort and de-duplicate; returns the new count. */
static size_t sort_unique(uint32_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_u32);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[w - 1])
            v[w++] = v[i];
    return w;
}

/* Hash the tokens of normalised text (at most `max`, of at least `minlen`
 * bytes, each cut to `stem` bytes when stem > 0) into v; returns how many. */
static size_t hash_stems(const char *s, size_t n, uint32_t *v, size_t max, size_t minlen,
                         size_t stem)
{
    size_t pos = 0, k = 0;
    ev_str tok;
    while (k < max && ev_text_next_token(s, n, &pos, &tok))
        if (tok.len >= minlen)
            v[k++] = ev__dedup_hash(tok.ptr, stem && tok.len > stem ? stem : tok.len);
    return k;
}

static size_t hash_tokens(const char *s, size_t n, uint32_t *v, size_t max, size_t minlen)
{
    return hash_stems(s, n, v, max, minlen, 0);
}

static const char *arena_buf(ev_dedup *d, const ev_buf *b)
{
    return b->len ? ev_arena_strndup(d->arena, b->ptr, b->len) : NULL;
}

/* An exact-size arena copy of v[0..n). */
static uint32_t *arena_words(ev_dedup *d, const uint32_t *v, size_t n)
{
    uint32_t *w = ev_arena_alloc(d->arena, (n ? n : 1) * sizeof *w);
    if (w)
        memcpy(w, v, n * sizeof *w);
    return w;
}

/* A normalised title and its sorted token hashes, copied into the arena. */
static ev_status keep_title(ev_dedup *d, const ev_buf *b, ev__dd_title *t)
{
    uint32_t v[EV__DD_MAX_TOKENS];
    if (b->len == 0)
        return EV_OK;
    t->s = arena_buf(d, b);
    t->len = (uint32_t)b->len;
    t->n_tokens = (uint16_t)sort_unique(v, hash_tokens(b->ptr, b->len, v, EV__DD_MAX_TOKENS, 1));
    t->tokens = arena_words(d, v, t->n_tokens);
    return t->s && t->tokens ? EV_OK : EV_ENOMEM;
}

static ev_status norm_title(ev_dedup *d, const ev_record *rec, ev__dd_rec *o)
{
    if (is_placeholder(rec->title))
        return EV_OK;
    ev_buf b;
    ev_buf_init(&b, 0);
    spans sp = title_spans(rec->title);
    ev_status st = title_text(&b, rec->title + sp.start, sp.len);
    if (st == EV_OK)
        st = keep_title(d, &b, &o->t);
    ev_buf_clear(&b);
    if (st == EV_OK && sp.alt_len)
        st = title_text(&b, rec->title + sp.alt, sp.alt_len);
    if (st == EV_OK && o->t.s)
        st = keep_title(d, &b, &o->alt);
    o->translated = sp.translated;
    if (o->t.s)
        o->lang = ev__dedup_title_lang(o->t.s, o->t.len);
    ev_buf_release(&b);
    return st;
}

/* The name text of one author: family name, else the collective name. */
static const char *author_name(const ev_author *a)
{
    if (a->family)
        return a->family;
    if (a->collective)
        return a->collective;
    return a->given;
}

/* Family-name words of the first authors: whole (v) and cut to 4 bytes
 * (stems), each array EV__DD_MAX_AUTHORS long; returns how many. */
static ev_status author_words(const ev_record *rec, uint32_t *v, uint32_t *stems, size_t *k,
                              uint32_t first[2])
{
    size_t n = rec->n_authors < EV__DD_MAX_AUTHORS ? rec->n_authors : EV__DD_MAX_AUTHORS;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_status st = EV_OK;
    for (size_t i = 0; i < n && *k < EV__DD_MAX_AUTHORS && st == EV_OK; i++) {
        const char *name = author_name(&rec->authors[i]);
        if (name == NULL)
            continue;
        ev_buf_clear(&b);
        st = fold(&b, name, strlen(name));
        if (st != EV_OK)
            break;
        size_t room = EV__DD_MAX_AUTHORS - *k;
        size_t got = hash_tokens(b.ptr, b.len, v + *k, room, 2);
        hash_stems(b.ptr, b.len, stems + *k, room, 2, 4);
        if (got && first[0] == 0) { /* first and last word: "van Kessel" ~ "Kessel" */
            first[0] = v[*k];
            first[1] = v[*k + got - 1];
        }
        *k += got;
    }
    ev_buf_release(&b);
    return st;
}

/* Given-name words (whole words of >= 2 letters, so initials drop out) of
 * the first authors: some exports swap given and family name
 * ("Andrea, C." for "Carignani, Andrea"; "Xiaoguang, Wang"). */
static ev_status given_words(ev_dedup *d, const ev_record *rec, ev__dd_rec *o)
{
    uint32_t v[EV__DD_MAX_AUTHORS];
    size_t n = rec->n_authors < EV__DD_MAX_AUTHORS ? rec->n_authors : EV__DD_MAX_AUTHORS, k = 0;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_status st = EV_OK;
    for (size_t i = 0; i < n && k < EV__DD_MAX_AUTHORS && st == EV_OK; i++) {
        const char *g = rec->authors[i].family ? rec->authors[i].given : NULL;
        if (g == NULL)
            continue;
        ev_buf_clear(&b);
        st = fold(&b, g, strlen(g));
        if (st == EV_OK)
            k += hash_tokens(b.ptr, b.len, v + k, EV__DD_MAX_AUTHORS - k, 2);
    }
    ev_buf_release(&b);
    if (st != EV_OK || k == 0)
        return st;
    o->n_given = (uint16_t)sort_unique(v, k);
    o->given = arena_words(d, v, o->n_given);
    return o->given ? EV_OK : EV_ENOMEM;
}

/* The first listed author's initials and given words, to tell a name
 * written swapped ("Wang, X." / "Xiaoguang, Wang") from two people. */
static ev_status first_author_names(const ev_record *rec, ev__dd_rec *o)
{
    const ev_author *a = &rec->authors[0];
    /* "Wang, X." may come as initials only */
    const char *g = a->given && *a->given ? a->given : a->initials;
    if (a->family == NULL || g == NULL)
        return EV_OK;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_status st = fold(&b, a->family, strlen(a->family));
    if (st == EV_OK && b.len)
        o->first_initial[0] = b.ptr[0];
    ev_buf_clear(&b);
    if (st == EV_OK)
        st = fold(&b, g, strlen(g));
    if (st == EV_OK && b.len) {
        uint32_t v[EV__DD_MAX_AUTHORS];
        size_t got = hash_tokens(b.ptr, b.len, v, EV__DD_MAX_AUTHORS, 2);
        o->first_initial[1] = b.ptr[0];
        if (got) {
            o->first_given[0] = v[0];
            o->first_given[1] = v[got - 1];
        }
    }
    ev_buf_release(&b);
    return st;
}

static ev_status norm_authors(ev_dedup *d, const ev_record *rec, ev__dd_rec *o)
{
    uint32_t v[EV__DD_MAX_AUTHORS], stems[EV__DD_MAX_AUTHORS];
    size_t k = 0;
    if (rec->n_authors == 0)
        return EV_OK;
    ev_status st = author_words(rec, v, stems, &k, o->first_author);
    if (st != EV_OK)
        return st;
    o->n_authors = (uint16_t)sort_unique(v, k);
    o->n_author_stems = (uint16_t)sort_unique(stems, k);
    o->authors = arena_words(d, v, o->n_authors);
    o->author_stems = arena_words(d, stems, o->n_author_stems);
    if (o->authors == NULL || o->author_stems == NULL)
        return EV_ENOMEM;
    o->n_listed = (uint16_t)(rec->n_authors < EV__DD_MAX_AUTHORS ? rec->n_authors
                                                                 : EV__DD_MAX_AUTHORS);
    st = first_author_names(rec, o);
    return st == EV_OK ? given_words(d, rec, o) : st;
}

static bool is_journal_stopword(const char *t, size_t n)
{
    static const char *const stop[] = {"of", "the", "and", "in", "for", "on", "a", "an",
                                       "de", "la", "le", "der", "und", "et", "y", "für"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (strlen(stop[i]) == n && memcmp(stop[i], t, n) == 0)
            return true;
    return false;
}

static ev_status norm_journal(ev_dedup *d, const char *j, const char **out)
{
    if (is_placeholder(j))
        return EV_OK;
    ev_buf norm, b;
    ev_buf_init(&norm, 0);
    ev_buf_init(&b, 0);
    ev_status st = fold(&norm, j, strlen(j));
    size_t pos = 0;
    ev_str tok;
    while (st == EV_OK && ev_text_next_token(norm.ptr, norm.len, &pos, &tok)) {
        if (is_journal_stopword(tok.ptr, tok.len))
            continue;
        if (b.len)
            st = ev_buf_putc(&b, ' ');
        if (st == EV_OK)
            st = ev_buf_append(&b, tok.ptr, tok.len);
    }
    if (st == EV_OK && b.len && (*out = arena_buf(d, &b)) == NULL)
        st = EV_ENOMEM;
    ev_buf_release(&norm);
    ev_buf_release(&b);
    return st;
}

/* First run of letters/digits, lower-cased, leading zeros dropped. */
static void first_token(char *out, size_t size, const char *s)
{
    out[0] = '\0';
    if (is_placeholder(s))
        return;
    while (*s && !isalnum((unsigned char)*s))
        s++;
    while (*s == '0' && isalnum((unsigned char)s[1]))
        s++;
    size_t k = 0;
    while (*s && isalnum((unsigned char)*s) && k + 1 < size)
        out[k++] = (char)tolower((unsigned char)*s++);
    out[k] = '\0';
}

/* A volume is its first token with a digit: a journal's section name
 * spills into the field ("Drug Discovery. 9" in Nature Reviews), and a
 * field without a digit ("Jul", "Suppl", "Ph.D.") is no volume at all. */
static void volume_token(char *out, size_t size, const char *s)
{
    out[0] = '\0';
    if (is_placeholder(s))
        return;
    while (s && *s) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        const char *w = s;
        bool digit = false;
        for (; *s && isalnum((unsigned char)*s); s++)
            digit = digit || isdigit((unsigned char)*s);
        if (digit) {
            first_token(out, size, w);
            return;
        }
    }
}

/* Letters before the number go ("c37" in Nephron Clin Pract, "e0173548",
 * "S12"): sources disagree on writing them. */
void ev__dedup_first_page(char *out, size_t size, const char *pages)
{
    first_token(out, size, pages);
    size_t k = 0;
    while (isalpha((unsigned char)out[k]) && out[k + 1])
        k++;
    while (out[k] == '0' && out[k + 1])
        k++;
    memmove(out, out + k, strlen(out + k) + 1);
}

/* "215 p", "94 pp.", "62 pages": the length of a thesis or book, which
 * locates nothing. */
static bool page_count(const char *s)
{
    if (s == NULL)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    const char *d = s;
    while (isdigit((unsigned char)*s))
        s++;
    if (s == d || !isspace((unsigned char)*s))
        return false;
    while (isspace((unsigned char)*s))
        s++;
    static const char *const unit[] = {"p", "p.", "pp", "pp.", "pages", "pages."};
    for (size_t i = 0; i < sizeof unit / sizeof unit[0]; i++)
        if (ev_strcasecmp(s, unit[i]) == 0)
            return true;
    return false;
}

/* The token `pick` takes from s (a volume, issue or first page), kept in
 * the arena; nothing when there is none. */
static ev_status norm_short(ev_dedup *d, void (*pick)(char *, size_t, const char *), const char *s,
                            const char **out)
{
    char tmp[32];
    pick(tmp, sizeof tmp, s);
    if (tmp[0] == '\0')
        return EV_OK;
    *out = ev_arena_strdup(d->arena, tmp);
    return *out ? EV_OK : EV_ENOMEM;
}

/* DOIs: from "10." on, lower-cased, trailing dots dropped (whatever the
 * importer did, URLs and "doi:" prefixes must not make two DOIs differ).
 * PMIDs: digits only. */
static ev_status norm_id(ev_dedup *d, const char *s, bool doi, const char **out)
{
    if (is_placeholder(s))
        return EV_OK;
    char tmp[256];
    size_t k = 0;
    const char *p = doi ? strstr(s, "10.") : s;
    for (; p && *p && k + 1 < sizeof tmp; p++) {
        unsigned char c = (unsigned char)*p;
        if (doi && c == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0}; /* URL-encoded DOIs: %28 -> ( */
            c = (unsigned char)strtol(hex, NULL, 16);
            p += 2;
        }
        if (doi && !isspace(c))
            tmp[k++] = (char)tolower(c);
        else if (!doi && isdigit(c))
            tmp[k++] = (char)c;
    }
    while (k && tmp[k - 1] == '.')
        k--;
    if (k < (doi ? 7u : 1u))
        return EV_OK;
    *out = ev_arena_strndup(d->arena, tmp, k);
    return *out ? EV_OK : EV_ENOMEM;
}

uint32_t ev__dedup_last_page(const char *pages)
{
    if (pages == NULL)
        return 0;
    const char *p = pages;
    while (*p && !isdigit((unsigned char)*p))
        p++;
    const char *first = p;
    while (isdigit((unsigned char)*p))
        p++;
    size_t nf = (size_t)(p - first);
    while (*p == ' ' || *p == '-' || *p == '\xe2' || *p == '\x80' || *p == '\x93')
        p++; /* "-", "--", " - ", en dash */
    const char *last = p;
    while (isdigit((unsigned char)*p))
        p++;
    size_t nl = (size_t)(p - last);
    if (nf == 0 || nl == 0 || nf > 9 || nl > nf || last == first + nf)
        return 0;
    char buf[16];
    memcpy(buf, first, nf - nl); /* the digits the abbreviated end left out */
    memcpy(buf + nf - nl, last, nl);
    buf[nf] = '\0';
    long v = 0;
    return ev_parse_long(buf, &v) && v > 0 ? (uint32_t)v : 0;
}

/* An erratum's title is "Erratum: <the article's title>" in one source and
 * the bare title (the kind from the publication type) in another: once the
 * kind is known the prefix says nothing more, so the title is compared
 * without it. The kind still keeps an erratum apart from its article. */
static ev_status drop_kind_prefix(ev_dedup *d, ev__dd_rec *o)
{
    static const char *const pre[] = {"erratum to ", "erratum for ", "erratum ", "errata ",
                                      "corrigendum to ", "corrigendum ", "correction to ",
                                      "correction of ", "correction ", "corrections "};
    if (o->kind != EV_DEDUP_KIND_ERRATUM || o->t.s == NULL)
        return EV_OK;
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
        size_t k = strlen(pre[i]);
        if (strncmp(o->t.s, pre[i], k) != 0 || count_words(o->t.s + k, o->t.len - k) < 3)
            continue;
        ev_buf b;
        ev_buf_init(&b, 0);
        ev_status st = ev_buf_append(&b, o->t.s + k, o->t.len - k);
        ev__dd_title t = {0};
        if (st == EV_OK)
            st = keep_title(d, &b, &t);
        ev_buf_release(&b);
        if (st == EV_OK)
            o->t = t;
        return st;
    }
    return EV_OK;
}

/* Magazines without volumes get the year in the volume field ("2016" for
 * Harvard Business Review 94(5)): that is no volume. */
static void drop_year_volume(ev__dd_rec *o)
{
    long v = 0;
    if (o->volume && o->year && strlen(o->volume) == 4 && ev_parse_long(o->volume, &v) &&
        v == o->year)
        o->volume = NULL;
}

static unsigned completeness(const ev_record *rec, const ev__dd_rec *o)
{
    return (o->t.s != NULL) + (o->doi != NULL) * 2 + (o->pmid != NULL) * 2 +
           (o->n_authors > 0) + (o->year != 0) + (o->journal != NULL) + (o->volume != NULL) +
           (o->issue != NULL) + (o->page != NULL) + (rec->n_abstract > 0) * 2;
}

ev_status ev__dedup_normalise(ev_dedup *d, const ev_record *rec, ev__dd_rec *o)
{
    memset(o, 0, sizeof *o);
    const char *journal = rec->journal          ? rec->journal
                          : rec->journal_abbrev ? rec->journal_abbrev
                          : rec->medline_ta     ? rec->medline_ta
                                                : rec->book_title; /* proceedings */
    ev_status st = norm_title(d, rec, o);
    if (st == EV_OK)
        st = norm_authors(d, rec, o);
    if (st == EV_OK)
        st = norm_journal(d, journal, &o->journal);
    if (st == EV_OK)
        st = norm_short(d, volume_token, rec->volume, &o->volume);
    if (st == EV_OK)
        st = norm_short(d, first_token, rec->issue, &o->issue);
    if (st == EV_OK && !page_count(rec->pages))
        st = norm_short(d, ev__dedup_first_page, rec->pages ? rec->pages : rec->article_number,
                        &o->page);
    o->last_page = ev__dedup_last_page(rec->pages);
    if (st == EV_OK)
        st = norm_id(d, rec->doi, true, &o->doi);
    if (st == EV_OK)
        st = norm_id(d, rec->pmid, false, &o->pmid);
    if (st != EV_OK)
        return st;
    o->year = rec->pub_date.year ? rec->pub_date.year : rec->epub_date.year;
    drop_year_volume(o);
    o->kind = ev__dedup_kind(rec, o->t.s, o->journal);
    if ((st = drop_kind_prefix(d, o)) != EV_OK)
        return st;
    o->completeness = (uint8_t)completeness(rec, o);
    return EV_OK;
}
