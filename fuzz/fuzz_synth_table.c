/* fuzz_synth_table.c - arbitrary bytes as the CSV data table of `evident
 * meta`: ev_synth_table_parse must accept or reject without crashing or
 * leaking; whatever it accepts is checked for a few measures (the way the
 * CLI does), and what passes the checks goes through escalc and a REML fit,
 * whose results must never hold NaN where a number is promised. */
#include "evident/ev_synth.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fit_measure(const ev_synth_table *t, ev_synth_measure m)
{
    ev_synth_data d;
    ev_error err = EV_ERROR_INIT;
    if (ev_synth_table_data(&d, t, m, &err) != EV_OK)
        return;
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.measure = m;
    opt.control.maxiter = 50;
    ev_escalc *es = NULL;
    ev_rma *fit = NULL;
    if (ev_escalc_compute(&es, &d, &opt, &err) == EV_OK &&
        ev_rma_fit_escalc(&fit, es, NULL, &opt, &err) == EV_OK) {
        if (isnan(fit->beta[0]) || isnan(fit->se[0]) || isnan(fit->tau2))
            abort();
    }
    ev_rma_free(fit);
    ev_escalc_free(es);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_synth_table *t = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_synth_table_parse(&t, (const char *)data, size, "fuzz.csv", &err) != EV_OK)
        return 0;
    if (ev_synth_table_rows(t) == 0 || ev_synth_table_cols(t) == 0)
        abort(); /* an accepted table has a header and data */
    for (size_t j = 0; j < ev_synth_table_cols(t); j++) {
        size_t col;
        if (!ev_synth_table_find(t, ev_synth_table_colname(t, j), &col) || col != j)
            abort(); /* names are unique */
    }
    if (ev_synth_table_rows(t) <= 200) {
        fit_measure(t, EV_MEASURE_GEN);
        fit_measure(t, EV_MEASURE_OR);
        fit_measure(t, EV_MEASURE_SMD);
    }
    ev_synth_table_free(t);
    return 0;
}
