/*
 * medline_xml.c - the PubMed/MEDLINE XML reader (spec Part B): a streaming
 * parse of PubmedArticleSet / MedlineCitationSet files into one reused
 * ev_record per PubmedArticle, DeleteCitation PMIDs to the sink, and the raw
 * bytes of each record kept for lossless export.
 *
 * Design notes (docs/internals/formats-medline-xml.md): expat does the XML;
 * any entity declaration is refused and nothing external is ever read (no
 * XXE, no expansion bombs; expat's amplification limit is set too); element
 * names are looked up once per start tag in a small hash table; all
 * character data of a record goes to one reused buffer, and each element's
 * text is the slice between its start mark and its end; inline markup (i b
 * u sub sup MathML) inside mixed-content elements is flattened into that
 * same buffer, and only titles with markup get a second, rebuilt fragment.
 */
#include "formats_int.h"

#include "xml_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- element names -------------------------------------------------------------- */

/* Every element the reader gives a meaning to. Anything else inside a record
 * is unknown: its text is kept in rec->extra under its own name. */
#define MX_ELEMENTS(X)                                                                       \
    X(PubmedArticleSet) X(MedlineCitationSet) X(PubmedBookArticleSet) X(PubmedArticle)       \
    X(PubmedBookArticle) X(MedlineCitation) X(DeleteCitation) X(BookDocument)               \
    X(PubmedBookData) X(Book) X(PublisherName) X(BookTitle) X(Sections) X(PMID)              \
    X(DateCompleted) X(DateRevised) X(DateCreated) X(Year) X(Month) X(Day) X(Hour) X(Minute) \
    X(Season) X(MedlineDate) X(Article) X(Journal) X(ISSN) X(JournalIssue) X(Volume)         \
    X(Issue) X(PubDate) X(Title) X(ISOAbbreviation) X(ArticleTitle) X(VernacularTitle)       \
    X(Pagination) X(MedlinePgn) X(StartPage) X(EndPage) X(ELocationID) X(Abstract)          \
    X(AbstractText) X(CopyrightInformation) X(AuthorList) X(Author) X(LastName) X(ForeName)  \
    X(Initials) X(Suffix) X(CollectiveName) X(Identifier) X(AffiliationInfo) X(Affiliation)  \
    X(Language) X(GrantList) X(Grant) X(GrantID) X(Acronym) X(Agency) X(Country)             \
    X(PublicationTypeList) X(PublicationType) X(ArticleDate) X(MedlineJournalInfo)           \
    X(MedlineTA) X(NlmUniqueID) X(ISSNLinking) X(ChemicalList) X(Chemical)                   \
    X(RegistryNumber) X(NameOfSubstance) X(SupplMeshList) X(SupplMeshName)                  \
    X(CommentsCorrectionsList) X(CommentsCorrections) X(RefSource) X(MeshHeadingList)        \
    X(MeshHeading) X(DescriptorName) X(QualifierName) X(KeywordList) X(Keyword)              \
    X(CoiStatement) X(OtherAbstract) X(PubmedData) X(History) X(PubMedPubDate)               \
    X(PublicationStatus) X(ArticleIdList) X(ArticleId) X(ReferenceList) X(Reference)         \
    X(Citation) X(InvestigatorList) X(Investigator) X(PersonalNameSubjectList)              \
    X(PersonalNameSubject)

#define MX_ENUM(n) E_##n,
enum { E_UNKNOWN = 0, MX_ELEMENTS(MX_ENUM) E_COUNT };
#define MX_NAME(n) #n,
static const char *const element_names[E_COUNT] = {"", MX_ELEMENTS(MX_NAME)};

#define HASH_SLOTS 512u /* power of two, > 3 * E_COUNT */

/* Cheap hash of a name whose length is known: length and three bytes pick
 * the slot (one memcmp confirms); computed once per start tag. */
static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = (uint32_t)len * 131u + (unsigned char)s[0] * 31u +
                 (unsigned char)s[len - 1] * 7u + (unsigned char)s[len >> 1] * 3u;
    return (h ^ (h >> 5)) & (HASH_SLOTS - 1);
}

/* ev_buf_append with the common case (room left) inlined: called for every
 * name, attribute and text piece. */
static inline ev_status buf_add(ev_buf *b, const char *s, size_t n)
{
    if (b->ptr != NULL && n < b->cap - b->len && n <= b->max - b->len) {
        memcpy(b->ptr + b->len, s, n);
        b->len += n;
        b->ptr[b->len] = '\0';
        return EV_OK;
    }
    return ev_buf_append(b, s, n);
}

/* Equal bytes? Inlined, a word at a time with overlapping last words:
 * names are short and a libc call per tag showed in profiles. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return x == y && u == v;
    }
    while (n--)
        if (*a++ != *b++)
            return false;
    return true;
}

/* ---- parser state ------------------------------------------------------------------ */

#define MX_MAX_DEPTH 256
#define MX_TEXT_MAX ((size_t)64 << 20)  /* one record's text */
#define MX_RAW_MAX ((size_t)256 << 20)  /* one record's raw bytes */

enum { F_HAS_CHILD = 1, F_INLINE = 2, F_IGNORE = 4, F_MIXED = 8 };

typedef struct mx_frame {
    uint8_t id;
    uint8_t flags;
    size_t mark; /* text.len when the element started */
} mx_frame;

/* Parts of the date element being read (PubDate, DateCompleted, ...). */
typedef struct mx_date {
    int year, month, day, hour, minute;
    const char *season;      /* arena */
    const char *medline;     /* arena: MedlineDate free text */
    const char *month_text;  /* arena: Month as written */
    const char *status;      /* arena: PubMedPubDate/@PubStatus */
} mx_date;

typedef struct mx {
    XML_Parser xp;
    ev_buf window;         /* input from window_start on: the open record's raw bytes */
    uint64_t window_start;
    uint64_t parsed_to;    /* expat holds the input from here on unparsed */
    ev__reader *r;
    const ev_parse_options *opts;
    const ev_parse_sink *sink;
    ev_parse_stats *stats;
    ev_error *err;
    ev_status status;

    struct { const char *name; uint32_t len; uint8_t id; } table[HASH_SLOTS];

    mx_frame stack[MX_MAX_DEPTH];
    size_t depth;
    uint16_t open[E_COUNT]; /* how many of each element are open */

    ev_record *rec;
    bool in_record;
    size_t rec_depth; /* stack depth of the record element */
    bool capture;     /* character data is being collected */
    bool pending_sep; /* an i/b/u boundary: separate words if text joins */
    bool markup_on;   /* building title_markup */
    ev_buf text;
    ev_buf markup;
    ev_buf scratch;   /* grants, names, history strings */

    int64_t rec_start; /* byte offset of the record's start tag, -1 = none */

    /* per-record context */
    size_t author;   /* index + 1 of the author being read, 0 = none */
    size_t mesh;     /* index + 1 of the heading being read */
    char *pool;      /* string pool: free bytes of the current block */
    size_t pool_left;
    bool editors;    /* AuthorList Type="editors" */
    bool orcid;      /* Identifier Source="ORCID" */
    bool have_pmid;
    bool invalid_id; /* ELocationID ValidYN="N" */
    const char *id_type;       /* arena: EIdType / IdType / IssnType */
    const char *kw_owner;      /* arena */
    bool kw_major;
    const char *label, *category; /* arena: AbstractText attributes */
    const char *ref_type;      /* arena: CommentsCorrections/@RefType */
    const char *ref_source, *ref_pmid;
    const char *chem_rn;
    const char *page_first, *page_last; /* StartPage, EndPage */
    const char *article_affiliation;
    const char *grant_parts[4];
    const char *person[3];     /* last, fore, suffix of an investigator / subject */
    mx_date date;
} mx;

