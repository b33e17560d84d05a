/*
 * session.c - search history (A9): running queries in order, #n resolved to
 * the stored set of search n (not re-evaluated), numbered strategies as
 * pasted from a protocol (A9.4), and saving a run into the review.
 */
#include "search_int.h"

struct ev_search_session {
    ev_search_index *ix;
    ev_search_result *res;
    ev__sq_set *sets;
    size_t n, cap;
};

ev_status ev_search_session_new(ev_search_session **out, ev_search_index *ix)
{
    *out = NULL;
    ev_status st = ev__sq_index_prepare(ix);
    if (st != EV_OK)
        return st;
    ev_search_session *s = ev_calloc(1, sizeof *s);
    if (s == NULL)
        return EV_ENOMEM;
    s->ix = ix;
    *out = s;
    return EV_OK;
}

static void result_release(ev_search_result *r)
{
    ev_free(r->query);
    ev_free(r->canonical);
    ev_free(r->ids);
    ev__sq_notes notes = {r->notes, r->n_notes, r->n_notes};
    ev__sq_notes_release(&notes);
}

void ev_search_session_free(ev_search_session *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        result_release(&s->res[i]);
        ev__sq_set_release(&s->sets[i]);
    }
    ev_free(s->res);
    ev_free(s->sets);
    ev_free(s);
}

const ev_search_result *ev_search_history(const ev_search_session *s, size_t *n)
{
    *n = s->n;
    return s->res;
}

static const char *hist_canonical(long n, void *payload)
{
    const ev_search_session *s = payload;
    return n >= 1 && (size_t)n <= s->n ? s->res[n - 1].canonical : NULL;
}

static ev_status grow(ev_search_session *s)
{
    if (s->n < s->cap)
        return EV_OK;
    size_t cap = s->cap ? s->cap * 2 : 8;
    ev_search_result *r = ev_reallocarray(s->res, cap, sizeof *r);
    if (r)
        s->res = r;
    ev__sq_set *v = r ? ev_reallocarray(s->sets, cap, sizeof *v) : NULL;
    if (v == NULL)
        return EV_ENOMEM;
    s->sets = v;
    s->cap = cap;
    return EV_OK;
}

/* Parse warnings first, then the executor's details. */
static ev_status take_notes(ev__sq_notes *dst, const ev_query *q, ev__sq_notes *exec)
{
    ev_status st = EV_OK;
    size_t nw;
    const ev_search_note *w = ev_query_warnings(q, &nw);
    for (size_t i = 0; st == EV_OK && i < nw; i++)
        st = ev__sq_note_add(dst, w[i].code, "%s", w[i].text);
    for (size_t i = 0; st == EV_OK && i < exec->n; i++)
        st = ev__sq_note_add(dst, exec->items[i].code, "%s", exec->items[i].text);
    return st;
}

static ev_status fill_result(ev_search_session *s, const char *text, const ev_query *q,
                             ev__sq_set *set, ev__sq_notes *exec)
{
    ev_search_result *r = &s->res[s->n];
    *r = (ev_search_result){.line = s->n + 1, .count = set->n};
    ev_buf canon;
    ev_buf_init(&canon, EV_BUF_DEFAULT_MAX);
    ev__sq_notes notes = {0};
    ev_status st = ev__sq_canonical(&canon, q->root, hist_canonical, s);
    if (st == EV_OK)
        st = take_notes(&notes, q, exec);
    r->canonical = st == EV_OK ? ev_buf_detach(&canon) : NULL;
    r->query = ev_strdup(text);
    r->ids = ev_reallocarray(NULL, set->n ? set->n : 1, sizeof *r->ids);
    r->notes = notes.items;
    r->n_notes = notes.n;
    ev_buf_release(&canon);
    if (st == EV_OK && (!r->canonical || !r->query || !r->ids))
        st = EV_ENOMEM;
    if (st != EV_OK) {
        result_release(r);
        return st;
    }
    for (size_t i = 0; i < set->n; i++)
        r->ids[i] = s->ix->ids[set->v[i]];
    s->sets[s->n] = *set;
    *set = (ev__sq_set){0};
    s->n++;
    return EV_OK;
}

