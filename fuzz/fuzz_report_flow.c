/*
 * fuzz_report_flow.c - the report's two readers of outside text: flow
 * files (evident report --published-flow) and the small JSON reader used on
 * charted values. A parsed flow is checked and, when its arithmetic holds,
 * drawn as SVG. The JSON reader must never read past the NUL.
 */
#include "evident/ev_report.h"

#include "../src/report/report_int.h"

#include <stdint.h>

/* fontconfig (under cairo, drawing the PRISMA diagram) keeps its cache for
 * the life of the process: not a leak of ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

static void json_reader(const char *s)
{
    char *str = NULL;
    double v;
    if (ev__rj_string(s, NULL, SIZE_MAX, &str))
        ev_free(str);
    (void)ev__rj_number(s, NULL, &v);
    static const char *const keys[] = {"instrument", "mean", "sd", "n", ""};
    for (size_t i = 0; i < 5; i++) {
        if (ev__rj_string(s, keys[i], SIZE_MAX, &str))
            ev_free(str);
        (void)ev__rj_number(s, keys[i], &v);
    }
    for (size_t i = 0; i < 4; i++)
        if (ev__rj_string(s, NULL, i, &str))
            ev_free(str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ev_strndup((const char *)data, size);
    if (s == NULL)
        return 0;
    json_reader(s);
    ev_report_flow *f = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_report_flow_parse(&f, (const char *)data, size, "fuzz", &err);
    if (st != EV_OK && st != EV_EINPUT && st != EV_ENOMEM)
        abort();
    if (st == EV_OK && ev_prisma_check(&f->prisma, &err) == EV_OK) {
        ev_buf b;
        ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
        st = ev_plot_prisma_svg(&b, &f->prisma, &err);
        if (st != EV_OK && st != EV_EINPUT && st != EV_ENOMEM)
            abort();
        ev_buf_release(&b);
    }
    ev_report_flow_free(f);
    ev_free(s);
    return 0;
}
