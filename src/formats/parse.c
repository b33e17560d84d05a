/*
 * parse.c - the public entry points of the readers: open the source, detect
 * the format from content, dispatch to the format's parser; and the helpers
 * every parser uses to warn, report progress and deliver records.
 */
#include "formats_int.h"

/* ---- detection ------------------------------------------------------------------ */

static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* Does the window contain `needle` (case-sensitive)? */
static bool window_has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || n < k)
        return false;
    for (size_t i = 0; i + k <= n; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
            return true;
    return false;
}

static ev_format detect_xml(const char *s, size_t n)
{
    if (window_has(s, n, "<PubmedArticleSet") || window_has(s, n, "<MedlineCitationSet") ||
        window_has(s, n, "<PubmedArticle>") || window_has(s, n, "<PubmedBookArticle") ||
        window_has(s, n, "<MedlineCitation ") || window_has(s, n, "DOCTYPE PubmedArticleSet"))
        return EV_FORMAT_MEDLINE_XML;
    if (window_has(s, n, "<records>") || window_has(s, n, "<record>") ||
        window_has(s, n, "<xml>"))
        return EV_FORMAT_ENDNOTE_XML;
    return EV_FORMAT_UNKNOWN;
}

/* MEDLINE tags of three or four letters padded to four columns ("FAU -",
 * "PMCR-"): files that lack PMID/OWN/STAT lines (JabRef's edge cases) still
 * show these, and no RIS or WoS line has this shape. */
static bool medline_long_tag(const char *line, size_t len)
{
    static const char *const tags[] = {"FAU ", "PMC ", "PMCR", "AID ", "LID ", "JID ", "DCOM",
                                       "EDAT", "MHDA", "CRDT", "PHST", "DEP ", "OTO ", "BTI ",
                                       "CTI ", "VTI ", "FED ", "AUID", "CIN ", "CON ", "EIN "};
    if (len < 5 || line[4] != '-')
        return false;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (memcmp(line, tags[i], 4) == 0)
            return true;
    return false;
}

/* Tagged text: look at line starts. */
static ev_format detect_tagged(const char *s, size_t n)
{
    bool ris = false, medline = false, wos = false;
    size_t i = 0;
    while (i < n) {
        const char *line = s + i;
        size_t len = 0;
        while (i + len < n && line[len] != '\n' && line[len] != '\r')
            len++;
        if (has_prefix_ci(line, len, "PMID-") || has_prefix_ci(line, len, "OWN -") ||
            has_prefix_ci(line, len, "STAT-") || medline_long_tag(line, len))
            medline = true;
        else if (len >= 5 && memcmp(line, "TY  -", 5) == 0)
            ris = true;
        else if ((len >= 3 && (memcmp(line, "FN ", 3) == 0 || memcmp(line, "VR ", 3) == 0)) ||
                 (len >= 4 && memcmp(line, "PT J", 4) == 0) ||
                 (len >= 3 && memcmp(line, "UT ", 3) == 0 && !ris))
            wos = true;
        i += len;
        while (i < n && (s[i] == '\n' || s[i] == '\r'))
            i++;
    }
    if (medline)
        return EV_FORMAT_MEDLINE;
    if (ris)
        return EV_FORMAT_RIS;
    if (wos)
        return EV_FORMAT_WOS;
    return EV_FORMAT_UNKNOWN;
}

/* "@article{", "@inproceedings (" ... after optional comments. */
static bool looks_bibtex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '@')
            continue;
        if (i > 0 && s[i - 1] != '\n' && s[i - 1] != '\r' && s[i - 1] != ' ' && s[i - 1] != '\t')
            continue;
        size_t j = i + 1;
        while (j < n && isalpha((unsigned char)s[j]))
            j++;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j > i + 1 && j < n && (s[j] == '{' || s[j] == '('))
            return true;
    }
    return false;
}

/* A header line with at least two delimited fields, no control bytes. */
static bool looks_csv(const char *s, size_t n)
{
    size_t len = 0;
    while (len < n && s[len] != '\n' && s[len] != '\r')
        len++;
    size_t delims = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',' || c == '\t' || c == ';')
            delims++;
        else if (c < 0x20)
            return false;
    }
    return delims >= 1 && len > 0;
}

ev_format ev_format_detect(const char *head, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)head[0] == 0xEF && (unsigned char)head[1] == 0xBB &&
        (unsigned char)head[2] == 0xBF)
        i = 3;
    while (i < n && isspace((unsigned char)head[i]))
        i++;
    const char *s = head + i;
    n -= i;
    if (n == 0)
        return EV_FORMAT_UNKNOWN;
    if (s[0] == '<')
        return detect_xml(s, n);
    ev_format f = detect_tagged(s, n);
    if (f != EV_FORMAT_UNKNOWN)
        return f;
    if (looks_bibtex(s, n))
        return EV_FORMAT_BIBTEX;
    if (looks_csv(s, n))
        return EV_FORMAT_CSV;
    return EV_FORMAT_UNKNOWN;
}

/* ---- helpers for parsers -------------------------------------------------------- */

