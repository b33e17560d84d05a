/*
 * export.c - the writers: RIS, MEDLINE text (.nbib), CSV, BibTeX and JSON.
 * A record read from the target format that still holds its raw text is
 * written verbatim (lossless round trip); otherwise the text is generated
 * from the normalised fields, in the shape the readers of this module (and
 * reference managers) expect back.
 */
#include "formats_int.h"

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Every writer appends through these; the first failure is remembered so
 * a writer can run straight through and check once at the end. */
typedef struct writer {
    ev_buf *out;
    ev_status st;
} writer;

static void w_append(writer *w, const char *s, size_t n)
{
    if (w->st == EV_OK)
        w->st = ev_buf_append(w->out, s, n);
}

static void w_puts(writer *w, const char *s)
{
    w_append(w, s, strlen(s));
}

static void w_printf(writer *w, const char *fmt, ...) EV_PRINTF(2, 3);
static void w_printf(writer *w, const char *fmt, ...)
{
    if (w->st != EV_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->st = ev_buf_vprintf(w->out, fmt, ap);
    va_end(ap);
}

/* ---- RIS ------------------------------------------------------------------------- */

/* One "XX  - value" line per line of the value (RIS has no safe way to
 * continue a value across lines). */
/* One tag line; line breaks inside the value become spaces (a second line
 * could read as a tag of its own: "PS 467" after a break in a title). */
static void ris_tag(writer *w, const char *tag, const char *v)
{
    if (v == NULL)
        return;
    v += strspn(v, "\r\n");
    if (*v == '\0')
        return;
    w_printf(w, "%s  - ", tag);
    while (*v) {
        size_t n = strcspn(v, "\r\n");
        w_append(w, v, n);
        v += n;
        v += strspn(v, "\r\n");
        if (*v)
            w_puts(w, " ");
    }
    w_puts(w, "\r\n");
}

/* Names go through the tag writers so a line break inside a name part can
 * never start a line of its own (it would read as another tag). */
static void ris_author(writer *w, const char *tag, const ev_author *a)
{
    ev_buf name;
    ev_buf_init(&name, 0);
    writer t = {&name, EV_OK};
    if (a->collective) /* trailing comma: corporate author (EndNote) */
        w_printf(&t, "%s,", a->collective);
    else if (a->family) {
        w_puts(&t, a->family);
        if (a->given || a->initials)
            w_printf(&t, ", %s", a->given ? a->given : a->initials);
        if (a->suffix)
            w_printf(&t, ", %s", a->suffix);
    }
    if (t.st == EV_OK)
        ris_tag(w, tag, name.ptr);
    else if (w->st == EV_OK)
        w->st = t.st;
    ev_buf_release(&name);
}

/* "*Heading/qualifier/ *qualifier" (without the space) as MEDLINE writes MH. */
static void mesh_text(writer *w, const ev_mesh_heading *h)
{
    w_printf(w, "%s%s", h->major ? "*" : "", h->name ? h->name : "");
    for (size_t q = 0; q < h->n_qualifiers; q++)
        w_printf(w, "/%s%s", h->qualifiers[q].major ? "*" : "",
                 h->qualifiers[q].name ? h->qualifiers[q].name : "");
}

/* Sections flattened "LABEL: text LABEL: text", as PubMed prints AB. */
static void abstract_text(writer *w, const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_abstract; i++) {
        const ev_abstract_section *s = &rec->abstract[i];
        if (i)
            w_puts(w, " ");
        if (s->label)
            w_printf(w, "%s: ", s->label);
        w_puts(w, s->text ? s->text : "");
    }
}

static bool is_book_part(const ev_record *rec)
{
    return rec->book_title != NULL && rec->journal == NULL;
}

static const char *ris_type(const ev_record *rec)
{
    if (rec->format == EV_FORMAT_RIS && rec->type)
        return rec->type;
    return is_book_part(rec) ? "CHAP" : "JOUR";
}

