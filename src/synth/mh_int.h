/*
 * mh_int.h - what mh.c (Mantel-Haenszel) shares with peto.c (Peto's
 * one-step OR): both pool 2x2 tables directly and compute the same
 * heterogeneity bookkeeping from escalc's per-study yi/vi.
 */
#ifndef EV_SYNTH_MH_INT_H
#define EV_SYNTH_MH_INT_H

#include "evident/ev_synth.h"

/* The tables of the studies without missing cells, as doubles. For
 * person-time data a = x1i, b = t1i, c = x2i, d = t2i. */
typedef struct mh_tabs {
    size_t k;
    double *a, *b, *c, *d;
} mh_tabs;

/* A new fit for k_all rows with every statistic NAN; NULL on ENOMEM. */
ev_rma_mh *ev__mh_new(size_t k_all, ev_synth_measure m, double level);
/* Append a copy of a warning text; EV_ENOMEM. */
ev_status ev__mh_warn(ev_rma_mh *fit, const char *text);
/* EV_EUSAGE unless 0 < level < 100. */
ev_status ev__mh_check_level(double level, ev_error *err);
/* Fill fit->yi/vi/k_yi from escalc with measure `m` and opt's add/to/drop00. */
ev_status ev__mh_escalc(ev_rma_mh *fit, const ev_synth_data *data, const ev_synth_options *opt,
                        ev_synth_measure m, ev_error *err);
/* Collect the complete tables (warning when some are dropped). */
ev_status ev__mh_tabs_collect(mh_tabs *t, ev_rma_mh *fit, const ev_synth_data *d, bool pt);
void ev__mh_tabs_release(mh_tabs *t);
/* zval, pval, ci from beta and se (normal reference). */
void ev__mh_set_ci(ev_rma_mh *fit);
/* Upper tail of chi-square(df). */
double ev__mh_chisq_p(double x, double df);
/* Likelihood fit statistics from the residual sum of squares. */
void ev__mh_fit_stats(ev_rma_mh *fit, double rss);

#endif /* EV_SYNTH_MH_INT_H */
