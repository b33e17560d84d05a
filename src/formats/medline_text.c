/*
 * medline_text.c - the MEDLINE text reader (PubMed's .nbib / "PubMed format",
 * E-utilities rettype=medline, and ERIC records in the same syntax): spec
 * Part C. Records are separated by blank lines; every tag of C2 is mapped to
 * the normalised record, unknown tags go to rec->extra.
 */
#include "tagged_int.h"

/* Per-record state: author pairing and keyword ownership. */
typedef struct medline_state {
    bool fau_open;          /* the last author came from FAU and awaits its AU */
    const char *pending_ad; /* AD seen before any author (pre-2014 records) */
    const char *oto;        /* owner for the following OT lines */
} medline_state;

#define T4(a, b, c, d)                                                                             \
    (((uint32_t)(unsigned char)(a) << 24) | ((uint32_t)(unsigned char)(b) << 16) |                 \
     ((uint32_t)(unsigned char)(c) << 8) | (uint32_t)(unsigned char)(d))

/* Tags as one integer for a switch: up to four characters, 0 beyond. */
static uint32_t tag_key(const char *tag)
{
    char c[4] = {0, 0, 0, 0};
    size_t n = strlen(tag);
    if (n > 4)
        return 0;
    memcpy(c, tag, n);
    return T4(c[0], c[1], c[2], c[3]);
}

/* ---- abstracts ------------------------------------------------------------------ */

static bool label_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == ',' || c == '&' ||
           c == '/' || c == '(' || c == ')' || c == '-';
}

/* Length of a structured-abstract label ("MATERIALS AND METHODS") at s[i]
 * followed by ": ", or 0. Labels start the abstract or a sentence; inside
 * the text they need four letters, so "DNA: ..." or "HIV: ..." stay text. */
static size_t label_at(const char *s, size_t n, size_t i)
{
    if (!(s[i] >= 'A' && s[i] <= 'Z'))
        return 0;
    if (i > 0 && !(i >= 2 && s[i - 1] == ' ' && s[i - 2] && strchr(".?!)]", s[i - 2])))
        return 0;
    size_t j = i, letters = 0;
    while (j < n && j - i < 80 && label_char(s[j]))
        letters += isupper((unsigned char)s[j++]) ? 1 : 0;
    if (j >= n || s[j] != ':' || (j + 1 < n && s[j + 1] != ' '))
        return 0;
    char last = s[j - 1];
    if (!((last >= 'A' && last <= 'Z') || last == ')'))
        return 0;
    if (letters < (i == 0 ? 2u : 4u))
        return 0;
    return j - i;
}

static ev_status add_section(ev_record *rec, const char *label, size_t ln, const char *text,
                             size_t tn)
{
    ev_abstract_section *sec;
    if (ev_record_add_section(rec, &sec) != EV_OK ||
        ev_record_set(rec, &sec->label, label, ln) != EV_OK ||
        ev_record_set(rec, &sec->text, text, tn) != EV_OK)
        return EV_ENOMEM;
    return EV_OK;
}

/* "BACKGROUND: ... METHODS: ..." -> labelled sections (spec C2, AB). */
static ev_status parse_abstract(ev_record *rec, const char *s, size_t n)
{
    const char *label = NULL;
    size_t label_len = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = label_at(s, n, i);
        if (k == 0)
            continue;
        if (i > start || label)
            if (add_section(rec, label, label_len, s + start, i - start) != EV_OK)
                return EV_ENOMEM;
        label = s + i;
        label_len = k;
        i += k + 1;
        start = i < n ? i + 1 : n;
    }
    if (n > start || label)
        return add_section(rec, label, label_len, s + start, n - start);
    return EV_OK;
}

/* ---- authors ------------------------------------------------------------------- */

static ev_status new_author(ev__tagged *t, medline_state *st, ev_author **out)
{
    ev_record *rec = t->rec;
    if (ev_record_add_author(rec, out) != EV_OK)
        return EV_ENOMEM;
    if (st->pending_ad && rec->n_authors == 1) {
        if (ev__tagged_affiliation(rec, 0, st->pending_ad, strlen(st->pending_ad)) != EV_OK)
            return EV_ENOMEM;
        st->pending_ad = NULL;
        *out = &rec->authors[0];
    }
    return EV_OK;
}

