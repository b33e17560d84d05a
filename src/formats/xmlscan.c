/*
 * xmlscan.c - the streaming XML scanner (see xmlscan.h): UTF-8 checked a
 * word at a time, text runs found with memchr, tags parsed in place in a
 * window of input that holds only what is not finished yet.
 */
#include "xmlscan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define NEED 1 /* token incomplete: wait for more input */
#define BAD (-1)

/* Absolute input offsets <-> pointers into the buffer being scanned: the
 * window, or the caller's chunk itself (see ev__xml_feed). */
#define ABS(x, p) ((x)->buf_base + (uint64_t)((const char *)(p) - (x)->buf))
#define PTR(x, off) ((x)->buf + (size_t)((off) - (x)->buf_base))
#define PIECE ((size_t)4 << 10)

void ev__xml_init(ev__xml *x, const ev__xml_handlers *h, const char *name, size_t max,
                  ev_error *err)
{
    memset(x, 0, sizeof *x);
    x->h = *h;
    x->name = name;
    x->err = err;
    x->keep = UINT64_MAX;
    x->bad_at = UINT64_MAX;
    ev_buf_init(&x->win, max);
    ev_buf_init(&x->names, 0);
    ev_buf_init(&x->attr, max);
    ev_buf_init(&x->tmp, max);
}

void ev__xml_release(ev__xml *x)
{
    ev_buf_release(&x->win);
    ev_buf_release(&x->names);
    ev_buf_release(&x->attr);
    ev_buf_release(&x->tmp);
    ev_free(x->name_off);
    ev_free(x->attr_off);
    ev_free(x->atts);
}

void ev__xml_stop(ev__xml *x, ev_status status)
{
    if (!x->stopped) {
        x->stopped = true;
        x->status = status;
    }
}

void ev__xml_keep(ev__xml *x, uint64_t off)
{
    x->keep = off;
}

const char *ev__xml_bytes(const ev__xml *x, uint64_t off, uint64_t end)
{
    if (off < x->buf_base || end > x->buf_base + x->buf_len || end < off)
        return NULL;
    return PTR(x, off);
}

/* ---- positions ------------------------------------------------------------------ */

/* memmem is a GNU extension. */
static const char *find_lit(const char *s, size_t n, const char *lit, size_t k)
{
    while (n >= k) {
        const char *c = memchr(s, lit[0], n - k + 1);
        if (c == NULL)
            return NULL;
        if (memcmp(c, lit, k) == 0)
            return c;
        n -= (size_t)(c + 1 - s);
        s = c + 1;
    }
    return NULL;
}

/* Count newlines up to `upto` (never past the window's end). */
/* Newlines in [s, e) and the last one (*last, NULL if none): sixteen bytes
 * at a time where SSE2 is there (every x86-64). */
static size_t count_newlines(const char *s, const char *e, const char **last)
{
    size_t n = 0;
    const char *q = s;
    *last = NULL;
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    for (; e - q >= 16; q += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)q), nl));
        if (m) {
            *last = q + (31 - __builtin_clz(m));
            for (; m; m &= m - 1)
                n++;
        }
    }
#endif
    for (; q < e; q++)
        if (*q == '\n') {
            n++;
            *last = q;
        }
    return n;
}

/* Count newlines up to `upto` (never past the window's end). */
static void count_lines(ev__xml *x, uint64_t upto)
{
    uint64_t top = x->buf_base + x->buf_len;
    if (upto > top)
        upto = top;
    if (upto <= x->nl_pos)
        return;
    const char *last;
    size_t n = count_newlines(PTR(x, x->nl_pos), PTR(x, upto), &last);
    if (n) {
        x->nl_count += n;
        x->line_start = ABS(x, last) + 1;
    }
    x->nl_pos = upto;
}