/* MEDLINE abbreviates the end page ("113-25" is 113 to 125; NLM's
 * <StartPage>/<EndPage> spell it out): RIS EP wants the whole number, so the
 * end page's digits replace the tail of the start page's when they are
 * fewer ("S12-5" keeps the prefix: S15). Anything else is written as is. */
static void ris_end_page(writer *w, const char *start, size_t n, const char *end)
{
    size_t digits = 0, m = strlen(end);
    while (digits < n && isdigit((unsigned char)start[n - 1 - digits]))
        digits++;
    bool all_digits = m > 0;
    for (size_t i = 0; i < m; i++)
        all_digits = all_digits && isdigit((unsigned char)end[i]);
    if (!all_digits || digits == 0 || m >= digits) {
        ris_tag(w, "EP", end);
        return;
    }
    w_puts(w, "EP  - ");
    w_append(w, start, n - m);
    w_puts(w, end);
    w_puts(w, "\r\n");
}

static void ris_pages(writer *w, const char *pages)
{
    if (pages == NULL)
        return;
    const char *dash = strchr(pages, '-');
    if (dash == NULL || dash == pages || dash[1] == '\0') {
        ris_tag(w, "SP", pages);
        return;
    }
    w_puts(w, "SP  - ");
    w_append(w, pages, (size_t)(dash - pages));
    w_puts(w, "\r\n");
    ris_end_page(w, pages, (size_t)(dash - pages), dash + 1);
}

static void ris_dates(writer *w, const ev_date *d)
{
    if (d->year == 0) {
        ris_tag(w, "PY", d->raw);
        return;
    }
    w_printf(w, "PY  - %d\r\n", d->year);
    if (d->month && d->day)
        w_printf(w, "DA  - %04d/%02d/%02d/\r\n", d->year, d->month, d->day);
    else if (d->month)
        w_printf(w, "DA  - %04d/%02d//\r\n", d->year, d->month);
}

static void ris_ids(writer *w, const ev_record *rec)
{
    ris_tag(w, "DO", rec->doi);
    if (rec->pmid)
        w_printf(w, "U1  - %s [PMID]\r\n", rec->pmid);
    if (rec->pmcid)
        w_printf(w, "U1  - %s [PMCID]\r\n", rec->pmcid);
    if (rec->source_record_id && !(rec->pmid && strcmp(rec->source_record_id, rec->pmid) == 0))
        ris_tag(w, "AN", rec->source_record_id);
    if (rec->issn_print)
        w_printf(w, "SN  - %s (Print)\r\n", rec->issn_print);
    if (rec->issn_electronic)
        w_printf(w, "SN  - %s (Electronic)\r\n", rec->issn_electronic);
    if (rec->issn_linking)
        w_printf(w, "SN  - %s (Linking)\r\n", rec->issn_linking);
}

static void ris_subjects(writer *w, const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_mesh; i++) {
        w_puts(w, "KW  - ");
        mesh_text(w, &rec->mesh[i]);
        w_puts(w, "\r\n");
    }
    for (size_t i = 0; i < rec->n_keywords; i++)
        ris_tag(w, "KW", rec->keywords[i].text);
}

