/*
 * parse.c - PubMed query grammar (spec A2/A3) into a syntax tree: operators
 * strictly left to right, implicit AND, tags after their term, ranges. Every
 * error names its spec code (A14) and the query position.
 */
#include "lexer.h"

#define MAX_DEPTH 100
#define MAX_OPERANDS 5000
#define MAX_QUERY 65536

typedef struct parser {
    ev_query *q;
    ev__sq_lexer lx;
    ev__sq_token tok; /* current (lookahead) token */
    ev_error *err;
    int depth;
    size_t operands;
    ev_buf tmp;
} parser;

size_t ev__sq_column(const char *s, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static ev_status perr(parser *p, size_t pos, const char *code, const char *fmt, ...)
    EV_PRINTF(4, 5);
static ev_status perr(parser *p, size_t pos, const char *code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ev_error_set(p->err, EV_EINPUT, "query", 1, ev__sq_column(p->q->text, pos), "%s: %s",
                        code, msg);
}

static void advance(parser *p)
{
    ev__sq_lex_next(&p->lx, &p->tok);
}

static ev__sq_node *node_new(parser *p, ev__sq_op op, size_t pos)
{
    ev__sq_node *nd = ev_arena_alloc(p->q->arena, sizeof *nd);
    if (nd) {
        nd->op = op;
        nd->pos = pos;
        nd->prox = -1;
    }
    return nd;
}

static bool is_op(ev__sq_ttype t)
{
    return t == SQT_AND || t == SQT_OR || t == SQT_NOT;
}

static const char *op_name(ev__sq_ttype t)
{
    return t == SQT_AND ? "AND" : t == SQT_OR ? "OR" : "NOT";
}

/* ---- tags ------------------------------------------------------------------ */

typedef struct tag {
    ev__sq_field field;
    bool noexp;
    long prox;
    size_t pos;
} tag;

static ev_status parse_modifier(parser *p, tag *tg, const char *m, size_t n, size_t pos)
{
    if (n == 5 && ev_strncasecmp(m, "noexp", 5) == 0) {
        if (!ev__sq_fields[tg->field].explodes)
            return perr(p, pos, "E-TAGUNKNOWN", "':noexp' applies to MeSH tags only, not [%s]",
                        ev__sq_fields[tg->field].short_name);
        tg->noexp = true;
        return EV_OK;
    }
    if (n >= 2 && m[0] == '~') {
        long v = 0;
        for (size_t i = 1; i < n; i++) {
            if (!isdigit((unsigned char)m[i]) || v > 100000)
                return perr(p, pos, "E-TAGUNKNOWN", "proximity needs a number after '~'");
            v = v * 10 + (m[i] - '0');
        }
        if (tg->field != SQF_TI && tg->field != SQF_TIAB && tg->field != SQF_AD)
            return perr(p, pos, "E-PROXFIELD",
                        "proximity works in [Title], [Title/Abstract] and [Affiliation] only");
        tg->prox = v;
        return EV_OK;
    }
    return perr(p, pos, "E-TAGUNKNOWN", "unknown tag modifier '%.*s' (expected noexp or ~N)",
                (int)n, m);
}

static ev_status parse_tag(parser *p, const ev__sq_token *t, tag *tg)
{
    const char *s = p->q->text + t->cpos;
    size_t n = t->clen;
    const char *colon = memchr(s, ':', n);
    size_t nlen = colon ? (size_t)(colon - s) : n;
    *tg = (tag){.prox = -1, .pos = t->pos};
    if (!ev__sq_field_find(s, nlen, &tg->field))
        return perr(p, t->pos + 1, "E-TAGUNKNOWN", "unknown field tag [%.*s]", (int)n, s);
    if (colon == NULL)
        return EV_OK;
    size_t mpos = (size_t)(colon - p->q->text) + 1;
    return parse_modifier(p, tg, colon + 1, n - nlen - 1, mpos);
}

/* ---- terms ------------------------------------------------------------------ */

/* Normalise with '*' kept: '*' becomes a marker letter sequence before
 * normalising (it would otherwise be a separator) and EV__SQ_WILD after. */
#define WILD_MARK "qzxwildqzx"

static ev_status norm_keep_wild(parser *p, const char *s, size_t n, ev_buf *out)
{
    ev_buf_clear(&p->tmp);
    for (size_t i = 0; i < n; i++) {
        ev_status st = s[i] == '*' ? ev_buf_puts(&p->tmp, WILD_MARK) : ev_buf_putc(&p->tmp, s[i]);
        if (st != EV_OK)
            return st;
    }
    ev_status st = ev__sq_norm(out, p->tmp.ptr ? p->tmp.ptr : "", p->tmp.len);
    if (st != EV_OK)
        return st;
    /* replace markers in place (output only shrinks) */
    size_t w = 0, ml = strlen(WILD_MARK);
    for (size_t r = 0; r < out->len;) {
        if (out->len - r >= ml && memcmp(out->ptr + r, WILD_MARK, ml) == 0) {
            out->ptr[w++] = EV__SQ_WILD;
            r += ml;
        } else {
            out->ptr[w++] = out->ptr[r++];
        }
    }
    if (out->ptr)
        out->ptr[w] = '\0';
    out->len = w;
    return EV_OK;
}

/* E-WILDSHORT: at least 4 characters before the first '*' of a word (A4.6). */
static ev_status check_wild(parser *p, const char *s, size_t n, size_t pos)
{
    size_t run = 0;
    bool in_word_star = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '*') {
            if (!in_word_star && run < 4)
                return perr(p, pos + i, "E-WILDSHORT",
                            "at least 4 characters must precede '*' (PubMed rule)");
            in_word_star = true;
        } else if (c == ' ' || c == '-' || c == '\t') {
            run = 0;
            in_word_star = false;
        } else if ((c & 0xC0) != 0x80) {
            run++;
        }
    }
    return EV_OK;
}