ev_status ev_search_run(ev_search_session *s, const char *query, const ev_search_result **out,
                        ev_error *err)
{
    ev_query *q = NULL;
    ev_status st = ev_query_parse(&q, query, err);
    if (st != EV_OK)
        return st;
    ev__sq_notes notes = {0};
    ev__sq_set set = {0};
    ev__sq_ctx c = {.ix = s->ix, .hist = s->sets, .n_hist = s->n, .notes = &notes,
                    .query = q->text, .err = err};
    st = grow(s);
    if (st == EV_OK)
        st = ev__sq_eval(&c, q->root, &set);
    if (st == EV_OK)
        st = fill_result(s, query, q, &set, &notes);
    if (st == EV_ENOMEM)
        ev_error_set(err, st, "query", 0, 0, "out of memory");
    if (st == EV_OK && out)
        *out = &s->res[s->n - 1];
    ev__sq_set_release(&set);
    ev__sq_notes_release(&notes);
    ev_query_free(q);
    return st;
}

/* ---- strategies ------------------------------------------------------------ */

/* "#12", "12.", "12)" or "12" alone: the line number, else 0. */
static long line_number(const char *s, size_t n)
{
    if (n && s[0] == '#')
        s++, n--;
    else if (n && (s[n - 1] == '.' || s[n - 1] == ')'))
        n--;
    long v = 0;
    if (n == 0 || n > 6)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool starts_with_op(const char *s)
{
    while (*s == ' ')
        s++;
    return (strncmp(s, "AND", 3) == 0 || strncmp(s, "NOT", 3) == 0 || strncmp(s, "OR", 2) == 0) &&
           (s[s[0] == 'O' ? 2 : 3] == ' ' || s[s[0] == 'O' ? 2 : 3] == '\0');
}

/* Split one strategy line into its number (0 = none) and query offset. */
static void split_line(const char *line, long *num, size_t *qoff)
{
    *num = 0;
    *qoff = 0;
    if (strchr(line, '\t')) {
        const char *f = line;
        while (f) {
            const char *tab = strchr(f, '\t');
            size_t len = tab ? (size_t)(tab - f) : strlen(f);
            while (len && f[len - 1] == ' ')
                len--;
            long v = line_number(f, len);
            if (v && tab) {
                *num = v;
                *qoff = (size_t)(tab + 1 - line);
                return;
            }
            f = tab ? tab + 1 : NULL;
        }
    }
    size_t i = strspn(line, " ");
    size_t tok = strcspn(line + i, " \t");
    long v = line_number(line + i, tok);
    if (v && line[i + tok] != '\0' && !starts_with_op(line + i + tok) &&
        (line[i] == '#' || line[i + tok - 1] == '.' || line[i + tok - 1] == ')')) {
        *num = v;
        *qoff = i + tok + strspn(line + i + tok, " \t");
    }
}

static ev_status run_line(ev_search_session *s, const char *name, size_t lineno, char *line,
                          ev_error *err)
{
    long num;
    size_t qoff;
    split_line(line, &num, &qoff);
    char *q = line + qoff;
    q += strspn(q, " \t");
    size_t col0 = ev__sq_column(line, (size_t)(q - line));
    if (num && (size_t)num != s->n + 1)
        return ev_error_set(err, EV_EINPUT, name, lineno, 1,
                            "E-HISTREF: line numbered #%ld is search #%zu of the strategy", num,
                            s->n + 1);
    ev_error local = EV_ERROR_INIT;
    ev_status st = ev_search_run(s, q, NULL, &local);
    if (st != EV_OK)
        ev_error_set(err, st, name, lineno, local.column ? col0 + local.column - 1 : 0, "%s",
                     local.message);
    return st;
}

ev_status ev_search_run_strategy(ev_search_session *s, const char *name, const char *text,
                                 ev_error *err)
{
    if (s->n)
        return ev_error_set(err, EV_EUSAGE, name, 0, 0, "the search history is not empty");
    char *copy = ev_strdup(text);
    if (copy == NULL)
        return ev_error_set(err, EV_ENOMEM, name, 0, 0, "out of memory");
    ev_status st = EV_OK;
    size_t lineno = 0;
    for (char *line = copy; st == EV_OK && line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        if (strspn(line, " \t") < len)
            st = run_line(s, name, lineno, line, err);
        line = nl ? nl + 1 : NULL;
    }
    ev_free(copy);
    if (st == EV_OK && s->n == 0)
        st = ev_error_set(err, EV_EINPUT, name, 0, 0, "the strategy has no search lines");
    return st;
}

/* ---- saving a run ------------------------------------------------------------ */

static ev_status save_lines(ev_store *st, const ev_search_session *s, ev_id run, ev_error *err)
{
    ev_stmt *ins = NULL;
    ev_status rc = ev_stmt_prepare(st, &ins,
                                   "INSERT INTO search_lines(run_id, line, query, canonical, count)"
                                   " VALUES(?, ?, ?, ?, ?)", err);
    for (size_t i = 0; rc == EV_OK && i < s->n; i++) {
        const ev_search_result *r = &s->res[i];
        bool row;
        ev_stmt_reset(ins);
        if ((rc = ev_stmt_bind_int(ins, 1, run)) == EV_OK &&
            (rc = ev_stmt_bind_int(ins, 2, (int64_t)r->line)) == EV_OK &&
            (rc = ev_stmt_bind_text(ins, 3, r->query, strlen(r->query))) == EV_OK &&
            (rc = ev_stmt_bind_text(ins, 4, r->canonical, strlen(r->canonical))) == EV_OK &&
            (rc = ev_stmt_bind_int(ins, 5, (int64_t)r->count)) == EV_OK)
            rc = ev_stmt_step(ins, &row, err);
    }
    ev_stmt_free(ins);
    return rc;
}

static ev_status save_run(ev_store *st, const ev_search_session *s, const char *source,
                          const char *text, ev_id *out_id, ev_error *err)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ev_stmt *ins = NULL;
    bool row;
    ev_status rc = ev_stmt_prepare(st, &ins,
                                   "INSERT INTO search_runs(source, strategy, run_at, records,"
                                   " final_count) VALUES(?, ?, ?, ?, ?)", err);
    if (rc == EV_OK && (rc = ev_stmt_bind_text(ins, 1, source, strlen(source))) == EV_OK &&
        (rc = ev_stmt_bind_text(ins, 2, text, strlen(text))) == EV_OK &&
        (rc = ev_stmt_bind_text(ins, 3, now, strlen(now))) == EV_OK &&
        (rc = ev_stmt_bind_int(ins, 4, (int64_t)s->ix->n_docs)) == EV_OK &&
        (rc = ev_stmt_bind_int(ins, 5, (int64_t)s->res[s->n - 1].count)) == EV_OK)
        rc = ev_stmt_step(ins, &row, err);
    ev_stmt_free(ins);
    *out_id = ev_store_last_insert_id(st);
    return rc == EV_OK ? save_lines(st, s, *out_id, err) : rc;
}

ev_status ev_search_save(ev_store *st, const ev_search_session *s, const char *source,
                         const char *strategy_text, ev_id *out_id, ev_error *err)
{
    if (s->n == 0 || source == NULL || !*source)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "nothing to save: no searches run");
    ev_status rc = ev_store_ensure_schema(st, "search", ev__sq_schema, ev__sq_schema_steps, err);
    if (rc == EV_OK)
        rc = ev_store_begin(st, err);
    if (rc != EV_OK)
        return rc;
    ev_id id = 0;
    rc = save_run(st, s, source, strategy_text ? strategy_text : "", &id, err);
    char detail[128];
    snprintf(detail, sizeof detail, "{\"run\":%lld,\"lines\":%zu}", (long long)id, s->n);
    if (rc == EV_OK)
        rc = ev_store_audit(st, "evident", "search.save", detail, err);
    if (rc == EV_OK)
        rc = ev_store_commit(st, err);
    else
        ev_store_rollback(st);
    if (rc == EV_OK && out_id)
        *out_id = id;
    return rc;
}