/* AU "Long V": completes the author FAU opened (its initials), or adds one. */
static ev_status short_author(ev__tagged *t, medline_state *st, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    if (st->fau_open) {
        st->fau_open = false;
        ev_author tmp = {0};
        if (ev_record_author_from_name(rec, &tmp, v, n) != EV_OK)
            return EV_ENOMEM;
        if (tmp.initials)
            rec->authors[rec->n_authors - 1].initials = tmp.initials;
        return EV_OK;
    }
    ev_author *a;
    if (new_author(t, st, &a) != EV_OK)
        return EV_ENOMEM;
    return ev_record_author_from_name(rec, a, v, n);
}

static ev_status author_field(ev__tagged *t, medline_state *st, uint32_t key, const char *v,
                              size_t n)
{
    ev_record *rec = t->rec;
    ev_author *a;
    switch (key) {
    case T4('F', 'A', 'U', 0):
        if (new_author(t, st, &a) != EV_OK)
            return EV_ENOMEM;
        st->fau_open = true;
        return ev_record_author_from_name(rec, a, v, n);
    case T4('A', 'U', 0, 0):
        return short_author(t, st, v, n);
    case T4('C', 'N', 0, 0):
        st->fau_open = false;
        if (new_author(t, st, &a) != EV_OK)
            return EV_ENOMEM;
        return ev_record_set(rec, &a->collective, v, n);
    case T4('A', 'D', 0, 0):
        if (rec->n_authors == 0) {
            if (st->pending_ad == NULL)
                return ev_record_set(rec, &st->pending_ad, v, n);
            return ev__tagged_extra(t, "AD", v, n);
        }
        return ev__tagged_affiliation(rec, rec->n_authors - 1, v, n);
    default: /* AUID "ORCID: 0000-0002-..." */
        if (rec->n_authors == 0 || n < 6 || ev_strncasecmp(v, "ORCID", 5) != 0)
            return ev__tagged_extra(t, "AUID", v, n);
        const char *p = v + 5;
        while (p < v + n && (*p == ':' || *p == ' '))
            p++;
        return ev_record_set(rec, &rec->authors[rec->n_authors - 1].orcid, p, (size_t)(v + n - p));
    }
}

/* ---- identifiers, links ------------------------------------------------------------ */

/* Set *field from an id unless it is already set; a different second value
 * goes to other_ids under `key`. */
static ev_status set_id(ev_record *rec, const char **field, const char *key, const char *v,
                        size_t n)
{
    if (*field == NULL)
        return ev_record_set(rec, field, v, n);
    if (strlen(*field) == n && memcmp(*field, v, n) == 0)
        return EV_OK;
    return ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, key, v, n);
}

static bool has_doi_prefix(const char *v, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (v[i] == '1' && v[i + 1] == '0' && v[i + 2] == '.')
            return true;
    return false;
}

static bool is_type(const char *type, size_t tn, const char *want)
{
    return tn == strlen(want) && memcmp(type, want, tn) == 0;
}

/* "10.1016/x [doi]", "S0733-... [pii]", "PMC123 [pmc]", or an untyped id
 * (ERIC: a doi.org URL, or a link). */
static ev_status article_id(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    const char *type = "";
    size_t tn = 0;
    const char *open = n > 2 && v[n - 1] == ']' ? memchr(v, '[', n) : NULL;
    if (open) {
        type = open + 1;
        tn = (size_t)(v + n - 1 - type);
        n = (size_t)(open - v);
    }
    while (n && v[n - 1] == ' ')
        n--;
    if (n == 0)
        return EV_OK;
    if (is_type(type, tn, "doi") || (tn == 0 && has_doi_prefix(v, n))) {
        const char *doi = ev_record_doi(rec, v, n);
        if (doi != NULL)
            return set_id(rec, &rec->doi, "doi", doi, strlen(doi));
    }
    if (is_type(type, tn, "pii"))
        return set_id(rec, &rec->pii, "pii", v, n);
    if (is_type(type, tn, "pmc"))
        return set_id(rec, &rec->pmcid, "pmc", v, n);
    if (is_type(type, tn, "pubmed"))
        return set_id(rec, &rec->pmid, "pubmed", v, n);
    if (tn == 0 && n > 7 && strncmp(v, "http", 4) == 0)
        return set_id(rec, &rec->url, "url", v, n);
    char key[32];
    if (tn)
        snprintf(key, sizeof key, "%.*s", (int)(tn < 31 ? tn : 31), type);
    else
        snprintf(key, sizeof key, "%s", strcmp(tag, "LID") == 0 ? "lid" : "aid");
    return ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, key, v, n);
}

