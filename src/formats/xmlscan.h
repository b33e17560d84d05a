/*
 * xmlscan.h - a small streaming XML scanner for the formats module's XML
 * readers: well-formedness checked (tags balanced, attributes, references,
 * UTF-8), the five predefined entities and character references decoded,
 * and nothing else: no DTD is read, no entity is declared or expanded, so
 * external entities and entity-expansion bombs cannot exist by
 * construction (a DOCTYPE declaring entities is refused).
 *
 * Why not expat: the PubMed reader is benchmarked against Biopython and
 * expat's general machinery was two thirds of its time
 * (docs/internals/formats-medline-xml.md).
 *
 * Input arrives in chunks (ev__xml_feed); the scanner keeps the bytes of an
 * unfinished token, and on request (ev__xml_keep) everything from a given
 * offset, so a reader can hand out the exact bytes of a whole element.
 */
#ifndef EV_FORMATS_XMLSCAN_H
#define EV_FORMATS_XMLSCAN_H

#include "evident/ev_core.h"

typedef struct ev__xml_handlers {
    /* name (NUL-terminated, `len` bytes); atts: name, value, name, value,
     * ..., NULL. Strings are borrowed for the call. */
    void (*start)(void *ud, const char *name, size_t len, const char **atts);
    void (*end)(void *ud, const char *name, size_t len);
    /* Character data (references decoded), possibly in several pieces.
     * Called only while *want_text is true (NULL: always). */
    void (*text)(void *ud, const char *s, size_t n);
    const bool *want_text;
    void *ud;
} ev__xml_handlers;

typedef struct ev__xml {
    ev__xml_handlers h;
    const char *name; /* input name for messages */
    ev_error *err;
    ev_status status;
    bool stopped;

    ev_buf win;        /* input bytes [base, base + win.len) */
    uint64_t base;
    const char *buf;   /* what is being scanned: the window or a chunk */
    uint64_t buf_base; /* absolute offset of buf[0] */
    size_t buf_len;
    uint64_t stop_at;  /* window scan: stop at a free point past here */
    bool switch_ready;
    uint64_t pos;      /* next byte to scan */
    uint64_t valid;    /* UTF-8 checked up to here */
    uint64_t bad_at;   /* an invalid byte there (UINT64_MAX: none yet) */
    unsigned char bad_byte;
    uint64_t keep;     /* do not discard from here on (UINT64_MAX: none) */
    uint64_t text_hint; /* a text run with no '<' was scanned up to here */
    bool text_amp;      /* ... and held a '&' */
    uint64_t tok_start, tok_end; /* the token being reported */

    ev_buf names;      /* open element names, NUL-separated */
    size_t *name_off;
    size_t depth, name_cap;
    ev_buf attr;       /* attribute strings of the current start tag */
    size_t *attr_off;
    const char **atts;
    size_t attr_cap;
    ev_buf tmp;        /* decoded text */

    uint64_t nl_pos;   /* newlines counted in [0, nl_pos) */
    uint64_t nl_count;
    uint64_t line_start; /* offset just after the last counted newline */

    bool seen_root, root_done, seen_decl_place;
} ev__xml;

/* Set up; `max` caps one element kept through ev__xml_keep and any single
 * token (bytes). */
void ev__xml_init(ev__xml *x, const ev__xml_handlers *h, const char *name, size_t max,
                  ev_error *err);
void ev__xml_release(ev__xml *x);
/* Scan the next chunk; eof = true for the last call (n may be 0). Returns
 * EV_OK, EV_EINPUT (malformed, with file:line:col and byte offset in err),
 * EV_ENOMEM, or the status a handler passed to ev__xml_stop. */
ev_status ev__xml_feed(ev__xml *x, const char *data, size_t n, bool eof);
/* From a handler: stop scanning; ev__xml_feed returns `status`. */
void ev__xml_stop(ev__xml *x, ev_status status);
/* Line and column (1-based, column in bytes) of an absolute offset at or
 * after the current token (earlier offsets give the current position). */
void ev__xml_where(ev__xml *x, uint64_t off, size_t *line, size_t *col);
/* Keep input from `off` on until ev__xml_keep(x, UINT64_MAX). */
void ev__xml_keep(ev__xml *x, uint64_t off);
/* Pointer to kept input at absolute offset `off` (valid until the next
 * feed), or NULL if it is no longer held. */
const char *ev__xml_bytes(const ev__xml *x, uint64_t off, uint64_t end);

#endif /* EV_FORMATS_XMLSCAN_H */
