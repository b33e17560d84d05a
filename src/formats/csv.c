/*
 * csv.c - CSV / TSV reader (RFC 4180: quoted fields, "" escapes, embedded
 * line breaks, CRLF). The delimiter (comma, tab or semicolon) is detected
 * from the header row; header names are matched to record fields by the
 * names real exports use (PubMed, Scopus, Web of Science, Lens, OpenAlex,
 * Zotero, EndNote, ASySD / synthesisr / Rayyan-style files), ignoring case,
 * spaces and punctuation, or by an explicit mapping ("title=Article Title").
 * Columns with no home go to rec->extra under their header name. Rows are
 * streamed: one row in memory at a time. See
 * docs/internals/formats-bib-csv-endnote.md.
 */
#include "bib_int.h"

/* clang-format off */
typedef enum csv_field {
    C_EXTRA, C_TITLE, C_AUTHORS, C_YEAR, C_DATE, C_CREATE_DATE, C_JOURNAL, C_JABBREV,
    C_VOLUME, C_ISSUE, C_PAGES, C_PSTART, C_PEND, C_DOI, C_PMID, C_PMCID, C_ABSTRACT,
    C_KEYWORDS, C_MESH, C_ISSN, C_EISSN, C_ISSN_L, C_ISBN, C_LANGUAGE, C_TYPE, C_ID, C_URL,
    C_PUBLISHER, C_NOTES, C_ARTNUM, C_BOOKTITLE, C_N_FIELDS
} csv_field;
/* clang-format on */

/* evident's names for --csv-mapping, indexed by csv_field. */
/* clang-format off */
static const char *const field_names[C_N_FIELDS] = {
    [C_EXTRA] = "extra", [C_TITLE] = "title", [C_AUTHORS] = "authors", [C_YEAR] = "year",
    [C_DATE] = "date", [C_CREATE_DATE] = "create_date", [C_JOURNAL] = "journal",
    [C_JABBREV] = "journal_abbrev", [C_VOLUME] = "volume", [C_ISSUE] = "issue",
    [C_PAGES] = "pages", [C_PSTART] = "page_start", [C_PEND] = "page_end", [C_DOI] = "doi",
    [C_PMID] = "pmid", [C_PMCID] = "pmcid", [C_ABSTRACT] = "abstract",
    [C_KEYWORDS] = "keywords", [C_MESH] = "mesh", [C_ISSN] = "issn", [C_EISSN] = "eissn",
    [C_ISSN_L] = "issn_linking",
    [C_ISBN] = "isbn", [C_LANGUAGE] = "language", [C_TYPE] = "type", [C_ID] = "id",
    [C_URL] = "url", [C_PUBLISHER] = "publisher", [C_NOTES] = "notes",
    [C_ARTNUM] = "article_number", [C_BOOKTITLE] = "book_title"};
/* clang-format on */

/* Header names of real exports, normalised (lower case, letters and digits
 * only). "source", "label", "record_id" stay unmapped on purpose: in dedup
 * and screening sets they hold labels, not bibliographic data. */