static void write_ris(writer *w, const ev_record *rec)
{
    w_printf(w, "TY  - %s\r\n", ris_type(rec));
    ris_tag(w, "TI", rec->title);
    for (size_t i = 0; i < rec->n_authors; i++)
        ris_author(w, "AU", &rec->authors[i]);
    ris_tag(w, is_book_part(rec) ? "T2" : "BT", rec->book_title);
    ris_tag(w, "T2", rec->journal);
    ris_tag(w, "J2", rec->journal_abbrev ? rec->journal_abbrev : rec->medline_ta);
    ris_dates(w, &rec->pub_date);
    ris_tag(w, "VL", rec->volume);
    ris_tag(w, "IS", rec->issue);
    ris_pages(w, rec->pages);
    ris_tag(w, "C7", rec->article_number);
    if (rec->n_abstract) {
        w_puts(w, "AB  - ");
        size_t at = w->out->len;
        abstract_text(w, rec);
        for (size_t i = at; w->st == EV_OK && i < w->out->len; i++)
            if (w->out->ptr[i] == '\r' || w->out->ptr[i] == '\n')
                w->out->ptr[i] = ' ';
        w_puts(w, "\r\n");
    }
    ris_subjects(w, rec);
    ris_ids(w, rec);
    for (size_t i = 0; i < rec->n_languages; i++)
        ris_tag(w, "LA", rec->languages[i]);
    for (size_t i = 0; i < rec->n_publication_types; i++)
        ris_tag(w, "M3", rec->publication_types[i]);
    ris_tag(w, "PB", rec->publisher);
    ris_tag(w, "UR", rec->url);
    ris_tag(w, "N1", rec->notes);
    w_puts(w, "ER  - \r\n\r\n");
}

/* ---- MEDLINE ---------------------------------------------------------------------- */

/* "TAG - value", wrapped near 80 columns at single spaces with six-space
 * continuation lines (the reader joins them with one space, so wrapping at
 * single spaces is lossless). */
static void nbib_tag(writer *w, const char *tag, const char *v)
{
    if (v == NULL || *v == '\0')
        return;
    w_printf(w, "%-4s- ", tag);
    size_t col = 6;
    while (*v) {
        size_t n = strcspn(v, "\r\n");
        size_t cut = n;
        if (col + n > 82) { /* last single space before column 80 */
            cut = 0;
            for (size_t i = 1; i + 1 < n && col + i <= 80; i++)
                if (v[i] == ' ' && v[i - 1] != ' ' && v[i + 1] != ' ')
                    cut = i;
            if (cut == 0)
                cut = n;
        }
        w_append(w, v, cut);
        v += cut;
        if (*v == ' ')
            v++;
        else
            v += strspn(v, "\r\n ");
        if (*v) {
            w_puts(w, "\n      ");
            col = 6;
        }
    }
    w_puts(w, "\n");
}

/* A date as the source wrote it when it did ("20030606", "2002/09/17"),
 * else generated in the tag's usual shape. */
static void nbib_ymd(writer *w, const char *tag, const ev_date *d, bool time)
{
    if (d->raw || d->year == 0) {
        nbib_tag(w, tag, d->raw);
        return;
    }
    if (time)
        w_printf(w, "%-4s- %04d/%02d/%02d 00:00\n", tag, d->year, d->month ? d->month : 1,
                 d->day ? d->day : 1);
    else
        w_printf(w, "%-4s- %04d%02d%02d\n", tag, d->year, d->month, d->day);
}

/* DP as PubMed prints it ("2017 Nov 15", "2000 Spring"); a MEDLINE or
 * PubMed XML source's own text is kept (it may be a range). */
static void nbib_dp(writer *w, const ev_record *rec)
{
    const ev_date *d = &rec->pub_date;
    if (d->raw && (rec->format == EV_FORMAT_MEDLINE || rec->format == EV_FORMAT_MEDLINE_XML ||
                   d->year == 0)) {
        nbib_tag(w, "DP", d->raw);
        return;
    }
    if (d->year == 0)
        return;
    w_printf(w, "DP  - %d", d->year);
    if (d->month >= 1 && d->month <= 12)
        w_printf(w, " %s", month_abbr[d->month - 1]);
    else if (d->season)
        w_printf(w, " %c%s", toupper((unsigned char)d->season[0]), d->season + 1);
    if (d->month && d->day)
        w_printf(w, " %d", d->day);
    w_puts(w, "\n");
}

