/*
 * screen_tui.c - the terminal screener: one record at a time, full screen
 * with plain ANSI escape sequences and termios raw mode (works over ssh, no
 * curses), or line mode (--plain) for scripts. Every decision is one call
 * to ev_screen_decide: blinding and the reason rule are the library's.
 */
#define _POSIX_C_SOURCE 200809L
#include "screen_tui.h"

#include "cli.h"

#include "evident/ev_screen.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

enum { K_EOF = -1, K_NONE = -2, K_UP = 1000, K_DOWN, K_PGUP, K_PGDN, K_RESIZE };
enum { MAX_TERMS = 32, MAX_REASONS = 9, MAX_HIST = 256 };

typedef struct line {
    char *text;
    char kind; /* 'T' title, 'M' meta, 'L' starts with a label, 'N' text */
} line;

typedef struct tui {
    ev_store *s;
    const char *review, *as, *stage_opt;
    bool plain, quit;
    int rows, cols, scroll, overlay; /* overlay: 0 record, 1 help, 2 criteria */
    ev_id cur, hist[MAX_HIST];
    size_t nhist, remaining;
    ev_record *rec;
    double score;
    char stage[8], note[512], msg[600];
    char *criteria, *reason_str, *inc_str, *exc_str;
    char *reasons[MAX_REASONS], *inc[MAX_TERMS], *exc[MAX_TERMS];
    size_t n_reasons, n_inc, n_exc;
    ev_screen_stage_summary *sum;
    size_t n_sum;
    line *lines;
    size_t nlines;
} tui;

/* ---- terminal ------------------------------------------------------------------ */

static struct termios saved_tio;
static bool raw_on;
static volatile sig_atomic_t got_winch, got_quit;

static void on_winch(int sig)
{
    (void)sig;
    got_winch = 1;
}

static void on_quit(int sig)
{
    (void)sig;
    got_quit = 1;
}

static void out(const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w <= 0 && errno != EINTR)
            return;
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        }
    }
}

static void term_restore(void)
{
    if (!raw_on)
        return;
    out("\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l");
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
    raw_on = false;
}

static int term_raw(void)
{
    if (tcgetattr(STDIN_FILENO, &saved_tio) != 0)
        return -1;
    struct termios t = saved_tio;
    t.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_cflag |= CS8;
    /* ISIG off: Ctrl-C arrives as a key and quits through the normal path */
    t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0)
        return -1;
    raw_on = true;
    atexit(term_restore);
    out("\x1b[?1049h\x1b[?25l\x1b[?7l"); /* no autowrap: long rows are cut */
    return 0;
}

static void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_winch; /* no SA_RESTART: read() returns EINTR and we redraw */
    sigaction(SIGWINCH, &sa, NULL);
    sa.sa_handler = on_quit;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static void term_size(tui *t)
{
    struct winsize ws;
    t->rows = 24;
    t->cols = 80;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        t->rows = ws.ws_row;
        t->cols = ws.ws_col;
    }
    if (t->rows < 8)
        t->rows = 8;
    if (t->cols < 30)
        t->cols = 30;
}

static int read_byte(int timeout_ms)
{
    unsigned char c;
    if (timeout_ms >= 0) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            return K_NONE;
    }
    ssize_t r = read(STDIN_FILENO, &c, 1);
    if (r == 1)
        return c;
    if (r < 0 && errno == EINTR)
        return got_quit ? K_EOF : K_RESIZE;
    return K_EOF;
}

/* A key: bytes, or an escape sequence for arrows and PgUp/PgDn. */
static int read_key(void)
{
    int c = read_byte(-1);
    if (c != 27)
        return c;
    int a = read_byte(50), b = a == '[' ? read_byte(50) : K_NONE;
    if (b == 'A')
        return K_UP;
    if (b == 'B')
        return K_DOWN;
    if ((b == '5' || b == '6') && read_byte(50) == '~')
        return b == '5' ? K_PGUP : K_PGDN;
    return 27;
}

