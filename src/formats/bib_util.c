/*
 * bib_util.c - small helpers the BibTeX, CSV and EndNote XML readers share:
 * refusing legacy double-byte encodings the Windows-1252 fallback would turn
 * into silent mojibake, and splitting keyword lists.
 */
#include "bib_int.h"

bool ev__looks_legacy_cjk(const char *head, size_t n)
{
    size_t bad = 0;
    if (ev_utf8_valid(head, n, &bad))
        return false;
    /* A truncated sequence at the end of the window is not evidence. */
    if (n - bad < 4 && (unsigned char)head[bad] >= 0xC2)
        return false;
    size_t high = 0, in_runs = 0, i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)head[j] >= 0x80)
            j++;
        if (j > i) {
            high += j - i;
            if (j - i >= 2)
                in_runs += j - i;
            i = j;
        } else {
            i++;
        }
    }
    /* GBK/Big5/Shift-JIS/EUC letters are two high bytes each and come in
     * words; Latin-1 accents sit alone between ASCII letters. */
    return high >= 4 && in_runs * 10 >= high * 8;
}

ev_status ev__refuse_legacy_cjk(ev__reader *r, ev_error *err)
{
    const char *head;
    size_t n;
    ev_status s = ev__reader_peek(r, &head, &n, err);
    if (s != EV_OK)
        return s;
    if (n > 65536)
        n = 65536;
    if (!ev__looks_legacy_cjk(head, n))
        return EV_OK;
    size_t bad = 0;
    (void)ev_utf8_valid(head, n, &bad);
    ev_error_set(err, EV_EINPUT, ev__reader_name(r), 0, 0,
                 "not UTF-8: the text looks like a double-byte Chinese/Japanese/Korean "
                 "encoding (GBK, Big5, Shift-JIS); save the file as UTF-8");
    ev_error_set_offset(err, bad);
    return EV_EINPUT;
}

ev_status ev__push_keywords(ev_record *rec, const char *s, size_t n, const char *sep)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && strchr(sep, s[j]) == NULL)
            j++;
        const char *t = s + i;
        size_t len = j - i;
        while (len && isspace((unsigned char)*t)) {
            t++;
            len--;
        }
        while (len && isspace((unsigned char)t[len - 1]))
            len--;
        if (len) {
            ev_keyword *k = NULL;
            if (ev_record_add_keyword(rec, &k) != EV_OK ||
                ev_record_set(rec, &k->text, t, len) != EV_OK)
                return EV_ENOMEM;
        }
        i = j + 1;
    }
    return EV_OK;
}
