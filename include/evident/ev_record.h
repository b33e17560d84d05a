/*
 * ev_record.h - the normalised bibliographic record (spec Part E) that every
 * importer fills, the store keeps and every later stage reads.
 *
 * Ownership: every string and array inside a record lives in the record's
 * arena (`rec->arena`). A record handed to a parser callback is borrowed and
 * valid only during the call. Records from ev_record_new / ev_record_from_json
 * belong to the caller and are freed with ev_record_free.
 *
 * Strings are UTF-8, NULL when absent (never ""). Arrays come with counts;
 * an empty array is (NULL, 0). Dates use 0 for an unknown part.
 */
#ifndef EV_RECORD_H
#define EV_RECORD_H

#include "ev_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The formats evident reads (detected from content) and writes. */
typedef enum ev_format {
    EV_FORMAT_UNKNOWN = 0,
    EV_FORMAT_MEDLINE_XML, /* PubMed efetch / baseline / update XML */
    EV_FORMAT_MEDLINE,     /* MEDLINE text, PubMed's .nbib */
    EV_FORMAT_RIS,
    EV_FORMAT_BIBTEX,
    EV_FORMAT_ENDNOTE_XML,
    EV_FORMAT_WOS,         /* Web of Science tagged text */
    EV_FORMAT_CSV,         /* CSV/TSV with a header row */
    EV_FORMAT_JSON         /* evident's own JSON (export only) */
} ev_format;

typedef struct ev_date {
    int year;           /* 0 = unknown */
    int month;          /* 1-12, 0 = unknown */
    int day;            /* 1-31, 0 = unknown */
    const char *season; /* "Spring", ... as printed, or NULL */
    const char *raw;    /* the date exactly as the source wrote it */
} ev_date;

typedef struct ev_author {
    const char *family;     /* LastName */
    const char *given;      /* ForeName / first names */
    const char *initials;   /* "JC", no periods */
    const char *suffix;     /* "Jr", "3rd" */
    const char *collective; /* corporate author; family/given NULL then */
    const char *orcid;
    const char **affiliations;
    size_t n_affiliations;
    bool invalid; /* PubMed ValidYN="N": kept, but not searched */
} ev_author;

typedef struct ev_abstract_section {
    const char *label;    /* "METHODS", or NULL for an unlabelled abstract */
    const char *category; /* NlmCategory, or NULL */
    const char *text;     /* flattened text (markup stripped) */
} ev_abstract_section;

typedef struct ev_mesh_qualifier {
    const char *ui; /* "Q000379", or NULL when the source gives only names */
    const char *name;
    bool major;
} ev_mesh_qualifier;

typedef struct ev_mesh_heading {
    const char *ui; /* "D016512", or NULL */
    const char *name;
    bool major; /* descriptor starred */
    bool geographic;
    ev_mesh_qualifier *qualifiers;
    size_t n_qualifiers;
} ev_mesh_heading;

typedef struct ev_keyword {
    const char *text;
    const char *owner; /* "NOTNLM" (author), "NLM", database name, or NULL */
    bool major;
} ev_keyword;

/* A (key, value) pair: other identifiers ("pii", "S0733..."), comments and
 * corrections ("ErratumIn", "PMID ..."), unknown source fields ("XY", ...). */
typedef struct ev_kv {
    const char *key;
    const char *value;
} ev_kv;

typedef struct ev_record {
    ev_arena *arena; /* owns everything below */
    ev_format format;
    size_t source_line; /* first line of the record in its file (0 = n/a) */
    const char *source_record_id; /* AN, UT, PMID, BibTeX key, ... */
    const char *type;             /* RIS TY, BibTeX entry type, WoS PT, ... */

    /* identifiers; DOI normalised: lower-case, no resolver prefix */
    const char *pmid;
    const char *pmcid;
    const char *doi;
    const char *pii;
    ev_kv *other_ids; /* key = id type */
    size_t n_other_ids;

    const char *title;            /* flattened, markup stripped */
    const char *title_markup;     /* as the source wrote it, if it had markup */
    const char *vernacular_title; /* original-language title */
    const char *book_title;

    ev_abstract_section *abstract;
    size_t n_abstract;
    const char *copyright;

    ev_author *authors; /* in order */
    size_t n_authors;
    bool authors_incomplete; /* NLM truncated the list (CompleteYN="N") */

    const char *journal;        /* full title */
    const char *journal_abbrev; /* ISO abbreviation */
    const char *medline_ta;     /* MEDLINE title abbreviation */
    const char *issn_print;
    const char *issn_electronic;
    const char *issn_linking;
    const char *nlm_id;
    const char *country;
    const char *publisher;

    const char *volume;
    const char *issue;
    const char *pages; /* as printed: "123-9", "e0173548" */
    const char *article_number;

    ev_date pub_date;  /* print publication date */
    ev_date epub_date; /* electronic publication date */

    const char **languages; /* codes ("eng") or names ("English") */
    size_t n_languages;
    const char **publication_types;
    size_t n_publication_types;
    ev_mesh_heading *mesh;
    size_t n_mesh;
    ev_keyword *keywords;
    size_t n_keywords;
    const char **substances;
    size_t n_substances;
    const char **grants;
    size_t n_grants;

    const char *status;             /* MEDLINE, In-Process, Publisher, ... */
    const char *owner;              /* NLM, NOTNLM, ... */
    const char *publication_status; /* ppublish, epublish, aheadofprint */

    ev_date date_entrez;
    ev_date date_create;
    ev_date date_mesh;
    ev_date date_completed;
    ev_date date_revised;

    ev_kv *links; /* comments/corrections: key = RefType, value = PMID/ref */
    size_t n_links;
    bool retracted;            /* RetractionIn, PT "Retracted Publication" */
    bool is_retraction_notice; /* RetractionOf, PT "Retraction of Publication" */
    bool has_erratum;          /* ErratumIn */

    const char *url;
    const char *notes;
    ev_kv *extra; /* source fields with no home above: never dropped */
    size_t n_extra;

    /* The record exactly as the source file held it, for lossless export. */
    const char *raw;
    size_t raw_len;
} ev_record;