void ev__xml_where(ev__xml *x, uint64_t off, size_t *line, size_t *col)
{
    count_lines(x, off);
    *line = (size_t)x->nl_count + 1;
    *col = off >= x->line_start ? (size_t)(off - x->line_start) + 1 : 1;
}

static int failv(ev__xml *x, uint64_t off, bool malformed, const char *fmt, va_list ap)
    EV_PRINTF(4, 0);
static int failv(ev__xml *x, uint64_t off, bool malformed, const char *fmt, va_list ap)
{
    char msg[EV_ERROR_MSG_MAX];
    size_t line, col;
    vsnprintf(msg, sizeof msg, fmt, ap);
    ev__xml_where(x, off, &line, &col);
    ev_error_set(x->err, EV_EINPUT, x->name, line, col, "%s%s", malformed ? "malformed XML: " : "",
                 msg);
    ev_error_set_offset(x->err, off);
    ev__xml_stop(x, EV_EINPUT);
    return BAD;
}

static int fail(ev__xml *x, uint64_t off, const char *fmt, ...) EV_PRINTF(3, 4);
static int fail(ev__xml *x, uint64_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(x, off, true, fmt, ap);
    va_end(ap);
    return BAD;
}

static int refuse(ev__xml *x, uint64_t off, const char *fmt, ...) EV_PRINTF(3, 4);
static int refuse(ev__xml *x, uint64_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(x, off, false, fmt, ap);
    va_end(ap);
    return BAD;
}

static int oom(ev__xml *x)
{
    ev_error_set(x->err, EV_ENOMEM, x->name, 0, 0, "out of memory");
    ev__xml_stop(x, EV_ENOMEM);
    return BAD;
}

/* ---- UTF-8 and characters ---------------------------------------------------------- */

/* Length of the UTF-8 sequence at p: >0 valid, 0 incomplete, -1 invalid
 * (overlong, surrogate, beyond U+10FFFF, or the non-characters U+FFFE/F). */
static int utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (len == 0)
        return -1;
    for (size_t i = 1; i < len; i++) {
        if (i >= n)
            return 0;
        if ((p[i] & 0xC0) != 0x80)
            return -1;
    }
    if (len == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
                     (c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)))
        return -1;
    if (len == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
        return -1;
    return (int)len;
}

/* Check the new bytes: valid UTF-8, no C0 controls but tab, LF and CR (XML
 * 1.0 section 2.2). A bad byte only limits the scan: it is reported when
 * the scanner gets there, so the first error in the document is the one
 * reported, however the input was cut into chunks. */
static int validate(ev__xml *x, bool eof)
{
    if (x->bad_at != UINT64_MAX)
        return 0; /* scanning stops there; step() reports it */
    const unsigned char *p = (const unsigned char *)PTR(x, x->valid);
    const unsigned char *e = (const unsigned char *)x->buf + x->buf_len;
    while (p < e) {
#if defined(__SSE2__)
        /* signed compare: bytes >= 0x80 are negative, so this finds both
         * controls and the start of multi-byte sequences */
        const __m128i sp = _mm_set1_epi8(0x20);
        while (e - p >= 16 &&
               _mm_movemask_epi8(_mm_cmplt_epi8(_mm_loadu_si128((const __m128i *)(const void *)p),
                                                sp)) == 0)
            p += 16;
#endif
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t high = w & 0x8080808080808080ull;
            uint64_t ctl = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
            if (high | ctl)
                break;
            p += 8;
        }
        if (p >= e)
            break;
        unsigned char c = *p;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                x->bad_at = ABS(x, p);
                x->bad_byte = c;
                break;
            }
            p++;
            continue;
        }
        int k = utf8_seq(p, (size_t)(e - p));
        if (k == 0 && !eof)
            break;
        if (k <= 0) {
            x->bad_at = ABS(x, p);
            x->bad_byte = c;
            break;
        }
        p += k;
    }
    x->valid = ABS(x, p);
    return 0;
}