static ev_status split_words(parser *p, ev__sq_node *nd, const char *norm, size_t n)
{
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (norm[i] != ' ' && (i == 0 || norm[i - 1] == ' '))
            cnt++;
    nd->words = ev_arena_alloc(p->q->arena, (cnt ? cnt : 1) * sizeof *nd->words);
    if (nd->words == NULL)
        return EV_ENOMEM;
    size_t i = 0;
    while (i < n) {
        while (i < n && norm[i] == ' ')
            i++;
        size_t st = i;
        while (i < n && norm[i] != ' ')
            i++;
        if (i > st && (nd->words[nd->n_words++] = ev_arena_strndup(p->q->arena, norm + st,
                                                                   i - st)) == NULL)
            return EV_ENOMEM;
    }
    return EV_OK;
}

static ev_status text_term(parser *p, ev__sq_node *nd, ev_buf *norm)
{
    ev_status st = split_words(p, nd, norm->ptr ? norm->ptr : "", norm->len);
    if (st != EV_OK)
        return st;
    if (nd->n_words == 0)
        return nd->quoted ? perr(p, nd->pos, "E-QUOTE", "empty phrase: nothing to search")
                          : perr(p, nd->pos, "E-OPERAND",
                                 "'%s' has no letters or digits to search", nd->raw);
    if (nd->prox >= 0 && nd->wild)
        return perr(p, nd->pos, "E-PROXWILD", "wildcards are not allowed in proximity searches");
    if (nd->prox >= 0 && nd->n_words < 2)
        return perr(p, nd->pos, "E-PROXONE", "proximity needs at least two words");
    return EV_OK;
}

