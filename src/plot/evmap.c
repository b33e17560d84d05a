/*
 * evmap.c - the evidence map: a category x category grid (e.g. technology
 * x condition) with one bubble per direction of effect in each cell, its
 * area proportional to the number of studies and the count printed, a
 * colour per direction (Okabe-Ito palette, readable by colour-blind
 * readers) and legends for colour and size.
 */
#include "plot_int.h"

#define M_FONT 9.0
#define M_SMALL 8.0
#define M_MARGIN 12.0
#define M_RMAX 17.0
#define M_LINE 11.0

static const double dir_rgb[EV_EVMAP__COUNT][3] = {
    {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* favours intervention: green */
    {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0}, /* no difference: sky blue */
    {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0}, /* mixed: orange */
    {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0}, /* favours control: vermillion */
    {0xBB / 255.0, 0xBB / 255.0, 0xBB / 255.0}, /* not reported: grey */
};
static const char *const dir_name[EV_EVMAP__COUNT] = {"Favours intervention", "No difference",
                                                      "Mixed", "Favours control", "Not reported"};

double ev__evmap_radius(long n, long nmax, double rmax)
{
    if (n <= 0 || nmax <= 0)
        return 0;
    /* area proportional to n: radius grows with its square root */
    return fmax(rmax * sqrt((double)n / (double)nmax), 3.0);
}

typedef struct evmap_layout {
    const ev_evmap *m;
    double width, height;
    double grid_x, grid_y, cell_w, cell_h;
    double label_w, head_h, title_h;
    long nmax;
    size_t per_cell; /* most bubbles in one cell */
    ev_buf col_text; /* wrapped column labels, '\f'-separated per column */
    size_t col_lines;
} evmap_layout;

static ev_status validate(const ev_evmap *m, ev_error *err)
{
    if (!m->nrows || !m->ncols || !m->rows || !m->cols)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "evidence map: no rows or columns");
    if (m->ncells && !m->cells)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "evidence map: missing cells");
    for (size_t i = 0; i < m->ncells; i++) {
        const ev_evmap_cell *c = &m->cells[i];
        if (c->row >= m->nrows || c->col >= m->ncols)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "evidence map: cell %zu is at row %zu, column %zu outside the "
                                "%zu x %zu grid",
                                i + 1, c->row + 1, c->col + 1, m->nrows, m->ncols);
        if (c->n < 0 || (unsigned)c->direction >= EV_EVMAP__COUNT)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "evidence map: cell %zu has a negative count or unknown direction",
                                i + 1);
    }
    return EV_OK;
}

/* Index of cell i among the bubbles of its grid cell, and how many share it. */
static size_t slot_of(const ev_evmap *m, size_t i, size_t *count)
{
    size_t slot = 0, n = 0;
    for (size_t j = 0; j < m->ncells; j++) {
        if (m->cells[j].row != m->cells[i].row || m->cells[j].col != m->cells[i].col ||
            m->cells[j].n <= 0)
            continue;
        if (j < i)
            slot++;
        n++;
    }
    *count = n;
    return slot;
}

static void scan_cells(evmap_layout *L)
{
    const ev_evmap *m = L->m;
    L->nmax = 0;
    L->per_cell = 1;
    for (size_t i = 0; i < m->ncells; i++) {
        size_t n;
        L->nmax = m->cells[i].n > L->nmax ? m->cells[i].n : L->nmax;
        slot_of(m, i, &n);
        L->per_cell = n > L->per_cell ? n : L->per_cell;
    }
}