/* Comments and corrections (spec C2): tag -> XML RefType. */
/* clang-format off */
static const struct {
    const char *tag, *ref_type;
} link_types[] = {
    {"CIN", "CommentIn"},       {"CON", "CommentOn"},
    {"EIN", "ErratumIn"},       {"EFR", "ErratumFor"},
    {"RIN", "RetractionIn"},    {"ROF", "RetractionOf"},
    {"UIN", "UpdateIn"},        {"UOF", "UpdateOf"},
    {"CRI", "RepublishedIn"},   {"CRF", "RepublishedFrom"},
    {"RPI", "RepublishedIn"},   {"RPF", "RepublishedFrom"},
    {"ECI", "ExpressionOfConcernIn"}, {"ECF", "ExpressionOfConcernFor"},
    {"SPIN", "SummaryForPatientsIn"}, {"ORI", "OriginalReportIn"},
    {"RRI", "ReprintIn"},       {"RRF", "ReprintOf"},
};
/* clang-format on */

/* Link value: the PMID when the reference names one ("... PMID: 123"),
 * else the reference text. Returns false if `tag` is not a link tag. */
static bool link_field(ev__tagged *t, const char *tag, const char *v, size_t n, ev_status *s)
{
    ev_record *rec = t->rec;
    for (size_t i = 0; i < sizeof link_types / sizeof link_types[0]; i++) {
        if (strcmp(tag, link_types[i].tag) != 0)
            continue;
        const char *val = v;
        size_t vn = n;
        for (size_t j = 0; j + 5 < n; j++)
            if (memcmp(v + j, "PMID:", 5) == 0) {
                val = v + j + 5;
                vn = n - j - 5;
                break;
            }
        *s = ev_record_push_kv(rec, &rec->links, &rec->n_links, link_types[i].ref_type, val, vn);
        if (strcmp(tag, "RIN") == 0)
            rec->retracted = true;
        else if (strcmp(tag, "ROF") == 0)
            rec->is_retraction_notice = true;
        else if (strcmp(tag, "EIN") == 0)
            rec->has_erratum = true;
        return true;
    }
    return false;
}

/* ---- the field table ------------------------------------------------------------- */

/* "2002/09/17 10:00": the date is parsed from the part before the time;
 * the raw text keeps the time, as the XML reader's does. */
static bool dated(ev_record *rec, ev_date *d, const char *v, size_t n)
{
    const char *sp = memchr(v, ' ', n);
    bool ok = ev_record_parse_date(rec, d, v, sp ? (size_t)(sp - v) : n);
    if (sp && ev_record_set(rec, &d->raw, v, n) != EV_OK)
        d->raw = NULL; /* out of memory: the parsed parts still stand */
    return ok;
}

/* IS "1467-5463 (Print)". */
static ev_status issn_field(ev__tagged *t, const char *v, size_t n)
{
    size_t found;
    if (ev__tagged_issns(t->rec, v, n, &found) != EV_OK)
        return EV_ENOMEM;
    return found ? EV_OK : ev__tagged_extra(t, "IS", v, n);
}

/* RN "0 (Antineoplastic Agents)" / "3K9958V90M (Ethanol)": the name. */
static ev_status substance(ev_record *rec, const char *v, size_t n)
{
    const char *open = memchr(v, '(', n);
    if (open && v[n - 1] == ')')
        return ev_record_push_str(rec, &rec->substances, &rec->n_substances, open + 1,
                                  (size_t)(v + n - 1 - open - 1));
    return ev_record_push_str(rec, &rec->substances, &rec->n_substances, v, n);
}

static ev_status publication_type(ev_record *rec, const char *v, size_t n)
{
    if (n == 20 && memcmp(v, "Retracted Publication", 20) == 0)
        rec->retracted = true;
    if (n == 25 && memcmp(v, "Retraction of Publication", 25) == 0)
        rec->is_retraction_notice = true;
    return ev_record_push_str(rec, &rec->publication_types, &rec->n_publication_types, v, n);
}