void ev__warn(const ev_parse_sink *sink, ev_parse_stats *stats, const char *name, size_t line,
              const char *fmt, ...)
{
    stats->warnings++;
    if (sink->warn == NULL)
        return;
    ev_error w = EV_ERROR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ev_error_setv(&w, EV_EINPUT, name, line, 0, fmt, ap);
    va_end(ap);
    sink->warn(&w, sink->payload);
}

ev_status ev__progress(const ev_parse_sink *sink, ev__reader *r, ev_error *err)
{
    if (sink->progress == NULL)
        return EV_OK;
    if (!sink->progress(ev__reader_consumed(r), ev__reader_size(r), sink->payload))
        return ev_error_set(err, EV_ECANCEL, ev__reader_name(r), 0, 0, "cancelled");
    return EV_OK;
}

ev_status ev__emit(const ev_parse_sink *sink, ev_parse_stats *stats, ev__reader *r,
                   ev_record *rec, ev_error *err)
{
    const char *name = ev__reader_name(r);
    if (rec->title == NULL)
        ev__warn(sink, stats, name, rec->source_line, "record %llu has no title",
                 (unsigned long long)stats->records + 1);
    if (rec->pub_date.year == 0 && rec->epub_date.year == 0)
        ev__warn(sink, stats, name, rec->source_line, "record %llu has no publication year",
                 (unsigned long long)stats->records + 1);
    stats->records++;
    if (sink->record == NULL)
        return EV_OK;
    ev_status s = sink->record(rec, sink->payload);
    if (s != EV_OK && err && err->code == EV_OK)
        ev_error_set(err, s, name, rec->source_line, 0, "record %llu could not be stored",
                     (unsigned long long)stats->records);
    if (s == EV_OK && (stats->records & 1023) == 0)
        s = ev__progress(sink, r, err);
    return s;
}

/* ---- dispatch ---------------------------------------------------------------------- */

static ev__parse_fn parser_for(ev_format f)
{
    switch (f) {
    case EV_FORMAT_MEDLINE_XML: return ev__parse_medline_xml;
    case EV_FORMAT_MEDLINE: return ev__parse_medline;
    case EV_FORMAT_RIS: return ev__parse_ris;
    case EV_FORMAT_BIBTEX: return ev__parse_bibtex;
    case EV_FORMAT_ENDNOTE_XML: return ev__parse_endnote_xml;
    case EV_FORMAT_WOS: return ev__parse_wos;
    case EV_FORMAT_CSV: return ev__parse_csv;
    default: return NULL;
    }
}

static ev_status parse_reader(ev__reader *r, const ev_parse_options *opts,
                              const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err)
{
    static const ev_parse_options defaults = EV_PARSE_OPTIONS_INIT;
    static const ev_parse_sink no_sink = {0};
    ev_parse_stats local;
    if (opts == NULL)
        opts = &defaults;
    if (sink == NULL)
        sink = &no_sink;
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (opts->sha256)
        ev__reader_hash(r, opts->sha256);

    const char *head;
    size_t n;
    ev_status s = ev__reader_peek(r, &head, &n, err);
    if (s != EV_OK)
        return s;
    if (n == 0)
        return ev_error_set(err, EV_EINPUT, ev__reader_name(r), 0, 0, "empty file");
    if (memchr(head, 0, n < 4096 ? n : 4096) != NULL && !(n >= 2 && (unsigned char)head[0] == 0xFF))
        return ev_error_set(err, EV_EINPUT, ev__reader_name(r), 0, 0,
                            "binary data: not a citation export");
    ev_format f = opts->format != EV_FORMAT_UNKNOWN ? opts->format : ev_format_detect(head, n);
    ev__parse_fn fn = parser_for(f);
    if (fn == NULL)
        return ev_error_set(err, EV_EINPUT, ev__reader_name(r), 1, 1,
                            "unrecognised format: expected PubMed XML, MEDLINE/nbib, RIS, "
                            "BibTeX, EndNote XML, Web of Science or CSV");
    stats->format = f;
    s = fn(r, opts, sink, stats, err);
    stats->encoding = ev__reader_encoding(r);
    stats->bytes = ev__reader_consumed(r);
    stats->sha256_whole = ev__reader_hashed_whole(r);
    if (s == EV_OK && sink->progress)
        sink->progress(ev__reader_size(r), ev__reader_size(r), sink->payload);
    return s;
}

ev_status ev_parse_file(const char *path, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err)
{
    ev__reader *r = NULL;
    ev_status s = ev__reader_open_file(&r, path, err);
    if (s != EV_OK)
        return s;
    s = parse_reader(r, opts, sink, stats, err);
    ev__reader_free(r);
    return s;
}

ev_status ev_parse_buffer(const char *name, const char *data, size_t n,
                          const ev_parse_options *opts, const ev_parse_sink *sink,
                          ev_parse_stats *stats, ev_error *err)
{
    ev__reader *r = NULL;
    ev_status s = ev__reader_open_buffer(&r, name, data, n, err);
    if (s != EV_OK)
        return s;
    s = parse_reader(r, opts, sink, stats, err);
    ev__reader_free(r);
    return s;
}
