/*
 * search_int.h - what the files of the search module share: field tags, the
 * syntax tree, the notes list, sorted id sets and the index internals.
 */
#ifndef EV_SEARCH_INT_H
#define EV_SEARCH_INT_H

#include "evident/ev_search.h"

/* ---- field tags (A5) -------------------------------------------------------- */

/* How a field is searched. */
typedef enum ev__sq_kind {
    SQK_TEXT,   /* positional words (title, abstract, ...) */
    SQK_MESH,   /* [mh] [majr] */
    SQK_SH,     /* [sh] */
    SQK_VALUE,  /* whole normalised value (pt, la, journal, ids, ...) */
    SQK_AUTHOR, /* author name with initial truncation */
    SQK_DATE    /* date ranges */
} ev__sq_kind;

typedef enum ev__sq_field {
    SQF_TIAB, SQF_TI, SQF_AB, SQF_TW, SQF_ALL, SQF_MH, SQF_MAJR, SQF_SH, SQF_PT,
    SQF_LA, SQF_AU, SQF_FAU, SQF_1AU, SQF_LASTAU, SQF_CN, SQF_AD, SQF_TA, SQF_DP,
    SQF_EDAT, SQF_CRDT, SQF_MHDA, SQF_DCOM, SQF_LR, SQF_PMID, SQF_AID, SQF_LID,
    SQF_DOI, SQF_OT, SQF_NM, SQF_RN, SQF_SI, SQF_GR, SQF_IP, SQF_VI, SQF_PG, SQF_PL,
    SQF_JID, SQF_PS, SQF_SB, SQF__COUNT
} ev__sq_field;

typedef struct ev__sq_fieldinfo {
    const char *short_name; /* "tiab" */
    const char *long_name;  /* "Title/Abstract" (canonical form) */
    const char *aliases;    /* other accepted names, '|'-separated */
    ev__sq_kind kind;
    bool explodes; /* default explosion ([mh], [majr], [sh]) */
} ev__sq_fieldinfo;

extern const ev__sq_fieldinfo ev__sq_fields[SQF__COUNT];
/* Look a tag name up (case-insensitive, inner spaces collapsed). Returns
 * false for unknown names. */
bool ev__sq_field_find(const char *name, size_t n, ev__sq_field *out);

/* Positional word groups of the index; [tiab] etc. search a union. */
enum {
    SQG_TI, SQG_AB, SQG_OT, SQG_MH, SQG_PT, SQG_NM, SQG_CN, SQG_AD, SQG_GR, SQG_AU,
    SQG_TA, SQG__COUNT
};
/* Bit set of word groups a text field searches. */
unsigned ev__sq_field_groups(ev__sq_field f);

/* ---- notes ---------------------------------------------------------------- */

typedef struct ev__sq_notes {
    ev_search_note *items;
    size_t n, cap;
} ev__sq_notes;

ev_status ev__sq_note_add(ev__sq_notes *nl, const char *code, const char *fmt, ...)
    EV_PRINTF(3, 4) EV_WARN_UNUSED;
void ev__sq_notes_release(ev__sq_notes *nl);

/* ---- syntax tree --------------------------------------------------------- */

typedef enum ev__sq_op { SQN_TERM, SQN_AND, SQN_OR, SQN_NOT, SQN_HIST, SQN_RANGE } ev__sq_op;

/* Sentinel standing for '*' inside normalised query words (the normaliser
 * would turn '*' into a separator). */
#define EV__SQ_WILD '\x01'

typedef struct ev__sq_node {
    ev__sq_op op;
    struct ev__sq_node *l, *r; /* AND/OR/NOT */
    size_t pos;                /* byte offset in the query */
    size_t rpos;               /* byte offset of raw (inside the quotes) */
    /* TERM */
    ev__sq_field field;
    bool tagged;   /* a tag was written */
    bool quoted;   /* written as "phrase" */
    bool noexp;    /* :noexp */
    long prox;     /* ~N, -1 when none */
    char *raw;     /* the term as written (quotes removed) */
    char **words;  /* normalised words (EV__SQ_WILD for '*'), text fields */
    size_t n_words;
    char *value;   /* normalised whole value (mesh heading, pt, author ...) */
    char *qual;    /* subheading after '/', normalised, or NULL */
    bool wild;     /* contains '*' */
    /* HIST */
    long hist;
    /* RANGE (and single dates): yyyymmdd bounds */
    long from, to;
} ev__sq_node;

struct ev_query {
    ev_arena *arena;
    char *text;
    ev__sq_node *root;
    ev__sq_notes warnings;
};