static ev_status layout_make(evmap_layout *L, cairo_t *cr, const ev_evmap *m)
{
    L->m = m;
    ev_buf_init(&L->col_text, EV_BUF_DEFAULT_MAX);
    scan_cells(L);
    L->cell_h = 2 * M_RMAX + 10;
    L->cell_w = fmax((double)L->per_cell * (2 * M_RMAX + 4) + 8, 72);
    ev__plot_font(cr, M_FONT, false);
    L->label_w = 0;
    for (size_t r = 0; r < m->nrows; r++)
        L->label_w = fmax(L->label_w, ev__plot_text_w(cr, m->rows[r]));
    ev__plot_font(cr, M_FONT, true);
    L->label_w = fmax(L->label_w, ev__plot_text_w(cr, m->row_title));
    ev__plot_font(cr, M_SMALL, false);
    ev_status st = EV_OK;
    L->col_lines = 1;
    for (size_t c = 0; c < m->ncols && st == EV_OK; c++) {
        size_t nl = 0;
        if (c)
            st = ev_buf_putc(&L->col_text, '\f');
        if (st == EV_OK)
            st = ev__plot_wrap(cr, m->cols[c] ? m->cols[c] : "", L->cell_w - 6, &L->col_text, &nl);
        L->col_lines = nl > L->col_lines ? nl : L->col_lines;
    }
    L->title_h = m->title ? 22 : 0;
    L->head_h = (double)L->col_lines * M_LINE + 8 + (m->col_title ? 16 : 0);
    L->grid_x = M_MARGIN + L->label_w + 10;
    L->grid_y = M_MARGIN + L->title_h + L->head_h;
    L->width = fmax(L->grid_x + (double)m->ncols * L->cell_w + M_MARGIN, 470);
    L->height = L->grid_y + (double)m->nrows * L->cell_h + 54 + M_RMAX + M_MARGIN;
    return st;
}

static void draw_grid(cairo_t *cr, const evmap_layout *L)
{
    const ev_evmap *m = L->m;
    double gw = (double)m->ncols * L->cell_w;
    for (size_t r = 0; r < m->nrows; r++) {
        double y = L->grid_y + (double)r * L->cell_h;
        if (r % 2 == 0) { /* banded rows guide the eye across */
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, M_MARGIN, y, L->grid_x - M_MARGIN + gw, L->cell_h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        ev__plot_font(cr, M_FONT, false);
        ev__plot_text(cr, M_MARGIN, y + L->cell_h / 2 + 3.2, m->rows[r], 0);
    }
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr, 0.5);
    for (size_t c = 0; c <= m->ncols; c++) {
        cairo_move_to(cr, L->grid_x + (double)c * L->cell_w, L->grid_y);
        cairo_line_to(cr, L->grid_x + (double)c * L->cell_w,
                      L->grid_y + (double)m->nrows * L->cell_h);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, M_MARGIN, L->grid_y);
    cairo_line_to(cr, L->grid_x + gw, L->grid_y);
    cairo_move_to(cr, M_MARGIN, L->grid_y + (double)m->nrows * L->cell_h);
    cairo_line_to(cr, L->grid_x + gw, L->grid_y + (double)m->nrows * L->cell_h);
    cairo_stroke(cr);
}

static void draw_heads(cairo_t *cr, const evmap_layout *L)
{
    const ev_evmap *m = L->m;
    double gw = (double)m->ncols * L->cell_w;
    if (m->title) {
        ev__plot_font(cr, M_FONT + 2, true);
        ev__plot_text(cr, M_MARGIN, M_MARGIN + 12, m->title, 0);
    }
    ev__plot_font(cr, M_FONT, true);
    ev__plot_text(cr, L->grid_x + gw / 2, M_MARGIN + L->title_h + 10, m->col_title, 0.5);
    ev__plot_text(cr, M_MARGIN, L->grid_y - 6, m->row_title, 0);
    ev__plot_font(cr, M_SMALL, false);
    const char *p = ev_buf_cstr(&L->col_text);
    char one[1024];
    for (size_t c = 0; c < m->ncols && p; c++) {
        const char *ff = strchr(p, '\f');
        size_t len = ff ? (size_t)(ff - p) : strlen(p);
        snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), p);
        size_t nl = 1;
        for (const char *q = one; (q = strchr(q, '\n')); q++)
            nl++;
        double y = L->grid_y - 6 - (double)(nl - 1) * M_LINE;
        ev__plot_lines(cr, L->grid_x + ((double)c + 0.5) * L->cell_w, y, M_LINE, one, 0.5);
        p = ff ? ff + 1 : NULL;
    }
}