static void nbib_author(writer *w, const ev_author *a)
{
    if (a->collective) {
        nbib_tag(w, "CN", a->collective);
        return;
    }
    if (a->family == NULL)
        return;
    ev_buf name;
    ev_buf_init(&name, 0);
    writer t = {&name, EV_OK};
    if (a->given) {
        w_printf(&t, "%s, %s%s%s", a->family, a->given, a->suffix ? " " : "",
                 a->suffix ? a->suffix : "");
        nbib_tag(w, "FAU", ev_buf_cstr(&name));
        ev_buf_clear(&name);
    }
    w_printf(&t, "%s%s%s%s%s", a->family, a->initials ? " " : "", a->initials ? a->initials : "",
             a->suffix ? " " : "", a->suffix ? a->suffix : "");
    nbib_tag(w, "AU", ev_buf_cstr(&name));
    if (t.st != EV_OK && w->st == EV_OK)
        w->st = t.st;
    ev_buf_release(&name);
    if (a->orcid) {
        ev_buf_init(&name, 0);
        writer o = {&name, EV_OK};
        w_printf(&o, "ORCID: %s", a->orcid);
        nbib_tag(w, "AUID", ev_buf_cstr(&name));
        ev_buf_release(&name);
    }
    for (size_t i = 0; i < a->n_affiliations; i++)
        nbib_tag(w, "AD", a->affiliations[i]);
}

static void nbib_issns(writer *w, const ev_record *rec)
{
    if (rec->issn_electronic)
        w_printf(w, "IS  - %s (Electronic)\n", rec->issn_electronic);
    if (rec->issn_print)
        w_printf(w, "IS  - %s (Print)\n", rec->issn_print);
    if (rec->issn_linking)
        w_printf(w, "IS  - %s (Linking)\n", rec->issn_linking);
}

static void nbib_abstract(writer *w, const ev_record *rec)
{
    if (rec->n_abstract == 0)
        return;
    ev_buf tmp;
    ev_buf_init(&tmp, 0);
    writer t = {&tmp, EV_OK};
    abstract_text(&t, rec);
    if (t.st == EV_OK)
        nbib_tag(w, "AB", ev_buf_cstr(&tmp));
    else if (w->st == EV_OK)
        w->st = t.st;
    ev_buf_release(&tmp);
}

/* RefType -> MEDLINE tag (spec C2). */
static const char *link_tag(const char *ref_type)
{
    /* clang-format off */
    static const char *const map[][2] = {
        {"CommentIn", "CIN"},     {"CommentOn", "CON"},       {"ErratumIn", "EIN"},
        {"ErratumFor", "EFR"},    {"RetractionIn", "RIN"},    {"RetractionOf", "ROF"},
        {"UpdateIn", "UIN"},      {"UpdateOf", "UOF"},        {"RepublishedIn", "RPI"},
        {"RepublishedFrom", "RPF"}, {"ExpressionOfConcernIn", "ECI"},
        {"ExpressionOfConcernFor", "ECF"}};
    /* clang-format on */
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(ref_type, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static void nbib_links(writer *w, const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_links; i++) {
        const char *tag = link_tag(rec->links[i].key);
        const char *v = rec->links[i].value;
        if (tag == NULL || v == NULL)
            continue;
        if (strspn(v, "0123456789") == strlen(v))
            w_printf(w, "%-4s- PMID: %s\n", tag, v);
        else
            nbib_tag(w, tag, v);
    }
}

static void nbib_subjects(writer *w, const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_substances; i++)
        w_printf(w, "RN  - 0 (%s)\n", rec->substances[i]);
    for (size_t i = 0; i < rec->n_mesh; i++) {
        w_puts(w, "MH  - ");
        mesh_text(w, &rec->mesh[i]);
        w_puts(w, "\n");
    }
    const char *owner = NULL;
    for (size_t i = 0; i < rec->n_keywords; i++) {
        const ev_keyword *k = &rec->keywords[i];
        if (k->owner && (owner == NULL || strcmp(owner, k->owner) != 0))
            nbib_tag(w, "OTO", owner = k->owner);
        nbib_tag(w, "OT", k->text);
    }
}