/* clang-format off */
static const struct {
    const char *header;
    csv_field field;
} known_headers[] = {
    {"title", C_TITLE}, {"articletitle", C_TITLE}, {"documenttitle", C_TITLE},
    {"itemtitle", C_TITLE}, {"primarytitle", C_TITLE}, {"ti", C_TITLE}, {"t1", C_TITLE},
    {"displayname", C_TITLE},
    {"authors", C_AUTHORS}, {"author", C_AUTHORS}, {"authorss", C_AUTHORS}, {"au", C_AUTHORS},
    {"a1", C_AUTHORS}, {"authorshipsauthordisplayname", C_AUTHORS}, {"authornames", C_AUTHORS},
    {"year", C_YEAR}, {"publicationyear", C_YEAR}, {"py", C_YEAR}, {"pubyear", C_YEAR},
    {"yr", C_YEAR},
    {"date", C_DATE}, {"datepublished", C_DATE}, {"publicationdate", C_DATE}, {"da", C_DATE},
    {"pubdate", C_DATE}, {"createdate", C_CREATE_DATE},
    {"journal", C_JOURNAL}, {"journalbook", C_JOURNAL}, {"sourcetitle", C_JOURNAL},
    {"publicationtitle", C_JOURNAL}, {"publicationname", C_JOURNAL},
    {"publication", C_JOURNAL}, {"secondarytitle", C_JOURNAL}, {"jo", C_JOURNAL},
    {"t2", C_JOURNAL}, {"jf", C_JOURNAL}, {"so", C_JOURNAL}, {"journaltitle", C_JOURNAL},
    {"journalname", C_JOURNAL}, {"primarylocationsourcedisplayname", C_JOURNAL},
    {"journalabbreviation", C_JABBREV}, {"abbreviatedsourcetitle", C_JABBREV},
    {"ja", C_JABBREV}, {"j2", C_JABBREV}, {"ji", C_JABBREV}, {"isoabbreviation", C_JABBREV},
    {"volume", C_VOLUME}, {"vl", C_VOLUME}, {"journalvolume", C_VOLUME}, {"vol", C_VOLUME},
    {"issue", C_ISSUE}, {"number", C_ISSUE}, {"is", C_ISSUE}, {"issuenumber", C_ISSUE},
    {"journalissue", C_ISSUE},
    {"pages", C_PAGES}, {"pg", C_PAGES}, {"pagerange", C_PAGES}, {"page", C_PAGES},
    {"pagestart", C_PSTART}, {"startpage", C_PSTART}, {"sp", C_PSTART}, {"bp", C_PSTART},
    {"firstpage", C_PSTART}, {"pageend", C_PEND}, {"endpage", C_PEND}, {"ep", C_PEND},
    {"lastpage", C_PEND},
    {"doi", C_DOI}, {"do", C_DOI}, {"di", C_DOI}, {"itemdoi", C_DOI},
    {"pmid", C_PMID}, {"pubmedid", C_PMID}, {"pm", C_PMID}, {"idspmid", C_PMID},
    {"pmcid", C_PMCID},
    {"abstract", C_ABSTRACT}, {"abstractnote", C_ABSTRACT}, {"ab", C_ABSTRACT},
    {"n2", C_ABSTRACT},
    {"keywords", C_KEYWORDS}, {"authorkeywords", C_KEYWORDS}, {"indexkeywords", C_KEYWORDS},
    {"kw", C_KEYWORDS}, {"de", C_KEYWORDS}, {"manualtags", C_KEYWORDS},
    {"automatictags", C_KEYWORDS}, {"keyword", C_KEYWORDS},
    {"meshterms", C_MESH}, {"mesh", C_MESH}, {"mh", C_MESH},
    {"issn", C_ISSN}, {"issns", C_ISSN}, {"sn", C_ISSN}, {"eissn", C_EISSN}, {"ei", C_EISSN},
    {"primarylocationsourceissnl", C_ISSN_L}, {"isbn", C_ISBN}, {"isbns", C_ISBN},
    {"language", C_LANGUAGE}, {"languageoforiginaldocument", C_LANGUAGE}, {"la", C_LANGUAGE},
    {"itemtype", C_TYPE}, {"documenttype", C_TYPE}, {"publicationtype", C_TYPE},
    {"ty", C_TYPE}, {"referencetype", C_TYPE}, {"type", C_TYPE}, {"contenttype", C_TYPE},
    {"pt", C_TYPE}, {"dt", C_TYPE}, {"entrytype", C_TYPE},
    {"eid", C_ID}, {"key", C_ID}, {"lensid", C_ID}, {"ut", C_ID}, {"uniquewosid", C_ID},
    {"utuniquewosid", C_ID}, {"openalexid", C_ID}, {"id", C_ID},
    {"url", C_URL}, {"link", C_URL}, {"ur", C_URL},
    {"publisher", C_PUBLISHER}, {"pb", C_PUBLISHER},
    {"notes", C_NOTES}, {"note", C_NOTES}, {"n1", C_NOTES},
    {"artno", C_ARTNUM}, {"articlenumber", C_ARTNUM}, {"ar", C_ARTNUM}, {"c7", C_ARTNUM},
    {"booktitle", C_BOOKTITLE}, {"bt", C_BOOKTITLE},
};
/* clang-format on */

typedef enum csv_state { ST_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE } csv_state;

typedef struct csv_cell {
    size_t off, len, col;
} csv_cell;

typedef struct csv_parser {
    ev__reader *r;
    const ev_parse_options *opts;
    const ev_parse_sink *sink;
    ev_parse_stats *stats;
    ev_error *err;
    const char *name;
    char delim;
    csv_state state;
    bool after_cr;    /* last byte was a CR ending a line */
    size_t line, col; /* position of the next byte */
    size_t row_line;  /* where the current row began */
    size_t quote_line, quote_col;
    size_t end_col; /* column of the last line break */
    ev_buf text;    /* cells of the current row */
    csv_cell *cells;
    size_t n_cells, cap_cells;
    size_t cell_col;
    ev_buf raw;
    char **headers; /* as written, trimmed */
    csv_field *map;
    size_t n_headers;
    bool have_header;
    bool skip_line; /* the first line is "sep=;" */
    ev_record *rec;
    ev_buf tmp;
} csv_parser;