/* ---- record text --------------------------------------------------------------- */

/* Appends to a frame: a frame cut short by out of memory is still drawn. */
static void bputs(ev_buf *b, const char *s)
{
    if (ev_buf_puts(b, s) != EV_OK)
        return;
}

static void bputc(ev_buf *b, char c)
{
    if (ev_buf_putc(b, c) != EV_OK)
        return;
}

static void bprintf(ev_buf *b, const char *fmt, ...) EV_PRINTF(2, 3);
static void bprintf(ev_buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0 &&
        ev_buf_append(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1) != EV_OK)
        return;
}

static size_t split_list(char *s, char **items, size_t max, const char *seps)
{
    size_t n = 0;
    for (char *p = s; p && *p && n < max;) {
        p += strspn(p, seps);
        size_t len = strcspn(p, seps);
        if (len == 0)
            break;
        char *end = p + len;
        bool more = *end != '\0';
        *end = '\0';
        while (*p == ' ')
            p++;
        for (char *e = end; e > p && e[-1] == ' ';)
            *--e = '\0';
        if (*p)
            items[n++] = p;
        p = more ? end + 1 : end;
    }
    return n;
}

static void lines_clear(tui *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        ev_free(t->lines[i].text);
    ev_free(t->lines);
    t->lines = NULL;
    t->nlines = 0;
}

static void line_add(tui *t, const char *s, size_t n, char kind)
{
    line *l = ev_reallocarray(t->lines, t->nlines + 1, sizeof *l);
    if (!l)
        return;
    t->lines = l;
    char *text = ev_malloc(n + 1);
    if (!text)
        return;
    memcpy(text, s, n);
    text[n] = '\0';
    t->lines[t->nlines++] = (line){text, kind};
}

/* Word-wrap `s` to the width; the first line keeps `kind`, the rest 'N'. */
static void wrap(tui *t, const char *s, char kind)
{
    size_t width = (size_t)(t->plain ? 100 : t->cols - 2);
    if (!s || !*s) {
        line_add(t, "", 0, kind);
        return;
    }
    while (*s) {
        size_t end = 0, last_space = 0, w = 0;
        while (s[end] && w < width) {
            if (s[end] == ' ')
                last_space = end;
            w += ((unsigned char)s[end] & 0xC0) != 0x80;
            end++;
        }
        while (s[end] && ((unsigned char)s[end] & 0xC0) == 0x80)
            end++; /* never split a character */
        if (s[end] && s[end] != ' ' && last_space > 0)
            end = last_space;
        line_add(t, s, end, kind);
        kind = kind == 'T' ? 'T' : 'N';
        s += end;
        while (*s == ' ')
            s++;
    }
}

static void build_lines(tui *t)
{
    const ev_record *r = t->rec;
    char buf[1024];
    lines_clear(t);
    t->scroll = 0;
    if (!r)
        return;
    wrap(t, r->title ? r->title : "(no title)", 'T');
    ev_buf a;
    ev_buf_init(&a, 1 << 16);
    for (size_t i = 0; i < r->n_authors && i < 30; i++) {
        const ev_author *au = &r->authors[i];
        if (ev_buf_printf(&a, "%s%s%s%s", a.len ? ", " : "",
                          au->collective ? au->collective
                          : au->family   ? au->family
                                         : "",
                          au->initials ? " " : "", au->initials ? au->initials : "") != EV_OK)
            break;
    }
    if (r->n_authors > 30)
        bputs(&a, ", et al.");
    wrap(t, a.len ? a.ptr : "(no authors)", 'M');
    ev_buf_release(&a);
    snprintf(buf, sizeof buf, "%d  %s", r->pub_date.year,
             r->journal          ? r->journal
             : r->journal_abbrev ? r->journal_abbrev
                                 : "(no journal)");
    wrap(t, buf, 'M');
    line_add(t, "", 0, 'N');
    if (r->n_abstract == 0)
        wrap(t, "(no abstract)", 'M');
    for (size_t i = 0; i < r->n_abstract; i++) {
        const ev_abstract_section *sec = &r->abstract[i];
        ev_buf b;
        ev_buf_init(&b, 1 << 20);
        if (ev_buf_printf(&b, "%s%s%s", sec->label ? sec->label : "", sec->label ? ": " : "",
                          sec->text ? sec->text : "") == EV_OK)
            wrap(t, b.ptr, sec->label ? 'L' : 'N');
        ev_buf_release(&b);
    }
}

