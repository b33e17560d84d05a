/*
 * endnote_xml.c - EndNote XML reader (<xml><records><record>...), as written
 * by EndNote, Bookends, Zotero and Mendeley, streamed through expat one
 * record at a time. Field text may be wrapped in one or more <style>
 * elements; the runs are joined. Entity declarations are refused outright
 * (EndNote never writes a DTD), which rules out external entities (XXE) and
 * entity expansion bombs; expat's amplification limit is set as well.
 */
#include "bib_int.h"

#include "xml_int.h"

#define EN_MAX_DEPTH 32

typedef struct en_parser {
    XML_Parser xp;
    ev__reader *r;
    const ev_parse_options *opts;
    const ev_parse_sink *sink;
    ev_parse_stats *stats;
    ev_error *err;
    const char *name;
    ev_status st; /* first failure inside a callback */
    char names[EN_MAX_DEPTH][32];
    size_t depth;      /* elements open inside <record>, style excluded */
    size_t skip_depth; /* elements nested beyond EN_MAX_DEPTH */
    bool in_record;
    ev_buf text; /* character data of the innermost field */
    ev_record *rec;
    ev_buf secondary_title; /* journal when there is no <periodical> */
    /* raw record text: input bytes from window_start on */
    ev_buf window;
    uint64_t window_start;
    uint64_t record_start;
} en_parser;

static void stop(en_parser *p, ev_status s)
{
    if (p->st == EV_OK)
        p->st = s;
    XML_StopParser(p->xp, XML_FALSE);
}

static void nomem(en_parser *p)
{
    ev_error_set(p->err, EV_ENOMEM, p->name, 0, 0, "out of memory");
    stop(p, EV_ENOMEM);
}

static const char *parent(const en_parser *p, size_t up)
{
    return p->depth > up ? p->names[p->depth - 1 - up] : "";
}

/* ---- field dispatch ------------------------------------------------------------- */

static bool is_issn(const char *s, size_t n)
{
    return n == 9 && s[4] == '-' && strspn(s, "0123456789") == 4 &&
           strspn(s + 5, "0123456789") >= 3 &&
           (isdigit((unsigned char)s[8]) || s[8] == 'X' || s[8] == 'x');
}

/* Where an ISSN goes: by its "(Print)" / "(Electronic)" / "(Linking)" tag
 * (PubMed-derived libraries), else print first, then electronic. */
static const char **issn_slot(ev_record *rec, const char *tag, size_t n)
{
    if (n >= 3 && ev_strncasecmp(tag, "(Li", 3) == 0)
        return &rec->issn_linking;
    if (n >= 3 && ev_strncasecmp(tag, "(El", 3) == 0)
        return &rec->issn_electronic;
    if (n >= 3 && ev_strncasecmp(tag, "(Pr", 3) == 0)
        return &rec->issn_print;
    return rec->issn_print == NULL ? &rec->issn_print : &rec->issn_electronic;
}

/* <isbn> holds ISBNs or ISSNs, several separated by spaces, ';' or line
 * breaks, each maybe followed by a "(Print)"-style tag. */
static ev_status set_isbn(ev_record *rec, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && strchr(" ;,\r\n\t", s[i]))
            i++;
        size_t j = i;
        while (j < n && !strchr(" ;,\r\n\t", s[j]))
            j++;
        size_t t = j; /* the tag after it, if any */
        while (t < n && s[t] == ' ')
            t++;
        size_t te = t;
        if (t < n && s[t] == '(')
            while (te < n && s[te] != ')')
                te++;
        ev_status st = EV_OK;
        if (j > i && s[i] != '(' && j - i < 64) {
            if (is_issn(s + i, j - i)) {
                const char **dst = issn_slot(rec, s + t, te - t);
                if (*dst == NULL)
                    st = ev_record_set(rec, dst, s + i, j - i);
            } else {
                st = ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, "isbn", s + i,
                                       j - i);
            }
        }
        if (st != EV_OK)
            return st;
        i = te > t ? te + 1 : j;
    }
    return EV_OK;
}

/* <pub-dates><date>Mar 3</date>: the month and day of <year>. */
static void set_pub_date(en_parser *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    ev_date d;
    char buf[96];
    if (rec->pub_date.year && n < 80) {
        snprintf(buf, sizeof buf, "%d %.*s", rec->pub_date.year, (int)n, s);
        bool has_year = false;
        for (size_t i = 0; i + 4 <= n && !has_year; i++)
            has_year = strspn(s + i, "0123456789") >= 4;
        if (!has_year) {
            s = buf;
            n = strlen(buf);
        }
    }
    if (!ev_record_parse_date(rec, &d, s, n))
        return;
    if (rec->pub_date.year == 0 || (rec->pub_date.year == d.year && rec->pub_date.month == 0)) {
        const char *raw = rec->pub_date.raw;
        rec->pub_date = d;
        if (raw && d.raw && strlen(d.raw) < strlen(raw))
            rec->pub_date.raw = raw;
    }
}