/* "heading/qualifier" for [mh]/[majr]; "&" in qualifiers reads "and". */
static ev_status mesh_term(parser *p, ev__sq_node *nd, ev_buf *norm)
{
    char *slash = strchr(nd->raw, '/');
    size_t hn = slash ? (size_t)(slash - nd->raw) : strlen(nd->raw);
    ev_status st = norm_keep_wild(p, nd->raw, hn, norm);
    if (st != EV_OK)
        return st;
    if (norm->len == 0)
        return perr(p, nd->pos, nd->quoted ? "E-QUOTE" : "E-OPERAND", "empty MeSH heading");
    if ((nd->value = ev_arena_strdup(p->q->arena, norm->ptr)) == NULL)
        return EV_ENOMEM;
    if (slash == NULL)
        return EV_OK;
    ev_buf_clear(&p->tmp);
    for (const char *c = slash + 1; *c; c++)
        if ((st = *c == '&' ? ev_buf_puts(&p->tmp, " and ") : ev_buf_putc(&p->tmp, *c)) != EV_OK)
            return st;
    if ((st = ev__sq_norm(norm, ev_buf_cstr(&p->tmp), p->tmp.len)) != EV_OK)
        return st;
    const char *full = ev__sq_qualifier(norm->ptr ? norm->ptr : "");
    if (full == NULL)
        return perr(p, nd->rpos + (size_t)(slash - nd->raw) + 1, "E-TAGUNKNOWN",
                    "unknown MeSH subheading '%s'", slash + 1);
    nd->qual = (char *)full;
    return EV_OK;
}

static ev_status date_term(parser *p, ev__sq_node *nd)
{
    const char *colon = strchr(nd->raw, ':');
    size_t n1 = colon ? (size_t)(colon - nd->raw) : strlen(nd->raw);
    long a0, a1, b0, b1;
    nd->op = SQN_RANGE;
    if (colon == NULL && ev__sq_relative_date(nd->raw, ev__sq_today(), &nd->from, &nd->to))
        return EV_OK; /* evaluated against the date the search is run (A7.5) */
    if (!ev__sq_date(nd->raw, n1, &a0, &a1))
        return perr(p, nd->pos, "E-DATE", "'%.*s' is not a date (YYYY, YYYY/MM, YYYY/MM/DD or "
                    "\"last N years\")",
                    (int)n1, nd->raw);
    nd->from = a0;
    nd->to = a1;
    if (colon == NULL)
        return EV_OK;
    if (!ev__sq_date(colon + 1, strlen(colon + 1), &b0, &b1))
        return perr(p, nd->rpos + n1 + 1, "E-DATE", "'%s' is not a date", colon + 1);
    if (b1 < a0)
        return perr(p, nd->pos, "E-DATE", "date range runs backwards: %s", nd->raw);
    nd->to = b1;
    return EV_OK;
}

static ev_status finish_term(parser *p, ev__sq_node *nd)
{
    ev_buf norm;
    ev_buf_init(&norm, MAX_QUERY * 4);
    ev_status st = EV_OK;
    ev__sq_kind kind = ev__sq_fields[nd->field].kind;
    nd->wild = strchr(nd->raw, '*') != NULL;
    if (nd->wild && kind != SQK_DATE)
        st = check_wild(p, nd->raw, strlen(nd->raw), nd->rpos);
    if (st != EV_OK)
        goto done;
    if (kind == SQK_DATE) {
        st = date_term(p, nd);
    } else if (kind == SQK_MESH) {
        st = mesh_term(p, nd, &norm);
    } else if ((st = norm_keep_wild(p, nd->raw, strlen(nd->raw), &norm)) != EV_OK) {
        goto done;
    } else if (kind == SQK_TEXT) {
        st = text_term(p, nd, &norm);
    } else if (norm.len == 0) {
        st = perr(p, nd->pos, nd->quoted ? "E-QUOTE" : "E-OPERAND", "empty search term");
    } else if (kind == SQK_SH) {
        const char *full = ev__sq_qualifier(norm.ptr);
        nd->value = (char *)(full ? full : ev_arena_strdup(p->q->arena, norm.ptr));
    } else {
        nd->value = ev_arena_strdup(p->q->arena, norm.ptr);
    }
    if (st == EV_OK && kind != SQK_TEXT && kind != SQK_DATE && nd->value == NULL)
        st = EV_ENOMEM;
done:
    ev_buf_release(&norm);
    return st;
}