static void mx_fail(mx *p, ev_status s, const char *fmt, ...) EV_PRINTF(3, 4);

static void mx_fail(mx *p, ev_status s, const char *fmt, ...)
{
    if (p->status == EV_OK) {
        size_t line = (size_t)XML_GetCurrentLineNumber(p->xp);
        size_t col = (size_t)XML_GetCurrentColumnNumber(p->xp) + 1;
        va_list ap;
        va_start(ap, fmt);
        ev_error_setv(p->err, s, ev__reader_name(p->r), line, col, fmt, ap);
        va_end(ap);
        p->status = s;
    }
    XML_StopParser(p->xp, XML_FALSE);
}

static void mx_oom(mx *p)
{
    mx_fail(p, EV_ENOMEM, "out of memory");
}

#define TRY(p, expr)              \
    do {                          \
        if ((expr) != EV_OK) {    \
            mx_oom(p);            \
            return;               \
        }                         \
    } while (0)

/* The same, in a function that returns bool (true: "handled"). */
#define TRYB(p, expr)             \
    do {                          \
        if ((expr) != EV_OK) {    \
            mx_oom(p);            \
            return true;          \
        }                         \
    } while (0)

static void table_build(mx *p)
{
    for (uint8_t id = 1; id < E_COUNT; id++) {
        size_t len = strlen(element_names[id]);
        uint32_t h = name_hash(element_names[id], len);
        while (p->table[h].name != NULL)
            h = (h + 1) & (HASH_SLOTS - 1);
        p->table[h].name = element_names[id];
        p->table[h].len = (uint32_t)len;
        p->table[h].id = id;
    }
}

static uint8_t element_id(const mx *p, const char *name, size_t len)
{
    uint32_t h = name_hash(name, len);
    while (p->table[h].name != NULL) {
        if (p->table[h].len == len && same_bytes(p->table[h].name, name, len))
            return p->table[h].id;
        h = (h + 1) & (HASH_SLOTS - 1);
    }
    return E_UNKNOWN;
}

/* ---- a per-record string pool ----------------------------------------------------- */

/* Strings are carved from 8 KiB arena blocks: one arena call (and one
 * zeroing) per block instead of one per field, a measurable share of the
 * parse (docs/internals/formats-medline-xml.md). The blocks belong to the
 * record's arena like everything else and go with ev_record_clear. */
#define POOL_BLOCK 8192u

static char *pool_strndup(mx *p, const char *s, size_t n)
{
    if (n >= POOL_BLOCK / 4)
        return ev_arena_strndup(p->rec->arena, s, n);
    if (p->pool_left < n + 1) {
        p->pool = ev_arena_alloc(p->rec->arena, POOL_BLOCK);
        if (p->pool == NULL) {
            p->pool_left = 0;
            return NULL;
        }
        p->pool_left = POOL_BLOCK;
    }
    char *d = p->pool;
    memcpy(d, s, n);
    d[n] = '\0';
    p->pool += n + 1;
    p->pool_left -= n + 1;
    return d;
}

/* ---- text helpers ---------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Does s[0..n) hold a tab, newline or CR, or two spaces in a row? Eight
 * bytes at a time: most fields need no collapsing. */
static bool needs_collapse(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* sixteen at a time: a byte below ' ' (unsigned), or two spaces in a
     * row inside the block or across its start */
    const __m128i space = _mm_set1_epi8(' ');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned ctl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, space), v));
        unsigned spc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, space));
        if ((ctl & ~spc) || (spc & (spc >> 1)) || (i > 0 && (spc & 1) && s[i - 1] == ' '))
            return true;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t ctl = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
        uint64_t sp = w ^ 0x2020202020202020ull; /* zero bytes: spaces */
        uint64_t z = ~(((sp & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | sp) &
                     0x8080808080808080ull;
        if (ctl || (z & (z >> 8)) || (i > 0 && s[i - 1] == ' ' && s[i] == ' '))
            return true;
    }
    for (; i < n; i++)
        if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r' || (i > 0 && s[i] == ' ' && s[i - 1] == ' '))
            return true;
    return false;
}

/* Copy s[0..n) into the arena with white space runs collapsed to one space
 * and both ends trimmed (pretty-printed files wrap text across lines).
 * *out = NULL when nothing is left. */
static ev_status flat_copy(mx *p, const char **out, const char *s, size_t n)
{
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    *out = NULL;
    if (n == 0)
        return EV_OK;
    char *d = pool_strndup(p, s, n);
    if (d == NULL)
        return EV_ENOMEM;
    *out = d;
    if (!needs_collapse(s, n))
        return EV_OK;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (is_space(c)) {
            if (d[k - 1] == ' ')
                continue;
            c = ' ';
        }
        d[k++] = c;
    }
    d[k] = '\0';
    return EV_OK;
}

static ev_status push_flat(mx *p, const char ***list, size_t *n, const char *s, size_t len)
{
    ev_record *rec = p->rec;
    const char *v;
    if (flat_copy(p, &v, s, len) != EV_OK)
        return EV_ENOMEM;
    if (v == NULL)
        return EV_OK;
    const char **arr = ev_arena_grow(rec->arena, (void *)*list, *n, sizeof *arr);
    if (arr == NULL)
        return EV_ENOMEM;
    arr[(*n)++] = v;
    *list = arr;
    return EV_OK;
}

/* Key/value pair whose key is static (element names) or already in the
 * arena; the value is flattened. */
static ev_status push_kv(mx *p, ev_kv **list, size_t *n, const char *key, const char *s,
                         size_t len)
{
    ev_record *rec = p->rec;
    const char *v;
    if (flat_copy(p, &v, s, len) != EV_OK)
        return EV_ENOMEM;
    if (v == NULL)
        return EV_OK;
    ev_kv *arr = ev_arena_grow(rec->arena, *list, *n, sizeof *arr);
    if (arr == NULL)
        return EV_ENOMEM;
    arr[*n].key = key;
    arr[*n].value = v;
    (*n)++;
    *list = arr;
    return EV_OK;
}

static ev_status push_extra(mx *p, const char *key, const char *s)
{
    return s ? push_kv(p, &p->rec->extra, &p->rec->n_extra, key, s, strlen(s)) : EV_OK;
}

/* strcmp() == 0, inlined: attribute names and values are a few bytes. */
static inline bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (str_eq(atts[i], name))
            return atts[i + 1];
    return NULL;
}

static bool attr_is(const char **atts, const char *name, const char *value)
{
    const char *v = attr(atts, name);
    return v != NULL && str_eq(v, value);
}

/* Arena copy of an attribute (attributes die with the start handler). */
static const char *attr_copy(mx *p, const char **atts, const char *name)
{
    const char *v = attr(atts, name);
    if (v == NULL || *v == '\0')
        return NULL;
    const char *c = pool_strndup(p, v, strlen(v));
    if (c == NULL)
        mx_oom(p);
    return c;
}

/* ---- markup (title_markup) ---------------------------------------------------------- */

static ev_status escape_into(ev_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                        : s[i] == '"' ? "&quot;" : NULL;
        if (rep == NULL)
            continue;
        if (ev_buf_append(b, s + start, i - start) != EV_OK || ev_buf_puts(b, rep) != EV_OK)
            return EV_ENOMEM;
        start = i + 1;
    }
    return ev_buf_append(b, s + start, n - start);
}