/* A new empty record with its own arena. NULL on ENOMEM. Free with
 * ev_record_free. */
EV_EXTERN ev_record *ev_record_new(void);
/* Free a record from ev_record_new/ev_record_from_json. NULL is a no-op. */
EV_EXTERN void ev_record_free(ev_record *rec);
/* Empty the record for reuse (its arena is reset, not freed). */
EV_EXTERN void ev_record_clear(ev_record *rec);

/* Builders: copy into the record's arena. Each returns EV_OK or EV_ENOMEM.
 * ev_record_set copies `n` bytes of `s` into *field (trimming surrounding
 * white space); an empty result leaves *field NULL. */
EV_EXTERN ev_status ev_record_set(ev_record *rec, const char **field, const char *s,
                                  size_t n) EV_WARN_UNUSED;
/* Append to a string list such as languages or publication_types. */
EV_EXTERN ev_status ev_record_push_str(ev_record *rec, const char ***list, size_t *n,
                                       const char *s, size_t len) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_record_push_kv(ev_record *rec, ev_kv **list, size_t *n, const char *key,
                                      const char *value, size_t value_len) EV_WARN_UNUSED;
/* Append a zeroed author / section / heading / keyword and return it in *out
 * (valid until the next push on the same list). */
EV_EXTERN ev_status ev_record_add_author(ev_record *rec, ev_author **out) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_record_add_section(ev_record *rec, ev_abstract_section **out) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_record_add_mesh(ev_record *rec, ev_mesh_heading **out) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_record_add_qualifier(ev_record *rec, ev_mesh_heading *h,
                                            ev_mesh_qualifier **out) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_record_add_keyword(ev_record *rec, ev_keyword **out) EV_WARN_UNUSED;

/* Normalise a DOI in place of a copy: strip "https://doi.org/", "doi:" and
 * similar prefixes, lower-case. Returns the arena copy or NULL if `s` holds no
 * DOI ("10." prefix required). */
EV_EXTERN const char *ev_record_doi(ev_record *rec, const char *s, size_t n);

/* Parse a free-text date ("2017 Nov 15", "1998 Dec-1999 Jan", "2000 Spring",
 * "2023/01/09/", "20170315") into `out` (raw copied into the arena). Returns
 * true when at least a year was found. */
EV_EXTERN bool ev_record_parse_date(ev_record *rec, ev_date *out, const char *s, size_t n);

/* Split a personal name written "Family, Given" or "Family GI" or "Given
 * Family" into an author (initials derived when absent). */
EV_EXTERN ev_status ev_record_author_from_name(ev_record *rec, ev_author *a, const char *s,
                                               size_t n) EV_WARN_UNUSED;

/* Serialise to evident's JSON (stable field names, documented in
 * docs/record-json.md). `out` is appended to. */
EV_EXTERN ev_status ev_record_to_json(ev_buf *out, const ev_record *rec) EV_WARN_UNUSED;
/* Parse JSON made by ev_record_to_json into a new record owned by the caller
 * (*out, free with ev_record_free). EV_EINPUT on malformed JSON. */
EV_EXTERN ev_status ev_record_from_json(ev_record **out, const char *json, size_t n,
                                        ev_error *err) EV_WARN_UNUSED;
/* The store's binary form of a record (evident's own versioned,
 * length-prefixed field format, docs/internals/store.md): every member but
 * `raw`. Appends to `out`; EV_ENOMEM leaves `out` as it was. */
EV_EXTERN ev_status ev_record_to_bin(ev_buf *out, const ev_record *rec) EV_WARN_UNUSED;
/* Decode `n` bytes made by ev_record_to_bin into a new record owned by the
 * caller (*out, free with ev_record_free; raw is NULL). EV_EINPUT when the
 * bytes are damaged or of an unknown version, EV_ENOMEM. */
EV_EXTERN ev_status ev_record_from_bin(ev_record **out, const void *data, size_t n,
                                       ev_error *err) EV_WARN_UNUSED;
/* Field-by-field equality of the bibliographic content (raw and source_line
 * are ignored). For round-trip tests; on difference, names the first
 * differing field in `why` (may be NULL). */
EV_EXTERN bool ev_record_equal(const ev_record *a, const ev_record *b, char *why, size_t why_size);

/* Format names: "medline-xml", "medline", "ris", "bibtex", "endnote-xml",
 * "wos", "csv", "json". ev_format_from_name returns EV_FORMAT_UNKNOWN for
 * anything else. */
EV_EXTERN const char *ev_format_name(ev_format f);
EV_EXTERN ev_format ev_format_from_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* EV_RECORD_H */
