/*
 * canvas.c - what every plot shares: the cairo surface chosen by file
 * extension (SVG, PDF, PNG) or an in-memory SVG, text drawing and measuring
 * in DejaVu Sans, number formatting with a true minus sign, word wrap and
 * axis ticks.
 */
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "plot_int.h"

typedef enum plot_format { FMT_NONE, FMT_SVG, FMT_PDF, FMT_PNG } plot_format;

static plot_format format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return FMT_NONE;
    if (ev_strcasecmp(dot, ".svg") == 0)
        return FMT_SVG;
    if (ev_strcasecmp(dot, ".pdf") == 0)
        return FMT_PDF;
    if (ev_strcasecmp(dot, ".png") == 0)
        return FMT_PNG;
    return FMT_NONE;
}

cairo_t *ev__plot_measure_new(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s); /* the context keeps its reference */
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        return NULL;
    }
    return cr;
}

void ev__plot_measure_free(cairo_t *cr)
{
    if (cr)
        cairo_destroy(cr);
}

void ev__plot_font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, EV__PLOT_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    /* Unhinted metrics: the PNG and the vector surfaces then agree on every
     * text width, so a layout measured once fits all three formats. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* cairo refuses invalid UTF-8 with a sticky error that would fail the
 * whole plot; a bad byte in a study label is drawn as U+FFFD instead.
 * Returns s itself when it is valid, else a repaired copy in tmp (cut at
 * a character boundary when it does not fit). */
static const char *safe_text(const char *s, char *tmp, size_t n)
{
    size_t len = strlen(s), bad = 0, o = 0;
    if (ev_utf8_valid(s, len, &bad))
        return s;
    for (size_t i = 0; i < len;) {
        size_t good = len - i;
        if (!ev_utf8_valid(s + i, len - i, &bad))
            good = bad;
        if (o + good + 4 > n)
            break; /* no room: stop at the last boundary */
        memcpy(tmp + o, s + i, good);
        o += good;
        i += good;
        if (i >= len || o + 4 > n)
            break;
        memcpy(tmp + o, "\xef\xbf\xbd", 3);
        o += 3;
        i++;
    }
    tmp[o] = '\0';
    return tmp;
}

double ev__plot_text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    char tmp[1024];
    if (!s || !*s)
        return 0;
    cairo_text_extents(cr, safe_text(s, tmp, sizeof tmp), &te);
    return te.x_advance;
}

void ev__plot_text(cairo_t *cr, double x, double y, const char *s, double align)
{
    char tmp[1024];
    if (!s || !*s)
        return;
    s = safe_text(s, tmp, sizeof tmp);
    double w = ev__plot_text_w(cr, s);
    cairo_move_to(cr, x - align * w, y);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

void ev__plot_text_up(cairo_t *cr, double x, double y, const char *s)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    /* centre the cap height on the rotation point */
    ev__plot_text(cr, 0, (fe.ascent - fe.descent) / 2 * 0.75, s, 0.5);
    cairo_restore(cr);
}

void ev__plot_fmt(char *out, size_t n, double v, int digits)
{
    if (isnan(v)) {
        snprintf(out, n, "NA");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", digits, v);
    /* "-0.00" is printed as "0.00": a rounded zero has no sign */
    bool neg = tmp[0] == '-' && strspn(tmp + 1, "0.") != strlen(tmp + 1);
    const char *digits_part = tmp[0] == '-' ? tmp + 1 : tmp;
    snprintf(out, n, "%s%s", neg ? EV__PLOT_MINUS : "", digits_part);
}

void ev__plot_fmt_p(char *out, size_t n, double p)
{
    if (isnan(p))
        snprintf(out, n, "p = NA");
    else if (p < 0.001)
        snprintf(out, n, "p < 0.001");
    else
        snprintf(out, n, "p = %.3f", p);
}

/* Wrap one paragraph (no '\n') of `len` bytes; appends lines to out. */
static ev_status wrap_para(cairo_t *cr, const char *s, size_t len, double maxw, ev_buf *out,
                           size_t *nlines)
{
    ev_buf line;
    ev_buf_init(&line, EV_BUF_DEFAULT_MAX);
    ev_status st = EV_OK;
    size_t i = 0;
    while (st == EV_OK && i < len) {
        while (i < len && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        if (j == i)
            break;
        size_t keep = line.len;
        if (line.len)
            st = ev_buf_putc(&line, ' ');
        if (st == EV_OK)
            st = ev_buf_append(&line, s + i, j - i);
        if (st == EV_OK && keep && ev__plot_text_w(cr, ev_buf_cstr(&line)) > maxw) {
            line.len = keep; /* the word starts the next line */
            line.ptr[keep] = '\0';
            st = ev_buf_printf(out, "%s%s", *nlines ? "\n" : "", ev_buf_cstr(&line));
            (*nlines)++;
            ev_buf_clear(&line);
            continue;
        }
        i = j;
    }
    if (st == EV_OK && (line.len || len == 0)) {
        st = ev_buf_printf(out, "%s%s", *nlines ? "\n" : "", ev_buf_cstr(&line));
        (*nlines)++;
    }
    ev_buf_release(&line);
    return st;
}

ev_status ev__plot_wrap(cairo_t *cr, const char *s, double maxw, ev_buf *out, size_t *nlines)
{
    *nlines = 0;
    ev_status st = EV_OK;
    while (st == EV_OK) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        st = wrap_para(cr, s, len, maxw, out, nlines);
        if (!nl)
            break;
        s = nl + 1;
    }
    return st;
}

void ev__plot_lines(cairo_t *cr, double x, double y, double line_h, const char *lines, double align)
{
    char one[1024];
    while (lines && *lines) {
        const char *nl = strchr(lines, '\n');
        size_t len = nl ? (size_t)(nl - lines) : strlen(lines);
        snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), lines);
        ev__plot_text(cr, x, y, one, align);
        y += line_h;
        lines = nl ? nl + 1 : NULL;
    }
}