static ev__sq_node *term_new(parser *p, size_t pos, const char *s, size_t n, bool quoted)
{
    ev__sq_node *nd = node_new(p, SQN_TERM, pos);
    if (nd == NULL || (nd->raw = ev_arena_strndup(p->q->arena, s, n)) == NULL)
        return NULL;
    nd->rpos = (size_t)(s - p->q->text);
    nd->quoted = quoted;
    nd->field = SQF_ALL;
    return nd;
}

static ev_status apply_tag(parser *p, ev__sq_node *nd, const tag *tg)
{
    nd->field = tg->field;
    nd->tagged = true;
    nd->noexp = tg->noexp;
    nd->prox = tg->prox;
    if (nd->quoted && ev__sq_fields[tg->field].kind == SQK_DATE && strchr(nd->raw, ':'))
        return perr(p, nd->pos, "E-DATE", "write a quoted range as \"from\"[tag]:\"to\"[tag]");
    return EV_OK;
}

/* ---- operands ------------------------------------------------------------- */

static ev_status parse_expr(parser *p, ev__sq_node **out);

static ev_status bin(parser *p, ev__sq_op op, size_t pos, ev__sq_node *l, ev__sq_node *r,
                     ev__sq_node **out)
{
    ev__sq_node *nd = node_new(p, op, pos);
    if (nd == NULL)
        return EV_ENOMEM;
    nd->l = l;
    nd->r = r;
    *out = nd;
    return EV_OK;
}

static ev_status parse_group(parser *p, ev__sq_node **out)
{
    size_t open = p->tok.pos;
    if (++p->depth > MAX_DEPTH)
        return perr(p, open, "E-PAREN", "parentheses nested too deeply");
    advance(p);
    if (p->tok.type == SQT_RP)
        return perr(p, p->tok.pos, "E-OPERAND", "empty parentheses: expected a search term");
    ev_status st = parse_expr(p, out);
    if (st != EV_OK)
        return st;
    if (p->tok.type != SQT_RP)
        return perr(p, open, "E-PAREN", "'(' is never closed: expected ')'");
    p->depth--;
    advance(p);
    if (p->tok.type == SQT_TAG)
        return perr(p, p->tok.pos, "E-GROUPTAG",
                    "a field tag cannot follow ')': put the tag on each term inside");
    return EV_OK;
}

static ev_status parse_hist(parser *p, ev__sq_node **out)
{
    const char *s = p->q->text + p->tok.pos + 1;
    size_t n = p->tok.len - 1, pos = p->tok.pos;
    long v = 0;
    if (n == 0 || n > 6)
        return perr(p, pos, "E-HISTREF", "expected a search number after '#'");
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return perr(p, pos, "E-HISTREF", "expected a search number after '#'");
        v = v * 10 + (s[i] - '0');
    }
    if (v == 0)
        return perr(p, pos, "E-HISTREF", "searches are numbered from #1");
    advance(p);
    if (p->tok.type == SQT_TAG)
        return perr(p, p->tok.pos, "E-HISTTAG", "a history reference cannot carry a field tag");
    if ((*out = node_new(p, SQN_HIST, pos)) == NULL)
        return EV_ENOMEM;
    (*out)->hist = v;
    return EV_OK;
}