/* The parser fills q->root (lexer.c, parse.c). */
ev_status ev__sq_parse(ev_query *q, ev_error *err) EV_WARN_UNUSED;
/* Canonical form of one node; `expand` (may be NULL) returns the canonical
 * text of history line n or NULL. */
typedef const char *(*ev__sq_hist_fn)(long n, void *payload);
ev_status ev__sq_canonical(ev_buf *out, const ev__sq_node *nd, ev__sq_hist_fn expand,
                           void *payload) EV_WARN_UNUSED;
/* Character column (1-based) of byte offset `pos` in `s`. */
size_t ev__sq_column(const char *s, size_t pos);
/* Normalise one date value "YYYY[/MM[/DD]]" (month may be a name) into the
 * first and last day it covers. False if malformed. */
bool ev__sq_date(const char *s, size_t n, long *first, long *last);
/* "last N years|months|days" relative to `today` (yyyymmdd), A7.5. */
bool ev__sq_relative_date(const char *s, long today, long *first, long *last);
/* Today's date (UTC) as yyyymmdd. */
long ev__sq_today(void);
/* Subheading: full name or two-letter abbreviation -> normalised full name
 * (static), or NULL. */
const char *ev__sq_qualifier(const char *s);

/* ---- sorted id sets ---------------------------------------------------------- */

/* A sorted, duplicate-free array of document numbers. */
typedef struct ev__sq_set {
    uint32_t *v;
    size_t n, cap;
} ev__sq_set;

void ev__sq_set_release(ev__sq_set *s);
ev_status ev__sq_set_push(ev__sq_set *s, uint32_t x) EV_WARN_UNUSED;
/* out = a op b (out must be empty and distinct from a and b). */
ev_status ev__sq_set_and(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b) EV_WARN_UNUSED;
ev_status ev__sq_set_or(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b) EV_WARN_UNUSED;
ev_status ev__sq_set_not(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b) EV_WARN_UNUSED;
/* ---- index internals ------------------------------------------------------ */

/* One posting: document and position (instance << 16 | token index for
 * positional groups, 0 for values). */
typedef struct ev__sq_post {
    uint32_t doc;
    uint32_t pos;
} ev__sq_post;

/* A list read from a cached index may not be decoded yet (persist.c): then
 * p is NULL, n is its posting count and cap says where it is: the number of
 * the cache row holding it, or EV__SQ_INLINE + its offset in the head (or,
 * for a head of 2 GB or more, the number of its offset in inl);
 * ev__sq_list_load decodes it on first use. */
#define EV__SQ_INLINE 0x80000000u
typedef struct ev__sq_plist {
    ev__sq_post *p;
    uint32_t n, cap;
} ev__sq_plist;

#define EV__SQ_LAZY(l) ((l)->p == NULL && (l)->n > 0)

/* Union of the documents of k posting lists into out (empty). Uses a bitmap
 * over `universe` documents when the lists are large. */
ev_status ev__sq_set_union_plists(ev__sq_set *out, const ev__sq_plist *const *lists, size_t k,
                                  size_t universe) EV_WARN_UNUSED;

#include "hash.h"

/* One index term: its posting list and its key, together in the index arena
 * (one cache line for the hash hit, the key compare and the list header). */
typedef struct ev__sq_term {
    ev__sq_plist pl;
    char key[]; /* "<prefix byte><normalised text>", NUL-terminated */
} ev__sq_term;

/* Key -> term. */
typedef struct ev__sq_map {
    ev__sq_hash h;       /* key (term->key) -> term number */
    ev__sq_term **terms; /* term number -> term */
    size_t n, cap;
    uint32_t *sorted;    /* term numbers in key order, for wildcards */
    size_t n_sorted;     /* == n when up to date */
    /* A map read from the cache has no terms (persist.c): term number ->
     * list, and -> key, NUL-terminated where it lies in the index's head
     * (no copy); ev__sq_index_load_all turns it into terms before records
     * are added. */
    ev__sq_plist *pls;
    const char **keys;
} ev__sq_map;

#define EV__SQ_KEY(m, i) ((m)->keys ? (m)->keys[i] : (m)->terms[i]->key)
#define EV__SQ_LIST(m, i) ((m)->pls ? &(m)->pls[i] : &(m)->terms[i]->pl)

ev__sq_plist *ev__sq_map_get(const ev__sq_map *m, const char *key, size_t n);
/* Sort the key table (once, after building; searches need it for
 * wildcards and author truncation). */
ev_status ev__sq_map_sort(ev__sq_map *m) EV_WARN_UNUSED;
/* Range [*lo, *hi) of m->sorted whose keys start with prefix. */
void ev__sq_map_prefix(const ev__sq_map *m, const char *prefix, size_t n, size_t *lo, size_t *hi);