static ev_status markup_tag(ev_buf *b, const char *name, const char **atts)
{
    ev_status s = ev_buf_putc(b, '<');
    if (atts == NULL && s == EV_OK)
        s = ev_buf_putc(b, '/');
    if (s == EV_OK)
        s = ev_buf_puts(b, name);
    for (size_t i = 0; atts && atts[i] && s == EV_OK; i += 2) {
        if ((s = ev_buf_printf(b, " %s=\"", atts[i])) == EV_OK &&
            (s = escape_into(b, atts[i + 1], strlen(atts[i + 1]))) == EV_OK)
            s = ev_buf_putc(b, '"');
    }
    return s == EV_OK ? ev_buf_putc(b, '>') : s;
}

static bool is_mathml(const char *name)
{
    return strncmp(name, "mml:", 4) == 0 || strcmp(name, "math") == 0;
}

static bool is_word_byte(char c)
{
    return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Pretty-printed efetch output breaks the line before an inline tag
 * ("&#946;\n\t\t<sub>2</sub>"): white space holding a newline right before
 * <sub>/<sup> is layout, not text, and would split "β2". */
static void drop_layout_space(mx *p)
{
    size_t n = p->text.len;
    bool newline = false;
    while (n > 0 && is_space(p->text.ptr[n - 1]))
        newline |= p->text.ptr[--n] == '\n';
    if (newline && n >= p->stack[p->depth - 1].mark) {
        p->text.len = n;
        p->text.ptr[n] = '\0';
    }
}

/* An inline element opens or closes inside mixed content. Spec A4.7: <sub>
 * and <sup> join words, <i> <b> <u> separate them (a space is added only
 * where letters would otherwise touch, so punctuation keeps its place), and
 * MathML elements are separated by spaces. */
static void inline_boundary(mx *p, const char *name, const char **atts)
{
    size_t len = strlen(name);
    bool joins = len == 3 && (memcmp(name, "sub", 3) == 0 || memcmp(name, "sup", 3) == 0);
    uint8_t title = p->open[E_ArticleTitle] ? E_ArticleTitle
                    : p->open[E_VernacularTitle] ? E_VernacularTitle : E_UNKNOWN;
    if (title != E_UNKNOWN && !p->markup_on) {
        /* first tag in a title: start the fragment with the text so far */
        size_t mark = 0;
        for (size_t i = p->depth; i > 0; i--)
            if (p->stack[i - 1].id == title) {
                mark = p->stack[i - 1].mark;
                break;
            }
        ev_buf_clear(&p->markup);
        p->markup_on = true;
        if (p->text.ptr != NULL)
            TRY(p, escape_into(&p->markup, p->text.ptr + mark, p->text.len - mark));
    }
    if (p->markup_on)
        TRY(p, markup_tag(&p->markup, name, atts));
    if (is_mathml(name))
        TRY(p, ev_buf_putc(&p->text, ' '));
    else if (!joins)
        p->pending_sep = true;
    else
        drop_layout_space(p);
}

/* ---- records ------------------------------------------------------------------------- */

static void record_begin(mx *p)
{
    ev_record_clear(p->rec);
    p->rec->format = EV_FORMAT_MEDLINE_XML;
    p->rec->source_line = (size_t)XML_GetCurrentLineNumber(p->xp);
    p->in_record = true;
    p->rec_depth = p->depth;
    p->capture = true;
    p->author = p->mesh = 0;
    p->pool = NULL;
    p->pool_left = 0;
    p->editors = p->orcid = p->have_pmid = p->invalid_id = p->kw_major = false;
    p->id_type = p->kw_owner = p->label = p->category = p->ref_type = NULL;
    p->ref_source = p->ref_pmid = p->chem_rn = p->article_affiliation = NULL;
    p->markup_on = false;
    p->page_first = p->page_last = NULL;
    memset(p->grant_parts, 0, sizeof p->grant_parts);
    memset(p->person, 0, sizeof p->person);
    memset(&p->date, 0, sizeof p->date);
    p->rec_start = (int64_t)XML_GetCurrentByteIndex(p->xp);
}

/* Publication-type and link flags (spec B2, CommentsCorrections row). */
static void record_flags(ev_record *rec)
{
    for (size_t i = 0; i < rec->n_publication_types; i++) {
        const char *t = rec->publication_types[i];
        if (t[0] != 'R')
            continue;
        if (str_eq(t, "Retracted Publication"))
            rec->retracted = true;
        else if (str_eq(t, "Retraction of Publication"))
            rec->is_retraction_notice = true;
    }
    for (size_t i = 0; i < rec->n_links; i++) {
        const char *k = rec->links[i].key;
        if (k[0] != 'R' && k[0] != 'E')
            continue;
        if (str_eq(k, "RetractionIn"))
            rec->retracted = true;
        else if (str_eq(k, "RetractionOf"))
            rec->is_retraction_notice = true;
        else if (str_eq(k, "ErratumIn"))
            rec->has_erratum = true;
    }
}

/* The record's exact bytes, from its start tag's '<' to the end of its end
 * tag, out of the window (which holds everything from the record start on:
 * see window_push). */
static void record_raw(mx *p)
{
    uint64_t start = (uint64_t)p->rec_start;
    uint64_t end = (uint64_t)XML_GetCurrentByteIndex(p->xp) +
                   (uint64_t)XML_GetCurrentByteCount(p->xp);
    if (start < p->window_start || end > p->window_start + p->window.len || end < start)
        return;
    p->rec->raw = p->window.ptr + (start - p->window_start);
    p->rec->raw_len = (size_t)(end - start);
}

static void record_end(mx *p)
{
    ev_record *rec = p->rec;
    p->in_record = false;
    p->capture = false;
    if (p->article_affiliation) { /* pre-2014 records: the first author's */
        if (rec->n_authors > 0 && rec->authors[0].n_affiliations == 0)
            TRY(p, push_flat(p, &rec->authors[0].affiliations,
                             &rec->authors[0].n_affiliations, p->article_affiliation,
                             strlen(p->article_affiliation)));
        else
            TRY(p, push_extra(p, "Affiliation", p->article_affiliation));
    }
    if (rec->title == NULL && rec->book_title != NULL)
        rec->title = rec->book_title;
    record_flags(rec);
    if (p->opts->keep_raw && p->rec_start >= 0)
        record_raw(p);
    p->rec_start = -1;
    if (!p->have_pmid)
        ev__warn(p->sink, p->stats, ev__reader_name(p->r), rec->source_line,
                 "record %llu has no PMID", (unsigned long long)p->stats->records + 1);
    ev_status s = ev__emit(p->sink, p->stats, p->r, rec, p->err);
    if (s != EV_OK) {
        p->status = s;
        XML_StopParser(p->xp, XML_FALSE);
    }
}

/* ---- dates ----------------------------------------------------------------------------- */

static int small_int(const char *s, size_t n)
{
    int v = 0;
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    for (; i < n && isdigit((unsigned char)s[i]) && v < 100000; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int month_value(const char *s, size_t n)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    if (n && isdigit((unsigned char)s[0])) {
        int m = small_int(s, n);
        return m >= 1 && m <= 12 ? m : 0;
    }
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (strncasecmp(s, names + 3 * m, 3) == 0)
            return m + 1;
    return 0;
}

static const char *const month_abbr[13] = {"",    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* A date from its parts, raw written as MEDLINE text writes it: "20180524"
 * (DCOM, LR, DEP) or "2018/05/17 06:00" (EDAT, CRDT, MHDA, PHST). */
/* Digits of v, zero-padded to `width`, at b; returns the end. */
static char *put_num(char *b, int v, int width)
{
    char tmp[12];
    int n = 0;
    unsigned u = v < 0 ? 0u : (unsigned)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < 10);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *b++ = tmp[--n];
    return b;
}

/* A date from its parts, raw written as MEDLINE text writes it: "20180524"
 * (DCOM, LR, DEP) or "2018/05/17 06:00" (EDAT, CRDT, MHDA, PHST). */
static void date_from_parts(mx *p, ev_date *out, bool history)
{
    const mx_date *d = &p->date;
    char buf[64], *b = buf;
    memset(out, 0, sizeof *out);
    if (d->year == 0)
        return;
    out->year = d->year;
    out->month = d->month;
    out->day = d->month ? d->day : 0;
    b = put_num(b, d->year, 4);
    if (history)
        *b++ = '/';
    b = put_num(b, d->month, 2);
    if (history)
        *b++ = '/';
    b = put_num(b, d->day, 2);
    if (history) {
        *b++ = ' ';
        b = put_num(b, d->hour, 2);
        *b++ = ':';
        b = put_num(b, d->minute, 2);
    }
    out->raw = pool_strndup(p, buf, (size_t)(b - buf));
    if (out->raw == NULL)
        mx_oom(p);
}

/* ev_record_parse_date names a season in lower case; the record keeps it
 * as printed ("1999 Spring" -> "Spring"). */
static void printed_season(mx *p, ev_date *out)
{
    if (out->season == NULL || out->raw == NULL)
        return;
    size_t k = strlen(out->season);
    for (const char *q = out->raw; *q; q++)
        if (strncasecmp(q, out->season, k) == 0) {
            out->season = pool_strndup(p, q, k);
            if (out->season == NULL)
                mx_oom(p);
            return;
        }
}

/* PubDate: ((Year, ((Month, Day?) | Season)?) | MedlineDate), raw as the
 * MEDLINE DP field shows it ("2018 May 17", "2000 Spring"). */
static void pub_date(mx *p, ev_date *out)
{
    const mx_date *d = &p->date;
    char buf[96];
    if (d->medline && d->year == 0) {
        ev_record_parse_date(p->rec, out, d->medline, strlen(d->medline));
        printed_season(p, out);
        return;
    }
    if (d->year == 0)
        return;
    int n = snprintf(buf, sizeof buf, "%04d", d->year);
    if (d->season)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", d->season);
    else if (d->month)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", month_abbr[d->month]);
    else if (d->month_text)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %.20s", d->month_text);
    if (d->month && d->day && !d->season)
        snprintf(buf + n, sizeof buf - (size_t)n, " %d", d->day);
    ev_record_parse_date(p->rec, out, buf, strlen(buf));
    if (d->season)
        out->season = d->season;
}

static void history_date(mx *p)
{
    ev_record *rec = p->rec;
    const char *st = p->date.status ? p->date.status : "";
    /* MEDLINE text: EDAT = [pubmed], CRDT = [entrez], MHDA = [medline]. */
    ev_date *target = str_eq(st, "pubmed") ? &rec->date_entrez
                      : str_eq(st, "entrez") ? &rec->date_create
                      : str_eq(st, "medline") ? &rec->date_mesh : NULL;
    if (target) {
        if (target->year == 0)
            date_from_parts(p, target, true);
        return;
    }
    ev_date tmp;
    date_from_parts(p, &tmp, true);
    if (tmp.raw == NULL)
        return;
    ev_buf_clear(&p->scratch);
    TRY(p, ev_buf_printf(&p->scratch, "%s [%s]", tmp.raw, st));
    TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "PubMedPubDate", p->scratch.ptr,
                   p->scratch.len));
}

