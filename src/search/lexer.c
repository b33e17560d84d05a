/*
 * lexer.c - tokens of the PubMed query language (spec A1): words, phrases
 * (straight or curly quotes), field tags, AND/OR/NOT in capitals,
 * parentheses, #n history references and the range colon.
 */
#include "lexer.h"

/* Curly double quotes U+201C / U+201D / U+201E are read as '"' (A1.4). */
static size_t quote_len(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '"')
        return 1;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x9C || (unsigned char)s[2] == 0x9D ||
         (unsigned char)s[2] == 0x9E))
        return 3;
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool word_char(const char *s, size_t n)
{
    char c = s[0];
    return !is_space(c) && c != '(' && c != ')' && c != '[' && c != ']' && quote_len(s, n) == 0;
}

static void lex_phrase(ev__sq_lexer *lx, ev__sq_token *t, size_t q)
{
    const char *s = lx->s;
    size_t i = lx->i + q;
    t->type = SQT_PHRASE;
    t->cpos = i;
    while (i < lx->n) {
        size_t k = quote_len(s + i, lx->n - i);
        if (k) {
            t->clen = i - t->cpos;
            lx->i = i + k;
            t->len = lx->i - t->pos;
            return;
        }
        i++;
    }
    t->type = SQT_BADQUOTE;
    lx->i = lx->n;
}

static void lex_tag(ev__sq_lexer *lx, ev__sq_token *t)
{
    const char *close = memchr(lx->s + lx->i, ']', lx->n - lx->i);
    const char *open = memchr(lx->s + lx->i + 1, '[', lx->n - lx->i - 1);
    if (close == NULL || (open && open < close)) {
        t->type = SQT_BADTAG;
        lx->i = lx->n;
        return;
    }
    t->type = SQT_TAG;
    t->cpos = lx->i + 1;
    t->clen = (size_t)(close - (lx->s + t->cpos));
    lx->i = (size_t)(close - lx->s) + 1;
    t->len = lx->i - t->pos;
}

static void lex_word(ev__sq_lexer *lx, ev__sq_token *t)
{
    size_t i = lx->i;
    while (i < lx->n && word_char(lx->s + i, lx->n - i))
        i++;
    t->cpos = t->pos;
    t->clen = t->len = i - t->pos;
    lx->i = i;
    const char *w = lx->s + t->pos;
    if (t->len == 3 && memcmp(w, "AND", 3) == 0)
        t->type = SQT_AND;
    else if (t->len == 2 && memcmp(w, "OR", 2) == 0)
        t->type = SQT_OR;
    else if (t->len == 3 && memcmp(w, "NOT", 3) == 0)
        t->type = SQT_NOT;
    else if (w[0] == '#')
        t->type = SQT_HIST;
    else if (t->len == 1 && w[0] == ':')
        t->type = SQT_COLON;
    else
        t->type = SQT_WORD;
}

void ev__sq_lex_next(ev__sq_lexer *lx, ev__sq_token *t)
{
    while (lx->i < lx->n && is_space(lx->s[lx->i]))
        lx->i++;
    *t = (ev__sq_token){.type = SQT_END, .pos = lx->i};
    t->space_before = lx->i > 0 && is_space(lx->s[lx->i - 1]);
    if (lx->i >= lx->n)
        return;
    char c = lx->s[lx->i];
    size_t q = quote_len(lx->s + lx->i, lx->n - lx->i);
    if (q) {
        lex_phrase(lx, t, q);
    } else if (c == '[') {
        lex_tag(lx, t);
    } else if (c == '(' || c == ')' || c == ']') {
        t->type = c == '(' ? SQT_LP : c == ')' ? SQT_RP : SQT_BADTAG;
        t->len = 1;
        lx->i++;
    } else if (c == ':' ) {
        t->type = SQT_COLON;
        t->len = 1;
        lx->i++;
    } else {
        lex_word(lx, t);
    }
}