/* ---- drawing ---------------------------------------------------------------------- */

static bool match_at(const char *s, const char *term)
{
    for (; *term; s++, term++)
        if (!*s || tolower((unsigned char)*s) != tolower((unsigned char)*term))
            return false;
    return true;
}

/* The longest term matching at s: 1 include, 2 exclude, 0 none. */
static int term_at(const tui *t, const char *s, size_t *len)
{
    int kind = 0;
    *len = 0;
    for (size_t i = 0; i < t->n_inc + t->n_exc; i++) {
        const char *term = i < t->n_inc ? t->inc[i] : t->exc[i - t->n_inc];
        size_t n = strlen(term);
        if (n > *len && match_at(s, term)) {
            *len = n;
            kind = i < t->n_inc ? 1 : 2;
        }
    }
    return kind;
}

/* One body line with its style and the highlight terms in colour
 * (include green, exclude red: the web page's colours). */
static void draw_line(const tui *t, ev_buf *o, const line *l)
{
    const char *base = l->kind == 'T' ? "\x1b[1m" : l->kind == 'M' ? "\x1b[2m" : "";
    const char *s = l->text, *label_end = l->kind == 'L' ? strstr(s, ": ") : NULL;
    bputs(o, base);
    if (label_end)
        bputs(o, "\x1b[1;36m");
    while (*s) {
        if (label_end && s == label_end) {
            bprintf(o, "\x1b[0m%s", base);
            label_end = NULL;
        }
        size_t n;
        int k = term_at(t, s, &n);
        if (k && !label_end) {
            bprintf(o, "%s%.*s\x1b[0m%s", k == 1 ? "\x1b[1;42;30m" : "\x1b[1;41;37m", (int)n, s,
                    base);
            s += n;
        } else {
            bputc(o, *s++);
        }
    }
    bputs(o, "\x1b[0m");
}

static const ev_screen_stage_summary *current_summary(const tui *t)
{
    for (size_t i = 0; i < t->n_sum; i++)
        if (strcmp(t->sum[i].stage, t->stage) == 0)
            return &t->sum[i];
    return t->n_sum ? &t->sum[0] : NULL;
}

static void draw_header(const tui *t, ev_buf *o)
{
    const ev_screen_stage_summary *g = current_summary(t);
    uint64_t total = g ? g->records : 0, done = g ? g->records - g->pending - g->conflicts : 0;
    int barw = t->cols - 50 > 10 ? (t->cols - 50 > 40 ? 40 : t->cols - 50) : 10;
    int fill = total ? (int)((double)barw * (double)done / (double)total) : 0;
    bprintf(o, "\x1b[H\x1b[7m evident screen %s as %s, stage %s\x1b[K\x1b[0m\r\n", t->review, t->as,
            t->stage[0] ? t->stage : "-");
    bputs(o, " [");
    for (int i = 0; i < barw; i++)
        bputs(o, i < fill ? "#" : ".");
    bprintf(o, "] %llu/%llu settled, %zu left for %s\x1b[K\r\n", (unsigned long long)done,
            (unsigned long long)total, t->remaining, t->as);
    if (g)
        bprintf(o,
                " stopping rule (95%% recall, 95%% confidence): p = %.3g, %s; %zu "
                "exclusions in a row\x1b[K\r\n",
                g->stop.p, g->stop.stop ? "may stop" : "go on", g->trailing_exclusions);
    else
        bputs(o, "\x1b[K\r\n");
    if (t->cur && isnan(t->score))
        bprintf(o, "\x1b[2m record %lld\x1b[0m\x1b[K\r\n", (long long)t->cur);
    else if (t->cur)
        bprintf(o, "\x1b[2m record %lld  score %.3f\x1b[0m\x1b[K\r\n", (long long)t->cur, t->score);
    else
        bputs(o, "\x1b[K\r\n");
}