/* clang-format off */
/* Identifier, status and date tags. Returns false if `key` is not one. */
static bool admin_field(ev_record *rec, uint32_t key, const char *v, size_t n, ev_status *s)
{
    switch (key) {
    case T4('P', 'M', 'I', 'D'):
        *s = ev_record_set(rec, &rec->pmid, v, n);
        rec->source_record_id = rec->pmid;
        return true;
    case T4('O', 'W', 'N', 0): *s = ev_record_set(rec, &rec->owner, v, n); return true;
    case T4('S', 'T', 'A', 'T'): *s = ev_record_set(rec, &rec->status, v, n); return true;
    case T4('P', 'S', 'T', 0): *s = ev_record_set(rec, &rec->publication_status, v, n); return true;
    case T4('P', 'M', 'C', 0): *s = ev_record_set(rec, &rec->pmcid, v, n); return true;
    case T4('D', 'C', 'O', 'M'): dated(rec, &rec->date_completed, v, n); return true;
    case T4('L', 'R', 0, 0): dated(rec, &rec->date_revised, v, n); return true;
    case T4('E', 'D', 'A', 'T'): dated(rec, &rec->date_entrez, v, n); return true;
    case T4('M', 'H', 'D', 'A'): dated(rec, &rec->date_mesh, v, n); return true;
    case T4('C', 'R', 'D', 'T'): dated(rec, &rec->date_create, v, n); return true;
    case T4('D', 'A', 0, 0): /* legacy create date; CRDT wins when both */
        if (rec->date_create.year == 0)
            dated(rec, &rec->date_create, v, n);
        return true;
    case T4('D', 'P', 0, 0): ev_record_parse_date(rec, &rec->pub_date, v, n); return true;
    case T4('D', 'E', 'P', 0): ev_record_parse_date(rec, &rec->epub_date, v, n); return true;
    default: return false;
    }
}
/* clang-format on */

/* clang-format off */
/* Title, journal and bibliographic tags. */
static bool biblio_field(ev_record *rec, uint32_t key, const char *v, size_t n, ev_status *s)
{
    switch (key) {
    case T4('T', 'I', 0, 0): *s = ev__tagged_join(rec, &rec->title, v, n, " "); return true;
    case T4('B', 'T', 'I', 0): *s = ev_record_set(rec, &rec->book_title, v, n); return true;
    case T4('V', 'T', 'I', 0): *s = ev_record_set(rec, &rec->vernacular_title, v, n); return true;
    case T4('T', 'T', 0, 0): /* transliterated title: vernacular if none (VTI) */
        if (rec->vernacular_title != NULL)
            return false;
        *s = ev_record_set(rec, &rec->vernacular_title, v, n);
        return true;
    case T4('V', 'I', 0, 0): *s = ev_record_set(rec, &rec->volume, v, n); return true;
    case T4('I', 'P', 0, 0): *s = ev_record_set(rec, &rec->issue, v, n); return true;
    case T4('P', 'G', 0, 0): *s = ev_record_set(rec, &rec->pages, v, n); return true;
    case T4('C', 'I', 0, 0): *s = ev_record_set(rec, &rec->copyright, v, n); return true;
    case T4('J', 'T', 0, 0): *s = ev_record_set(rec, &rec->journal, v, n); return true;
    case T4('T', 'A', 0, 0): *s = ev_record_set(rec, &rec->medline_ta, v, n); return true;
    case T4('J', 'I', 'D', 0): *s = ev_record_set(rec, &rec->nlm_id, v, n); return true;
    case T4('P', 'L', 0, 0): *s = ev_record_set(rec, &rec->country, v, n); return true;
    case T4('P', 'B', 0, 0): *s = ev_record_set(rec, &rec->publisher, v, n); return true;
    case T4('L', 'A', 0, 0):
        *s = ev_record_push_str(rec, &rec->languages, &rec->n_languages, v, n);
        return true;
    case T4('G', 'R', 0, 0):
        *s = ev_record_push_str(rec, &rec->grants, &rec->n_grants, v, n);
        return true;
    case T4('P', 'T', 0, 0): *s = publication_type(rec, v, n); return true;
    case T4('R', 'N', 0, 0): *s = substance(rec, v, n); return true;
    case T4('N', 'M', 0, 0):
        *s = ev_record_push_str(rec, &rec->substances, &rec->n_substances, v, n);
        return true;
    case T4('M', 'H', 0, 0): *s = ev__tagged_mesh(rec, v, n); return true;
    case T4('A', 'B', 0, 0): *s = parse_abstract(rec, v, n); return true;
    default: return false;
    }
}
/* clang-format on */

