/*
 * dedup_int.h - the dedup engine's internals shared by normalise.c, score.c,
 * block.c and cluster.c: the compact normalised record (built once per
 * record, everything a comparison needs, nothing else) and the engine.
 */
#ifndef EV_DEDUP_INT_H
#define EV_DEDUP_INT_H

#include "evident/ev_dedup.h"

/* Author lists longer than this compare on their first names only: a
 * 1,000-author consortium paper costs no more than a 64-author one. */
#define EV__DD_MAX_AUTHORS 64
/* Titles are compared on at most this many tokens. */
#define EV__DD_MAX_TOKENS 64

/* A title's language as far as its function words tell: English, some
 * other European language (German, French, Spanish, ...), or unknown. */
enum { EV__DD_LANG_UNKNOWN = 0, EV__DD_LANG_ENGLISH, EV__DD_LANG_OTHER };

/* A normalised title (folded, no marks/markup/punctuation, US spelling)
 * and its sorted unique word hashes. s is NULL when there is none. */
typedef struct ev__dd_title {
    const char *s;
    uint32_t len;
    uint16_t n_tokens;
    const uint32_t *tokens;
} ev__dd_title;

typedef struct ev__dd_rec {
    ev__dd_title t;   /* the title */
    ev__dd_title alt; /* a bracketed title in another language, if any */
    bool translated;  /* the title is a translation ([...], <ORIGINAL>) */
    uint8_t lang;     /* the title's language by its function words: EV__DD_LANG_* */
    const char *doi;  /* normalised, NULL if none */
    const char *pmid;
    const char *journal; /* normalised, stopwords removed */
    const char *volume, *issue, *page; /* first alnum token, leading zeros gone */
    uint32_t last_page; /* "123-9" -> 129; 0 if none */
    uint32_t *authors; /* sorted unique family-name token hashes */
    uint16_t n_authors;
    uint32_t *author_stems; /* the same on their first 4 bytes ("hiessl" ~ "hiess") */
    uint16_t n_author_stems;
    uint32_t *given; /* sorted unique given-name word hashes (names written swapped) */
    uint16_t n_given;
    uint32_t first_author[2]; /* first author's first and last family word, 0 if none */
    uint32_t first_given[2];  /* first author's first and last given word (>= 2 letters), 0 if none */
    char first_initial[2];    /* first author's family and given initial (folded), 0 if none */
    uint16_t n_listed;        /* authors listed (at most EV__DD_MAX_AUTHORS) */
    int year;              /* 0 = unknown */
    ev_dedup_kind kind;
    uint8_t completeness;
    bool is_new;
    int64_t source;
} ev__dd_rec;

struct ev_dedup {
    ev_dedup_config cfg;
    ev_arena *arena; /* the normalised records' strings and arrays */
    ev__dd_rec *recs;
    size_t n, cap;
    ev_dedup_pair *pairs;
    size_t n_pairs, cap_pairs;
    uint64_t candidates;
};

/* engine.c: a record known only by its normalised identifiers and
 * completeness (re-clustering from the review's tables). */
ev_status ev__dedup_add_light(ev_dedup *d, const char *doi, const char *pmid,
                              unsigned completeness);

/* normalise.c */
ev_status ev__dedup_normalise(ev_dedup *d, const ev_record *rec, ev__dd_rec *out);
/* Normalised title text into `out` (exposed for tests and blocking), and
 * the bracketed alternative-language title (nothing when there is none). */
ev_status ev__dedup_title(ev_buf *out, const char *title);
ev_status ev__dedup_title_alt(ev_buf *out, const char *title);
/* The language of a normalised title (EV__DD_LANG_*). */
uint8_t ev__dedup_title_lang(const char *s, size_t n);
/* Canonical spelling of one folded token (British -> American), in place;
 * returns the new length. */
size_t ev__dedup_spelling(char *tok, size_t n);
/* First page of a page range ("123-9" -> "123", "e0173548"), leading zeros
 * dropped, into out (size >= 32). */
void ev__dedup_first_page(char *out, size_t size, const char *pages);
/* Last page of a numeric range, abbreviated ends expanded ("1285-90" ->
 * 1290, "123-9" -> 129); 0 when there is none. */
uint32_t ev__dedup_last_page(const char *pages);
/* A raw title ends with an erratum's citation of its article ("(vol 142,
 * pg 310, 2003)", "(The Journal of Pediatrics (2003) ..."), before any
 * appended note. */
bool ev__dedup_cites_article(const char *t);
ev_dedup_kind ev__dedup_kind(const ev_record *rec, const char *norm_title,
                             const char *norm_journal);
uint32_t ev__dedup_hash(const char *s, size_t n);

/* score.c */
double ev__dedup_title_sim(const ev__dd_rec *a, const ev__dd_rec *b);
bool ev__dedup_journal_match(const char *a, const char *b);
double ev__dedup_author_overlap(const ev__dd_rec *a, const ev__dd_rec *b);
double ev__dedup_author_stem_overlap(const ev__dd_rec *a, const ev__dd_rec *b);
void ev__dedup_score(const ev_dedup_config *cfg, const ev__dd_rec *a, const ev__dd_rec *b,
                     ev_dedup_pair *out);
/* Levenshtein distance of a and b if it is <= max, else max + 1. */
size_t ev__dedup_levenshtein(const char *a, size_t na, const char *b, size_t nb, size_t max);

#endif /* EV_DEDUP_INT_H */
