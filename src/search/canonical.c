/*
 * canonical.c - the canonical translation of spec A11 ("search details"):
 * every binary operation parenthesised in evaluation order, every term
 * quoted and normalised, followed by the long tag name.
 */
#include "search_int.h"

static ev_status put_text(ev_buf *out, const char *s)
{
    for (; *s; s++) {
        ev_status st = ev_buf_putc(out, *s == EV__SQ_WILD ? '*' : *s);
        if (st != EV_OK)
            return st;
    }
    return EV_OK;
}

static ev_status put_date(ev_buf *out, long d)
{
    return ev_buf_printf(out, "%04ld/%02ld/%02ld", d / 10000, d / 100 % 100, d % 100);
}

static ev_status put_tag(ev_buf *out, const ev__sq_node *nd)
{
    ev_status st = ev_buf_printf(out, "[%s", ev__sq_fields[nd->field].long_name);
    if (st == EV_OK && nd->noexp)
        st = ev_buf_puts(out, ":noexp");
    if (st == EV_OK && nd->prox >= 0)
        st = ev_buf_printf(out, ":~%ld", nd->prox);
    return st == EV_OK ? ev_buf_putc(out, ']') : st;
}

static ev_status put_term(ev_buf *out, const ev__sq_node *nd)
{
    ev_status st = ev_buf_putc(out, '"');
    if (nd->words) {
        for (size_t i = 0; st == EV_OK && i < nd->n_words; i++) {
            if (i)
                st = ev_buf_putc(out, ' ');
            if (st == EV_OK)
                st = put_text(out, nd->words[i]);
        }
    } else if (nd->value) {
        st = put_text(out, nd->value);
        if (st == EV_OK && nd->qual)
            st = ev_buf_printf(out, "/%s", nd->qual);
    }
    if (st == EV_OK)
        st = ev_buf_putc(out, '"');
    return st == EV_OK ? put_tag(out, nd) : st;
}

ev_status ev__sq_canonical(ev_buf *out, const ev__sq_node *nd, ev__sq_hist_fn expand,
                           void *payload)
{
    ev_status st;
    switch (nd->op) {
    case SQN_TERM: return put_term(out, nd);
    case SQN_RANGE:
        if ((st = put_date(out, nd->from)) != EV_OK || (st = ev_buf_putc(out, ':')) != EV_OK ||
            (st = put_date(out, nd->to)) != EV_OK)
            return st;
        return put_tag(out, nd);
    case SQN_HIST: {
        const char *x = expand ? expand(nd->hist, payload) : NULL;
        if (x == NULL)
            return ev_buf_printf(out, "#%ld", nd->hist);
        return ev_buf_printf(out, x[0] == '(' ? "#%ld=%s" : "#%ld=(%s)", nd->hist, x);
    }
    default: break;
    }
    const char *op = nd->op == SQN_AND ? " AND " : nd->op == SQN_OR ? " OR " : " NOT ";
    if ((st = ev_buf_putc(out, '(')) != EV_OK ||
        (st = ev__sq_canonical(out, nd->l, expand, payload)) != EV_OK ||
        (st = ev_buf_puts(out, op)) != EV_OK ||
        (st = ev__sq_canonical(out, nd->r, expand, payload)) != EV_OK)
        return st;
    return ev_buf_putc(out, ')');
}

/* ---- the public query object -------------------------------------------------- */

ev_status ev_query_parse(ev_query **out, const char *text, ev_error *err)
{
    *out = NULL;
    ev_query *q = ev_calloc(1, sizeof *q);
    if (q == NULL || (q->arena = ev_arena_new()) == NULL ||
        (q->text = ev_arena_strdup(q->arena, text ? text : "")) == NULL) {
        ev_query_free(q);
        return ev_error_set(err, EV_ENOMEM, "query", 0, 0, "out of memory");
    }
    ev_status st = ev__sq_parse(q, err);
    if (st != EV_OK) {
        ev_query_free(q);
        return st;
    }
    *out = q;
    return EV_OK;
}

void ev_query_free(ev_query *q)
{
    if (q == NULL)
        return;
    ev__sq_notes_release(&q->warnings);
    ev_arena_free(q->arena);
    ev_free(q);
}

ev_status ev_query_canonical(const ev_query *q, ev_buf *out)
{
    return ev__sq_canonical(out, q->root, NULL, NULL);
}

const ev_search_note *ev_query_warnings(const ev_query *q, size_t *n)
{
    *n = q->warnings.n;
    return q->warnings.items;
}

ev_status ev_search_caret(ev_buf *out, const char *query, size_t column)
{
    ev_status st = ev_buf_puts(out, "  ");
    for (const char *c = query; st == EV_OK && *c; c++)
        st = ev_buf_putc(out, *c == '\t' || *c == '\n' || *c == '\r' ? ' ' : *c);
    if (st == EV_OK)
        st = ev_buf_puts(out, "\n  ");
    for (size_t i = 1; st == EV_OK && i < column; i++)
        st = ev_buf_putc(out, ' ');
    return st == EV_OK ? ev_buf_puts(out, "^\n") : st;
}