static ev_status nomem(csv_parser *p)
{
    return ev_error_set(p->err, EV_ENOMEM, p->name, p->line, 0, "out of memory");
}

/* Text of cell i of the current row (not NUL-terminated). */
static const char *cell_text(const csv_parser *p, size_t i)
{
    return (p->text.ptr ? p->text.ptr : "") + p->cells[i].off;
}

/* ---- header mapping ------------------------------------------------------------ */

/* Lower case, letters and digits only: "Journal/Book" -> "journalbook". */
static void norm_header(char *out, size_t size, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (isalnum((unsigned char)s[i]))
            out[k++] = (char)tolower((unsigned char)s[i]);
    out[k] = '\0';
}

static csv_field guess_field(const char *header)
{
    char norm[128];
    norm_header(norm, sizeof norm, header, strlen(header));
    for (size_t i = 0; i < sizeof known_headers / sizeof known_headers[0]; i++)
        if (strcmp(known_headers[i].header, norm) == 0)
            return known_headers[i].field;
    return C_EXTRA;
}

static csv_field field_by_name(const char *s, size_t n)
{
    for (int f = 1; f < C_N_FIELDS; f++)
        if (strlen(field_names[f]) == n && ev_strncasecmp(field_names[f], s, n) == 0)
            return (csv_field)f;
    if (n == 6 && ev_strncasecmp(s, "author", 6) == 0)
        return C_AUTHORS;
    if (n == 6 && ev_strncasecmp(s, "number", 6) == 0)
        return C_ISSUE;
    return C_EXTRA;
}

/* Column whose normalised header equals the normalised `name`, or SIZE_MAX. */
static size_t find_column(const csv_parser *p, const char *name, size_t n)
{
    char want[128], have[128];
    norm_header(want, sizeof want, name, n);
    for (size_t i = 0; i < p->n_headers; i++) {
        norm_header(have, sizeof have, p->headers[i], strlen(p->headers[i]));
        if (strcmp(want, have) == 0)
            return i;
    }
    return SIZE_MAX;
}

/* One "field=Header Name" item of opts->csv_mapping. */
static ev_status apply_mapping_item(csv_parser *p, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    const char *f = s;
    size_t fn = eq ? (size_t)(eq - s) : n;
    while (fn && isspace((unsigned char)*f)) {
        f++;
        fn--;
    }
    while (fn && isspace((unsigned char)f[fn - 1]))
        fn--;
    if (eq == NULL || fn == 0)
        return ev_error_set(p->err, EV_EUSAGE, "csv mapping", 0, 0,
                            "expected 'field=Column Name' in the CSV mapping, got '%.*s'", (int)n,
                            s);
    csv_field field = field_by_name(f, fn);
    if (field == C_EXTRA)
        return ev_error_set(p->err, EV_EUSAGE, "csv mapping", 0, 0,
                            "unknown field '%.*s' in the CSV mapping (known: title, authors, "
                            "year, date, create_date, journal, journal_abbrev, volume, issue, "
                            "pages, page_start, page_end, doi, pmid, pmcid, abstract, keywords, "
                            "mesh, issn, eissn, issn_linking, isbn, language, type, id, url, "
                            "publisher, notes, article_number, book_title)",
                            (int)fn, f);
    size_t col = find_column(p, eq + 1, n - (size_t)(eq + 1 - s));
    if (col == SIZE_MAX)
        return ev_error_set(p->err, EV_EUSAGE, p->name, 1, 0,
                            "column '%.*s' named in the CSV mapping is not in the header",
                            (int)(n - (size_t)(eq + 1 - s)), eq + 1);
    for (size_t i = 0; i < p->n_headers; i++) /* the explicit choice wins */
        if (p->map[i] == field)
            p->map[i] = C_EXTRA;
    p->map[col] = field;
    return EV_OK;
}

static ev_status apply_mapping(csv_parser *p)
{
    const char *m = p->opts->csv_mapping;
    if (m == NULL)
        return EV_OK;
    while (*m) {
        size_t n = strcspn(m, ",");
        if (n > 0) {
            ev_status s = apply_mapping_item(p, m, n);
            if (s != EV_OK)
                return s;
        }
        m += n + (m[n] == ',');
    }
    return EV_OK;
}