static void date_end(mx *p, uint8_t id)
{
    ev_record *rec = p->rec;
    ev_date tmp;
    switch (id) {
    case E_PubDate:
        if (rec->pub_date.year == 0 && rec->pub_date.raw == NULL)
            pub_date(p, &rec->pub_date);
        break;
    case E_DateCompleted: date_from_parts(p, &rec->date_completed, false); break;
    case E_DateRevised: date_from_parts(p, &rec->date_revised, false); break;
    case E_DateCreated:
        date_from_parts(p, &tmp, false);
        TRY(p, push_extra(p, "DateCreated", tmp.raw));
        break;
    case E_ArticleDate:
        if (rec->epub_date.year == 0)
            date_from_parts(p, &rec->epub_date, false);
        break;
    case E_PubMedPubDate: history_date(p); break;
    default: break;
    }
}

static void date_part(mx *p, uint8_t id, const char *s, size_t n)
{
    mx_date *d = &p->date;
    switch (id) {
    case E_Year: d->year = small_int(s, n); break;
    case E_Month: /* keep the text only when it is no month PubMed knows */
        d->month = month_value(s, n);
        if (d->month == 0)
            TRY(p, flat_copy(p, &d->month_text, s, n));
        break;
    case E_Day: d->day = small_int(s, n); break;
    case E_Hour: d->hour = small_int(s, n); break;
    case E_Minute: d->minute = small_int(s, n); break;
    case E_Season: TRY(p, flat_copy(p, &d->season, s, n)); break;
    case E_MedlineDate: TRY(p, flat_copy(p, &d->medline, s, n)); break;
    default: break;
    }
}

/* ---- identifiers -------------------------------------------------------------------------- */

/* ELocationID / ArticleId: doi, pii and pmc have fields of their own; the
 * first of each wins (ELocationID comes first in the file). */
static void article_id(mx *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    const char *type = p->id_type ? p->id_type : "unknown";
    if (p->invalid_id) {
        ev_buf_clear(&p->scratch);
        TRY(p, ev_buf_printf(&p->scratch, "%s (invalid)", type));
        const char *key = ev_arena_strdup(rec->arena, p->scratch.ptr);
        if (key == NULL) {
            mx_oom(p);
            return;
        }
        TRY(p, push_kv(p, &rec->other_ids, &rec->n_other_ids, key, s, n));
        return;
    }
    if (str_eq(type, "doi")) {
        const char *doi = ev_record_doi(rec, s, n);
        if (doi != NULL && (rec->doi == NULL || str_eq(rec->doi, doi))) {
            rec->doi = doi;
            return;
        }
    } else if (str_eq(type, "pii") && rec->pii == NULL) {
        TRY(p, flat_copy(p, &rec->pii, s, n));
        return;
    } else if (str_eq(type, "pmc") && rec->pmcid == NULL) {
        TRY(p, flat_copy(p, &rec->pmcid, s, n));
        return;
    } else if (str_eq(type, "pubmed") && rec->pmid != NULL) {
        return; /* the record's own PMID again */
    } else if (str_eq(type, "pii") || str_eq(type, "pmc")) {
        const char *v = NULL;
        TRY(p, flat_copy(p, &v, s, n));
        if (v && str_eq(v, strcmp(type, "pii") == 0 ? rec->pii : rec->pmcid))
            return; /* same id from ELocationID and ArticleIdList */
    }
    TRY(p, push_kv(p, &rec->other_ids, &rec->n_other_ids, type, s, n));
}

