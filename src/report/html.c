/*
 * html.c - the report as one self-contained HTML file: inline CSS, inline
 * SVG figures, no scripts and no external resources, so it opens offline
 * and prints as it looks. This file holds the document frame, the
 * protocol and the search sections; the other sections are in
 * html_flow.c and html_chart.c.
 */
#include "report_int.h"

#include "evident/ev_search.h"

static const char css[] =
    "body{font:15px/1.45 'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1a1a1a;"
    "max-width:1100px;margin:2em auto;padding:0 1em;background:#fff}"
    "h1{font-size:1.6em;border-bottom:2px solid #2b5d8a;padding-bottom:.2em}"
    "h2{font-size:1.25em;color:#2b5d8a;margin-top:2em}h3{font-size:1.05em}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}"
    "th,td{border:1px solid #c8cdd2;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#eef2f6}caption{font-weight:bold;text-align:left;padding:.3em 0}"
    "pre{background:#f6f8fa;padding:.7em;white-space:pre-wrap;font-size:.85em}"
    ".none{color:#6b6b6b;font-style:italic}.fail{color:#9b1c1c;font-weight:bold}"
    ".ok{color:#1d6b2f}.fig svg{max-width:100%;height:auto}"
    "nav ol{columns:2}footer{margin-top:3em;color:#6b6b6b;font-size:.85em}";

void ev__rep_printf(ev__rep *r, const char *fmt, ...)
{
    if (r->rc != EV_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    r->rc = ev_buf_vprintf(r->b, fmt, ap);
    va_end(ap);
}

ev_status ev__report_esc(ev_buf *b, const char *s)
{
    ev_status rc = EV_OK;
    for (; rc == EV_OK && s && *s; s++) {
        switch (*s) {
        case '&':
            rc = ev_buf_puts(b, "&amp;");
            break;
        case '<':
            rc = ev_buf_puts(b, "&lt;");
            break;
        case '>':
            rc = ev_buf_puts(b, "&gt;");
            break;
        case '"':
            rc = ev_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc = ev_buf_puts(b, "&#39;");
            break;
        default:
            rc = ev_buf_putc(b, *s);
        }
    }
    return rc;
}

void ev__rep_esc(ev__rep *r, const char *s)
{
    if (r->rc == EV_OK)
        r->rc = ev__report_esc(r->b, s);
}

void ev__rep_svg(ev__rep *r, const ev_buf *svg)
{
    const char *p = ev_buf_cstr(svg);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "fig%u-", ++r->nsvg);
    if (!strncmp(p, "<?xml", 5) && strstr(p, "?>"))
        p = strstr(p, "?>") + 2;
    static const char *const marks[] = {"id=\"", "href=\"#", "url(#"};
    while (r->rc == EV_OK && *p) {
        const char *next = NULL;
        size_t mlen = 0;
        for (size_t i = 0; i < 3; i++) {
            const char *m = strstr(p, marks[i]);
            if (m && (!next || m < next))
                next = m, mlen = strlen(marks[i]);
        }
        if (next == NULL) {
            r->rc = ev_buf_puts(r->b, p);
            break;
        }
        r->rc = ev_buf_append(r->b, p, (size_t)(next - p) + mlen);
        if (r->rc == EV_OK)
            r->rc = ev_buf_puts(r->b, prefix);
        p = next + mlen;
    }
}

void ev__rep_none(ev__rep *r, const char *text)
{
    ev__rep_printf(r, "<p class=\"none\">");
    ev__rep_esc(r, text);
    ev__rep_printf(r, "</p>\n");
}

void ev__rep_table(ev__rep *r, ev_chart_table *t)
{
    if (t && r->rc == EV_OK)
        r->rc = ev_chart_table_render(t, EV_CHART_HTML, r->b);
    ev_chart_table_free(t);
}

static void protocol(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"protocol\">1. Protocol</h2>\n");
    static const char *const names[] = {"picos", "eligibility"};
    static const char *const titles[] = {"Questions and eligibility (PICOS)",
                                         "Eligibility criteria"};
    bool any = false;
    for (size_t i = 0; r->chart && i < 2; i++) {
        char *text = NULL;
        ev_error e = EV_ERROR_INIT;
        if (ev_chart_protocol_get(r->chart, names[i], &text, &e) == EV_OK && text) {
            ev__rep_printf(r, "<h3>%s</h3>\n<pre>", titles[i]);
            ev__rep_esc(r, text);
            ev__rep_printf(r, "</pre>\n");
            any = true;
        }
        ev_free(text);
    }
    if (!any)
        ev__rep_none(r, "No protocol (PICOS or eligibility criteria) is recorded in this review.");
}