/* Character classes: 1 name character, 2 name start, 4 white space (XML 1.0
 * sections 2.3 and 2.3 [3], loosely: every non-ASCII byte is a name byte). */
static const unsigned char cclass[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

static bool is_ws(char c)
{
    return cclass[(unsigned char)c] & 4;
}

static bool name_char(char c)
{
    return cclass[(unsigned char)c] & 1;
}

/* The end of a name starting at q (four bytes per step while they all
 * qualify). */
static const char *name_end(const char *q, const char *end)
{
    while (end - q >= 4 && (cclass[(unsigned char)q[0]] & cclass[(unsigned char)q[1]] &
                            cclass[(unsigned char)q[2]] & cclass[(unsigned char)q[3]] & 1))
        q += 4;
    while (q < end && name_char(*q))
        q++;
    return q;
}

static bool name_start(char c)
{
    return cclass[(unsigned char)c] & 2;
}

static ev_status put_utf8(ev_buf *b, uint32_t cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return ev_buf_append(b, s, n);
}

/* "&#946;", "&#x3b2;": the code point, or 0 if malformed or not an XML
 * character (section 2.2: tab, LF, CR, U+0020-D7FF, E000-FFFD, 10000+). */
static uint32_t char_ref(const char *s, size_t n)
{
    uint32_t v = 0;
    bool hex = n > 1 && s[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i >= n)
        return 0;
    for (; i < n; i++) {
        int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
                : hex && isxdigit((unsigned char)s[i]) ? (tolower((unsigned char)s[i]) - 'a' + 10)
                : -1;
        if (d < 0 || v > 0x10FFFF)
            return 0;
        v = v * (hex ? 16u : 10u) + (uint32_t)d;
    }
    if (v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
        (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF))
        return v;
    return 0;
}

/* Append s[0..n) to out with references decoded; in attribute values white
 * space characters become spaces (section 3.3.3). */
static int decode(ev__xml *x, ev_buf *out, const char *s, size_t n, bool attr)
{
    const char *e = s + n;
    while (s < e) {
        const char *amp = memchr(s, '&', (size_t)(e - s));
        const char *stop = amp ? amp : e;
        size_t start = out->len;
        if (ev_buf_append(out, s, (size_t)(stop - s)) != EV_OK)
            return oom(x);
        for (size_t i = start; attr && i < out->len; i++)
            if (is_ws(out->ptr[i]))
                out->ptr[i] = ' ';
        if (amp == NULL)
            break;
        const char *semi = memchr(amp, ';', (size_t)(e - amp) < 12 ? (size_t)(e - amp) : 12);
        if (semi == NULL)
            return fail(x, ABS(x, amp), "malformed reference (no ';')");
        const char *ref = amp + 1;
        size_t len = (size_t)(semi - ref);
        ev_status st = EV_OK;
        if (len > 1 && ref[0] == '#') {
            uint32_t cp = char_ref(ref, len);
            if (cp == 0)
                return fail(x, ABS(x, amp), "reference to invalid character number");
            st = put_utf8(out, cp);
        } else if (len == 2 && memcmp(ref, "lt", 2) == 0) {
            st = ev_buf_putc(out, '<');
        } else if (len == 2 && memcmp(ref, "gt", 2) == 0) {
            st = ev_buf_putc(out, '>');
        } else if (len == 3 && memcmp(ref, "amp", 3) == 0) {
            st = ev_buf_putc(out, '&');
        } else if (len == 4 && memcmp(ref, "quot", 4) == 0) {
            st = ev_buf_putc(out, '"');
        } else if (len == 4 && memcmp(ref, "apos", 4) == 0) {
            st = ev_buf_putc(out, '\'');
        } else {
            return fail(x, ABS(x, amp), "undefined entity \"&%.*s;\"", (int)len, ref);
        }
        if (st != EV_OK)
            return oom(x);
        s = semi + 1;
    }
    return 0;
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

/* ---- tokens ------------------------------------------------------------------------ */

static bool wants_text(const ev__xml *x)
{
    return x->h.want_text == NULL || *x->h.want_text;
}

static int emit_text(ev__xml *x, const char *s, size_t n, bool amp)
{
    if (x->depth == 0) {
        for (size_t i = 0; i < n; i++)
            if (!is_ws(s[i]))
                return fail(x, ABS(x, s + i), x->root_done ? "junk after the document element"
                                                           : "text before the root element");
        return 0;
    }
    if (n == 0 || !wants_text(x))
        return 0;
    if (!amp) {
        x->h.text(x->h.ud, s, n);
        return 0;
    }
    ev_buf_clear(&x->tmp);
    if (decode(x, &x->tmp, s, n, false) != 0)
        return BAD;
    x->h.text(x->h.ud, x->tmp.ptr, x->tmp.len);
    return 0;
}

/* The first '<' in [p, e), or NULL; *amp is set when a '&' comes first.
 * One pass for both (SSE2: sixteen bytes at a time). */
static const char *find_lt(const char *p, const char *e, bool *amp)
{
#if defined(__SSE2__)
    const __m128i lt = _mm_set1_epi8('<'), am = _mm_set1_epi8('&');
    for (; e - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned ml = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lt));
        unsigned ma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, am));
        if (ml) {
            unsigned first = ml & (0u - ml);
            if (ma & (first - 1))
                *amp = true;
            return p + __builtin_ctz(ml);
        }
        if (ma)
            *amp = true;
    }