/* Web of Science tab-delimited exports have both UT (the record id) and ID
 * (Keywords Plus): then ID is not the id. */
static void wos_fixup(csv_parser *p)
{
    size_t ut = find_column(p, "UT", 2), id = find_column(p, "ID", 2);
    if (ut == SIZE_MAX || id == SIZE_MAX)
        return;
    p->map[id] = C_EXTRA;
    p->map[ut] = C_ID;
}

/* The first row: header names and their fields. */
static ev_status take_header(csv_parser *p)
{
    p->headers = ev_calloc(p->n_cells, sizeof *p->headers);
    p->map = ev_calloc(p->n_cells, sizeof *p->map);
    if (p->headers == NULL || p->map == NULL)
        return nomem(p);
    p->n_headers = p->n_cells;
    for (size_t i = 0; i < p->n_cells; i++) {
        const char *h = cell_text(p, i);
        size_t n = p->cells[i].len;
        while (n && isspace((unsigned char)*h)) {
            h++;
            n--;
        }
        while (n && isspace((unsigned char)h[n - 1]))
            n--;
        p->headers[i] = n ? ev_strndup(h, n) : ev_malloc(32);
        if (p->headers[i] == NULL)
            return nomem(p);
        if (n == 0)
            snprintf(p->headers[i], 32, "column %zu", i + 1);
        p->map[i] = guess_field(p->headers[i]);
        for (size_t j = 0; j < i && p->map[i] != C_EXTRA; j++)
            if (p->map[j] == p->map[i])
                p->map[i] = C_EXTRA; /* first column with a field wins */
    }
    wos_fixup(p);
    p->have_header = true;
    return apply_mapping(p);
}

/* ---- cell values --------------------------------------------------------------- */

static bool is_initials(const char *s, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c))
            letters++;
        else if (c != '.' && c != ' ' && c != '-')
            return false;
    }
    return letters > 0 && letters <= 4;
}

/* "Smith JC" / "Lau Y.": a name whose last word is initials. */
static bool ends_with_initials(const char *s, size_t n)
{
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    size_t i = n;
    while (i > 0 && s[i - 1] != ' ')
        i--;
    return i > 0 && is_initials(s + i, n - i);
}

static ev_status add_author(csv_parser *p, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ','))
        n--;
    if (n == 0)
        return EV_OK;
    /* "Lewis G. F.": every word after the first is initials -> "Lewis, G. F."
     * (the core splitter only looks at the last word). */
    size_t cut = 0;
    if (memchr(s, ',', n) == NULL) {
        size_t i = n;
        while (i > 0) {
            size_t j = i;
            while (j > 0 && s[j - 1] != ' ')
                j--;
            if (j == 0 || !is_initials(s + j, i - j))
                break;
            cut = j;
            while (j > 0 && s[j - 1] == ' ')
                j--;
            i = j;
        }
    }
    ev_buf_clear(&p->tmp);
    ev_status st = cut ? ev_buf_printf(&p->tmp, "%.*s, %.*s", (int)cut, s, (int)(n - cut), s + cut)
                       : ev_buf_append(&p->tmp, s, n);
    ev_author *a = NULL;
    if (st != EV_OK || ev_record_add_author(p->rec, &a) != EV_OK ||
        ev_record_author_from_name(p->rec, a, p->tmp.ptr, p->tmp.len) != EV_OK)
        return nomem(p);
    return EV_OK;
}

/* Split on a separator string (";", "|", " and "). */
static ev_status split_on(csv_parser *p, const char *s, size_t n, const char *sep)
{
    size_t k = strlen(sep), start = 0;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, sep, k) == 0) {
            ev_status st = add_author(p, s + start, i - start);
            if (st != EV_OK)
                return st;
            start = i + k;
            i += k - 1;
        }
    return add_author(p, s + start, n - start);
}

/* "Adeli K.Lewis G. F.": names run together after an initial. */
static ev_status split_glued(csv_parser *p, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 1; i + 2 < n; i++)
        if (s[i] == '.' && isupper((unsigned char)s[i - 1]) && isupper((unsigned char)s[i + 1]) &&
            islower((unsigned char)s[i + 2])) {
            ev_status st = add_author(p, s + start, i + 1 - start);
            if (st != EV_OK)
                return st;
            start = i + 1;
        }
    return add_author(p, s + start, n - start);
}