/* Untyped location ids go back as LID/AID, typed ones as "id [type]", the
 * way the reader took them in; a link as an untyped LID. */
static void nbib_other_ids(writer *w, const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_other_ids; i++) {
        const ev_kv *id = &rec->other_ids[i];
        if (strcmp(id->key, "lid") == 0 || strcmp(id->key, "aid") == 0)
            nbib_tag(w, id->key[0] == 'l' ? "LID" : "AID", id->value);
        else if (strcmp(id->key, "url") != 0)
            w_printf(w, "AID - %s [%s]\n", id->value, id->key);
    }
    nbib_tag(w, "LID", rec->url);
}

/* Identifiers and dates at the head of a record. */
static void nbib_head(writer *w, const ev_record *rec)
{
    nbib_tag(w, "PMID", rec->pmid);
    nbib_tag(w, "OWN", rec->owner);
    nbib_tag(w, "STAT", rec->status);
    if (rec->date_completed.year)
        nbib_ymd(w, "DCOM", &rec->date_completed, false);
    if (rec->date_revised.year)
        nbib_ymd(w, "LR", &rec->date_revised, false);
    nbib_issns(w, rec);
    nbib_tag(w, "VI", rec->volume);
    nbib_tag(w, "IP", rec->issue);
    nbib_dp(w, rec);
    nbib_tag(w, "TI", rec->title);
    nbib_tag(w, "BTI", rec->book_title);
    nbib_tag(w, "PG", rec->pages ? rec->pages : rec->article_number);
    if (rec->doi)
        w_printf(w, "LID - %s [doi]\n", rec->doi);
    else if (rec->pii)
        w_printf(w, "LID - %s [pii]\n", rec->pii);
    nbib_abstract(w, rec);
    nbib_tag(w, "CI", rec->copyright);
}

static void write_medline(writer *w, const ev_record *rec)
{
    nbib_head(w, rec);
    for (size_t i = 0; i < rec->n_authors; i++)
        nbib_author(w, &rec->authors[i]);
    for (size_t i = 0; i < rec->n_languages; i++)
        nbib_tag(w, "LA", rec->languages[i]);
    for (size_t i = 0; i < rec->n_grants; i++)
        nbib_tag(w, "GR", rec->grants[i]);
    for (size_t i = 0; i < rec->n_publication_types; i++)
        nbib_tag(w, "PT", rec->publication_types[i]);
    if (rec->epub_date.year)
        nbib_ymd(w, "DEP", &rec->epub_date, false);
    nbib_tag(w, "TT", rec->vernacular_title);
    nbib_tag(w, "PL", rec->country);
    nbib_tag(w, "TA", rec->medline_ta ? rec->medline_ta : rec->journal_abbrev);
    nbib_tag(w, "JT", rec->journal);
    nbib_tag(w, "JID", rec->nlm_id);
    nbib_subjects(w, rec);
    nbib_links(w, rec);
    nbib_tag(w, "PMC", rec->pmcid);
    if (rec->date_entrez.year)
        nbib_ymd(w, "EDAT", &rec->date_entrez, true);
    if (rec->date_mesh.year)
        nbib_ymd(w, "MHDA", &rec->date_mesh, true);
    if (rec->date_create.year) { /* the legacy DA is "YYYYMMDD", CRDT is not */
        const char *raw = rec->date_create.raw;
        bool legacy = raw && strlen(raw) == 8 && strspn(raw, "0123456789") == 8;
        nbib_ymd(w, legacy ? "DA" : "CRDT", &rec->date_create, true);
    }
    if (rec->doi)
        w_printf(w, "AID - %s [doi]\n", rec->doi);
    if (rec->pii)
        w_printf(w, "AID - %s [pii]\n", rec->pii);
    nbib_other_ids(w, rec);
    nbib_tag(w, "PST", rec->publication_status);
    w_puts(w, "\n");
}

/* ---- CSV (RFC 4180) ------------------------------------------------------------------ */