static void pmid_end(mx *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    if (p->open[E_CommentsCorrections]) {
        TRY(p, flat_copy(p, &p->ref_pmid, s, n));
        return;
    }
    if (p->have_pmid) { /* a second PMID: keep it, never replace the key */
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "PMID", s, n));
        return;
    }
    TRY(p, flat_copy(p, &rec->pmid, s, n));
    rec->source_record_id = rec->pmid;
    p->have_pmid = rec->pmid != NULL;
}

static void deleted_pmid(mx *p, const char *s, size_t n)
{
    const char *v = NULL;
    ev_buf_clear(&p->scratch);
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    TRY(p, ev_buf_append(&p->scratch, s, n));
    v = ev_buf_cstr(&p->scratch);
    if (*v == '\0')
        return;
    p->stats->deleted++;
    if (p->sink->deleted == NULL)
        return;
    ev_status st = p->sink->deleted(v, p->sink->payload);
    if (st != EV_OK)
        mx_fail(p, st, "deleted PMID %s could not be recorded", v);
}

/* ---- authors ------------------------------------------------------------------------------ */

static ev_author *cur_author(mx *p)
{
    return p->author ? &p->rec->authors[p->author - 1] : NULL;
}

static void author_begin(mx *p, const char **atts)
{
    ev_author *a;
    TRY(p, ev_record_add_author(p->rec, &a));
    a->invalid = attr_is(atts, "ValidYN", "N");
    p->author = p->rec->n_authors;
}

/* Editors of a book are not its authors: keep them as "Editor" extras. */
static void author_end(mx *p)
{
    ev_author *a = cur_author(p);
    p->author = 0;
    if (!p->editors || a == NULL)
        return;
    ev_buf_clear(&p->scratch);
    if (a->collective)
        TRY(p, ev_buf_puts(&p->scratch, a->collective));
    else
        TRY(p, ev_buf_printf(&p->scratch, "%s%s%s", a->family ? a->family : "",
                             a->given ? ", " : "", a->given ? a->given : ""));
    p->rec->n_authors--;
    TRY(p, push_kv(p, &p->rec->extra, &p->rec->n_extra, "Editor", p->scratch.ptr,
                   p->scratch.len));
}

static const char *strip_orcid(const char *s)
{
    const char *q = strstr(s, "orcid.org/");
    return q ? q + 10 : s;
}

/* Leaves of an Author, an Investigator or a PersonalNameSubject. */
static void name_part(mx *p, uint8_t id, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    ev_author *a = cur_author(p);
    if (a == NULL || p->open[E_Investigator] || p->open[E_PersonalNameSubject]) {
        int slot = id == E_LastName ? 0 : id == E_ForeName ? 1 : id == E_Suffix ? 2 : -1;
        if (slot >= 0)
            TRY(p, flat_copy(p, &p->person[slot], s, n));
        return;
    }
    switch (id) {
    case E_LastName: TRY(p, flat_copy(p, &a->family, s, n)); break;
    case E_ForeName: TRY(p, flat_copy(p, &a->given, s, n)); break;
    case E_Initials: TRY(p, flat_copy(p, &a->initials, s, n)); break;
    case E_Suffix: TRY(p, flat_copy(p, &a->suffix, s, n)); break;
    case E_CollectiveName: TRY(p, flat_copy(p, &a->collective, s, n)); break;
    case E_Identifier:
        if (p->orcid && a->orcid == NULL) {
            const char *v = NULL;
            TRY(p, flat_copy(p, &v, s, n));
            a->orcid = v ? strip_orcid(v) : NULL;
        } else {
            TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "Identifier", s, n));
        }
        break;
    default: break;
    }
}

/* Investigator / PersonalNameSubject: "Last, Fore Suffix" as an extra. */
static void person_end(mx *p, const char *key)
{
    ev_buf_clear(&p->scratch);
    const char *const *n = p->person;
    TRY(p, ev_buf_printf(&p->scratch, "%s%s%s%s%s", n[0] ? n[0] : "", n[1] ? ", " : "",
                         n[1] ? n[1] : "", n[2] ? " " : "", n[2] ? n[2] : ""));
    TRY(p, push_kv(p, &p->rec->extra, &p->rec->n_extra, key, p->scratch.ptr,
                   p->scratch.len));
    p->person[0] = p->person[1] = p->person[2] = NULL;
}

static void affiliation_end(mx *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    ev_author *a = cur_author(p);
    if (p->open[E_Investigator])
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "InvestigatorAffiliation", s, n));
    else if (a != NULL)
        TRY(p, push_flat(p, &a->affiliations, &a->n_affiliations, s, n));
    else if (p->article_affiliation == NULL)
        TRY(p, flat_copy(p, &p->article_affiliation, s, n));
    else
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "Affiliation", s, n));
}

/* ---- MeSH, keywords, abstract ---------------------------------------------------------- */

static bool yes(const char **atts, const char *name)
{
    return attr_is(atts, name, "Y");
}

static void mesh_begin(mx *p, uint8_t id, const char **atts)
{
    ev_record *rec = p->rec;
    if (id == E_DescriptorName) {
        ev_mesh_heading *h;
        TRY(p, ev_record_add_mesh(rec, &h));
        p->mesh = rec->n_mesh;
        h->ui = attr_copy(p, atts, "UI");
        h->major = yes(atts, "MajorTopicYN");
        h->geographic = attr_is(atts, "Type", "Geographic");
    } else if (p->mesh) {
        ev_mesh_qualifier *q;
        TRY(p, ev_record_add_qualifier(rec, &rec->mesh[p->mesh - 1], &q));
        q->ui = attr_copy(p, atts, "UI");
        q->major = yes(atts, "MajorTopicYN");
    }
}

static void mesh_end(mx *p, uint8_t id, const char *s, size_t n)
{
    if (p->mesh == 0)
        return;
    ev_mesh_heading *h = &p->rec->mesh[p->mesh - 1];
    if (id == E_DescriptorName)
        TRY(p, flat_copy(p, &h->name, s, n));
    else if (h->n_qualifiers > 0)
        TRY(p, flat_copy(p, &h->qualifiers[h->n_qualifiers - 1].name, s, n));
}

static void keyword_end(mx *p, const char *s, size_t n)
{
    const char *v;
    TRY(p, flat_copy(p, &v, s, n));
    if (v == NULL)
        return;
    ev_keyword *k;
    TRY(p, ev_record_add_keyword(p->rec, &k));
    k->text = v;
    k->owner = p->kw_owner;
    k->major = p->kw_major;
}

/* OtherAbstract sections go to extra "OtherAbstract" as "LABEL: text"
 * (documented choice: they are translations or publisher/NASA versions,
 * not part of the abstract the reviewers screen). */
static void abstract_text_end(mx *p, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    if (p->open[E_OtherAbstract]) {
        ev_buf_clear(&p->scratch);
        if (p->label)
            TRY(p, ev_buf_printf(&p->scratch, "%s: ", p->label));
        TRY(p, ev_buf_append(&p->scratch, s, n));
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "OtherAbstract", p->scratch.ptr,
                       p->scratch.len));
        return;
    }
    const char *v;
    TRY(p, flat_copy(p, &v, s, n));
    if (v == NULL && p->label == NULL)
        return;
    ev_abstract_section *sec;
    TRY(p, ev_record_add_section(rec, &sec));
    sec->label = p->label;
    sec->category = p->category;
    sec->text = v;
}

/* ---- grants, chemicals, comments --------------------------------------------------------- */