static ev_status medline_field(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    medline_state *st = t->fmt;
    ev_record *rec = t->rec;
    uint32_t key = tag_key(tag);
    ev_status s = EV_OK;
    if (n == 0) /* empty tags ("TI  -", "FAU -") carry nothing (spec C1) */
        return EV_OK;
    if (key != T4('A', 'U', 0, 0) && key != T4('A', 'D', 0, 0) && key != T4('A', 'U', 'I', 'D'))
        st->fau_open = key == T4('F', 'A', 'U', 0) ? st->fau_open : false;
    if (admin_field(rec, key, v, n, &s) || biblio_field(rec, key, v, n, &s))
        return ev__tagged_check(t, s);
    switch (key) {
    case T4('F', 'A', 'U', 0):
    case T4('A', 'U', 0, 0):
    case T4('C', 'N', 0, 0):
    case T4('A', 'D', 0, 0):
    case T4('A', 'U', 'I', 'D'):
        return ev__tagged_check(t, author_field(t, st, key, v, n));
    case T4('I', 'S', 0, 0):
    case T4('I', 'S', 'S', 'N'): /* ERIC writes "ISSN" */
        return ev__tagged_check(t, issn_field(t, v, n));
    case T4('L', 'I', 'D', 0):
    case T4('A', 'I', 'D', 0):
        return ev__tagged_check(t, article_id(t, tag, v, n));
    case T4('O', 'T', 'O', 0):
        return ev__tagged_check(t, ev_record_set(rec, &st->oto, v, n));
    case T4('O', 'T', 0, 0):
        return ev__tagged_check(t, ev__tagged_keyword(rec, v, n, st->oto, false));
    case T4('C', 'I', 'N', 0):
    case T4('C', 'O', 'N', 0):
    case T4('E', 'I', 'N', 0):
    case T4('E', 'F', 'R', 0):
    case T4('R', 'I', 'N', 0):
    case T4('R', 'O', 'F', 0):
    case T4('U', 'I', 'N', 0):
    case T4('U', 'O', 'F', 0):
    case T4('C', 'R', 'I', 0):
    case T4('C', 'R', 'F', 0):
    case T4('R', 'P', 'I', 0):
    case T4('R', 'P', 'F', 0):
    case T4('E', 'C', 'I', 0):
    case T4('E', 'C', 'F', 0):
    case T4('S', 'P', 'I', 'N'):
    case T4('O', 'R', 'I', 0):
    case T4('R', 'R', 'I', 0):
    case T4('R', 'R', 'F', 0):
        if (link_field(t, tag, v, n, &s))
            return ev__tagged_check(t, s);
        return ev__tagged_extra(t, tag, v, n);
    default:
        return ev__tagged_extra(t, tag, v, n);
    }
}

/* ---- the reader --------------------------------------------------------------------- */

static ev_status start_record(ev__tagged *t, medline_state *st)
{
    ev_status s = EV_OK;
    if (t->in_record)
        s = ev__tagged_emit(t);
    memset(st, 0, sizeof *st);
    ev__tagged_begin(t);
    return s;
}

/* One line: blank lines end records; a PMID line in a record that already
 * has one starts the next record (files glued without a blank line). */
static ev_status medline_line(ev__tagged *t, medline_state *st)
{
    ev__tagline tl;
    ev__tag_medline(t->line, t->line_len, &tl);
    ev_status s = EV_OK;
    switch (tl.kind) {
    case EV__LINE_BLANK:
        return t->in_record ? ev__tagged_emit(t) : EV_OK;
    case EV__LINE_TAG:
        if (!t->in_record ||
            (strcmp(tl.tag, "PMID") == 0 && (t->rec->pmid != NULL || strcmp(t->tag, "PMID") == 0)))
            s = start_record(t, st);
        if (s == EV_OK)
            s = ev__tagged_raw_line(t);
        return s == EV_OK ? ev__tagged_start(t, tl.tag, tl.value, tl.value_len) : s;
    case EV__LINE_CONT:
        if (!t->in_record) {
            ev__tagged_warn(t, "text outside a record ignored");
            return EV_OK;
        }
        s = ev__tagged_raw_line(t);
        return s == EV_OK ? ev__tagged_append(t, tl.value, tl.value_len, " ") : s;
    default:
        ev__tagged_warn(t, "malformed line ignored: expected 'TAG - value'");
        if (t->in_record && (s = ev__tagged_flush(t)) == EV_OK)
            s = ev__tagged_raw_line(t);
        return s;
    }
}

ev_status ev__parse_medline(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                            ev_parse_stats *stats, ev_error *err)
{
    medline_state st = {0};
    ev__tagged t;
    ev__reader_set_encoding(r, EV__ENC_UTF8_OR_1252);
    ev_status s =
        ev__tagged_init(&t, r, opts, sink, stats, err, EV_FORMAT_MEDLINE, medline_field, &st);
    bool got = true;
    while (s == EV_OK && (s = ev__tagged_next(&t, &got)) == EV_OK && got)
        s = medline_line(&t, &st);
    if (s == EV_OK && t.in_record)
        s = ev__tagged_emit(&t);
    if (s == EV_OK && stats->records == 0)
        s = ev_error_set(err, EV_EINPUT, ev__reader_name(r), t.line_no ? 1 : 0, 0,
                         "no MEDLINE records found: expected lines such as 'PMID- 12345678'");
    ev__tagged_release(&t);
    return s;
}