static ev_status set_simple(ev_record *rec, const char **slot, const char *s, size_t n,
                            const char *key)
{
    if (*slot == NULL)
        return ev_record_set(rec, slot, s, n);
    return ev_record_push_kv(rec, &rec->extra, &rec->n_extra, key, s, n);
}

/* Leaf elements whose text goes to a string slot. */
static const char **slot_for(ev_record *rec, const char *el, const char *up)
{
    if (strcmp(el, "title") == 0 && strcmp(up, "titles") == 0)
        return &rec->title;
    if (strcmp(el, "full-title") == 0 && strcmp(up, "periodical") == 0)
        return &rec->journal;
    if (strcmp(el, "abbr-1") == 0)
        return &rec->journal_abbrev;
    if (strcmp(el, "pages") == 0)
        return &rec->pages;
    if (strcmp(el, "volume") == 0)
        return &rec->volume;
    if (strcmp(el, "number") == 0 || strcmp(el, "issue") == 0)
        return &rec->issue;
    if (strcmp(el, "publisher") == 0)
        return &rec->publisher;
    if (strcmp(el, "notes") == 0)
        return &rec->notes;
    if (strcmp(el, "url") == 0 && strcmp(up, "related-urls") == 0)
        return &rec->url;
    return NULL;
}

static ev_status field(en_parser *p, const char *el, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    const char *up = parent(p, 1);
    const char **slot = slot_for(rec, el, up);
    if (slot) {
        /* Zotero writes both <number> and <issue> with the same value. */
        if (*slot && strlen(*slot) == n && memcmp(*slot, s, n) == 0)
            return EV_OK;
        return set_simple(rec, slot, s, n, el);
    }
    if (strcmp(el, "author") == 0 && strcmp(up, "authors") == 0) {
        ev_author *a = NULL;
        if (ev_record_add_author(rec, &a) != EV_OK)
            return EV_ENOMEM;
        return ev_record_author_from_name(rec, a, s, n);
    }
    if (strcmp(el, "author") == 0) /* secondary-authors (editors), ... */
        return ev_record_push_kv(rec, &rec->extra, &rec->n_extra, up, s, n);
    if (strcmp(el, "secondary-title") == 0 && p->secondary_title.len == 0)
        return ev_buf_append(&p->secondary_title, s, n);
    if (strcmp(el, "year") == 0 && strcmp(up, "dates") == 0) {
        if (rec->pub_date.year == 0)
            ev_record_parse_date(rec, &rec->pub_date, s, n);
        return EV_OK;
    }
    if (strcmp(el, "date") == 0 && strcmp(up, "pub-dates") == 0) {
        set_pub_date(p, s, n);
        return EV_OK;
    }
    if (strcmp(el, "keyword") == 0) /* some writers put a ';' list in one */
        return ev__push_keywords(rec, s, n, ";");
    if (strcmp(el, "abstract") == 0) {
        ev_abstract_section *sec = NULL;
        if (ev_record_add_section(rec, &sec) != EV_OK)
            return EV_ENOMEM;
        return ev_record_set(rec, &sec->text, s, n);
    }
    if (strcmp(el, "electronic-resource-num") == 0 && rec->doi == NULL &&
        (rec->doi = ev_record_doi(rec, s, n)) != NULL)
        return EV_OK;
    if (strcmp(el, "accession-num") == 0) {
        bool digits = strspn(s, "0123456789") == n;
        const char **dst = digits ? &rec->pmid : &rec->source_record_id;
        if (*dst == NULL || (!digits && rec->source_record_id == NULL))
            return ev_record_set(rec, dst, s, n);
    }
    if (strcmp(el, "rec-number") == 0)
        return ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, "endnote", s, n);
    if (strcmp(el, "isbn") == 0)
        return set_isbn(rec, s, n);
    if (strcmp(el, "language") == 0)
        return ev_record_push_str(rec, &rec->languages, &rec->n_languages, s, n);
    if (strcmp(el, "ref-type") == 0 || strcmp(el, "database") == 0 || strcmp(el, "source-app") == 0)
        return EV_OK; /* type comes from the name attribute; provenance only */
    /* Unknown: the element name, with its parent when nested
     * ("alt-periodical/full-title", "pdf-urls/url", "foreign-keys/key"). */
    char key[80];
    if (p->depth >= 2)
        snprintf(key, sizeof key, "%s/%s", up, el);
    else
        snprintf(key, sizeof key, "%s", el);
    return ev_record_push_kv(rec, &rec->extra, &rec->n_extra, key, s, n);
}