/* "GrantID/Acronym/Agency/Country", as MEDLINE's GR field writes it. */
static void grant_end(mx *p)
{
    ev_buf_clear(&p->scratch);
    for (int i = 0; i < 4; i++) {
        if (i > 0)
            TRY(p, ev_buf_putc(&p->scratch, '/'));
        if (p->grant_parts[i])
            TRY(p, ev_buf_puts(&p->scratch, p->grant_parts[i]));
        p->grant_parts[i] = NULL;
    }
    if (p->scratch.len > 3)
        TRY(p, push_flat(p, &p->rec->grants, &p->rec->n_grants, p->scratch.ptr,
                         p->scratch.len));
}

static void chemical_end(mx *p)
{
    ev_record *rec = p->rec;
    const char *name = rec->n_substances ? rec->substances[rec->n_substances - 1] : "";
    if (p->chem_rn != NULL) {
        ev_buf_clear(&p->scratch);
        TRY(p, ev_buf_printf(&p->scratch, "%s (%s)", p->chem_rn, name));
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "RegistryNumber", p->scratch.ptr,
                       p->scratch.len));
    }
    p->chem_rn = NULL;
}

static void comment_end(mx *p)
{
    ev_record *rec = p->rec;
    const char *v = p->ref_pmid ? p->ref_pmid : p->ref_source;
    if (v != NULL)
        TRY(p, push_kv(p, &rec->links, &rec->n_links, p->ref_type ? p->ref_type : "Comment",
                       v, strlen(v)));
    p->ref_type = p->ref_source = p->ref_pmid = NULL;
}

/* ---- start tags ------------------------------------------------------------------------- */

static bool is_mixed(uint8_t id)
{
    switch (id) {
    case E_ArticleTitle: case E_VernacularTitle: case E_AbstractText: case E_Affiliation:
    case E_Keyword: case E_CollectiveName: case E_CoiStatement: case E_Citation:
    case E_CopyrightInformation: case E_BookTitle: case E_RefSource:
        return true;
    default:
        return false;
    }
}

static void record_start_tag(mx *p, uint8_t id, const char **atts)
{
    ev_record *rec = p->rec;
    switch (id) {
    case E_MedlineCitation:
        rec->status = attr_copy(p, atts, "Status");
        rec->owner = attr_copy(p, atts, "Owner");
        TRY(p, push_extra(p, "IndexingMethod", attr(atts, "IndexingMethod")));
        break;
    case E_PMID:
        if (!p->have_pmid && !p->open[E_CommentsCorrections] && attr(atts, "Version") &&
            !attr_is(atts, "Version", "1"))
            TRY(p, push_extra(p, "PMIDVersion", attr(atts, "Version")));
        break;
    case E_Article: TRY(p, push_extra(p, "PubModel", attr(atts, "PubModel"))); break;
    case E_ISSN: case E_ArticleId:
        p->id_type = attr_copy(p, atts, id == E_ISSN ? "IssnType" : "IdType");
        p->invalid_id = false;
        break;
    case E_ELocationID:
        p->id_type = attr_copy(p, atts, "EIdType");
        p->invalid_id = attr_is(atts, "ValidYN", "N");
        break;
    case E_AuthorList:
        p->editors = attr_is(atts, "Type", "editors");
        if (attr_is(atts, "CompleteYN", "N") && !p->editors)
            rec->authors_incomplete = true;
        break;
    case E_Author:
        if (!p->open[E_InvestigatorList])
            author_begin(p, atts);
        break;
    case E_Identifier: p->orcid = attr_is(atts, "Source", "ORCID"); break;
    case E_AbstractText:
        p->label = attr_copy(p, atts, "Label");
        p->category = attr_copy(p, atts, "NlmCategory");
        break;
    case E_OtherAbstract:
        TRY(p, push_extra(p, "OtherAbstractType", attr(atts, "Type")));
        TRY(p, push_extra(p, "OtherAbstractLanguage", attr(atts, "Language")));
        break;
    case E_DescriptorName: case E_QualifierName: mesh_begin(p, id, atts); break;
    case E_KeywordList: /* the DTD's default owner */
        p->kw_owner = attr(atts, "Owner") ? attr_copy(p, atts, "Owner") : "NLM";
        break;
    case E_Keyword: p->kw_major = yes(atts, "MajorTopicYN"); break;
    case E_CommentsCorrections: p->ref_type = attr_copy(p, atts, "RefType"); break;
    case E_PubDate: case E_DateCompleted: case E_DateRevised: case E_DateCreated:
    case E_ArticleDate: case E_PubMedPubDate:
        memset(&p->date, 0, sizeof p->date);
        if (id == E_PubMedPubDate)
            p->date.status = attr_copy(p, atts, "PubStatus");
        break;
    default: break;
    }
}

static void push_frame(mx *p, uint8_t id, uint8_t flags)
{
    mx_frame *f = &p->stack[p->depth++];
    f->id = id;
    f->flags = flags;
    f->mark = p->text.len;
    p->open[id]++;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    mx *p = ud;
    if (p->status != EV_OK) /* expat may still report an event after a stop */
        return;
    if (p->depth >= MX_MAX_DEPTH) {
        mx_fail(p, EV_EINPUT, "elements nested deeper than %d", MX_MAX_DEPTH);
        return;
    }
    mx_frame *parent = p->depth ? &p->stack[p->depth - 1] : NULL;
    if (parent && (parent->flags & F_IGNORE)) {
        push_frame(p, E_UNKNOWN, F_IGNORE);
        return;
    }
    if (parent)
        parent->flags |= F_HAS_CHILD;
    if (parent && (parent->flags & (F_MIXED | F_INLINE))) {
        inline_boundary(p, name, atts);
        push_frame(p, E_UNKNOWN, F_INLINE);
        return;
    }
    uint8_t id = element_id(p, name, strlen(name));
    if (!p->in_record) {
        if (id == E_PubmedArticle || id == E_PubmedBookArticle || id == E_MedlineCitation) {
            record_begin(p);
        } else if (id == E_DeleteCitation) {
            p->capture = true;
        } else if (p->depth == 0 && id != E_PubmedArticleSet && id != E_MedlineCitationSet &&
                   id != E_PubmedBookArticleSet) {
            mx_fail(p, EV_EINPUT, "not PubMed XML: unexpected root element <%s>", name);
            return;
        }
    }
    uint8_t flags = is_mixed(id) ? F_MIXED : 0;
    if (id == E_Sections || (id == E_ArticleIdList && p->open[E_ReferenceList]))
        flags = (uint8_t)(flags | F_IGNORE);
    push_frame(p, id, flags);
    if (p->in_record)
        record_start_tag(p, id, atts);
}

/* ---- end tags --------------------------------------------------------------------------- */

/* Journal-level leaves. */
static void journal_end(mx *p, uint8_t id, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    switch (id) {
    case E_Title: TRY(p, flat_copy(p, &rec->journal, s, n)); break;
    case E_ISOAbbreviation: TRY(p, flat_copy(p, &rec->journal_abbrev, s, n)); break;
    case E_MedlineTA: TRY(p, flat_copy(p, &rec->medline_ta, s, n)); break;
    case E_NlmUniqueID: TRY(p, flat_copy(p, &rec->nlm_id, s, n)); break;
    case E_ISSNLinking: TRY(p, flat_copy(p, &rec->issn_linking, s, n)); break;
    case E_Volume: TRY(p, flat_copy(p, &rec->volume, s, n)); break;
    case E_Issue: TRY(p, flat_copy(p, &rec->issue, s, n)); break;
    case E_ISSN:
        if (p->id_type && str_eq(p->id_type, "Electronic"))
            TRY(p, flat_copy(p, &rec->issn_electronic, s, n));
        else
            TRY(p, flat_copy(p, &rec->issn_print, s, n));
        break;
    default: break;
    }
}