/* A space between two non-space characters. */
static bool has_inner_space(const char *s, size_t n)
{
    while (n && *s == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    return memchr(s, ' ', n) != NULL;
}

/* Comma lists: "Smith J, Doe A" (one author per part), "Achenbach, T. M.,
 * Rescorla, L. A." (family, initials pairs), "Smith, John" (one author). */
static ev_status split_commas(csv_parser *p, const char *s, size_t n)
{
    size_t starts[512], lens[512], k = 0, start = 0;
    for (size_t i = 0; i <= n && k < 512; i++)
        if (i == n || s[i] == ',') {
            starts[k] = start;
            lens[k++] = i - start;
            start = i + 1;
        }
    bool pairs = k % 2 == 0;
    for (size_t i = 1; i < k && pairs; i += 2) {
        const char *q = s + starts[i];
        size_t ql = lens[i];
        while (ql && *q == ' ') {
            q++;
            ql--;
        }
        pairs = is_initials(q, ql);
    }
    /* "Smith, John Paul" is one author; "John Smith, Jane Doe" (both parts
     * several words) is two. */
    if (k == 2 && !ends_with_initials(s, lens[0]) &&
        !(has_inner_space(s + starts[0], lens[0]) && has_inner_space(s + starts[1], lens[1])))
        pairs = true;
    if (!pairs)
        return split_on(p, s, n, ",");
    for (size_t i = 0; i + 1 < k; i += 2) {
        ev_status st = add_author(p, s + starts[i], starts[i + 1] + lens[i + 1] - starts[i]);
        if (st != EV_OK)
            return st;
    }
    return EV_OK;
}

static ev_status set_authors(csv_parser *p, const char *s, size_t n)
{
    if (memchr(s, ';', n))
        return split_on(p, s, n, ";");
    if (memchr(s, '|', n))
        return split_on(p, s, n, "|");
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(s + i, " and ", 5) == 0)
            return split_on(p, s, n, " and ");
    if (memchr(s, ',', n))
        return split_commas(p, s, n);
    return split_glued(p, s, n);
}

/* "1 - 10", "123--456", "123–456" -> "123-456"; start/end columns joined. */
static ev_status set_pages(csv_parser *p, const char *s, size_t n, bool end)
{
    ev_record *rec = p->rec;
    ev_buf_clear(&p->tmp);
    ev_status st = ev_buf_append(&p->tmp, "", 0);
    if (end && rec->pages && !strchr(rec->pages, '-'))
        st = ev_buf_printf(&p->tmp, "%s-", rec->pages);
    else if (end && rec->pages)
        return EV_OK;
    for (size_t i = 0; i < n && st == EV_OK; i++) {
        bool dash =
            s[i] == '-' || (i + 2 < n && memcmp(s + i, "\xE2\x80", 2) == 0 &&
                            ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94));
        if (!dash) {
            st = ev_buf_append(&p->tmp, s + i, 1);
            continue;
        }
        while (p->tmp.len && p->tmp.ptr[p->tmp.len - 1] == ' ')
            p->tmp.ptr[--p->tmp.len] = '\0';
        i += s[i] == '-' ? 0 : 2;
        while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '-'))
            i++;
        st = ev_buf_putc(&p->tmp, '-');
    }
    if (st == EV_OK)
        st = ev_record_set(rec, &rec->pages, p->tmp.ptr, p->tmp.len);
    return st == EV_OK ? EV_OK : nomem(p);
}

/* "https://pubmed.ncbi.nlm.nih.gov/14593127" or "14593127". */
static ev_status set_pmid(csv_parser *p, const char *s, size_t n)
{
    size_t end = n;
    while (end && !isdigit((unsigned char)s[end - 1]))
        end--;
    size_t start = end;
    while (start && isdigit((unsigned char)s[start - 1]))
        start--;
    if (start == end)
        return EV_OK;
    return ev_record_set(p->rec, &p->rec->pmid, s + start, end - start) == EV_OK ? EV_OK : nomem(p);
}

static ev_status set_date(csv_parser *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    ev_date d;
    if (!ev_record_parse_date(rec, &d, s, n))
        return EV_OK;
    if (rec->pub_date.year == 0)
        rec->pub_date = d;
    else if (rec->pub_date.year == d.year && rec->pub_date.month == 0) {
        rec->pub_date.month = d.month;
        rec->pub_date.day = d.day;
    }
    return EV_OK;
}

