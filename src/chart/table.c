/*
 * table.c - the tables charting collates (frequencies, study summaries,
 * safety), built row by row and rendered as Markdown, CSV (RFC 4180), HTML
 * or LaTeX with each format's special characters escaped.
 */
#include "chart_int.h"

ev_chart_table *ev__chart_table_new(const char *title, size_t ncols, const char *const *header)
{
    ev_chart_table *t = ev_calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    t->title = ev_strdup(title ? title : "");
    t->header = ev_calloc(ncols, sizeof *t->header);
    bool ok = t->title && t->header;
    for (size_t i = 0; ok && i < ncols; i++)
        ok = (t->header[i] = ev_strdup(header[i])) != NULL;
    if (!ok) {
        ev_chart_table_free(t);
        return NULL;
    }
    return t;
}

ev_status ev__chart_table_add(ev_chart_table *t, const char *const *cells)
{
    char **grown = ev_reallocarray(t->cells, (t->nrows + 1) * t->ncols, sizeof *grown);
    if (grown == NULL)
        return EV_ENOMEM;
    t->cells = grown;
    char **row = grown + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++)
        row[i] = NULL;
    t->nrows++;
    for (size_t i = 0; i < t->ncols; i++)
        if (cells[i] && (row[i] = ev_strdup(cells[i])) == NULL)
            return EV_ENOMEM;
    return EV_OK;
}

void ev_chart_table_free(ev_chart_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; t->header && i < t->ncols; i++)
        ev_free(t->header[i]);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        ev_free(t->cells[i]);
    ev_free(t->header);
    ev_free(t->cells);
    ev_free(t->title);
    ev_free(t->note);
    ev_free(t);
}

bool ev_chart_format_parse(const char *s, ev_chart_format *out)
{
    static const char *const names[] = {"md", "csv", "html", "tex"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (ev_chart_format)i;
            return true;
        }
    if (strcmp(s, "markdown") == 0 || strcmp(s, "latex") == 0) {
        *out = s[0] == 'm' ? EV_CHART_MD : EV_CHART_TEX;
        return true;
    }
    return false;
}

static ev_status put_escaped(ev_buf *b, const char *s, ev_chart_format fmt)
{
    ev_status st = EV_OK;
    bool quote = fmt == EV_CHART_CSV && strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        st = ev_buf_putc(b, '"');
    for (const char *p = s; st == EV_OK && *p; p++) {
        const char *rep = NULL;
        char c = *p;
        if (fmt == EV_CHART_MD)
            rep = c == '|' ? "\\|" : c == '\n' ? "<br>" : NULL;
        else if (fmt == EV_CHART_CSV)
            rep = c == '"' ? "\"\"" : NULL;
        else if (fmt == EV_CHART_HTML)
            rep = c == '&'   ? "&amp;"
                  : c == '<' ? "&lt;"
                  : c == '>' ? "&gt;"
                  : c == '"' ? "&quot;"
                             : NULL;
        else if (strchr("&%$#_{}", c))
            st = ev_buf_putc(b, '\\');
        else
            rep = c == '~'    ? "\\textasciitilde{}"
                  : c == '^'  ? "\\textasciicircum{}"
                  : c == '\\' ? "\\textbackslash{}"
                              : NULL;
        if (st == EV_OK)
            st = rep ? ev_buf_puts(b, rep) : ev_buf_putc(b, c);
    }
    if (st == EV_OK && quote)
        st = ev_buf_putc(b, '"');
    return st;
}

static const char *cell(const ev_chart_table *t, size_t r, size_t c)
{
    const char *s = t->cells[r * t->ncols + c];
    return s ? s : "";
}

/* One row: prefix, cells joined by sep, suffix. r == SIZE_MAX is the header. */
static ev_status put_row(ev_buf *b, const ev_chart_table *t, size_t r, ev_chart_format fmt,
                         const char *pre, const char *sep, const char *post)
{
    ev_status st = ev_buf_puts(b, pre);
    for (size_t c = 0; st == EV_OK && c < t->ncols; c++) {
        if (c > 0)
            st = ev_buf_puts(b, sep);
        if (st == EV_OK)
            st = put_escaped(b, r == SIZE_MAX ? t->header[c] : cell(t, r, c), fmt);
    }
    return st == EV_OK ? ev_buf_puts(b, post) : st;
}