/* "from"[dp] : "to"[dp] (A7.1) */
static ev_status quoted_range(parser *p, ev__sq_node *nd, const tag *tg)
{
    advance(p); /* ':' */
    if (p->tok.type != SQT_PHRASE && p->tok.type != SQT_WORD)
        return perr(p, p->tok.pos, "E-DATE", "expected the end date after ':'");
    ev__sq_token to = p->tok;
    advance(p);
    tag t2;
    if (p->tok.type != SQT_TAG)
        return perr(p, p->tok.pos, "E-DATE", "expected [%s] after the end date",
                    ev__sq_fields[tg->field].short_name);
    ev_status st = parse_tag(p, &p->tok, &t2);
    if (st != EV_OK)
        return st;
    if (t2.field != tg->field)
        return perr(p, p->tok.pos, "E-DATE", "both ends of a range need the same date tag");
    advance(p);
    const char *a = nd->raw, *b = p->q->text + to.cpos;
    char *raw = ev_arena_alloc(p->q->arena, strlen(a) + to.clen + 2);
    if (raw == NULL)
        return EV_ENOMEM;
    snprintf(raw, strlen(a) + to.clen + 2, "%s:%.*s", a, (int)to.clen, b);
    nd->raw = raw;
    nd->quoted = false;
    return EV_OK;
}

static ev_status parse_phrase(parser *p, ev__sq_node **out)
{
    ev__sq_token t = p->tok;
    ev__sq_node *nd = term_new(p, t.pos, p->q->text + t.cpos, t.clen, true);
    if (nd == NULL)
        return EV_ENOMEM;
    advance(p);
    ev_status st = EV_OK;
    if (p->tok.type == SQT_TAG) {
        tag tg;
        if ((st = parse_tag(p, &p->tok, &tg)) != EV_OK || (st = apply_tag(p, nd, &tg)) != EV_OK)
            return st;
        advance(p);
        if (p->tok.type == SQT_COLON && ev__sq_fields[tg.field].kind == SQK_DATE &&
            (st = quoted_range(p, nd, &tg)) != EV_OK)
            return st;
    }
    *out = nd;
    return finish_term(p, nd);
}

static ev_status lowerop_warn(parser *p, const ev__sq_token *w, bool between)
{
    const char *s = p->q->text + w->pos;
    bool low = (w->len == 2 && memcmp(s, "or", 2) == 0) || (w->len == 3 && memcmp(s, "not", 3) == 0);
    if (!low || !between)
        return EV_OK;
    return ev__sq_note_add(&p->q->warnings, "W-LOWEROP",
                           "lowercase '%.*s' at column %zu is searched as a word; write '%s' "
                           "for the operator",
                           (int)w->len, s, ev__sq_column(p->q->text, w->pos),
                           w->len == 2 ? "OR" : "NOT");
}

/* Untagged words: each its own [All Fields] term, ANDed (A4.2, ATM off). */
static ev_status split_untagged(parser *p, const ev__sq_token *w, size_t nw, ev__sq_node **out)
{
    ev__sq_node *acc = NULL;
    for (size_t i = 0; i < nw; i++) {
        ev__sq_node *nd = term_new(p, w[i].pos, p->q->text + w[i].pos, w[i].len, false);
        if (nd == NULL)
            return EV_ENOMEM;
        ev_status st = finish_term(p, nd);
        if (st == EV_OK && acc)
            st = bin(p, SQN_AND, w[i].pos, acc, nd, &nd);
        if (st != EV_OK)
            return st;
        acc = nd;
    }
    *out = acc;
    if (nw < 2)
        return EV_OK;
    return ev__sq_note_add(&p->q->warnings, "W-ATM-OFF",
                           "untagged words '%.*s' are searched as separate [All Fields] terms "
                           "joined by AND (PubMed would first try them as a phrase or MeSH term)",
                           (int)(w[nw - 1].pos + w[nw - 1].len - w[0].pos), p->q->text + w[0].pos);
}

static ev_status parse_words(parser *p, ev__sq_node **out)
{
    ev__sq_token w[64];
    size_t nw = 0;
    while (p->tok.type == SQT_WORD) {
        if (nw == 64)
            return perr(p, p->tok.pos, "E-OPERAND", "too many words in one term");
        w[nw++] = p->tok;
        advance(p);
    }
    ev_status st;
    for (size_t i = 1; i + 1 < nw; i++)
        if ((st = lowerop_warn(p, &w[i], true)) != EV_OK)
            return st;
    if (p->tok.type != SQT_TAG)
        return split_untagged(p, w, nw, out);
    size_t end = w[nw - 1].pos + w[nw - 1].len;
    ev__sq_node *nd = term_new(p, w[0].pos, p->q->text + w[0].pos, end - w[0].pos, false);
    if (nd == NULL)
        return EV_ENOMEM;
    tag tg;
    if ((st = parse_tag(p, &p->tok, &tg)) != EV_OK || (st = apply_tag(p, nd, &tg)) != EV_OK)
        return st;
    advance(p);
    *out = nd;
    return finish_term(p, nd);
}