#endif
    for (; p < e; p++) {
        if (*p == '<')
            return p;
        if (*p == '&')
            *amp = true;
    }
    return NULL;
}

static int text_run(ev__xml *x, const char *p, const char *end, bool eof, const char **next)
{
    const char *from = p;
    bool amp = false;
    if (x->text_hint > ABS(x, p) && x->text_hint <= ABS(x, end)) {
        from = PTR(x, x->text_hint);
        amp = x->text_amp;
    }
    const char *lt = find_lt(from, end, &amp);
    if (lt == NULL && !eof) {
        x->text_hint = ABS(x, end);
        x->text_amp = amp;
        return NEED;
    }
    if (lt == NULL)
        lt = end;
    x->text_hint = 0;
    x->tok_start = ABS(x, p);
    *next = lt;
    return emit_text(x, p, (size_t)(lt - p), amp);
}

static const char *open_name(const ev__xml *x, size_t i)
{
    return x->names.ptr + x->name_off[i];
}

static int push_name(ev__xml *x, const char *name, size_t n)
{
    if (x->depth == x->name_cap) {
        size_t cap = x->name_cap ? x->name_cap * 2 : 32;
        size_t *off = ev_reallocarray(x->name_off, cap, sizeof *off);
        if (off == NULL)
            return oom(x);
        x->name_off = off;
        x->name_cap = cap;
    }
    x->name_off[x->depth] = x->names.len;
    /* the byte after a name in the input (space, '>', '/') becomes its NUL */
    if (buf_add(&x->names, name, n + 1) != EV_OK)
        return oom(x);
    x->names.ptr[x->names.len - 1] = '\0';
    x->depth++;
    return 0;
}

static void pop_name(ev__xml *x)
{
    x->depth--;
    x->names.len = x->name_off[x->depth];
    if (x->depth == 0)
        x->root_done = true;
}

/* Close the element on top of the stack (its end handler, then pop). */
static size_t top_len(const ev__xml *x)
{
    return x->names.len - 1 - x->name_off[x->depth - 1];
}

static void close_element(ev__xml *x)
{
    x->h.end(x->h.ud, open_name(x, x->depth - 1), top_len(x));
    pop_name(x);
}

