/*
 * test_plot_util.h - helpers shared by the plot module's tests: a scratch
 * directory, reading a file back, magic bytes, counting substrings, and the
 * optional EV_PLOT_OUT directory where tests also drop PNGs to look at.
 */
#ifndef TEST_PLOT_UTIL_H
#define TEST_PLOT_UTIL_H

#include <dirent.h>
#include <sys/stat.h>

static char plot_tmpdir[256];

static void plot_tmpdir_make(void)
{
    snprintf(plot_tmpdir, sizeof plot_tmpdir, "/tmp/ev_plot_test_XXXXXX");
    assert_non_null(mkdtemp(plot_tmpdir));
}

static void plot_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", plot_tmpdir, name);
}

/* Read a whole file; caller frees. NULL when missing. */
static char *plot_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

static bool plot_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static size_t plot_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The file starts with `magic` (len bytes) and has more than 100 bytes. */
static void plot_assert_magic(const char *path, const char *magic, size_t len)
{
    size_t n = 0;
    char *p = plot_slurp(path, &n);
    assert_non_null(p);
    assert_true(n > 100);
    assert_memory_equal(p, magic, len);
    free(p);
}

/* An SVG document that cairo finished: XML prolog, <svg, closing tag. */
static void plot_assert_svg(const char *s)
{
    assert_non_null(strstr(s, "<?xml"));
    assert_non_null(strstr(s, "<svg"));
    const char *end = strstr(s, "</svg>");
    assert_non_null(end);
    assert_true(strspn(end + 6, " \r\n") == strlen(end + 6));
    assert_int_equal(plot_count(s, "<svg"), 1);
}

/* When EV_PLOT_OUT names a directory, also write the plot there (used to
 * make docs/img and to look at the results). */
static const char *plot_out_dir(void)
{
    const char *d = getenv("EV_PLOT_OUT");
    return d && *d ? d : NULL;
}

/* Run `call` with the Nth allocation of the core funnel failing, for every
 * N until it succeeds: each failure must be EV_ENOMEM, leak nothing, and
 * leave no file at `path` (NULL: in-memory output). Returns the number of
 * failing runs (so a test can check the loop did run). */
#define PLOT_OOM_LOOP(call, path, nfail)                                                           \
    do {                                                                                           \
        const char *path_ = (path);                                                                \
        nfail = 0;                                                                                 \
        for (size_t n_ = 1; n_ < 10000; n_++) {                                                    \
            long live_ = ev_alloc_live();                                                          \
            ev_alloc_fail_after(n_, true);                                                         \
            ev_status st_ = (call);                                                                \
            ev_alloc_fail_after(0, false);                                                         \
            assert_int_equal(ev_alloc_live(), live_);                                              \
            if (st_ == EV_OK)                                                                      \
                break;                                                                             \
            assert_int_equal(st_, EV_ENOMEM);                                                      \
            if (path_)                                                                             \
                assert_false(plot_exists(path_));                                                  \
            nfail++;                                                                               \
        }                                                                                          \
    } while (0)

/* The outcome of rendering into the fresh buffer b: SVG on success, an
 * empty buffer on failure (which keeps its memory); b is released either
 * way. Returns st. */
static inline ev_status plot_svg_checked(ev_buf *b, ev_status st)
{
    if (st == EV_OK)
        plot_assert_svg(ev_buf_cstr(b));
    else
        assert_int_equal(b->len, 0);
    ev_buf_release(b);
    return st;
}

/* Group set-up of every plot test: the scratch directory for output files. */
static int plot_setup(void **state)
{
    (void)state;
    plot_tmpdir_make();
    return 0;
}

/* fontconfig parses its configuration once per process and keeps it until
 * FcFini(); cairo does the same with its font caches. Released at the end
 * of each test program so LeakSanitizer reports only our leaks. FcFini is
 * weak: fontconfig comes in through cairo and is not linked by name. */
extern void FcFini(void) __attribute__((weak));

static int plot_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(plot_tmpdir); /* the scratch files go with the run */
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[600];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", plot_tmpdir, e->d_name);
        remove(p);
    }
    if (d)
        closedir(d);
    rmdir(plot_tmpdir);
    cairo_debug_reset_static_data();
    if (FcFini)
        FcFini();
    return 0;
}

#endif