static void bubble(cairo_t *cr, double x, double y, double r, ev_evmap_direction d, long n)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, dir_rgb[d][0], dir_rgb[d][1], dir_rgb[d][2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    if (n < 0)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", n);
    ev__plot_font(cr, M_SMALL, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (r >= 7) {
        /* white on the dark colours, black on the light ones */
        bool dark = d == EV_EVMAP_FAVOURS_INTERVENTION || d == EV_EVMAP_FAVOURS_CONTROL;
        cairo_set_source_rgb(cr, dark, dark, dark);
        ev__plot_text(cr, x, y + 2.9, buf, 0.5);
    } else {
        ev__plot_text(cr, x + r + 1.5, y - r + 1, buf, 0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_bubbles(cairo_t *cr, const evmap_layout *L)
{
    const ev_evmap *m = L->m;
    for (size_t i = 0; i < m->ncells; i++) {
        const ev_evmap_cell *c = &m->cells[i];
        if (c->n <= 0)
            continue;
        size_t count, slot = slot_of(m, i, &count);
        double step = 2 * M_RMAX + 4;
        double cx = L->grid_x + ((double)c->col + 0.5) * L->cell_w +
                    ((double)slot - ((double)count - 1) / 2) * step;
        double cy = L->grid_y + ((double)c->row + 0.5) * L->cell_h;
        bubble(cr, cx, cy, ev__evmap_radius(c->n, L->nmax, M_RMAX), c->direction, c->n);
    }
}

static void draw_legend(cairo_t *cr, const evmap_layout *L)
{
    double y = L->grid_y + (double)L->m->nrows * L->cell_h + 22, x = M_MARGIN;
    ev__plot_font(cr, M_SMALL, false);
    for (int d = 0; d < EV_EVMAP__COUNT; d++) {
        bubble(cr, x + 5, y - 3, 5, (ev_evmap_direction)d, -1);
        ev__plot_font(cr, M_SMALL, false);
        ev__plot_text(cr, x + 14, y, dir_name[d], 0);
        x += 14 + ev__plot_text_w(cr, dir_name[d]) + 16;
    }
    /* size key: 1, half the largest and the largest count */
    long keys[3] = {1, (L->nmax + 1) / 2, L->nmax};
    x = M_MARGIN;
    y += 32;
    ev__plot_text(cr, x, y + 3, "Number of studies:", 0);
    x += ev__plot_text_w(cr, "Number of studies:") + 10;
    for (int k = 0; k < 3; k++) {
        if (L->nmax <= 0 || (k && keys[k] <= keys[k - 1]))
            continue;
        double r = ev__evmap_radius(keys[k], L->nmax, M_RMAX);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + r, y, r, 0, 2 * M_PI);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", keys[k]);
        ev__plot_font(cr, M_SMALL, false);
        ev__plot_text(cr, x + 2 * r + 4, y + 3, buf, 0);
        x += 2 * r + 14 + ev__plot_text_w(cr, buf);
    }
}

static void draw_evmap(cairo_t *cr, const void *vctx)
{
    const evmap_layout *L = vctx;
    draw_grid(cr, L);
    draw_heads(cr, L);
    draw_bubbles(cr, L);
    draw_legend(cr, L);
}

static ev_status evmap_emit(const char *path, ev_buf *svg, const ev_evmap *m, ev_error *err)
{
    if (!m)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "evidence map: no data");
    ev_status st = validate(m, err);
    if (st != EV_OK)
        return st;
    cairo_t *cr = ev__plot_measure_new();
    if (!cr)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "evidence map: out of memory");
    evmap_layout L;
    memset(&L, 0, sizeof L);
    st = layout_make(&L, cr, m);
    ev__plot_measure_free(cr);
    if (st != EV_OK)
        st = ev_error_set(err, st, NULL, 0, 0, "evidence map: out of memory");
    else
        st = ev__plot_emit(path, svg, L.width, L.height, draw_evmap, &L, err);
    ev_buf_release(&L.col_text);
    return st;
}

ev_status ev_plot_evmap(const ev_evmap *m, const char *path, ev_error *err)
{
    return evmap_emit(path, NULL, m, err);
}

ev_status ev_plot_evmap_svg(ev_buf *out, const ev_evmap *m, ev_error *err)
{
    if (!out)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "evidence map: no output buffer");
    return evmap_emit(NULL, out, m, err);
}