/* "1939-1676 0891-6640", "21945411; 21945403": print, then electronic. */
static ev_status set_issn(csv_parser *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    for (size_t i = 0; i < n;) {
        while (i < n && strchr(",; |", s[i]))
            i++;
        size_t j = i;
        while (j < n && !strchr(",; |", s[j]))
            j++;
        const char **dst = rec->issn_print == NULL        ? &rec->issn_print
                           : rec->issn_electronic == NULL ? &rec->issn_electronic
                                                          : NULL;
        if (j > i && dst && ev_record_set(rec, dst, s + i, j - i) != EV_OK)
            return nomem(p);
        i = j;
    }
    return EV_OK;
}

static ev_status set_list(csv_parser *p, csv_field f, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    const char *sep = memchr(s, ';', n) ? ";" : "|";
    if (f == C_KEYWORDS)
        return ev__push_keywords(rec, s, n, sep) == EV_OK ? EV_OK : nomem(p);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != sep[0])
            j++;
        ev_mesh_heading *h = NULL;
        const char *t = s + i;
        size_t tn = j - i;
        while (tn && isspace((unsigned char)*t)) {
            t++;
            tn--;
        }
        if (tn &&
            (ev_record_add_mesh(rec, &h) != EV_OK || ev_record_set(rec, &h->name, t, tn) != EV_OK))
            return nomem(p);
        i = j + 1;
    }
    return EV_OK;
}

/* A cell with a plain string destination, or NULL. */
static const char **string_slot(ev_record *rec, csv_field f)
{
    switch (f) {
    case C_TITLE:
        return &rec->title;
    case C_JOURNAL:
        return &rec->journal;
    case C_JABBREV:
        return &rec->journal_abbrev;
    case C_VOLUME:
        return &rec->volume;
    case C_ISSUE:
        return &rec->issue;
    case C_PMCID:
        return &rec->pmcid;
    case C_ISSN_L:
        return &rec->issn_linking;
    case C_EISSN:
        return &rec->issn_electronic;
    case C_TYPE:
        return &rec->type;
    case C_ID:
        return &rec->source_record_id;
    case C_URL:
        return &rec->url;
    case C_PUBLISHER:
        return &rec->publisher;
    case C_NOTES:
        return &rec->notes;
    case C_ARTNUM:
        return &rec->article_number;
    case C_BOOKTITLE:
        return &rec->book_title;
    default:
        return NULL;
    }
}

static ev_status set_cell(csv_parser *p, size_t col, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    csv_field f = p->map[col];
    const char **slot = string_slot(rec, f);
    ev_status st = EV_OK;
    if (slot)
        return ev_record_set(rec, slot, s, n) == EV_OK ? EV_OK : nomem(p);
    switch (f) {
    case C_AUTHORS:
        return set_authors(p, s, n);
    case C_YEAR:
    case C_DATE:
        return set_date(p, s, n);
    case C_CREATE_DATE:
        ev_record_parse_date(rec, &rec->date_create, s, n);
        return EV_OK;
    case C_PAGES:
    case C_PSTART:
        return set_pages(p, s, n, false);
    case C_PEND:
        return set_pages(p, s, n, true);
    case C_DOI:
        if ((rec->doi = ev_record_doi(rec, s, n)) != NULL)
            return EV_OK;
        break; /* not a DOI ("DOI 1"): keep it in extra */
    case C_PMID:
        return set_pmid(p, s, n);
    case C_ABSTRACT: {
        ev_abstract_section *sec = NULL;
        if (ev_record_add_section(rec, &sec) != EV_OK ||
            ev_record_set(rec, &sec->text, s, n) != EV_OK)
            st = nomem(p);
        return st;
    }
    case C_KEYWORDS:
    case C_MESH:
        return set_list(p, f, s, n);
    case C_ISSN:
        return set_issn(p, s, n);
    case C_ISBN:
        return ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, "isbn", s, n) == EV_OK
                   ? EV_OK
                   : nomem(p);
    case C_LANGUAGE:
        return ev_record_push_str(rec, &rec->languages, &rec->n_languages, s, n) == EV_OK
                   ? EV_OK
                   : nomem(p);
    default:
        break;
    }
    return ev_record_push_kv(rec, &rec->extra, &rec->n_extra, p->headers[col], s, n) == EV_OK
               ? EV_OK
               : nomem(p);
}

/* ---- rows ------------------------------------------------------------------------ */