static int add_attr(ev__xml *x, size_t i, const char *an, size_t alen, const char *v, size_t vlen,
                    bool special)
{
    if (i + 1 >= x->attr_cap) {
        size_t cap = x->attr_cap ? x->attr_cap * 2 : 16;
        size_t *off = ev_reallocarray(x->attr_off, cap, sizeof *off);
        if (off != NULL)
            x->attr_off = off;
        const char **atts = ev_reallocarray(x->atts, cap + 1, sizeof *atts);
        if (off == NULL || atts == NULL)
            return oom(x);
        x->atts = atts;
        x->attr_cap = cap;
    }
    /* the bytes after the name ('=', space) and the value (its quote)
     * become their NULs */
    x->attr_off[i] = x->attr.len;
    if (buf_add(&x->attr, an, alen + 1) != EV_OK)
        return oom(x);
    x->attr.ptr[x->attr.len - 1] = '\0';
    x->attr_off[i + 1] = x->attr.len;
    if (!special) {
        if (buf_add(&x->attr, v, vlen + 1) != EV_OK)
            return oom(x);
        x->attr.ptr[x->attr.len - 1] = '\0';
        return 0;
    }
    if (decode(x, &x->attr, v, vlen, true) != 0)
        return BAD;
    if (ev_buf_putc(&x->attr, '\0') != EV_OK)
        return oom(x);
    return 0;
}

/* Attributes from q to the tag's end; *empty for "/>". */
static int attributes(ev__xml *x, const char **qp, const char *end, size_t *nattr, bool *empty)
{
    const char *q = *qp;
    for (;;) {
        const char *ws = q;
        while (q < end && is_ws(*q))
            q++;
        if (q >= end)
            return NEED;
        if (*q == '>' || *q == '/') {
            if (*q == '/' && q + 1 >= end)
                return NEED;
            if (*q == '/' && q[1] != '>')
                return fail(x, ABS(x, q), "expected \">\" after \"/\"");
            *empty = *q == '/';
            *qp = q + (*empty ? 2 : 1);
            return 0;
        }
        if (q == ws || !name_start(*q))
            return fail(x, ABS(x, q), "not well-formed (expected an attribute)");
        const char *an = q;
        q = name_end(q, end);
        const char *an_end = q;
        while (q < end && is_ws(*q))
            q++;
        if (q >= end)
            return NEED;
        if (*q != '=')
            return fail(x, ABS(x, q), "expected \"=\" after the attribute name");
        q++;
        while (q < end && is_ws(*q))
            q++;
        if (q >= end)
            return NEED;
        if (*q != '"' && *q != '\'')
            return fail(x, ABS(x, q), "attribute value not quoted");
        const char *v = q + 1, *ve = v;
        bool special = false; /* '&' or white space to normalise */
        for (; ve < end && *ve != *q; ve++) {
            if (*ve == '<')
                return fail(x, ABS(x, ve), "\"<\" in an attribute value");
            special |= *ve == '&' || (*ve != ' ' && is_ws(*ve));
        }
        if (ve >= end)
            return NEED;
        if (add_attr(x, 2 * *nattr, an, (size_t)(an_end - an), v, (size_t)(ve - v), special) != 0)
            return BAD;
        (*nattr)++;
        q = ve + 1;
    }
}

/* Attribute pointers from offsets; duplicates are not well-formed. */
static int finish_attrs(ev__xml *x, size_t nattr)
{
    if (nattr == 0)
        return 0;
    for (size_t i = 0; i < 2 * nattr; i++)
        x->atts[i] = x->attr.ptr + x->attr_off[i];
    x->atts[2 * nattr] = NULL;
    for (size_t i = 0; i < nattr; i++)
        for (size_t j = i + 1; j < nattr; j++)
            if (strcmp(x->atts[2 * i], x->atts[2 * j]) == 0)
                return fail(x, x->tok_start, "duplicate attribute \"%s\"", x->atts[2 * j]);
    return 0;
}