static void saved_searches(ev__rep *r)
{
    ev_search_saved *sv = NULL;
    size_t n = 0;
    ev_error e = EV_ERROR_INIT;
    if (ev_search_saved_list(r->s, &sv, &n, &e) != EV_OK || n == 0) {
        ev__rep_none(r, "No documented search strategy is saved in this review.");
        ev_search_saved_free(sv, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        ev__rep_printf(r, "<h3>");
        ev__rep_esc(r, sv[i].source);
        ev__rep_printf(r,
                       "</h3>\n<p>Run in evident on %.10s over %llu records of the review;"
                       " last line: %llu records.</p>\n<pre>",
                       sv[i].run_at, (unsigned long long)sv[i].records,
                       (unsigned long long)sv[i].final_count);
        ev__rep_esc(r, sv[i].strategy);
        ev__rep_printf(r, "</pre>\n");
    }
    ev_search_saved_free(sv, n);
}

static void imports(ev__rep *r)
{
    ev_import_row *im = NULL;
    size_t n = 0;
    ev_error e = EV_ERROR_INIT;
    if (ev_store_imports_list(r->s, &im, &n, &e) != EV_OK || n == 0) {
        ev__rep_none(r, "No search results are imported in this review.");
        ev_store_imports_free(im, n);
        return;
    }
    ev__rep_printf(r, "<table><caption>Search results imported</caption>\n<tr><th>Source</th>"
                      "<th>File</th><th>Searched</th><th>Imported</th><th>Records</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {im[i].source ? im[i].source : "unknown", im[i].file_name,
                               im[i].searched ? im[i].searched : "not given", im[i].imported_at};
        ev__rep_printf(r, "<tr>");
        for (size_t c = 0; c < 4; c++) {
            ev__rep_printf(r, "<td>");
            ev__rep_esc(r, cells[c]);
            ev__rep_printf(r, "</td>");
        }
        ev__rep_printf(r, "<td>%llu</td></tr>\n", (unsigned long long)im[i].records);
    }
    ev__rep_printf(r, "</table>\n");
    ev_store_imports_free(im, n);
}

static void header(ev__rep *r)
{
    char *title = NULL;
    ev_error e = EV_ERROR_INIT;
    if (ev_store_meta_get(r->s, "title", &title, &e) != EV_OK)
        title = NULL;
    ev__rep_printf(r, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>");
    ev__rep_esc(r, title ? title : "Review report");
    ev__rep_printf(r, "</title>\n<style>%s</style></head><body>\n<h1>", css);
    ev__rep_esc(r, title ? title : "Review report");
    ev__rep_printf(r, "</h1>\n<p>Report generated by evident %s from the review file ",
                   ev_version());
    ev__rep_esc(r, ev_store_path(r->s));
    ev__rep_printf(r, ".</p>\n<nav><ol><li><a href=\"#protocol\">Protocol</a></li>"
                      "<li><a href=\"#search\">Searches</a></li><li><a href=\"#flow\">Flow of"
                      " records</a></li><li><a href=\"#agreement\">Screening agreement</a></li>"
                      "<li><a href=\"#tables\">Summary tables</a></li><li><a href=\"#map\">"
                      "Evidence map</a></li><li><a href=\"#meta\">Meta-analyses</a></li>"
                      "<li><a href=\"#safety\">Safety</a></li></ol></nav>\n");
    ev_free(title);
}

static void pools_release(ev__rep *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ev_report_pool_free(r->pools[i]);
        ev_free(r->pool_errors[i]);
    }
    ev_free(r->pools);
    ev_free(r->pool_errors);
}

/* Fit every requested outcome once (the map and the meta section use them). */
static void pools_run(ev__rep *r, size_t n)
{
    r->pools = ev_calloc(n ? n : 1, sizeof *r->pools);
    r->pool_errors = ev_calloc(n ? n : 1, sizeof *r->pool_errors);
    if (!r->pools || !r->pool_errors) {
        r->rc = EV_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n && r->chart; i++) {
        ev_error e = EV_ERROR_INIT;
        if (ev_report_pool_run(&r->pools[i], r->chart, r->cat, &r->opt->outcomes[i], &e) != EV_OK)
            r->pool_errors[i] = ev_strdup(e.message);
    }
}

ev_status ev_report_html(ev_buf *out, ev_store *s, const ev_report_options *opt, ev_error *err)
{
    static const ev_report_options none = {0};
    ev_chart_catalogue *cat = NULL;
    ev__rep r = {.b = out, .s = s, .opt = opt ? opt : &none};
    ev_error e = EV_ERROR_INIT;
    if (ev_chart_catalogue_load_default(&cat, err) != EV_OK)
        return err ? err->code : EV_EIO;
    r.cat = cat;
    if (ev_chart_open(&r.chart, s, cat, &e) != EV_OK)
        r.chart = NULL;
    pools_run(&r, r.opt->noutcomes);
    header(&r);
    protocol(&r);
    ev__rep_printf(&r, "<h2 id=\"search\">2. Searches</h2>\n");
    saved_searches(&r);
    imports(&r);
    ev__rep_flow(&r);
    ev__rep_agreement(&r);
    ev__rep_charted(&r);
    ev__rep_evmap(&r);
    ev__rep_meta(&r);
    ev__rep_safety(&r);
    ev__rep_printf(&r,
                   "<footer>evident %s. Figures are inline SVG; this file needs no"
                   " network and no scripts.</footer>\n</body></html>\n",
                   ev_version());
    pools_release(&r, r.opt->noutcomes);
    ev_chart_free(r.chart);
    ev_chart_catalogue_free(cat);
    if (r.rc != EV_OK)
        return ev_error_set(err, r.rc, NULL, 0, 0, "report: out of memory");
    return EV_OK;
}