static const char help_text[] =
    "i  include          e  exclude          m  maybe\n"
    "1-9  exclude with that reason (listed below; required at full text)\n"
    "u  undo: back to the previous record; deciding again replaces the decision\n"
    "n  note for the next decision on this record\n"
    "/  search the records waiting for you (title and abstract)\n"
    "c  eligibility criteria      ?  this help      q  quit (also Ctrl-C)\n"
    "j/k or arrows: scroll a line    PgUp/PgDn: scroll a page\n"
    "Include terms are shown in green, exclude terms in red.";

static void overlay_lines(tui *t, const char *text)
{
    lines_clear(t);
    char *copy = ev_strdup(text ? text : "(no eligibility criteria set)");
    for (char *p = copy; p && *p;) {
        size_t n = strcspn(p, "\n");
        char c = p[n];
        p[n] = '\0';
        wrap(t, p, 'N');
        p += n + (c ? 1 : 0);
    }
    ev_free(copy);
    if (t->overlay == 1)
        for (size_t i = 0; i < t->n_reasons; i++) {
            char b[256];
            snprintf(b, sizeof b, "  %zu  %s", i + 1, t->reasons[i]);
            wrap(t, b, 'N');
        }
}

static void draw(tui *t)
{
    ev_buf o;
    ev_buf_init(&o, 1 << 24);
    draw_header(t, &o);
    int body = t->rows - 7; /* 4 header rows, a blank, the message and the keys */
    if (t->scroll > (int)t->nlines - body)
        t->scroll = (int)t->nlines - body;
    if (t->scroll < 0)
        t->scroll = 0;
    bputs(&o, "\x1b[K\r\n");
    for (int i = 0; i < body; i++) {
        size_t k = (size_t)(t->scroll + i);
        bputs(&o, " ");
        if (k < t->nlines)
            draw_line(t, &o, &t->lines[k]);
        else if (!t->cur && i == 0 && !t->overlay)
            bprintf(&o, "nothing left to screen for %s", t->as);
        bputs(&o, "\x1b[K\r\n");
    }
    bprintf(&o, "\x1b[1;33m %s\x1b[0m%s%s\x1b[K\r\n", t->msg, t->note[0] ? "  note: " : "",
            t->note);
    bputs(&o, "\x1b[7m i include  e exclude  m maybe  1-9 reason  u undo  n note  "
              "/ search  c criteria  ? help  q quit\x1b[K\x1b[0m");
    out(o.ptr ? o.ptr : "");
    ev_buf_release(&o);
}

static void show_plain(tui *t)
{
    const ev_screen_stage_summary *g = current_summary(t);
    if (t->msg[0])
        printf("%s\n", t->msg);
    if (t->overlay)
        printf("== %s\n", t->overlay == 1 ? "help" : "eligibility criteria");
    else if (!t->cur)
        printf("nothing left to screen for %s\n", t->as);
    else
        printf("== record %lld (stage %s, %zu left for %s)\n", (long long)t->cur, t->stage,
               t->remaining, t->as);
    for (size_t i = 0; i < t->nlines; i++)
        printf("%s\n", t->lines[i].text);
    if (g && !t->overlay)
        printf("stopping rule: p = %.3g, %s\n", g->stop.p, g->stop.stop ? "may stop" : "go on");
    fflush(stdout);
}

/* ---- state ------------------------------------------------------------------------ */

static ev_status show_record(tui *t, ev_id id, ev_error *err)
{
    ev_record_free(t->rec);
    t->rec = NULL;
    t->cur = id;
    t->overlay = 0;
    ev_status rc = id ? ev_store_record_get(t->s, id, &t->rec, err) : EV_OK;
    build_lines(t);
    return rc;
}