static int start_tag(ev__xml *x, const char *p, const char *end, const char **next)
{
    static const char *no_atts[1] = {NULL};
    const char *name = p + 1, *q = name_end(name, end);
    if (q >= end)
        return NEED;
    if (q == name || !name_start(*name))
        return fail(x, ABS(x, name), "not well-formed (invalid token)");
    size_t nlen = (size_t)(q - name), nattr = 0;
    bool empty = false;
    x->attr.len = 0;
    int r = attributes(x, &q, end, &nattr, &empty);
    if (r != 0)
        return r;
    if (x->depth == 0 && x->root_done)
        return fail(x, ABS(x, p), "junk after the document element");
    if (finish_attrs(x, nattr) != 0 || push_name(x, name, nlen) != 0)
        return BAD;
    x->seen_root = true;
    x->tok_end = ABS(x, q);
    x->h.start(x->h.ud, open_name(x, x->depth - 1), nlen, nattr ? x->atts : no_atts);
    if (empty && !x->stopped)
        close_element(x);
    *next = q;
    return 0;
}

static int end_tag(ev__xml *x, const char *p, const char *end, const char **next)
{
    const char *name = p + 2, *q = name;
    size_t tlen = x->depth ? top_len(x) : 0;
    /* fast path: the expected name, then a non-name byte */
    bool match = x->depth && (size_t)(end - name) > tlen &&
                 same_bytes(name, open_name(x, x->depth - 1), tlen) && !name_char(name[tlen]);
    if (match)
        q = name + tlen;
    else
        q = name_end(q, end);
    size_t nlen = (size_t)(q - name);
    while (q < end && is_ws(*q))
        q++;
    if (q >= end)
        return NEED;
    if (*q != '>')
        return fail(x, ABS(x, q), "not well-formed (invalid token)");
    if (x->depth == 0)
        return fail(x, ABS(x, name), "end tag with no open element");
    const char *top = open_name(x, x->depth - 1);
    if (!match && (tlen != nlen || !same_bytes(top, name, nlen)))
        return fail(x, ABS(x, name), "mismatched tag (expected </%s>)", top);
    x->tok_end = ABS(x, q + 1);
    close_element(x);
    *next = q + 1;
    return 0;
}