void ev__plot_ticks(double *lo, double *hi, double *t, size_t max, size_t *n)
{
    ev__plot_ticks_n(lo, hi, 5, t, max, n);
}

void ev__plot_ticks_n(double *lo, double *hi, double intervals, double *t, size_t max, size_t *n)
{
    *n = 0;
    double span = *hi - *lo;
    if (!isfinite(span) || span <= 0 || max < 2)
        return;
    /* Heckbert's "nice numbers" (Graphics Gems, 1990): a step of 1, 2 or 5
     * times a power of ten giving about `intervals` intervals. */
    double raw = span / intervals;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    double a = floor(*lo / step + 1e-9) * step, b = ceil(*hi / step - 1e-9) * step;
    for (double v = a; v <= b + step * 1e-6 && *n < max; v += step)
        t[(*n)++] = fabs(v) < step * 1e-9 ? 0 : v;
    if (*n < 2 || !(t[*n - 1] > t[0]) || !isfinite(a) || !isfinite(b)) {
        /* a span too small for the magnitude (1e15 + 1e-5): plain limits */
        t[0] = *lo;
        t[1] = *hi;
        *n = 2;
        return;
    }
    *lo = a;
    *hi = t[*n - 1];
}

void ev__plot_log_ticks(double *lo, double *hi, bool fixed, double t[16], size_t *n)
{
    static const double m[] = {1, 2, 5};
    double cand[24];
    size_t nc = 0;
    for (int e = -3; e <= 3; e++)
        for (int j = 0; j < 3 && nc < 24; j++)
            if (e < 3 || j == 0)
                cand[nc++] = log(m[j] * pow(10, e));
    size_t a = 0, b = nc - 1;
    while (a + 1 < nc && cand[a + 1] <= *lo + 1e-9)
        a++;
    while (b > 0 && cand[b - 1] >= *hi - 1e-9)
        b--;
    if (fixed) { /* keep the caller's limits; ticks inside them only */
        while (a < b && cand[a] < *lo - 1e-9)
            a++;
        while (b > a && cand[b] > *hi + 1e-9)
            b--;
    }
    /* too many: keep the powers of ten and 0.5, 2 */
    bool thin = b - a + 1 > 9;
    *n = 0;
    for (size_t i = a; i <= b && *n < 16; i++) {
        double v = exp(cand[i]);
        double d = v / pow(10, floor(log10(v) + 1e-9));
        if (thin && fabs(d - 1) > 1e-6 && fabs(v - 0.5) > 1e-9 && fabs(v - 2) > 1e-9)
            continue;
        t[(*n)++] = cand[i];
    }
    if (!fixed) {
        *lo = cand[a];
        *hi = cand[b];
    }
}

/* Draw label i centred at xs[i] unless it would touch one already drawn.
 * Labels are placed outward from `keep` (the null line's tick), so the
 * label that matters most always shows. */
