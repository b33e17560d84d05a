/*
 * text.c - UTF-8 validation, Windows-1252 conversion, and the one text
 * normaliser that search, dedup and the store's normalised columns share
 * (spec A4.7): markup stripped, NFKC, case-folded, diacritics removed,
 * punctuation to spaces. Unicode work is utf8proc's.
 */
#include "evident/ev_core.h"

#include <utf8proc.h>

bool ev_utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t len =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len <= 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += (size_t)len;
    }
    return true;
}

/* Windows-1252 code points for bytes 0x80-0x9F (0 = undefined, kept as the
 * C1 control of the same number, as Latin-1 would). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

static ev_status put_cp(ev_buf *out, int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, tmp);
    return ev_buf_append(out, tmp, (size_t)k);
}

ev_status ev_cp1252_to_utf8(ev_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp = c;
        if (c >= 0x80 && c <= 0x9F && cp1252_high[c - 0x80])
            cp = cp1252_high[c - 0x80];
        ev_status st = c < 0x80 ? ev_buf_putc(out, (char)c) : put_cp(out, cp);
        if (st != EV_OK)
            return st;
    }
    return EV_OK;
}

/* Tags whose boundaries do not separate words (spec A4.7: β<sub>2</sub> is
 * one token). */
static bool tag_joins(const char *name, size_t n)
{
    return (n == 3 && (memcmp(name, "sub", 3) == 0 || memcmp(name, "sup", 3) == 0));
}

/* If s[i] starts something that looks like an XML/HTML tag, return its length
 * and whether it joins words; else 0. */
static size_t tag_length(const char *s, size_t n, size_t i, bool *joins)
{
    size_t j = i + 1;
    if (j < n && s[j] == '/')
        j++;
    size_t name = j;
    while (j < n && (isalnum((unsigned char)s[j]) || s[j] == ':' || s[j] == '-'))
        j++;
    if (j == name || !isalpha((unsigned char)s[name]))
        return 0;
    *joins = tag_joins(s + name, j - name);
    while (j < n && s[j] != '>' && s[j] != '<' && j - i < 512)
        j++;
    if (j >= n || s[j] != '>')
        return 0;
    return j + 1 - i;
}

/* Copy s without markup into `out`; invalid UTF-8 bytes become U+FFFD. */
static ev_status strip_markup_and_fix(ev_buf *out, const char *s, size_t n, bool markup)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (markup && c == '<') {
            bool joins = false;
            size_t len = tag_length(s, n, i, &joins);
            if (len) {
                if (!joins && ev_buf_putc(out, ' ') != EV_OK)
                    return EV_ENOMEM;
                i += len;
                continue;
            }
        }
        if (c < 0x80) {
            if (ev_buf_putc(out, (char)c) != EV_OK)
                return EV_ENOMEM;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t len =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        ev_status st = len > 0 ? ev_buf_append(out, s + i, (size_t)len) : put_cp(out, 0xFFFD);
        if (st != EV_OK)
            return st;
        i += len > 0 ? (size_t)len : 1;
    }
    return EV_OK;
}

static bool is_word_cp(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) != 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
           cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_ND ||
           cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

/* Punctuation to spaces and/or squeeze spaces, from u[0..n) into out. */
static ev_status finish_spacing(ev_buf *out, const utf8proc_uint8_t *u, size_t n, unsigned flags)
{
    bool squeeze = (flags & EV_NORM_SQUEEZE) != 0;
    bool pending_space = false;
    size_t start_len = out->len;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len <= 0)
            return EV_EINTERNAL;
        bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
                     ((flags & EV_NORM_PUNCT) && !is_word_cp(cp));
        if (space && squeeze) {
            pending_space = out->len > start_len;
        } else {
            if (pending_space && ev_buf_putc(out, ' ') != EV_OK)
                return EV_ENOMEM;
            pending_space = false;
            ev_status st = space ? ev_buf_putc(out, ' ') : ev_buf_append(out, u + i, (size_t)len);
            if (st != EV_OK)
                return st;
        }
        i += (size_t)len;
    }
    return EV_OK;
}

/* Fast path for pure-ASCII text without tags (most bibliographic text): NFKC,
 * diacritic stripping and markup removal are identities there and case
 * folding is tolower, so the result is what the general path gives, byte
 * for byte, without utf8proc or allocations. */
static bool ascii_plain(const char *s, size_t n, unsigned flags)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c == '<' && (flags & EV_NORM_STRIPMARKUP)))
            return false;
    }
    return true;
}