/* Counts, the queue size and the stopping rule, after every decision. */
static ev_status refresh_counts(tui *t, ev_error *err)
{
    ev_id *q = NULL;
    ev_screen_summary_free(t->sum, t->n_sum);
    t->sum = NULL;
    t->n_sum = 0;
    ev_status rc = ev_screen_queue(t->s, t->as, t->stage_opt, &q, &t->remaining, t->stage, err);
    ev_free(q);
    if (rc == EV_OK)
        rc = ev_screen_summary(t->s, &t->sum, &t->n_sum, err);
    return rc;
}

static ev_status load_next(tui *t, ev_error *err)
{
    ev_id id = 0;
    t->score = NAN;
    t->note[0] = '\0';
    ev_status rc = ev_screen_next(t->s, t->as, t->stage_opt, &id, &t->score, err);
    if (rc == EV_OK)
        rc = refresh_counts(t, err);
    if (rc == EV_OK)
        rc = show_record(t, id, err);
    return rc;
}

static ev_status tui_init(tui *t, ev_error *err)
{
    ev_status rc = ev_screen_criteria(t->s, &t->criteria, err);
    if (rc == EV_OK)
        rc = ev_screen_reasons(t->s, &t->reason_str, err);
    if (rc == EV_OK)
        rc = ev_store_meta_get(t->s, "server.terms.include", &t->inc_str, err);
    if (rc == EV_OK)
        rc = ev_store_meta_get(t->s, "server.terms.exclude", &t->exc_str, err);
    if (rc != EV_OK)
        return rc;
    t->n_reasons = split_list(t->reason_str, t->reasons, MAX_REASONS, ",");
    t->n_inc = split_list(t->inc_str, t->inc, MAX_TERMS, ",;\n");
    t->n_exc = split_list(t->exc_str, t->exc, MAX_TERMS, ",;\n");
    return load_next(t, err);
}

static void tui_release(tui *t)
{
    lines_clear(t);
    ev_record_free(t->rec);
    ev_screen_summary_free(t->sum, t->n_sum);
    ev_free(t->criteria);
    ev_free(t->reason_str);
    ev_free(t->inc_str);
    ev_free(t->exc_str);
}

/* ---- actions ----------------------------------------------------------------------- */

static ev_status decide(tui *t, ev_screen_decision d, const char *reason, ev_error *err)
{
    if (!t->cur) {
        snprintf(t->msg, sizeof t->msg, "nothing to decide");
        return EV_OK;
    }
    ev_screen_decide_item it = {
        .record = t->cur, .decision = d, .reason = reason, .note = t->note[0] ? t->note : NULL};
    ev_error e = EV_ERROR_INIT;
    if (ev_screen_decide(t->s, t->as, &it, 1, NULL, &e) != EV_OK) {
        if (e.code != EV_EREFUSED && e.code != EV_ENOTFOUND) {
            if (err)
                *err = e;
            return e.code;
        }
        snprintf(t->msg, sizeof t->msg, "%s%s", e.message,
                 d == EV_SCREEN_EXCLUDE && !reason && t->n_reasons ? " (press 1-9 for a reason)"
                                                                   : "");
        return EV_OK;
    }
    if (t->nhist == MAX_HIST) {
        memmove(t->hist, t->hist + 1, (MAX_HIST - 1) * sizeof *t->hist);
        t->nhist--;
    }
    t->hist[t->nhist++] = t->cur;
    snprintf(t->msg, sizeof t->msg, "%lld: %s%s%s", (long long)t->cur, ev_screen_decision_name(d),
             reason ? ", " : "", reason ? reason : "");
    return load_next(t, err);
}

static ev_status undo(tui *t, ev_error *err)
{
    if (t->nhist == 0) {
        snprintf(t->msg, sizeof t->msg, "nothing to undo");
        return EV_OK;
    }
    ev_id id = t->hist[--t->nhist];
    t->score = NAN;
    t->note[0] = '\0';
    snprintf(t->msg, sizeof t->msg, "back to %lld: decide again to replace your decision",
             (long long)id);
    return show_record(t, id, err);
}