static ev_status parse_operand(parser *p, ev__sq_node **out)
{
    if (++p->operands > MAX_OPERANDS)
        return perr(p, p->tok.pos, "E-OPERAND", "query has too many terms");
    switch (p->tok.type) {
    case SQT_LP: return parse_group(p, out);
    case SQT_HIST: return parse_hist(p, out);
    case SQT_PHRASE: return parse_phrase(p, out);
    case SQT_WORD: return parse_words(p, out);
    case SQT_TAG:
        return perr(p, p->tok.pos, "E-TAGPOS", "field tag before its term: write term[tag]");
    case SQT_RP:
        if (p->depth == 0)
            return perr(p, p->tok.pos, "E-PAREN", "')' has no matching '('");
        return perr(p, p->tok.pos, "E-OPERAND", "expected a search term before ')'");
    case SQT_COLON: return perr(p, p->tok.pos, "E-DATE", "':' without a date before it");
    case SQT_BADQUOTE: return perr(p, p->tok.pos, "E-QUOTE", "'\"' is never closed");
    case SQT_BADTAG: return perr(p, p->tok.pos, "E-TAGPOS", "unbalanced '[' or ']'");
    case SQT_END: return perr(p, p->tok.pos, "E-OPERAND", "expected a search term");
    default:
        return perr(p, p->tok.pos, "E-OPERAND", "operator %s without a term before it",
                    op_name(p->tok.type));
    }
}

static ev_status parse_expr(parser *p, ev__sq_node **out)
{
    ev__sq_node *left = NULL;
    ev_status st = parse_operand(p, &left);
    while (st == EV_OK && p->tok.type != SQT_END && p->tok.type != SQT_RP) {
        ev__sq_op op = SQN_AND;
        size_t pos = p->tok.pos;
        if (is_op(p->tok.type)) {
            ev__sq_ttype t = p->tok.type;
            op = t == SQT_AND ? SQN_AND : t == SQT_OR ? SQN_OR : SQN_NOT;
            advance(p);
            if (p->tok.type == SQT_END || p->tok.type == SQT_RP || is_op(p->tok.type))
                return perr(p, pos, "E-OPERAND", "operator %s has no term after it", op_name(t));
        }
        ev__sq_node *right = NULL;
        if ((st = parse_operand(p, &right)) == EV_OK)
            st = bin(p, op, pos, left, right, &left);
    }
    *out = left;
    return st;
}

ev_status ev__sq_parse(ev_query *q, ev_error *err)
{
    parser p = {.q = q, .err = err};
    size_t n = strlen(q->text);
    if (n > MAX_QUERY)
        return ev_error_set(err, EV_EINPUT, "query", 1, 1, "E-OPERAND: query longer than %d bytes",
                            MAX_QUERY);
    p.lx = (ev__sq_lexer){q->text, n, 0};
    ev_buf_init(&p.tmp, MAX_QUERY * 16);
    advance(&p);
    ev_status st = EV_OK;
    if (p.tok.type == SQT_END)
        st = perr(&p, 0, "E-OPERAND", "empty query");
    if (st == EV_OK)
        st = parse_expr(&p, &q->root);
    if (st == EV_OK && p.tok.type == SQT_RP)
        st = perr(&p, p.tok.pos, "E-PAREN", "')' has no matching '('");
    ev_buf_release(&p.tmp);
    if (st == EV_ENOMEM)
        ev_error_set(err, EV_ENOMEM, "query", 0, 0, "out of memory");
    return st;
}