static void title_end(mx *p, uint8_t id, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    const char **field = id == E_ArticleTitle ? &rec->title : &rec->vernacular_title;
    if (*field != NULL) { /* a second title: keep it */
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, element_names[id], s, n));
        p->markup_on = false;
        return;
    }
    TRY(p, flat_copy(p, field, s, n));
    if (p->markup_on && id == E_ArticleTitle)
        TRY(p, ev_record_set(rec, &rec->title_markup, p->markup.ptr, p->markup.len));
    else if (p->markup_on)
        TRY(p, push_kv(p, &rec->extra, &rec->n_extra, "VernacularTitleMarkup",
                       p->markup.ptr, p->markup.len));
    p->markup_on = false;
}

/* Leaves with no special context: journal, ids, lists, dates. Returns false
 * when the element is unknown here (its text then goes to extra). */
static bool leaf_end(mx *p, uint8_t id, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    switch (id) {
    case E_PMID: pmid_end(p, s, n); break;
    case E_Title: case E_ISOAbbreviation: case E_MedlineTA: case E_NlmUniqueID:
    case E_ISSNLinking: case E_Volume: case E_Issue: case E_ISSN:
        journal_end(p, id, s, n);
        break;
    case E_Country:
        if (p->open[E_Grant])
            TRYB(p, flat_copy(p, &p->grant_parts[3], s, n));
        else
            TRYB(p, flat_copy(p, &rec->country, s, n));
        break;
    case E_GrantID: TRYB(p, flat_copy(p, &p->grant_parts[0], s, n)); break;
    case E_Acronym: TRYB(p, flat_copy(p, &p->grant_parts[1], s, n)); break;
    case E_Agency: TRYB(p, flat_copy(p, &p->grant_parts[2], s, n)); break;
    case E_ArticleTitle: case E_VernacularTitle: title_end(p, id, s, n); break;
    case E_BookTitle: TRYB(p, flat_copy(p, &rec->book_title, s, n)); break;
    case E_PublisherName: TRYB(p, flat_copy(p, &rec->publisher, s, n)); break;
    case E_MedlinePgn: TRYB(p, flat_copy(p, &rec->pages, s, n)); break;
    case E_StartPage: TRYB(p, flat_copy(p, &p->page_first, s, n)); break;
    case E_EndPage: TRYB(p, flat_copy(p, &p->page_last, s, n)); break;
    case E_ELocationID: case E_ArticleId: article_id(p, s, n); break;
    case E_Language: TRYB(p, push_flat(p, &rec->languages, &rec->n_languages, s, n)); break;
    case E_PublicationType:
        TRYB(p, push_flat(p, &rec->publication_types, &rec->n_publication_types, s, n));
        break;
    case E_NameOfSubstance: case E_SupplMeshName:
        TRYB(p, push_flat(p, &rec->substances, &rec->n_substances, s, n));
        break;
    case E_RegistryNumber: TRYB(p, flat_copy(p, &p->chem_rn, s, n)); break;
    case E_PublicationStatus: TRYB(p, flat_copy(p, &rec->publication_status, s, n)); break;
    case E_Year: case E_Month: case E_Day: case E_Hour: case E_Minute: case E_Season:
    case E_MedlineDate:
        date_part(p, id, s, n);
        break;
    default: return false;
    }
    return true;
}

/* Leaves whose meaning depends on the element around them. */
static bool context_end(mx *p, uint8_t id, const char *s, size_t n)
{
    ev_record *rec = p->rec;
    switch (id) {
    case E_LastName: case E_ForeName: case E_Initials: case E_Suffix: case E_CollectiveName:
    case E_Identifier:
        name_part(p, id, s, n);
        break;
    case E_Affiliation: affiliation_end(p, s, n); break;
    case E_AbstractText: abstract_text_end(p, s, n); break;
    case E_CopyrightInformation:
        if (p->open[E_OtherAbstract] || rec->copyright != NULL)
            TRYB(p, push_kv(p, &rec->extra, &rec->n_extra, "OtherCopyright", s, n));
        else
            TRYB(p, flat_copy(p, &rec->copyright, s, n));
        break;
    case E_DescriptorName: case E_QualifierName: mesh_end(p, id, s, n); break;
    case E_Keyword: keyword_end(p, s, n); break;
    case E_RefSource: TRYB(p, flat_copy(p, &p->ref_source, s, n)); break;
    case E_CoiStatement:
        TRYB(p, push_kv(p, &rec->extra, &rec->n_extra, "CoiStatement", s, n));
        break;
    case E_Citation:
        TRYB(p, push_kv(p, &rec->extra, &rec->n_extra, "Reference", s, n));
        break;
    default: return leaf_end(p, id, s, n);
    }
    return true;
}

/* StartPage/EndPage make the pages only when MedlinePgn is absent. */
static void pages_end(mx *p)
{
    ev_record *rec = p->rec;
    if (rec->pages == NULL && p->page_first != NULL) {
        ev_buf_clear(&p->scratch);
        TRY(p, ev_buf_printf(&p->scratch, "%s%s%s", p->page_first, p->page_last ? "-" : "",
                             p->page_last ? p->page_last : ""));
        TRY(p, flat_copy(p, &rec->pages, p->scratch.ptr, p->scratch.len));
    }
    p->page_first = p->page_last = NULL;
}

/* Containers that finish something when they close. */
static void container_end(mx *p, uint8_t id)
{
    switch (id) {
    case E_PubDate: case E_DateCompleted: case E_DateRevised: case E_DateCreated:
    case E_ArticleDate: case E_PubMedPubDate:
        date_end(p, id);
        break;
    case E_Author:
        if (p->open[E_InvestigatorList] == 0)
            author_end(p);
        break;
    case E_AuthorList: p->editors = false; break;
    case E_Investigator: person_end(p, "Investigator"); break;
    case E_PersonalNameSubject: person_end(p, "PersonalNameSubject"); break;
    case E_MeshHeading: p->mesh = 0; break;
    case E_KeywordList: p->kw_owner = NULL; break;
    case E_Grant: grant_end(p); break;
    case E_Chemical: chemical_end(p); break;
    case E_CommentsCorrections: comment_end(p); break;
    case E_AbstractText: p->label = p->category = NULL; break;
    case E_Pagination: pages_end(p); break;
    default: break;
    }
}