static bool contains_ci(const char *hay, const char *needle)
{
    for (; hay && *hay; hay++)
        if (match_at(hay, needle))
            return true;
    return false;
}

static bool record_mentions(const ev_record *r, const char *term)
{
    if (contains_ci(r->title, term))
        return true;
    for (size_t i = 0; i < r->n_abstract; i++)
        if (contains_ci(r->abstract[i].text, term))
            return true;
    return false;
}

/* Jump to the first waiting record (by id, after the current one, then
 * from the start) whose title or abstract mentions `term`. */
static ev_status search(tui *t, const char *term, ev_error *err)
{
    ev_id *q = NULL, found = 0;
    size_t n = 0;
    ev_status rc = ev_screen_queue(t->s, t->as, t->stage_opt, &q, &n, NULL, err);
    for (size_t pass = 0; rc == EV_OK && pass < 2 && !found; pass++)
        for (size_t i = 0; rc == EV_OK && i < n && !found; i++) {
            if ((pass == 0) != (q[i] > t->cur) || q[i] == t->cur)
                continue;
            ev_record *r = NULL;
            rc = ev_store_record_get(t->s, q[i], &r, err);
            if (rc == EV_OK && record_mentions(r, term))
                found = q[i];
            ev_record_free(r);
        }
    ev_free(q);
    if (rc != EV_OK)
        return rc;
    if (!found) {
        snprintf(t->msg, sizeof t->msg, "no other waiting record mentions '%s'", term);
        return EV_OK;
    }
    snprintf(t->msg, sizeof t->msg, "'%s' found in record %lld", term, (long long)found);
    t->score = NAN;
    t->note[0] = '\0';
    return show_record(t, found, err);
}

/* Read a line on the message row (raw mode); false when cancelled. */
static bool prompt(tui *t, const char *label, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (;;) {
        char row[700];
        snprintf(row, sizeof row, "\x1b[%d;1H\x1b[K %s%s\x1b[?25h", t->rows - 1, label, buf);
        out(row);
        int c = read_key();
        if (c == K_RESIZE)
            continue;
        out("\x1b[?25l");
        if (c == K_EOF || c == 27 || c == 3)
            return false;
        if (c == '\r' || c == '\n')
            return true;
        if ((c == 127 || c == 8) && n > 0) {
            while (n > 0 && ((unsigned char)buf[--n] & 0xC0) == 0x80)
                ;
            buf[n] = '\0';
        } else if (c >= 32 && c < 256 && c != 127 && n + 1 < cap) {
            buf[n++] = (char)c;
            buf[n] = '\0';
        }
    }
}

static void scroll_by(tui *t, int d)
{
    t->scroll += d;
}