static bool has(const char *p, const char *end, const char *lit, size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* DOCTYPE: skipped, except that an internal subset declaring entities is
 * refused (external entities, expansion bombs). */
static int doctype(ev__xml *x, const char *p, const char *end, const char **next)
{
    if (x->seen_root)
        return fail(x, ABS(x, p), "DOCTYPE after the root element");
    bool subset = false;
    for (const char *q = p + 9; q < end; q++) {
        if (*q == '"' || *q == '\'') {
            const char *c = memchr(q + 1, *q, (size_t)(end - q - 1));
            if (c == NULL)
                return NEED;
            q = c;
        } else if (*q == '[') {
            subset = true;
        } else if (*q == ']') {
            subset = false;
        } else if (*q == '<' && subset) {
            if ((size_t)(end - q) < 9)
                return NEED;
            if (memcmp(q, "<!ENTITY", 8) == 0) {
                const char *n = q + 8;
                while (n < end && (is_ws(*n) || *n == '%'))
                    n++;
                const char *ne = n;
                while (ne < end && name_char(*ne))
                    ne++;
                if (ne >= end)
                    return NEED;
                return refuse(x, ABS(x, q),
                              "entity declaration \"%.*s\" refused: PubMed XML declares no "
                              "entities, and external or expanding entities are never read",
                              (int)(ne - n), n);
            }
        } else if (*q == '>' && !subset) {
            *next = q + 1;
            return 0;
        }
    }
    return NEED;
}

static int comment_or_cdata(ev__xml *x, const char *p, const char *end, const char **next)
{
    if (has(p, end, "<!--", 4)) {
        const char *c = find_lit(p + 4, (size_t)(end - p - 4), "-->", 3);
        if (c == NULL)
            return NEED;
        *next = c + 3;
        return 0;
    }
    if (has(p, end, "<![CDATA[", 9)) {
        const char *c = find_lit(p + 9, (size_t)(end - p - 9), "]]>", 3);
        if (c == NULL)
            return NEED;
        if (x->depth == 0)
            return fail(x, ABS(x, p), "CDATA section outside the root element");
        if (wants_text(x) && c > p + 9) /* CDATA: no references */
            x->h.text(x->h.ud, p + 9, (size_t)(c - p - 9));
        *next = c + 3;
        return 0;
    }
    if (has(p, end, "<!DOCTYPE", 9))
        return doctype(x, p, end, next);
    if ((size_t)(end - p) < 9)
        return NEED;
    return fail(x, ABS(x, p), "not well-formed (invalid token)");
}

/* Processing instructions are skipped; the XML declaration must come first
 * and name UTF-8 (or ASCII, a subset) if it names an encoding. */
static int pi(ev__xml *x, const char *p, const char *end, const char **next)
{
    const char *c = find_lit(p + 2, (size_t)(end - p - 2), "?>", 2);
    if (c == NULL)
        return NEED;
    *next = c + 2;
    if ((size_t)(c - p) < 5 || memcmp(p + 2, "xml", 3) != 0 || name_char(p[5]))
        return 0;
    if (ABS(x, p) > 3 || x->seen_root)
        return fail(x, ABS(x, p), "XML declaration not at the start of the input");
    const char *enc = find_lit(p, (size_t)(c - p), "encoding", 8);
    if (enc == NULL)
        return 0;
    const char *v = enc + 8;
    while (v < c && (is_ws(*v) || *v == '='))
        v++;
    if (v >= c || (*v != '"' && *v != '\''))
        return fail(x, ABS(x, enc), "malformed encoding declaration");
    const char *ve = memchr(v + 1, *v, (size_t)(c - v - 1));
    size_t n = ve ? (size_t)(ve - v - 1) : 0;
    if ((n == 5 && strncasecmp(v + 1, "UTF-8", 5) == 0) ||
        (n == 4 && strncasecmp(v + 1, "UTF8", 4) == 0) ||
        (n == 8 && strncasecmp(v + 1, "US-ASCII", 8) == 0))
        return 0;
    return refuse(x, ABS(x, v + 1), "encoding \"%.*s\" is not supported: save the file as UTF-8",
                  (int)n, v + 1);
}

static void scan(ev__xml *x, bool eof)
{
    const char *p = PTR(x, x->pos), *end = PTR(x, x->valid);
    int r = 0;
    while (p < end && !x->stopped) {
        const char *next = p;
        if (*p != '<') {
            r = text_run(x, p, end, eof, &next);
        } else {
            x->tok_start = ABS(x, p);
            if (end - p < 2)
                r = NEED;
            else if (p[1] == '/')
                r = end_tag(x, p, end, &next);
            else if (p[1] == '!')
                r = comment_or_cdata(x, p, end, &next);
            else if (p[1] == '?')
                r = pi(x, p, end, &next);
            else
                r = start_tag(x, p, end, &next);
        }
        if (r != 0)
            break;
        p = next;
        if (x->keep == UINT64_MAX && ABS(x, p) >= x->stop_at) {
            x->switch_ready = true;
            break;
        }
    }
    x->pos = ABS(x, p);
}

static void use_window(ev__xml *x)
{
    x->buf = x->win.ptr;
    x->buf_base = x->base;
    x->buf_len = x->win.len;
}

/* Drop window bytes nobody needs any more (counting their lines first). */
static void trim(ev__xml *x)
{
    uint64_t keep = x->pos < x->keep ? x->pos : x->keep;
    if (keep <= x->base)
        return;
    count_lines(x, keep);
    size_t drop = (size_t)(keep - x->base);
    memmove(x->win.ptr, x->win.ptr + drop, x->win.len - drop);
    x->win.len -= drop;
    x->win.ptr[x->win.len] = '\0';
    x->base = keep;
    use_window(x);
}

static void at_end(ev__xml *x)
{
    uint64_t top = x->buf_base + x->buf_len;
    if (x->pos < top) {
        fail(x, x->tok_start, "unclosed token");
    } else if (x->depth > 0) {
        fail(x, top, "unclosed element <%s> at the end of the input",
             open_name(x, x->depth - 1));
    } else if (!x->seen_root) {
        fail(x, top, "no element found");
    }
}

static int append_window(ev__xml *x, const char *d, size_t n)
{
    ev_status s = ev_buf_append(&x->win, d, n);
    if (s == EV_ENOMEM)
        return oom(x);
    if (s != EV_OK)
        return fail(x, x->pos, "an element or token longer than %zu bytes", x->win.max);
    use_window(x);
    return 0;
}

/* Check and scan what the current buffer holds. */
static void step(ev__xml *x, bool eof)
{
    if (x->buf == NULL) /* nothing at all to scan (end of input) */
        return;
    if (validate(x, eof) != 0)
        return;
    if (x->pos == 0 && x->buf_base == 0 && x->buf_len >= 3 && memcmp(x->buf, "\xEF\xBB\xBF", 3) == 0)
        x->pos = 3; /* byte order mark */
    scan(x, eof);
    if (!x->stopped && x->bad_at != UINT64_MAX)
        fail(x, x->bad_at, x->bad_byte < 0x80 ? "invalid character (byte 0x%02x)"
                                               : "invalid UTF-8 (byte 0x%02x)",
             x->bad_byte);
}

/* Finish what the window holds (a token or a kept element cut by the last
 * chunk), feeding it the new chunk a piece at a time, until the scanner
 * stands inside the new chunk with nothing kept. Returns the bytes of
 * `data` that were consumed through the window, or SIZE_MAX when the whole
 * chunk went there (or an error stopped the scan). */
static size_t drain_window(ev__xml *x, const char *data, size_t n, bool eof)
{
    uint64_t data_abs = x->base + x->win.len;
    size_t used = 0;
    while (x->win.len > 0) {
        size_t take = n - used < PIECE ? n - used : PIECE;
        if (take && append_window(x, data + used, take) != 0)
            return SIZE_MAX;
        used += take;
        x->stop_at = used < n ? data_abs : UINT64_MAX;
        x->switch_ready = false;
        step(x, eof && used == n);
        if (x->stopped)
            return SIZE_MAX;
        if (x->switch_ready) { /* the rest of the window is a copy of data */
            count_lines(x, x->pos);
            x->win.len = 0;
            x->base = x->pos;
            return 0;
        }
        if (used == n) {
            if (eof)
                at_end(x);
            if (!x->stopped)
                trim(x);
            return SIZE_MAX;
        }
    }
    return 0;
}

ev_status ev__xml_feed(ev__xml *x, const char *data, size_t n, bool eof)
{
    if (x->stopped)
        return x->status;
    uint64_t data_abs = x->base + x->win.len;
    if (drain_window(x, data, n, eof) == SIZE_MAX)
        return x->status;
    /* scan the chunk where it lies; keep its unfinished tail in the window */
    x->buf = data;
    x->buf_base = data_abs;
    x->buf_len = n;
    x->stop_at = UINT64_MAX;
    step(x, eof);
    if (!x->stopped && eof)
        at_end(x);
    if (x->stopped)
        return x->status;
    uint64_t from = x->pos < x->keep ? x->pos : x->keep;
    count_lines(x, from);
    x->win.len = 0;
    x->base = from;
    if (from < data_abs + n && append_window(x, data + (from - data_abs), (size_t)(data_abs + n - from)) != 0)
        return x->status;
    use_window(x);
    return x->status;
}
