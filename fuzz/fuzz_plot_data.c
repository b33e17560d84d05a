/*
 * fuzz_plot_data.c - every plot fed arbitrary numbers and labels (NaN,
 * infinities, huge and negative values, invalid UTF-8, long text): each
 * must render to an SVG buffer or fail with a status, never crash, and
 * leak nothing. The first byte picks the plot; the rest is read as a
 * stream of doubles, small integers and length-prefixed strings.
 */
#include <cairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evident/ev_plot.h"

typedef struct rd {
    const uint8_t *p;
    size_t n;
    char strs[64][48]; /* labels live here for the call */
    size_t nstr;
} rd;

static uint8_t u8(rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* Either a raw 8-byte double (any bit pattern) or a small friendly value. */
static double num(rd *r)
{
    uint8_t tag = u8(r);
    if (tag < 200)
        return ((double)tag - 100) / 25;
    double d = 0;
    if (r->n >= 8) {
        memcpy(&d, r->p, 8);
        r->p += 8;
        r->n -= 8;
    }
    return d;
}

/* A count: usually small, sometimes any 64-bit pattern (LONG_MIN..MAX). */
static long cnt(rd *r)
{
    uint8_t tag = u8(r);
    if (tag < 240)
        return (long)tag - 1;
    int64_t v = 0;
    if (r->n >= 8) {
        memcpy(&v, r->p, 8);
        r->p += 8;
        r->n -= 8;
    }
    return (long)v;
}

static const char *str(rd *r)
{
    if (r->nstr >= 64)
        return "x";
    char *s = r->strs[r->nstr++];
    size_t len = u8(r) % 48;
    size_t i = 0;
    for (; i < len && r->n; i++)
        s[i] = (char)(u8(r) | 1); /* no NUL inside */
    s[i] = '\0';
    return s;
}

static ev_status forest(rd *r, ev_buf *out)
{
    ev_forest_study st[12];
    ev_forest_pooled pooled;
    ev_forest_group g[2];
    size_t k = u8(r) % 12;
    for (size_t i = 0; i < k; i++)
        st[i] = (ev_forest_study){str(r), num(r), num(r), num(r), num(r), NULL};
    ev_forest_pooled_init(&pooled);
    pooled.label = str(r);
    pooled.est = num(r);
    pooled.ci_lb = num(r);
    pooled.ci_ub = num(r);
    pooled.pi_lb = num(r);
    pooled.pi_ub = num(r);
    pooled.i2 = num(r);
    pooled.z = num(r);
    g[0] = (ev_forest_group){str(r), st, k / 2, u8(r) & 1 ? &pooled : NULL};
    g[1] = (ev_forest_group){NULL, st + k / 2, k - k / 2, NULL};
    ev_forest f;
    ev_forest_init(&f);
    f.groups = g;
    f.ngroups = 2;
    f.overall = u8(r) & 1 ? &pooled : NULL;
    f.log_scale = u8(r) & 1;
    f.xmin = num(r);
    f.xmax = num(r);
    f.digits = (int)(u8(r) % 9);
    f.xlabel = str(r);
    f.favours_left = str(r);
    return ev_plot_forest_svg(out, &f, NULL);
}

static ev_status funnel(rd *r, ev_buf *out)
{
    double y[16], s[16];
    size_t k = u8(r) % 16;
    for (size_t i = 0; i < k; i++) {
        y[i] = num(r);
        s[i] = num(r);
    }
    ev_funnel f;
    ev_funnel_init(&f);
    f.yi = y;
    f.sei = s;
    f.k = k / 2 + 1 <= k ? k - k / 3 : k;
    f.fill_yi = y + f.k;
    f.fill_sei = s + f.k;
    f.kfill = k - f.k;
    f.estimate = num(r);
    f.contours = u8(r) & 1;
    f.contour_centre = num(r);
    f.log_scale = u8(r) & 1;
    return ev_plot_funnel_svg(out, &f, NULL);
}

static ev_status prisma(rd *r, ev_buf *out)
{
    ev_prisma_count db[4], rs[6];
    ev_prisma p;
    ev_prisma_init(&p);
    p.ndatabases = u8(r) % 4;
    for (size_t i = 0; i < p.ndatabases; i++)
        db[i] = (ev_prisma_count){str(r), cnt(r)};
    p.databases = db;
    p.nreasons = u8(r) % 6;
    for (size_t i = 0; i < p.nreasons; i++)
        rs[i] = (ev_prisma_count){str(r), cnt(r)};
    p.reasons = rs;
    long *v[] = {&p.registers,       &p.duplicates,       &p.screened,
                 &p.excluded_people, &p.sought,           &p.not_retrieved,
                 &p.assessed,        &p.studies_included, &p.reports_included};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        *v[i] = cnt(r);
    p.scoping = u8(r) & 1;
    ev_prisma_count os[3], orr[3];
    p.nother_sources = u8(r) % 3;
    for (size_t i = 0; i < p.nother_sources; i++)
        os[i] = (ev_prisma_count){str(r), cnt(r)};
    p.other_sources = os;
    p.nother_reasons = u8(r) % 3;
    for (size_t i = 0; i < p.nother_reasons; i++)
        orr[i] = (ev_prisma_count){str(r), cnt(r)};
    p.other_reasons = orr;
    p.other_sought = cnt(r);
    p.other_not_retrieved = cnt(r);
    p.other_assessed = cnt(r);
    return ev_plot_prisma_svg(out, &p, NULL);
}

static ev_status evmap(rd *r, ev_buf *out)
{
    const char *rows[5], *cols[5];
    ev_evmap_cell cells[20];
    ev_evmap m = {rows, u8(r) % 5, cols, u8(r) % 5, cells, u8(r) % 20, NULL, NULL, NULL};
    for (size_t i = 0; i < m.nrows; i++)
        rows[i] = str(r);
    for (size_t i = 0; i < m.ncols; i++)
        cols[i] = str(r);
    for (size_t i = 0; i < m.ncells; i++)
        cells[i] = (ev_evmap_cell){u8(r) % 6, u8(r) % 6, cnt(r), (ev_evmap_direction)(u8(r) % 6)};
    m.title = str(r);
    return ev_plot_evmap_svg(out, &m, NULL);
}

static ev_status curve(rd *r, ev_buf *out)
{
    double x[2][12], y[2][12];
    ev_curve_series s[2];
    for (int k = 0; k < 2; k++) {
        size_t n = u8(r) % 12;
        for (size_t i = 0; i < n; i++) {
            x[k][i] = num(r);
            y[k][i] = num(r);
        }
        s[k] = (ev_curve_series){str(r), x[k], y[k], n};
    }
    ev_curve c;
    ev_curve_init(&c);
    c.series = s;
    c.nseries = u8(r) % 3;
    c.recall_mark = num(r);
    return ev_plot_curve_svg(out, &c, NULL);
}

/* fontconfig and cairo keep process-wide caches; release them before the
 * leak checker runs at exit (its handler was installed first, so ours
 * runs before it). FcFini is weak: fontconfig comes in through cairo. */
extern void FcFini(void) __attribute__((weak));
static void release_caches(void)
{
    cairo_debug_reset_static_data();
    if (FcFini)
        FcFini();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rd r;
    static bool once;
    if (!once) {
        once = true;
        atexit(release_caches);
    }
    memset(&r, 0, sizeof r);
    r.p = data;
    r.n = size;
    long live = ev_alloc_live();
    ev_buf out;
    ev_buf_init(&out, EV_BUF_DEFAULT_MAX);
    ev_status st = EV_OK;
    switch (u8(&r) % 5) {
    case 0:
        st = forest(&r, &out);
        break;
    case 1:
        st = funnel(&r, &out);
        break;
    case 2:
        st = prisma(&r, &out);
        break;
    case 3:
        st = evmap(&r, &out);
        break;
    default:
        st = curve(&r, &out);
        break;
    }
    if (st == EV_EINTERNAL)
        __builtin_trap(); /* cairo refused something we should have caught */
    if (st == EV_OK && (out.len < 100 || !strstr(ev_buf_cstr(&out), "</svg>")))
        __builtin_trap();
    ev_buf_release(&out);
    if (ev_alloc_live() != live)
        __builtin_trap();
    return 0;
}