/* One command: the key and, for n and /, its text. */
static ev_status command(tui *t, int key, const char *arg, ev_error *err)
{
    int page = t->rows - 7 > 1 ? t->rows - 7 : 1;
    t->msg[0] = '\0';
    if (t->overlay && key != 'q' && key != 3) {
        int was = t->overlay;
        t->overlay = 0;
        build_lines(t);
        bool other = (key == '?' && was != 1) || (key == 'c' && was != 2);
        if (!other)
            return EV_OK; /* any key closes; the same key toggles */
    }
    switch (key) {
    case 'i':
        return decide(t, EV_SCREEN_INCLUDE, NULL, err);
    case 'e':
        return decide(t, EV_SCREEN_EXCLUDE, NULL, err);
    case 'm':
        return decide(t, EV_SCREEN_MAYBE, NULL, err);
    case 'u':
        return undo(t, err);
    case 'q':
    case 3:
        t->quit = true;
        return EV_OK;
    case 'j':
    case K_DOWN:
        scroll_by(t, 1);
        return EV_OK;
    case 'k':
    case K_UP:
        scroll_by(t, -1);
        return EV_OK;
    case K_PGDN:
    case ' ':
        scroll_by(t, page);
        return EV_OK;
    case K_PGUP:
    case 'b':
        scroll_by(t, -page);
        return EV_OK;
    case '?':
    case 'c':
        t->overlay = key == '?' ? 1 : 2;
        overlay_lines(t, key == '?' ? help_text : t->criteria);
        snprintf(t->msg, sizeof t->msg, "%s (any key: back to the record)",
                 key == '?' ? "help" : "eligibility criteria");
        return EV_OK;
    case 'n':
        snprintf(t->note, sizeof t->note, "%s", arg ? arg : "");
        snprintf(t->msg, sizeof t->msg, "%s", t->note[0] ? "note kept for the next decision" : "");
        return EV_OK;
    case '/':
        if (arg && *arg)
            return search(t, arg, err);
        return EV_OK;
    default:
        break;
    }
    if (key >= '1' && key <= '9') {
        size_t k = (size_t)(key - '1');
        if (k < t->n_reasons)
            return decide(t, EV_SCREEN_EXCLUDE, t->reasons[k], err);
        snprintf(t->msg, sizeof t->msg, "no reason %c (? lists them)", key);
        return EV_OK;
    }
    if (key != K_RESIZE && key != K_NONE)
        snprintf(t->msg, sizeof t->msg, "unknown key (? for help)");
    return EV_OK;
}

static ev_status loop_terminal(tui *t, ev_error *err)
{
    ev_status rc = EV_OK;
    char arg[512];
    while (rc == EV_OK && !t->quit && !got_quit) {
        if (got_winch) {
            got_winch = 0;
            term_size(t);
            if (t->overlay)
                overlay_lines(t, t->overlay == 1 ? help_text : t->criteria);
            else
                build_lines(t);
        }
        draw(t);
        int key = read_key();
        if (key == K_EOF)
            break;
        const char *a = NULL;
        if ((key == 'n' || key == '/') && !t->overlay) {
            if (!prompt(t, key == 'n' ? "note: " : "search: ", arg, sizeof arg)) {
                snprintf(t->msg, sizeof t->msg, "cancelled");
                continue;
            }
            a = arg;
        }
        rc = command(t, key, a, err);
    }
    return rc;
}

/* Line mode: "i", "e", "3", "n some note", "/ term", "u", "c", "?", "q". */
static ev_status loop_plain(tui *t, ev_error *err)
{
    ev_status rc = EV_OK;
    char buf[1024];
    show_plain(t);
    while (rc == EV_OK && !t->quit && fgets(buf, sizeof buf, stdin)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        const char *p = buf;
        while (*p == ' ')
            p++;
        if (!*p)
            continue;
        const char *a = p + 1;
        while (*a == ' ')
            a++;
        t->msg[0] = '\0';
        rc = command(t, (unsigned char)*p, a, err);
        if (rc == EV_OK && !t->quit)
            show_plain(t);
    }
    return rc;
}

int ev_cli_screen_tui(ev_store *s, const char *review, const char *as, const char *stage,
                      bool plain)
{
    if (!plain && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "evident: screen: the terminal screener needs a terminal on stdin and "
                        "stdout\nhint: --plain reads one command per line from stdin\n");
        return EV_EXIT_USAGE;
    }
    tui t = {.s = s, .review = review, .as = as, .stage_opt = stage, .plain = plain};
    t.score = NAN;
    ev_error err = EV_ERROR_INIT;
    ev_status rc = tui_init(&t, &err);
    if (rc == EV_OK && !plain) {
        term_size(&t);
        build_lines(&t);
        signals_install();
        if (term_raw() != 0)
            rc = ev_error_set(&err, EV_EIO, NULL, 0, 0, "cannot set the terminal to raw mode");
    }
    if (rc == EV_OK)
        rc = plain ? loop_plain(&t, &err) : loop_terminal(&t, &err);
    term_restore();
    tui_release(&t);
    return rc == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}