typedef struct ev__sq_dates {
    uint32_t pub, epub, edat, crdt, mhda, dcom, lr; /* yyyymmdd, 0 = none */
} ev__sq_dates;

/* Postings not yet in their map: appended per token while records are added,
 * inverted in one pass per batch (one lookup in the big map per distinct
 * term of the batch instead of one per token: far fewer cache misses). */
typedef struct ev__sq_bent {
    uint32_t term; /* local term number */
    uint32_t doc, pos;
} ev__sq_bent;

typedef struct ev__sq_batch {
    ev__sq_hash local;  /* key -> local term number (keys in `arena`) */
    ev_arena *arena;
    const char **keys;  /* local term number -> key */
    uint32_t *lens;
    size_t n_terms, cap_terms;
    ev__sq_bent *e;
    size_t n, cap;
} ev__sq_batch;

struct ev_search_index {
    const ev_mesh *mesh;
    ev_arena *arena;
    ev__sq_map words;  /* group byte + token */
    ev__sq_map values; /* field byte + normalised value */
    ev__sq_batch bwords, bvalues;
    ev_id *ids;        /* doc -> record id */
    ev__sq_dates *dates;
    bool *has_mesh;
    size_t n_docs, cap_docs;
    size_t n_with_mesh;
    ev__sq_hash pmids; /* pmid -> doc (A12.2: one key per PMID) */
    ev_id last_id;
    /* cached index whose long posting lists stay in the review until first
     * used (persist.c); the store is borrowed */
    ev_store *store;
    ev_stmt *row_q;
    struct ev__sq_row *rows; /* row number -> size and checksum */
    size_t n_rows;
    char *head;              /* the cache's head, owned (short lists) */
    size_t head_len;
    uint64_t *inl;           /* inline list number -> offset in head (heads >= 2 GB) */
    uint64_t pmid_off;       /* PMID table in head, hashed by ev__sq_index_load_all */
    size_t n_inl, cap_inl;
    bool any;
    bool sorted; /* key tables sorted (done lazily before the first search) */
};

/* Value key prefixes (values map). */
enum {
    SQV_MESH = 'M', SQV_MAJR = 'J', SQV_MHQ = 'Q', SQV_MJQ = 'K', SQV_SH = 'S', SQV_PT = 'P',
    SQV_LA = 'L', SQV_AU = 'A', SQV_FAU = 'F', SQV_1AU = '1', SQV_LASTAU = '9', SQV_TA = 'T',
    SQV_PMID = 'I', SQV_AID = 'D', SQV_LID = 'E', SQV_DOI = 'O', SQV_IP = 'i', SQV_VI = 'v',
    SQV_PG = 'g', SQV_PL = 'l', SQV_JID = 'j', SQV_SB = 'b', SQV_NM = 'N'
};

/* Normalise s[0..n) (A4.7) into out (cleared first); plain ASCII takes a
 * fast path with the same result. */
ev_status ev__sq_norm(ev_buf *out, const char *s, size_t n) EV_WARN_UNUSED;

/* Migration steps of module "search" (persist.c). */
extern const char *const ev__sq_schema[];
extern const size_t ev__sq_schema_steps;

/* One cache row holding a long posting list (persist.c). */
typedef struct ev__sq_row {
    uint64_t sum;   /* FNV-1a 64 of the row */
    uint64_t bytes; /* its length */
} ev__sq_row;

/* Decode a list not decoded yet (EV__SQ_LAZY) from its cache row; no-op for
 * others. EV_EINPUT (a damaged row: err says so and the cache is marked stale
 * so the next open rebuilds it), EV_ENOMEM. Not thread-safe: an index is used
 * by one thread at a time (nothing shares one today). */
ev_status ev__sq_list_load(ev_search_index *ix, ev__sq_plist *l, ev_error *err) EV_WARN_UNUSED;
/* Decode every list not decoded yet (before records are added). */
ev_status ev__sq_index_load_all(ev_search_index *ix) EV_WARN_UNUSED;

/* Sort the key tables before searching (idempotent). */
ev_status ev__sq_index_prepare(ev_search_index *ix) EV_WARN_UNUSED;

/* Evaluate a parsed query (exec.c). */
typedef struct ev__sq_ctx {
    ev_search_index *ix;
    const ev__sq_set *hist; /* doc sets of history lines 1..n_hist */
    size_t n_hist;
    bool mesh_noted;
    ev__sq_notes *notes;
    const char *query;
    ev_error *err;
} ev__sq_ctx;

ev_status ev__sq_eval(ev__sq_ctx *c, const ev__sq_node *nd, ev__sq_set *out) EV_WARN_UNUSED;

#endif /* EV_SEARCH_INT_H */