void ev__plot_tick_labels(cairo_t *cr, const double *xs, const char *const *labels, size_t n,
                          double y, size_t keep)
{
    double lo_edge = 0, hi_edge = 0;
    if (keep >= n)
        keep = 0;
    for (size_t step = 0; step < 2 * n; step++) {
        /* keep, keep+1, keep-1, keep+2, keep-2, ... */
        size_t d = (step + 1) / 2;
        bool right = step % 2 == 1;
        if ((right && keep + d >= n) || (!right && d > keep))
            continue;
        size_t i = right ? keep + d : keep - d;
        double w = ev__plot_text_w(cr, labels[i]);
        double l = xs[i] - w / 2, r = xs[i] + w / 2;
        if (step == 0) {
            lo_edge = l;
            hi_edge = r;
        } else if (right ? l < hi_edge + 4 : r > lo_edge - 4) {
            continue;
        }
        ev__plot_text(cr, xs[i], y, labels[i], 0.5);
        if (right)
            hi_edge = r;
        else if (step)
            lo_edge = l;
    }
}

int ev__plot_tick_digits(double step)
{
    int d = 0;
    while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
        d++;
    return d;
}

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
    return ev_buf_append(closure, data, len) == EV_OK ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_surface_t *surface_new(plot_format fmt, cairo_write_func_t wf, void *closure, double w,
                                    double h)
{
    cairo_surface_t *s;
    if (fmt == FMT_PDF)
        return cairo_pdf_surface_create_for_stream(wf, closure, w, h);
    if (fmt == FMT_PNG)
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w * EV__PLOT_PNG_SCALE),
                                          (int)ceil(h * EV__PLOT_PNG_SCALE));
    s = cairo_svg_surface_create_for_stream(wf, closure, w, h);
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    return s;
}

/* Draw onto a fresh surface and finish it; the bytes go through wf. */
static ev_status render(plot_format fmt, cairo_write_func_t wf, void *closure, double w, double h,
                        ev__plot_draw_fn draw, const void *ctx, ev_error *err)
{
    cairo_surface_t *s = surface_new(fmt, wf, closure, w, h);
    cairo_t *cr = cairo_create(s);
    if (fmt == FMT_PNG)
        cairo_scale(cr, EV__PLOT_PNG_SCALE, EV__PLOT_PNG_SCALE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw(cr, ctx);
    /* cairo's status is sticky: one check covers every drawing call */
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS && fmt == FMT_PNG) /* before finish */
        cs = cairo_surface_write_to_png_stream(s, wf, closure);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "plot: out of memory");
    if (cs == CAIRO_STATUS_WRITE_ERROR)
        return wf == write_buf /* an in-memory buffer only fails to grow */
                   ? ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "plot: out of memory for the svg")
                   : ev_error_set(err, EV_EIO, NULL, 0, 0, "plot: cannot write the drawing");
    if (cs != CAIRO_STATUS_SUCCESS)
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "plot: cairo: %s",
                            cairo_status_to_string(cs));
    return EV_OK;
}

static ev_status emit_file(const char *path, plot_format fmt, double w, double h,
                           ev__plot_draw_fn draw, const void *ctx, ev_error *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return ev_error_set(err, EV_EUSAGE, path, 0, 0, "plot: path too long");
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ev_error_set(err, EV_EIO, path, 0, 0, "cannot write '%s': %s", tmp, strerror(errno));
    ev_status st = render(fmt, write_file, f, w, h, draw, ctx, err);
    if (fclose(f) != 0 && st == EV_OK)
        st = ev_error_set(err, EV_EIO, path, 0, 0, "cannot write '%s': %s", tmp, strerror(errno));
    if (st == EV_OK && rename(tmp, path) != 0)
        st = ev_error_set(err, EV_EIO, path, 0, 0, "cannot rename '%s' to '%s': %s", tmp, path,
                          strerror(errno));
    if (st != EV_OK) {
        remove(tmp);
        if (err && err->code == EV_EIO && !err->input[0])
            snprintf(err->input, sizeof err->input, "%s", path);
    }
    return st;
}

ev_status ev__plot_emit(const char *path, ev_buf *svg, double w, double h, ev__plot_draw_fn draw,
                        const void *ctx, ev_error *err)
{
    if (svg) {
        size_t keep = svg->len;
        ev_status st = render(FMT_SVG, write_buf, svg, w, h, draw, ctx, err);
        if (st != EV_OK && svg->ptr) { /* nothing half-appended */
            svg->len = keep;
            svg->ptr[keep] = '\0';
        }
        return st;
    }
    if (!path)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "plot: no output path");
    plot_format fmt = format_of(path);
    if (fmt == FMT_NONE)
        return ev_error_set(err, EV_EUSAGE, path, 0, 0,
                            "plot: unknown format of '%s': use .svg, .pdf or .png", path);
    return emit_file(path, fmt, w, h, draw, ctx, err);
}