/* ---- expat callbacks ------------------------------------------------------------- */

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Pretty-printed files indent the text inside <style> runs: every white
 * space run becomes one space. */
static void squeeze(ev_buf *b)
{
    size_t k = 0;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->ptr[i];
        if (isspace((unsigned char)c)) {
            if (k > 0 && b->ptr[k - 1] == ' ')
                continue;
            c = ' ';
        }
        b->ptr[k++] = c;
    }
    b->len = k;
    if (b->ptr)
        b->ptr[k] = '\0';
}

static void begin_record(en_parser *p)
{
    ev_record_clear(p->rec);
    p->rec->format = EV_FORMAT_ENDNOTE_XML;
    p->rec->source_line = (size_t)XML_GetCurrentLineNumber(p->xp);
    p->record_start = (uint64_t)XML_GetCurrentByteIndex(p->xp);
    ev_buf_clear(&p->secondary_title);
    p->in_record = true;
    p->depth = 0;
    p->skip_depth = 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **attrs)
{
    en_parser *p = ud;
    if (!p->in_record) {
        if (strcmp(el, "record") == 0)
            begin_record(p);
        return;
    }
    if (strcmp(el, "style") == 0)
        return; /* formatting run: its text belongs to the enclosing field */
    if (p->depth >= EN_MAX_DEPTH) {
        p->skip_depth++;
        return;
    }
    snprintf(p->names[p->depth++], sizeof p->names[0], "%s", el);
    ev_buf_clear(&p->text);
    if (strcmp(el, "ref-type") == 0)
        for (size_t i = 0; attrs[i]; i += 2)
            if (strcmp(attrs[i], "name") == 0 &&
                ev_record_set(p->rec, &p->rec->type, attrs[i + 1], strlen(attrs[i + 1])) != EV_OK)
                nomem(p);
}

static void keep_raw(en_parser *p)
{
    uint64_t end =
        (uint64_t)XML_GetCurrentByteIndex(p->xp) + (uint64_t)XML_GetCurrentByteCount(p->xp);
    if (p->record_start < p->window_start || end > p->window_start + p->window.len)
        return;
    size_t off = (size_t)(p->record_start - p->window_start);
    size_t len = (size_t)(end - p->record_start);
    p->rec->raw = ev_arena_strndup(p->rec->arena, p->window.ptr + off, len);
    p->rec->raw_len = len;
    if (p->rec->raw == NULL)
        nomem(p);
}

static void end_record(en_parser *p)
{
    ev_record *rec = p->rec;
    p->in_record = false;
    if (rec->journal == NULL && p->secondary_title.len) {
        const char **dst = rec->type && strstr(rec->type, "Journal") == NULL &&
                                   strstr(rec->type, "Magazine") == NULL
                               ? &rec->book_title
                               : &rec->journal;
        if (ev_record_set(rec, dst, p->secondary_title.ptr, p->secondary_title.len) != EV_OK) {
            nomem(p);
            return;
        }
    } else if (p->secondary_title.len && rec->book_title == NULL &&
               strcmp(rec->journal, p->secondary_title.ptr) != 0 &&
               ev_record_push_kv(rec, &rec->extra, &rec->n_extra, "secondary-title",
                                 p->secondary_title.ptr, p->secondary_title.len) != EV_OK) {
        nomem(p);
        return;
    }
    if (p->opts->keep_raw)
        keep_raw(p);
    if (p->st != EV_OK)
        return;
    ev_status s = ev__emit(p->sink, p->stats, p->r, rec, p->err);
    if (s != EV_OK)
        stop(p, s);
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    en_parser *p = ud;
    if (!p->in_record || strcmp(el, "style") == 0)
        return;
    if (p->skip_depth) {
        p->skip_depth--;
        return;
    }
    if (p->depth == 0) { /* </record> */
        end_record(p);
        return;
    }
    squeeze(&p->text);
    const char *s = p->text.ptr ? p->text.ptr : "";
    size_t n = p->text.len;
    trim(&s, &n);
    if (n && field(p, p->names[p->depth - 1], s, n) != EV_OK)
        nomem(p);
    ev_buf_clear(&p->text);
    p->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    en_parser *p = ud;
    if (!p->in_record || p->depth == 0 || p->skip_depth)
        return;
    ev_status st = ev_buf_append(&p->text, s, (size_t)len);
    if (st == EV_ENOMEM) {
        nomem(p);
    } else if (st != EV_OK) {
        ev_error_set(p->err, st, p->name, (size_t)XML_GetCurrentLineNumber(p->xp), 0,
                     "field too large");
        stop(p, st);
    }
}