static const char *const csv_columns[] = {
    "record_id", "source_format",  "pmid",     "pmcid",
    "doi",       "title",          "authors",  "year",
    "journal",   "journal_abbrev", "volume",   "issue",
    "pages",     "article_number", "issn",     "publication_types",
    "languages", "abstract",       "keywords", "mesh",
    "url"};

/* Quote when the field holds a comma, quote or line break; double quotes. */
static void csv_field(writer *w, const char *v, bool first)
{
    if (!first)
        w_puts(w, ",");
    if (v == NULL)
        return;
    if (strpbrk(v, ",\"\r\n") == NULL) {
        w_puts(w, v);
        return;
    }
    w_puts(w, "\"");
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            w_puts(w, "\"");
        w_append(w, p, 1);
    }
    w_puts(w, "\"");
}

ev_status ev_export_csv_header(ev_buf *out)
{
    writer w = {out, EV_OK};
    for (size_t i = 0; i < sizeof csv_columns / sizeof csv_columns[0]; i++)
        csv_field(&w, csv_columns[i], i == 0);
    w_puts(&w, "\r\n");
    return w.st;
}

/* Lists joined with "; " into a scratch buffer, then written as one field. */
static void csv_list(writer *w, ev_buf *tmp, const ev_record *rec, int which)
{
    ev_buf_clear(tmp);
    writer t = {tmp, EV_OK};
    size_t n = which == 0   ? rec->n_authors
               : which == 1 ? rec->n_keywords
               : which == 2 ? rec->n_mesh
               : which == 3 ? rec->n_publication_types
                            : rec->n_languages;
    for (size_t i = 0; i < n; i++) {
        if (i)
            w_puts(&t, "; ");
        if (which == 0) {
            const ev_author *a = &rec->authors[i];
            if (a->collective)
                w_puts(&t, a->collective);
            else
                w_printf(&t, "%s%s%s", a->family ? a->family : "", a->initials ? " " : "",
                         a->initials ? a->initials : "");
        } else if (which == 1) {
            w_puts(&t, rec->keywords[i].text ? rec->keywords[i].text : "");
        } else if (which == 2) {
            mesh_text(&t, &rec->mesh[i]);
        } else {
            w_puts(&t, which == 3 ? rec->publication_types[i] : rec->languages[i]);
        }
    }
    if (t.st != EV_OK && w->st == EV_OK)
        w->st = t.st;
    csv_field(w, tmp->len ? ev_buf_cstr(tmp) : NULL, false);
}

static void write_csv(writer *w, const ev_record *rec)
{
    ev_buf tmp;
    ev_buf_init(&tmp, 0);
    char year[16] = "";
    if (rec->pub_date.year)
        snprintf(year, sizeof year, "%d", rec->pub_date.year);
    csv_field(w, rec->source_record_id, true);
    csv_field(w, ev_format_name(rec->format), false);
    csv_field(w, rec->pmid, false);
    csv_field(w, rec->pmcid, false);
    csv_field(w, rec->doi, false);
    csv_field(w, rec->title, false);
    csv_list(w, &tmp, rec, 0);
    csv_field(w, year[0] ? year : NULL, false);
    csv_field(w, rec->journal, false);
    csv_field(w, rec->journal_abbrev ? rec->journal_abbrev : rec->medline_ta, false);
    csv_field(w, rec->volume, false);
    csv_field(w, rec->issue, false);
    csv_field(w, rec->pages, false);
    csv_field(w, rec->article_number, false);
    csv_field(w, rec->issn_print ? rec->issn_print : rec->issn_electronic, false);
    csv_list(w, &tmp, rec, 3);
    csv_list(w, &tmp, rec, 4);
    ev_buf_clear(&tmp);
    writer t = {&tmp, EV_OK};
    abstract_text(&t, rec);
    csv_field(w, tmp.len ? ev_buf_cstr(&tmp) : NULL, false);
    csv_list(w, &tmp, rec, 1);
    csv_list(w, &tmp, rec, 2);
    csv_field(w, rec->url, false);
    w_puts(w, "\r\n");
    if (t.st != EV_OK && w->st == EV_OK)
        w->st = t.st;
    ev_buf_release(&tmp);
}