static ev_status render_md(const ev_chart_table *t, ev_buf *b)
{
    ev_status st = EV_OK;
    if (*t->title)
        st = ev_buf_printf(b, "**%s**\n\n", t->title);
    if (st == EV_OK)
        st = put_row(b, t, SIZE_MAX, EV_CHART_MD, "| ", " | ", " |\n|");
    for (size_t c = 0; st == EV_OK && c < t->ncols; c++)
        st = ev_buf_puts(b, "---|");
    if (st == EV_OK)
        st = ev_buf_putc(b, '\n');
    for (size_t r = 0; st == EV_OK && r < t->nrows; r++)
        st = put_row(b, t, r, EV_CHART_MD, "| ", " | ", " |\n");
    if (st == EV_OK && t->note)
        st = ev_buf_printf(b, "\n%s\n", t->note);
    return st;
}

static ev_status render_csv(const ev_chart_table *t, ev_buf *b)
{
    ev_status st = put_row(b, t, SIZE_MAX, EV_CHART_CSV, "", ",", "\r\n");
    for (size_t r = 0; st == EV_OK && r < t->nrows; r++)
        st = put_row(b, t, r, EV_CHART_CSV, "", ",", "\r\n");
    return st;
}

static ev_status render_html(const ev_chart_table *t, ev_buf *b)
{
    ev_status st = ev_buf_puts(b, "<table>\n");
    if (st == EV_OK && *t->title) {
        st = ev_buf_puts(b, "<caption>");
        if (st == EV_OK)
            st = put_escaped(b, t->title, EV_CHART_HTML);
        if (st == EV_OK)
            st = ev_buf_puts(b, "</caption>\n");
    }
    if (st == EV_OK)
        st = put_row(b, t, SIZE_MAX, EV_CHART_HTML, "<thead><tr><th>", "</th><th>",
                     "</th></tr></thead>\n<tbody>\n");
    for (size_t r = 0; st == EV_OK && r < t->nrows; r++)
        st = put_row(b, t, r, EV_CHART_HTML, "<tr><td>", "</td><td>", "</td></tr>\n");
    if (st == EV_OK)
        st = ev_buf_puts(b, "</tbody>\n</table>\n");
    if (st == EV_OK && t->note) {
        st = ev_buf_puts(b, "<p>");
        if (st == EV_OK)
            st = put_escaped(b, t->note, EV_CHART_HTML);
        if (st == EV_OK)
            st = ev_buf_puts(b, "</p>\n");
    }
    return st;
}

static ev_status render_tex(const ev_chart_table *t, ev_buf *b)
{
    ev_status st = ev_buf_puts(b, "\\begin{table}\n");
    if (st == EV_OK && *t->title) {
        st = ev_buf_puts(b, "\\caption{");
        if (st == EV_OK)
            st = put_escaped(b, t->title, EV_CHART_TEX);
        if (st == EV_OK)
            st = ev_buf_puts(b, "}\n");
    }
    if (st == EV_OK)
        st = ev_buf_puts(b, "\\begin{tabular}{");
    for (size_t c = 0; st == EV_OK && c < t->ncols; c++)
        st = ev_buf_putc(b, 'l');
    if (st == EV_OK)
        st = put_row(b, t, SIZE_MAX, EV_CHART_TEX, "}\n\\hline\n", " & ", " \\\\\n\\hline\n");
    for (size_t r = 0; st == EV_OK && r < t->nrows; r++)
        st = put_row(b, t, r, EV_CHART_TEX, "", " & ", " \\\\\n");
    if (st == EV_OK)
        st = ev_buf_puts(b, "\\hline\n\\end{tabular}\n\\end{table}\n");
    return st;
}

ev_status ev_chart_table_render(const ev_chart_table *t, ev_chart_format fmt, ev_buf *out)
{
    switch (fmt) {
    case EV_CHART_MD:
        return render_md(t, out);
    case EV_CHART_CSV:
        return render_csv(t, out);
    case EV_CHART_HTML:
        return render_html(t, out);
    default:
        return render_tex(t, out);
    }
}

ev_status ev_chart_table_json(const ev_chart_table *t, ev_buf *out)
{
    json_t *o = json_object(), *cols = json_array(), *rows = json_array();
    for (size_t c = 0; c < t->ncols; c++)
        json_array_append_new(cols, json_string(t->header[c]));
    for (size_t r = 0; r < t->nrows; r++) {
        json_t *row = json_array();
        for (size_t c = 0; c < t->ncols; c++)
            json_array_append_new(row, t->cells[r * t->ncols + c]
                                           ? json_string(t->cells[r * t->ncols + c])
                                           : json_null());
        json_array_append_new(rows, row);
    }
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "note", t->note ? json_string(t->note) : json_null());
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    ev_status st = s ? ev_buf_puts(out, s) : EV_ENOMEM;
    free(s);
    return st;
}
