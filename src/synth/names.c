/*
 * names.c - option defaults (metafor's) and the name <-> enum tables for
 * measures, methods, tests, continuity-correction targets and vtypes.
 */
#include "synth_int.h"

static const char *const measure_names[EV_MEASURE__COUNT] = {
    [EV_MEASURE_GEN] = "GEN",   [EV_MEASURE_RR] = "RR",     [EV_MEASURE_OR] = "OR",
    [EV_MEASURE_RD] = "RD",     [EV_MEASURE_AS] = "AS",     [EV_MEASURE_PETO] = "PETO",
    [EV_MEASURE_IRR] = "IRR",   [EV_MEASURE_IRD] = "IRD",   [EV_MEASURE_IRSD] = "IRSD",
    [EV_MEASURE_MD] = "MD",     [EV_MEASURE_SMD] = "SMD",   [EV_MEASURE_SMDH] = "SMDH",
    [EV_MEASURE_ROM] = "ROM",   [EV_MEASURE_CVR] = "CVR",   [EV_MEASURE_VR] = "VR",
    [EV_MEASURE_PR] = "PR",     [EV_MEASURE_PLN] = "PLN",   [EV_MEASURE_PLO] = "PLO",
    [EV_MEASURE_PAS] = "PAS",   [EV_MEASURE_PFT] = "PFT",   [EV_MEASURE_COR] = "COR",
    [EV_MEASURE_UCOR] = "UCOR", [EV_MEASURE_ZCOR] = "ZCOR", [EV_MEASURE_MC] = "MC",
    [EV_MEASURE_SMCC] = "SMCC",
};

static const char *const method_names[] = {"EE", "FE", "DL", "HE", "HS",
                                           "SJ", "ML", "REML", "EB", "PM"};
static const char *const test_names[] = {"z", "t", "knha", "adhoc"};
static const char *const to_names[] = {"only0", "all", "if0all", "none"};
static const char *const vtype_names[] = {"LS", "LS2", "UB", "HO", "AV", "AVHO"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void ev_synth_options_init(ev_synth_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->measure = EV_MEASURE_GEN;
    opt->vtype = EV_VTYPE_LS;
    opt->add = NAN; /* the measure's default, see ev__synth_add */
    opt->to = EV_TO_ONLY0;
    opt->drop00 = false;
    opt->method = EV_METHOD_REML;
    opt->test = EV_TEST_Z;
    opt->level = 95.0;
    opt->tau2_fixed = NAN;
    opt->control.threshold = EV__SYNTH_THRESHOLD;
    opt->control.maxiter = EV__SYNTH_MAXITER;
    opt->control.stepadj = 1.0;
    opt->control.tol = EV__SYNTH_TOL;
    opt->control.tau2_init = NAN;
    opt->control.tau2_max = EV__SYNTH_TAU2_MAX;
}

static bool find(const char *const *names, size_t n, const char *s, bool nocase, int *out)
{
    if (!s)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (names[i] && (nocase ? ev_strcasecmp(names[i], s) : strcmp(names[i], s)) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

bool ev_synth_measure_parse(const char *s, ev_synth_measure *out)
{
    int i;
    if (!find(measure_names, NELEM(measure_names), s, true, &i))
        return false;
    *out = (ev_synth_measure)i;
    return true;
}

bool ev_synth_method_parse(const char *s, ev_synth_method *out)
{
    int i;
    if (!find(method_names, NELEM(method_names), s, false, &i))
        return false;
    *out = (ev_synth_method)i;
    return true;
}

bool ev_synth_test_parse(const char *s, ev_synth_test *out)
{
    int i;
    if (!find(test_names, NELEM(test_names), s, false, &i))
        return false;
    *out = (ev_synth_test)i;
    return true;
}

bool ev_synth_to_parse(const char *s, ev_synth_to *out)
{
    int i;
    if (!find(to_names, NELEM(to_names), s, false, &i))
        return false;
    *out = (ev_synth_to)i;
    return true;
}

bool ev_synth_vtype_parse(const char *s, ev_synth_vtype *out)
{
    int i;
    if (!find(vtype_names, NELEM(vtype_names), s, false, &i))
        return false;
    *out = (ev_synth_vtype)i;
    return true;
}

const char *ev_synth_measure_name(ev_synth_measure m)
{
    return (unsigned)m < NELEM(measure_names) && measure_names[m] ? measure_names[m] : "?";
}

const char *ev_synth_method_name(ev_synth_method m)
{
    return (unsigned)m < NELEM(method_names) ? method_names[m] : "?";
}

const char *ev_synth_test_name(ev_synth_test t)
{
    return (unsigned)t < NELEM(test_names) ? test_names[t] : "?";
}

const char *ev_synth_to_name(ev_synth_to t)
{
    return (unsigned)t < NELEM(to_names) ? to_names[t] : "?";
}

const char *ev_synth_vtype_name(ev_synth_vtype v)
{
    return (unsigned)v < NELEM(vtype_names) ? vtype_names[v] : "?";
}