/* ---- BibTeX ----------------------------------------------------------------------------- */

/* A braced value: TeX specials escaped, braces the source may have left
 * unbalanced turned into parentheses so the entry always closes. */
static void bib_value(writer *w, const char *field, const char *v)
{
    if (v == NULL || *v == '\0')
        return;
    w_printf(w, ",\n  %s = {", field);
    for (const char *p = v; *p; p++) {
        if (strchr("&%$#_", *p))
            w_printf(w, "\\%c", *p);
        else if (*p == '{' || *p == '}')
            w_puts(w, *p == '{' ? "(" : ")");
        else if (*p == '\r' || *p == '\n')
            w_puts(w, " ");
        else if (*p == '~' || *p == '\\' || *p == '^')
            w_puts(w, *p == '~' ? "{\\textasciitilde}"
                              : *p == '^' ? "{\\textasciicircum}" : "{\\textbackslash}");
        else
            w_append(w, p, 1);
        /* "--", "``" and "''" are TeX ligatures (dashes, quotes): keep them
         * two characters by breaking the pair with an empty group. */
        if ((*p == '-' || *p == '`' || *p == '\'') && p[1] == *p)
            w_puts(w, "{}");
    }
    w_puts(w, "}");
}

static const char *bib_type(const ev_record *rec)
{
    if (rec->journal)
        return "article";
    if (rec->book_title)
        return "incollection";
    return "misc";
}

/* Key: first author's family name (ASCII letters) + year, else the PMID. */
static void bib_key(writer *w, const ev_record *rec)
{
    const char *fam = rec->n_authors ? rec->authors[0].family : NULL;
    size_t k = 0;
    for (const char *p = fam; p && *p && k < 24; p++)
        if (isalpha((unsigned char)*p)) {
            w_append(w, p, 1);
            k++;
        }
    if (rec->pub_date.year)
        w_printf(w, "%d", rec->pub_date.year);
    size_t digits = 0; /* only the PMID's digits: a key holds no spaces or '=' */
    for (const char *p = rec->pmid; p && *p && digits < 12; p++)
        if (isdigit((unsigned char)*p)) {
            if (digits++ == 0)
                w_printf(w, "%spmid", k || rec->pub_date.year ? "_" : "");
            w_append(w, p, 1);
        }
    if (digits == 0 && k == 0 && rec->pub_date.year == 0)
        w_puts(w, "record");
}

static void bib_authors(writer *w, ev_buf *tmp, const ev_record *rec)
{
    ev_buf_clear(tmp);
    writer t = {tmp, EV_OK};
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        if (i)
            w_puts(&t, " and ");
        if (a->collective)
            w_printf(&t, "%s", a->collective);
        else
            w_printf(&t, "%s, %s", a->family ? a->family : "",
                     a->given      ? a->given
                     : a->initials ? a->initials
                                   : "");
    }
    if (t.st == EV_OK)
        bib_value(w, "author", tmp->len ? ev_buf_cstr(tmp) : NULL);
    else if (w->st == EV_OK)
        w->st = t.st;
}