static ev_status row_to_record(csv_parser *p)
{
    ev_record *rec = p->rec;
    ev_record_clear(rec);
    rec->format = EV_FORMAT_CSV;
    rec->source_line = p->row_line;
    for (size_t i = 0; i < p->n_headers; i++) {
        const char *s = cell_text(p, i);
        size_t n = p->cells[i].len;
        bool blank = true;
        for (size_t k = 0; k < n && blank; k++)
            blank = isspace((unsigned char)s[k]) != 0;
        if (blank || (n == 2 && memcmp(s, "NA", 2) == 0)) /* R writes NA for missing */
            continue;
        ev_status st = set_cell(p, i, s, n);
        if (st != EV_OK)
            return st;
    }
    if (p->opts->keep_raw && p->raw.len) {
        rec->raw = ev_arena_strndup(rec->arena, p->raw.ptr, p->raw.len);
        rec->raw_len = p->raw.len;
        if (rec->raw == NULL)
            return nomem(p);
    }
    return ev__emit(p->sink, p->stats, p->r, rec, p->err);
}

static ev_status end_row(csv_parser *p)
{
    ev_status s = EV_OK;
    bool blank = p->n_cells == 1;
    for (size_t i = 0; blank && i < p->cells[0].len; i++)
        blank = isspace((unsigned char)cell_text(p, 0)[i]) != 0;
    if (blank) {
        /* empty line: nothing */
    } else if (p->skip_line) {
        p->skip_line = false;
    } else if (!p->have_header) {
        s = take_header(p);
    } else if (p->n_cells < p->n_headers) {
        s = ev_error_set(p->err, EV_EINPUT, p->name, p->line > p->row_line ? p->line - 1 : p->line,
                         p->line > p->row_line ? p->end_col : p->col,
                         "row has %zu fields but the header has %zu", p->n_cells, p->n_headers);
    } else {
        for (size_t i = p->n_headers; i < p->n_cells && s == EV_OK; i++)
            if (p->cells[i].len) /* trailing empty cells are tolerated */
                s = ev_error_set(p->err, EV_EINPUT, p->name, p->row_line, p->cells[i].col,
                                 "row has %zu fields but the header has %zu", p->n_cells,
                                 p->n_headers);
        if (s == EV_OK)
            s = row_to_record(p);
    }
    p->n_cells = 0;
    ev_buf_clear(&p->text);
    ev_buf_clear(&p->raw);
    p->row_line = p->line;
    return s;
}

static ev_status end_cell(csv_parser *p)
{
    if (p->n_cells == p->cap_cells) {
        size_t cap = p->cap_cells ? p->cap_cells * 2 : 64;
        csv_cell *c = ev_reallocarray(p->cells, cap, sizeof *c);
        if (c == NULL)
            return nomem(p);
        p->cells = c;
        p->cap_cells = cap;
    }
    size_t start = p->n_cells ? p->cells[p->n_cells - 1].off + p->cells[p->n_cells - 1].len : 0;
    p->cells[p->n_cells++] = (csv_cell){start, p->text.len - start, p->cell_col};
    p->state = ST_START;
    return EV_OK;
}

/* An ev_buf append failure: out of memory, or past the buffer's cap. */
static ev_status buf_failed(csv_parser *p, ev_status st)
{
    if (st == EV_ENOMEM)
        return nomem(p);
    return ev_error_set(p->err, st, p->name, p->line, p->col, "row too large");
}

static ev_status put(csv_parser *p, char c)
{
    ev_status st = ev_buf_append(&p->text, &c, 1);
    return st == EV_OK ? EV_OK : buf_failed(p, st);
}