/* Unknown elements (and known ones with no home here) keep their text. */
static void unknown_end(mx *p, uint8_t id, const char *name, const char *s, size_t n)
{
    const char *key = id ? element_names[id] : NULL;
    if (key == NULL) {
        const char *v = NULL;
        TRY(p, flat_copy(p, &v, s, n));
        if (v == NULL)
            return;
        if ((key = ev_arena_strdup(p->rec->arena, name)) == NULL) {
            mx_oom(p);
            return;
        }
    }
    TRY(p, push_kv(p, &p->rec->extra, &p->rec->n_extra, key, s, n));
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    mx *p = ud;
    if (p->depth == 0 || p->status != EV_OK)
        return;
    mx_frame f = p->stack[--p->depth];
    p->open[f.id]--;
    if (f.flags & F_IGNORE)
        return;
    if (f.flags & F_INLINE) {
        if (is_mathml(name))
            TRY(p, ev_buf_putc(&p->text, ' '));
        else if (!(name[0] == 's' && name[1] == 'u' && (name[2] == 'b' || name[2] == 'p') &&
                   name[3] == '\0'))
            p->pending_sep = true;
        if (p->markup_on)
            TRY(p, markup_tag(&p->markup, name, NULL));
        return;
    }
    if (p->in_record) {
        const char *s = p->text.ptr ? p->text.ptr + f.mark : "";
        size_t n = p->text.len - f.mark;
        if (!(f.flags & F_HAS_CHILD) || (f.flags & F_MIXED)) {
            if (!context_end(p, f.id, s, n))
                unknown_end(p, f.id, name, s, n);
        } else {
            container_end(p, f.id);
        }
        p->pending_sep = false;
        if (p->depth == p->rec_depth)
            record_end(p);
    } else if (f.id == E_PMID && p->open[E_DeleteCitation] && p->text.ptr) {
        deleted_pmid(p, p->text.ptr + f.mark, p->text.len - f.mark);
    } else if (f.id == E_DeleteCitation) {
        p->capture = false;
    }
    p->text.len = f.mark;
    if (p->text.ptr)
        p->text.ptr[f.mark] = '\0';
}

/* ---- character data ------------------------------------------------------------------- */

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    mx *p = ud;
    if (!p->capture || len <= 0 || p->status != EV_OK)
        return;
    size_t n = (size_t)len;
    if (p->pending_sep) {
        p->pending_sep = false;
        if (p->text.len > 0 && is_word_byte(p->text.ptr[p->text.len - 1]) && is_word_byte(s[0]))
            TRY(p, ev_buf_putc(&p->text, ' '));
    }
    if (buf_add(&p->text, s, n) != EV_OK) {
        mx_fail(p, EV_EINPUT, "record text longer than %zu bytes", p->text.max);
        return;
    }
    if (p->markup_on)
        TRY(p, escape_into(&p->markup, s, n));
}

/* ---- driver ----------------------------------------------------------------------------- */

/* PubMed XML declares no entities: any declaration is refused before it can
 * be used, which rules out external entities (XXE) and expansion bombs. */
static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    (void)is_param, (void)value, (void)value_len, (void)base;
    (void)system_id, (void)public_id, (void)notation;
    mx_fail(ud, EV_EINPUT,
            "entity declaration \"%s\" refused: PubMed XML declares no entities, and "
            "external or expanding entities are never read",
            name);
}

/* A reference to an entity expat could only find in the external DTD, which
 * is never read: refused rather than silently dropped from the text. */
static void XMLCALL on_skipped_entity(void *ud, const XML_Char *name, int is_param)
{
    (void)is_param;
    mx_fail(ud, EV_EINPUT, "undefined entity \"&%s;\" (the external DTD is never read)", name);
}

static ev_status mx_init(mx *p, ev__reader *r, const ev_parse_options *opts,
                         const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    p->opts = opts;
    p->sink = sink;
    p->stats = stats;
    p->err = err;
    p->rec_start = -1;
    ev_buf_init(&p->text, MX_TEXT_MAX);
    ev_buf_init(&p->markup, MX_TEXT_MAX);
    ev_buf_init(&p->scratch, MX_TEXT_MAX);
    ev_buf_init(&p->window, MX_RAW_MAX);
    table_build(p);
    p->rec = ev_record_new();
    p->xp = ev__xml_parser_new(p, on_entity_decl, on_skipped_entity);
    if (p->rec == NULL || p->xp == NULL)
        return ev_error_set(err, EV_ENOMEM, ev__reader_name(r), 0, 0, "out of memory");
    XML_SetElementHandler(p->xp, on_start, on_end);
    XML_SetCharacterDataHandler(p->xp, on_text);
    return EV_OK;
}

static void mx_release(mx *p)
{
    if (p->xp)
        XML_ParserFree(p->xp);
    ev_record_free(p->rec);
    ev_buf_release(&p->text);
    ev_buf_release(&p->markup);
    ev_buf_release(&p->scratch);
    ev_buf_release(&p->window);
}

/* Keep the input from the open record's start on, or else from the first
 * byte expat has not parsed yet (a record's start tag may begin there and end
 * in this chunk), so that record_raw finds the record's bytes in one piece. */
static ev_status window_push(mx *p, const char *d, size_t n, uint64_t chunk_start)
{
    uint64_t keep_from = p->parsed_to;
    if (p->rec_start >= 0 && (uint64_t)p->rec_start < keep_from)
        keep_from = (uint64_t)p->rec_start;
    if (keep_from > p->window_start) {
        size_t drop = keep_from - p->window_start > p->window.len
                          ? p->window.len
                          : (size_t)(keep_from - p->window_start);
        memmove(p->window.ptr, p->window.ptr + drop, p->window.len - drop);
        p->window.len -= drop;
        p->window_start += drop;
    }
    if (p->window.len == 0)
        p->window_start = chunk_start;
    if (ev_buf_append(&p->window, d, n) != EV_OK)
        return ev_error_set(p->err, EV_EINPUT, ev__reader_name(p->r),
                            (size_t)XML_GetCurrentLineNumber(p->xp), 0,
                            "record longer than %zu bytes", p->window.max);
    return EV_OK;
}

/* Why expat stopped: a handler's status (already reported), or malformed
 * XML at expat's position (its column is 0-based). */
static ev_status xml_error(mx *p)
{
    if (p->status != EV_OK)
        return p->status;
    ev_status s = ev_error_set(p->err, EV_EINPUT, ev__reader_name(p->r),
                               (size_t)XML_GetCurrentLineNumber(p->xp),
                               (size_t)XML_GetCurrentColumnNumber(p->xp) + 1,
                               "malformed XML: %s", XML_ErrorString(XML_GetErrorCode(p->xp)));
    XML_Index at = XML_GetCurrentByteIndex(p->xp);
    if (at >= 0)
        ev_error_set_offset(p->err, (uint64_t)at);
    return s;
}

/* One chunk (or the end, n == 0) to expat, which takes int lengths. */
static ev_status feed(mx *p, const char *d, size_t n)
{
    if (n == 0) /* the end: d may be NULL, and NULL + 0 is undefined */
        return XML_Parse(p->xp, NULL, 0, XML_TRUE) == XML_STATUS_OK ? p->status : xml_error(p);
    while (n > 0) {
        int part = n > ((size_t)1 << 30) ? 1 << 30 : (int)n;
        if (XML_Parse(p->xp, d, part, XML_FALSE) != XML_STATUS_OK)
            return xml_error(p);
        /* outside a handler: just past the last event expat parsed */
        p->parsed_to = (uint64_t)XML_GetCurrentByteIndex(p->xp);
        d += part;
        n -= (size_t)part;
    }
    return p->status;
}

ev_status ev__parse_medline_xml(ev__reader *r, const ev_parse_options *opts,
                                const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err)
{
    mx p;
    uint64_t consumed = 0;
    ev__reader_set_encoding(r, EV__ENC_RAW);
    ev_status s = mx_init(&p, r, opts, sink, stats, err);
    while (s == EV_OK) {
        const char *data;
        size_t n;
        if ((s = ev__reader_read(r, &data, &n, err)) != EV_OK)
            break;
        if (n > 0 && opts->keep_raw && (s = window_push(&p, data, n, consumed)) != EV_OK)
            break;
        consumed += n;
        if ((s = feed(&p, data, n)) != EV_OK || n == 0)
            break;
        s = ev__progress(sink, r, err);
    }
    mx_release(&p);
    return s;
}