/* No DTD entities at all: no XXE, no entity expansion bombs. */
static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    en_parser *p = ud;
    (void)is_param;
    (void)value;
    (void)value_len;
    (void)base;
    (void)system_id;
    (void)public_id;
    (void)notation;
    ev_error_set(p->err, EV_EINPUT, p->name, (size_t)XML_GetCurrentLineNumber(p->xp),
                 (size_t)XML_GetCurrentColumnNumber(p->xp) + 1,
                 "entity declaration '%s' refused: EndNote XML has no DTD entities", name);
    stop(p, EV_EINPUT);
}

/* A reference to an entity only an external DTD could define (never read):
 * refused rather than silently dropped from the text. */
static void XMLCALL on_skipped_entity(void *ud, const XML_Char *name, int is_param)
{
    en_parser *p = ud;
    (void)is_param;
    ev_error_set(p->err, EV_EINPUT, p->name, (size_t)XML_GetCurrentLineNumber(p->xp),
                 (size_t)XML_GetCurrentColumnNumber(p->xp) + 1,
                 "undefined entity '&%s;' (an external DTD is never read)", name);
    stop(p, EV_EINPUT);
}

/* ---- driver -------------------------------------------------------------------------- */

static ev_status xml_error(en_parser *p)
{
    if (p->st != EV_OK)
        return p->st;
    return ev_error_set(p->err, EV_EINPUT, p->name, (size_t)XML_GetCurrentLineNumber(p->xp),
                        (size_t)XML_GetCurrentColumnNumber(p->xp) + 1, "malformed XML: %s",
                        XML_ErrorString(XML_GetErrorCode(p->xp)));
}

/* Keep the input bytes of the open record (for rec->raw). */
static ev_status window_push(en_parser *p, const char *d, size_t n, uint64_t chunk_start)
{
    if (!p->opts->keep_raw)
        return EV_OK;
    uint64_t keep_from = p->in_record ? p->record_start : chunk_start;
    if (keep_from > p->window_start) {
        size_t drop = (size_t)(keep_from - p->window_start);
        if (drop > p->window.len)
            drop = p->window.len;
        memmove(p->window.ptr, p->window.ptr + drop, p->window.len - drop);
        p->window.len -= drop;
        p->window_start += drop;
    }
    if (p->window.len == 0)
        p->window_start = chunk_start;
    return ev_buf_append(&p->window, d, n) == EV_OK ? EV_OK : EV_ENOMEM;
}

static ev_status run(en_parser *p)
{
    uint64_t consumed = 0;
    for (;;) {
        const char *d = NULL;
        size_t n = 0;
        ev_status s = ev__reader_read(p->r, &d, &n, p->err);
        if (s != EV_OK)
            return s;
        if (n == 0)
            return EV_OK;
        if (window_push(p, d, n, consumed) != EV_OK)
            return ev_error_set(p->err, EV_ENOMEM, p->name, 0, 0, "out of memory");
        consumed += n;
        while (n > 0) { /* expat takes int lengths */
            int part = n > (1u << 30) ? (1 << 30) : (int)n;
            if (XML_Parse(p->xp, d, part, XML_FALSE) == XML_STATUS_ERROR)
                return xml_error(p);
            d += part;
            n -= (size_t)part;
        }
    }
}

static ev_status finish(en_parser *p)
{
    if (XML_Parse(p->xp, NULL, 0, 1) == XML_STATUS_ERROR)
        return xml_error(p);
    return p->st;
}

ev_status ev__parse_endnote_xml(ev__reader *r, const ev_parse_options *opts,
                                const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err)
{
    ev__reader_set_encoding(r, EV__ENC_RAW);
    en_parser p = {
        .r = r, .opts = opts, .sink = sink, .stats = stats, .err = err, .name = ev__reader_name(r)};
    ev_buf_init(&p.text, 0);
    ev_buf_init(&p.secondary_title, 0);
    ev_buf_init(&p.window, 0);
    p.rec = ev_record_new();
    p.xp = ev__xml_parser_new(&p, on_entity_decl, on_skipped_entity);
    ev_status s = EV_OK;
    if (p.rec == NULL || p.xp == NULL) {
        s = ev_error_set(err, EV_ENOMEM, p.name, 0, 0, "out of memory");
        goto done;
    }
    XML_SetElementHandler(p.xp, on_start, on_end);
    XML_SetCharacterDataHandler(p.xp, on_text);
    s = run(&p);
    if (s == EV_OK)
        s = finish(&p);
done:
    if (p.xp)
        XML_ParserFree(p.xp);
    ev_buf_release(&p.text);
    ev_buf_release(&p.secondary_title);
    ev_buf_release(&p.window);
    ev_record_free(p.rec);
    return s;
}