/* One byte through the RFC 4180 state machine. Line breaks: LF, CRLF, CR. */
static ev_status feed(csv_parser *p, char c)
{
    bool nl = c == '\n' || c == '\r';
    if (c == '\n' && p->after_cr) {
        p->after_cr = false;
        return EV_OK; /* second half of CRLF */
    }
    p->after_cr = c == '\r';
    if (p->opts->keep_raw && !(nl && p->state != ST_QUOTED) && ev_buf_append(&p->raw, &c, 1))
        return nomem(p);
    if (nl) {
        p->end_col = p->col;
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    switch (p->state) {
    case ST_START:
        p->cell_col = p->col - 1;
        if (c == '"') {
            p->state = ST_QUOTED;
            p->quote_line = p->line;
            p->quote_col = p->col - 1;
            return EV_OK;
        }
        if (c == p->delim)
            return end_cell(p);
        if (nl) {
            ev_status s = end_cell(p);
            return s == EV_OK ? end_row(p) : s;
        }
        p->state = ST_UNQUOTED;
        return put(p, c);
    case ST_UNQUOTED:
    case ST_QUOTE:
        if (c == p->delim)
            return end_cell(p);
        if (nl) {
            ev_status s = end_cell(p);
            return s == EV_OK ? end_row(p) : s;
        }
        if (p->state == ST_QUOTE && c == '"') {
            p->state = ST_QUOTED;
            return put(p, '"');
        }
        p->state = ST_UNQUOTED; /* lenient: text after a closing quote */
        return put(p, c);
    case ST_QUOTED:
        if (c == '"') {
            p->state = ST_QUOTE;
            return EV_OK;
        }
        return put(p, c == '\r' ? '\n' : c);
    }
    return EV_OK;
}

static ev_status finish(csv_parser *p)
{
    if (p->state == ST_QUOTED)
        return ev_error_set(p->err, EV_EINPUT, p->name, p->quote_line, p->quote_col,
                            "unterminated quoted field (the quote opened here is never closed)");
    if (p->state != ST_START || p->n_cells > 0) {
        ev_status s = end_cell(p);
        return s == EV_OK ? end_row(p) : s;
    }
    return EV_OK;
}

/* Bytes from d that feed() would only append to the cell: the state
 * machine then runs only at quotes, delimiters and line breaks. */
static size_t plain_run(const csv_parser *p, const char *d, size_t n)
{
    size_t k = 0;
    if (p->state == ST_QUOTED)
        while (k < n && d[k] != '"' && d[k] != '\r' && d[k] != '\n')
            k++;
    else if (p->state == ST_UNQUOTED)
        while (k < n && d[k] != p->delim && d[k] != '\r' && d[k] != '\n')
            k++;
    return k;
}

static ev_status put_run(csv_parser *p, const char *d, size_t k)
{
    p->after_cr = false;
    p->col += k;
    ev_status st = ev_buf_append(&p->text, d, k);
    if (st == EV_OK && p->opts->keep_raw)
        st = ev_buf_append(&p->raw, d, k);
    return st == EV_OK ? EV_OK : buf_failed(p, st);
}

/* ---- delimiter detection and driver --------------------------------------------- */

/* The delimiter that occurs most often outside quotes on the first line. */
static char detect_delim(const char *s, size_t n)
{
    size_t comma = 0, tab = 0, semi = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted) {
            comma += c == ',';
            tab += c == '\t';
            semi += c == ';';
        }
    }
    if (tab >= comma && tab >= semi && tab > 0)
        return '\t';
    if (semi > comma)
        return ';';
    return ',';
}

static ev_status run(csv_parser *p)
{
    const char *head;
    size_t hn;
    ev_status s = ev__reader_peek(p->r, &head, &hn, p->err);
    if (s != EV_OK)
        return s;
    p->delim = detect_delim(head, hn);
    if (hn >= 6 && memcmp(head, "sep=", 4) == 0 && (head[5] == '\n' || head[5] == '\r')) {
        p->delim = head[4]; /* Excel's delimiter hint line */
        p->skip_line = true;
    }
    for (;;) {
        const char *d;
        size_t n;
        if ((s = ev__reader_read(p->r, &d, &n, p->err)) != EV_OK)
            return s;
        if (n == 0)
            break;
        for (size_t i = 0; i < n;) {
            size_t k = plain_run(p, d + i, n - i);
            if (k > 0) {
                if ((s = put_run(p, d + i, k)) != EV_OK)
                    return s;
                i += k;
            } else if ((s = feed(p, d[i++])) != EV_OK) {
                return s;
            }
        }
    }
    if ((s = finish(p)) != EV_OK)
        return s;
    if (!p->have_header)
        return ev_error_set(p->err, EV_EINPUT, p->name, 1, 1, "no header row");
    return EV_OK;
}

ev_status ev__parse_csv(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err)
{
    ev_status s = ev__refuse_legacy_cjk(r, err);
    if (s != EV_OK)
        return s;
    ev__reader_set_encoding(r, EV__ENC_UTF8_OR_1252);
    csv_parser p = {.r = r,
                    .opts = opts,
                    .sink = sink,
                    .stats = stats,
                    .err = err,
                    .name = ev__reader_name(r),
                    .line = 1,
                    .col = 1,
                    .row_line = 1};
    ev_buf_init(&p.text, 0);
    ev_buf_init(&p.raw, 0);
    ev_buf_init(&p.tmp, 0);
    p.rec = ev_record_new();
    s = p.rec ? run(&p) : nomem(&p);
    for (size_t i = 0; i < p.n_headers; i++)
        ev_free(p.headers[i]);
    ev_free(p.headers);
    ev_free(p.map);
    ev_free(p.cells);
    ev_buf_release(&p.text);
    ev_buf_release(&p.raw);
    ev_buf_release(&p.tmp);
    ev_record_free(p.rec);
    return s;
}