static void write_bibtex(writer *w, const ev_record *rec)
{
    ev_buf tmp;
    ev_buf_init(&tmp, 0);
    char num[16] = "";
    w_printf(w, "@%s{", bib_type(rec));
    bib_key(w, rec);
    bib_authors(w, &tmp, rec);
    bib_value(w, "title", rec->title);
    bib_value(w, rec->journal ? "journal" : "booktitle",
              rec->journal ? rec->journal : rec->book_title);
    if (rec->pub_date.year)
        snprintf(num, sizeof num, "%d", rec->pub_date.year);
    bib_value(w, "year", num);
    if (rec->pub_date.month >= 1 && rec->pub_date.month <= 12)
        w_printf(w, ",\n  month = %c%c%c", tolower(month_abbr[rec->pub_date.month - 1][0]),
                 month_abbr[rec->pub_date.month - 1][1], month_abbr[rec->pub_date.month - 1][2]);
    bib_value(w, "volume", rec->volume);
    bib_value(w, "number", rec->issue);
    if (rec->pages) { /* BibTeX ranges use an en dash "--" */
        ev_buf_clear(&tmp);
        writer t = {&tmp, EV_OK};
        for (const char *p = rec->pages; *p; p++)
            w_puts(&t, *p == '-' ? "--" : (char[2]){*p, 0});
        bib_value(w, "pages", t.st == EV_OK ? ev_buf_cstr(&tmp) : rec->pages);
    }
    bib_value(w, "doi", rec->doi);
    bib_value(w, "pmid", rec->pmid);
    bib_value(w, "issn", rec->issn_print ? rec->issn_print : rec->issn_electronic);
    ev_buf_clear(&tmp);
    writer t = {&tmp, EV_OK};
    abstract_text(&t, rec);
    bib_value(w, "abstract", tmp.len ? ev_buf_cstr(&tmp) : NULL);
    ev_buf_clear(&tmp);
    for (size_t i = 0; i < rec->n_keywords; i++)
        w_printf(&t, "%s%s", i ? ", " : "", rec->keywords[i].text);
    bib_value(w, "keywords", tmp.len ? ev_buf_cstr(&tmp) : NULL);
    bib_value(w, "language", rec->n_languages ? rec->languages[0] : NULL);
    bib_value(w, "publisher", rec->publisher);
    bib_value(w, "url", rec->url);
    w_puts(w, "\n}\n\n");
    if (t.st != EV_OK && w->st == EV_OK)
        w->st = t.st;
    ev_buf_release(&tmp);
}

/* ---- entry point ------------------------------------------------------------------------ */

static bool raw_applies(const ev_record *rec, ev_format format)
{
    return rec->raw && rec->raw_len && rec->format == format &&
           (format == EV_FORMAT_RIS || format == EV_FORMAT_MEDLINE || format == EV_FORMAT_WOS ||
            format == EV_FORMAT_BIBTEX);
}

/* Raw text ends with its record's last line; add the separator the format
 * puts between records. */
static void write_raw(writer *w, const ev_record *rec, ev_format format)
{
    w_append(w, rec->raw, rec->raw_len);
    if (rec->raw[rec->raw_len - 1] != '\n')
        w_puts(w, "\n");
    if (format != EV_FORMAT_BIBTEX)
        w_puts(w, "\n");
}

ev_status ev_export_record(ev_buf *out, const ev_record *rec, ev_format format, ev_error *err)
{
    writer w = {out, EV_OK};
    size_t start = out->len;
    if (raw_applies(rec, format)) {
        write_raw(&w, rec, format);
    } else {
        switch (format) {
        case EV_FORMAT_RIS:
            write_ris(&w, rec);
            break;
        case EV_FORMAT_MEDLINE:
            write_medline(&w, rec);
            break;
        case EV_FORMAT_CSV:
            write_csv(&w, rec);
            break;
        case EV_FORMAT_BIBTEX:
            write_bibtex(&w, rec);
            break;
        case EV_FORMAT_JSON:
            w.st = ev_record_to_json(out, rec);
            if (w.st == EV_OK)
                w.st = ev_buf_putc(out, '\n');
            break;
        default:
            return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "no writer for format '%s'",
                                ev_format_name(format));
        }
    }
    if (w.st == EV_OK)
        return EV_OK;
    out->len = start; /* nothing half-written */
    if (out->ptr)
        out->ptr[start] = '\0';
    return ev_error_set(err, w.st, NULL, 0, 0, "cannot write %s record: %s", ev_format_name(format),
                        ev_status_name(w.st));
}