static ev_status normalise_ascii(ev_buf *out, const char *s, size_t n, unsigned flags)
{
    bool squeeze = (flags & EV_NORM_SQUEEZE) != 0, fold = (flags & EV_NORM_CASEFOLD) != 0;
    bool pending_space = false, any = false;
    char chunk[512]; /* appended in runs: one buffer call per 512 bytes */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                     ((flags & EV_NORM_PUNCT) && !isalnum(c));
        if (space && squeeze) {
            pending_space = any;
            continue;
        }
        if (k + 2 > sizeof chunk) {
            if (ev_buf_append(out, chunk, k) != EV_OK)
                return EV_ENOMEM;
            k = 0;
        }
        if (pending_space)
            chunk[k++] = ' ';
        pending_space = false;
        any = true;
        chunk[k++] = space ? ' ' : (char)(fold && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return ev_buf_append(out, chunk, k) == EV_OK ? EV_OK : EV_ENOMEM;
}

/* The general path: markup stripped, utf8proc's NFKC (+ fold, + strip
 * marks), then spacing. */
static ev_status normalise_full(ev_buf *out, const char *s, size_t n, unsigned flags)
{
    ev_buf clean;
    ev_buf_init(&clean, 0);
    ev_status st = strip_markup_and_fix(&clean, s, n, (flags & EV_NORM_STRIPMARKUP) != 0);
    if (st != EV_OK)
        goto done;
    int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    if (flags & EV_NORM_CASEFOLD)
        opts |= UTF8PROC_CASEFOLD;
    if (flags & EV_NORM_STRIPMARK)
        opts |= UTF8PROC_STRIPMARK;
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)ev_buf_cstr(&clean),
                                      (utf8proc_ssize_t)clean.len, &mapped,
                                      (utf8proc_option_t)opts);
    if (m < 0) {
        st = m == UTF8PROC_ERROR_NOMEM ? EV_ENOMEM : EV_EINTERNAL;
        goto done;
    }
    st = finish_spacing(out, mapped, (size_t)m, flags);
    free(mapped); /* utf8proc allocates with malloc */
done:
    ev_buf_release(&clean);
    return st;
}

/* Under PUNCT + SQUEEZE every ASCII byte that is not a letter or digit is a
 * separator, and the output is the words joined by single spaces. An ASCII
 * separator never composes into a letter with a following mark (the only
 * ASCII bases of canonical compositions besides letters are < = >, which
 * give symbols), so text with a few non-ASCII characters (an en dash, a
 * beta) can be normalised word by word: ASCII words on the fast path, only
 * the others through utf8proc. Markup needs the whole text: not with '<'. */
static bool wordwise_ok(const char *s, size_t n, unsigned flags)
{
    unsigned need = EV_NORM_PUNCT | EV_NORM_SQUEEZE;
    if ((flags & need) != need)
        return false;
    return !(flags & EV_NORM_STRIPMARKUP) || memchr(s, '<', n) == NULL;
}

static bool ascii_sep(unsigned char c)
{
    return c < 0x80 && !isalnum(c);
}

static ev_status normalise_wordwise(ev_buf *out, const char *s, size_t n, unsigned flags)
{
    size_t start_len = out->len, i = 0;
    while (i < n) {
        while (i < n && ascii_sep((unsigned char)s[i]))
            i++;
        size_t w = i;
        bool ascii = true;
        for (; i < n && !ascii_sep((unsigned char)s[i]); i++)
            ascii = ascii && (unsigned char)s[i] < 0x80;
        if (w == i)
            break;
        size_t before = out->len;
        if (before > start_len && ev_buf_putc(out, ' ') != EV_OK)
            return EV_ENOMEM;
        size_t mark = out->len;
        ev_status st = ascii ? normalise_ascii(out, s + w, i - w, flags)
                             : normalise_full(out, s + w, i - w, flags);
        if (st != EV_OK)
            return st;
        if (out->len == mark) { /* the word normalised to nothing */
            out->len = before;
            if (out->ptr)
                out->ptr[before] = '\0';
        }
    }
    return EV_OK;
}

/* Test hook: 0 sends everything down the general path. */
static int allow_fast = 1;
void ev__text_allow_fast(int allow);
void ev__text_allow_fast(int allow)
{
    allow_fast = allow;
}

ev_status ev_text_normalise(ev_buf *out, const char *s, size_t n, unsigned flags)
{
    if (allow_fast && ascii_plain(s, n, flags))
        return normalise_ascii(out, s, n, flags);
    if (allow_fast && wordwise_ok(s, n, flags))
        return normalise_wordwise(out, s, n, flags);
    return normalise_full(out, s, n, flags);
}

bool ev_text_next_token(const char *s, size_t n, size_t *pos, ev_str *tok)
{
    size_t i = *pos;
    size_t start = SIZE_MAX;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t len =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        size_t step = len > 0 ? (size_t)len : 1;
        bool word = len > 0 && is_word_cp(cp);
        if (word && start == SIZE_MAX)
            start = i;
        if (!word && start != SIZE_MAX)
            break;
        i += step;
    }
    *pos = i;
    if (start == SIZE_MAX)
        return false;
    tok->ptr = s + start;
    tok->len = i - start;
    return true;
}
