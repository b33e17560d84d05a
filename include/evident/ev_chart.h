/*
 * ev_chart.h - charting: extraction forms (typed fields, validation on
 * entry), the outcome-instruments catalogue (ranges, units, direction),
 * standardised adverse events, dual charting (verify, consensus, field-by-
 * field differences) and collating (frequency tables, study summary tables,
 * safety tables with pooled event proportions), rendered as Markdown, CSV,
 * HTML or LaTeX.
 *
 * Values cross this interface as JSON text (a number, a string, an object
 * such as {"mean": 62.3, "sd": 6.1, "n": 33}); jansson stays inside the
 * module. A field is addressed by a path: "sample_size", or for repeating
 * groups "outcomes.2.score" (1-based element number). Docs:
 * docs/internals/chart.md.
 *
 * Thread safety: forms and catalogues are immutable after parsing and may be
 * shared between threads; an ev_chart is used by one thread at a time (like
 * its ev_store).
 */
#ifndef EV_CHART_H
#define EV_CHART_H

#include "ev_core.h"
#include "ev_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- outcome-instruments catalogue ---------------------------------------- */

/* One instrument (data/instruments.json). Strings are owned by the
 * catalogue. `has_min`/`has_max` are false where the range is open or
 * "variable" (the seed's Table 4 says so for FHSQ and MOCART). */
typedef struct ev_chart_instrument {
    const char *id;   /* "AOFAS" */
    const char *name; /* "American Orthopaedic Foot and Ankle Society score" */
    const char *unit; /* "points", "cm", "%", ... */
    double min, max;
    bool has_min, has_max;
    bool higher_is_better;
    const char *sources; /* validation paper; table row it was taken from */
} ev_chart_instrument;

typedef struct ev_chart_catalogue ev_chart_catalogue;

/* Parse a catalogue from JSON text (`input` names it in errors). EV_EINPUT
 * for bad JSON (with line:col), a missing id/name/direction, min > max or a
 * duplicate id or alias; EV_ENOMEM. *out belongs to the caller
 * (ev_chart_catalogue_free). */
EV_EXTERN ev_status ev_chart_catalogue_parse(ev_chart_catalogue **out, const char *json, size_t n,
                                             const char *input, ev_error *err) EV_WARN_UNUSED;
/* Same, from a file (EV_EIO when it cannot be read). */
EV_EXTERN ev_status ev_chart_catalogue_load(ev_chart_catalogue **out, const char *path,
                                            ev_error *err) EV_WARN_UNUSED;
/* The bundled catalogue: $EVIDENT_DATA/instruments.json when that variable
 * is set, else the copy of data/instruments.json embedded in the library at
 * build time. */
EV_EXTERN ev_status ev_chart_catalogue_load_default(ev_chart_catalogue **out,
                                                    ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_catalogue_free(ev_chart_catalogue *c);
/* A bundled data file embedded at build time ("instruments.json",
 * "forms/default.json"): borrowed bytes (NUL-terminated) and size; false
 * when there is no such file. */
EV_EXTERN bool ev_chart_bundled(const char *name, const char **data, size_t *n);
EV_EXTERN size_t ev_chart_catalogue_count(const ev_chart_catalogue *c);
/* Borrowed; i < count. */
EV_EXTERN const ev_chart_instrument *ev_chart_catalogue_at(const ev_chart_catalogue *c, size_t i);
/* Find by id or alias, ASCII case-insensitive ("aofas", "Tegner"); NULL if
 * unknown. */
EV_EXTERN const ev_chart_instrument *ev_chart_catalogue_find(const ev_chart_catalogue *c,
                                                             const char *name);
/* Sign harmonisation for pooling: given a mean difference md (group 1 minus
 * group 2) on `instrument`, *out is md when higher is better and -md when
 * lower is better, so a positive harmonised value always favours group 1.
 * EV_ENOTFOUND for an instrument not in the catalogue; EV_EINPUT for NAN. */
EV_EXTERN ev_status ev_chart_harmonise_sign(double *out, const ev_chart_catalogue *c,
                                            const char *instrument, double md,
                                            ev_error *err) EV_WARN_UNUSED;

/* ---- forms ------------------------------------------------------------------ */

/* Field types of a form schema ("type" in the JSON). */
typedef enum ev_chart_type {
    EV_CHART_TEXT = 0,
    EV_CHART_INTEGER,    /* "min"/"max" optional */
    EV_CHART_NUMBER,     /* "unit", "min"/"max" optional */
    EV_CHART_DATE,       /* YYYY, YYYY-MM or YYYY-MM-DD */
    EV_CHART_CHOICE,     /* one of "choices" */
    EV_CHART_MULTI,      /* a list of distinct "choices" */
    EV_CHART_MEAN_SD,    /* {"mean", "sd", "n"}; sd and n may be null (not reported) */
    EV_CHART_MEDIAN_IQR, /* {"median", "q1", "q3", "n"} with q1 <= median <= q3 */
    EV_CHART_EVENTS,     /* {"events", "total"}, 0 <= events <= total */
    EV_CHART_INSTRUMENT, /* {"instrument", "mean", "sd", "n"}: mean within the
                            instrument's range (catalogue) */
    EV_CHART_GROUP,      /* repeating group of sub-"fields" */
    EV_CHART__TYPES
} ev_chart_type;

typedef struct ev_chart_form ev_chart_form;

/* Parse a form schema: {"name", "version", "fields": [{"name", "type",
 * "label", "required", "min", "max", "unit", "choices", "fields"}, ...]}.
 * EV_EINPUT names the field for an unknown type, a duplicate name (within
 * one level), a choice field without choices, a group without fields,
 * min > max, or bad JSON (line:col). *out belongs to the caller. */
EV_EXTERN ev_status ev_chart_form_parse(ev_chart_form **out, const char *json, size_t n,
                                        const char *input, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_form_free(ev_chart_form *f);
/* The schema's own "name" and "version" (version 0 when absent). */
EV_EXTERN const char *ev_chart_form_name(const ev_chart_form *f);
EV_EXTERN long ev_chart_form_version(const ev_chart_form *f);
/* Type of the field at `path` ("outcomes.2.score" or "outcomes.score");
 * false when no such field. */
EV_EXTERN bool ev_chart_form_field_type(const ev_chart_form *f, const char *path,
                                        ev_chart_type *out);
EV_EXTERN const char *ev_chart_type_name(ev_chart_type t);

/* Validate one value for the field at `path`. `value` is JSON text, or for
 * text/integer/number/date/choice fields plain text ("42", "RCT"); a
 * multi-choice accepts "a;b". *normalised (may be NULL) receives the value as
 * compact JSON (caller frees with ev_free). `cat` may be NULL only when the
 * form has no instrument fields. EV_EINPUT with a message naming the field
 * and the rule: "sample_size: must be an integer >= 1, got -3",
 * "outcomes.1.score.mean: 130 is outside AOFAS's range 0-100";
 * EV_ENOTFOUND for a path the form does not have; EV_ENOMEM. */
EV_EXTERN ev_status ev_chart_validate(char **normalised, const ev_chart_form *f,
                                      const ev_chart_catalogue *cat, const char *path,
                                      const char *value, ev_error *err) EV_WARN_UNUSED;

/* ---- pooled proportions (safety) ------------------------------------------ */

/* A random-effects pooled proportion: Freeman-Tukey double arcsine
 * (Freeman & Tukey 1950) with REML tau^2, back-transformed with Miller's
 * (1978) inversion at the harmonic mean n (metafor: escalc PFT, rma,
 * transf.ipft.hm). Zero-event studies need no continuity correction. With
 * k = 1 the model is equal-effects. */
typedef struct ev_chart_pooled {
    size_t k;                 /* studies used */
    double events, total;     /* sums */
    double est, ci_lb, ci_ub; /* proportion, 95% CI, within [0, 1] */
    double tau2, I2;
} ev_chart_pooled;

/* Pool xi events out of ni over k studies (borrowed arrays). EV_EINPUT for
 * k = 0, a negative count or xi > ni (message names "study N"); EV_ENOMEM.
 * Never NAN for valid input: all-zero studies give est 0. */
EV_EXTERN ev_status ev_chart_pool_proportions(ev_chart_pooled *out, const double *xi,
                                              const double *ni, size_t k,
                                              ev_error *err) EV_WARN_UNUSED;

/* ---- tables ------------------------------------------------------------------ */

/* A rendered-agnostic table: `title`, `ncols` headers, `nrows` rows of
 * cells (row-major, NULL cell = empty). Owned by the caller
 * (ev_chart_table_free). */
typedef struct ev_chart_table {
    char *title;
    size_t ncols, nrows;
    char **header;
    char **cells;
    char *note; /* a footnote (method, missing data), may be NULL */
} ev_chart_table;

typedef enum ev_chart_format {
    EV_CHART_MD = 0,
    EV_CHART_CSV,
    EV_CHART_HTML,
    EV_CHART_TEX
} ev_chart_format;

EV_EXTERN bool ev_chart_format_parse(const char *s, ev_chart_format *out);
/* Append the table to `out` in `fmt` (cells escaped for the format: '|' in
 * Markdown, quotes in CSV (RFC 4180), &<>" in HTML, LaTeX specials).
 * EV_ENOMEM. */
EV_EXTERN ev_status ev_chart_table_render(const ev_chart_table *t, ev_chart_format fmt,
                                          ev_buf *out) EV_WARN_UNUSED;
/* Append the table as a JSON object {title, columns, rows, note}. */
EV_EXTERN ev_status ev_chart_table_json(const ev_chart_table *t, ev_buf *out) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_table_free(ev_chart_table *t);

/* ---- charting in a review ---------------------------------------------------- */

typedef struct ev_chart ev_chart;

/* Attach charting to an open review (creates or migrates the chart tables,
 * so call it before any transaction of your own). `cat` is borrowed and
 * must outlive the ev_chart (may be NULL: instrument scores are then
 * refused). *out belongs to the caller (ev_chart_free, before the store). */
EV_EXTERN ev_status ev_chart_open(ev_chart **out, ev_store *s, const ev_chart_catalogue *cat,
                                  ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_free(ev_chart *c);

/* Store a new form version (validated first): the review's forms are
 * numbered 1, 2, ...; *out_version (may be NULL) receives the new number.
 * EV_EINPUT for a bad schema (the review is unchanged). */
EV_EXTERN ev_status ev_chart_form_set(ev_chart *c, const char *json, size_t n, const char *input,
                                      const char *actor, long *out_version,
                                      ev_error *err) EV_WARN_UNUSED;
/* The current form (borrowed; NULL before the first ev_chart_form_set) and
 * its review version (0 when none). */
EV_EXTERN const ev_chart_form *ev_chart_form_current(const ev_chart *c, long *version);
/* The current form's JSON text (caller frees). EV_ENOTFOUND when none. */
EV_EXTERN ev_status ev_chart_form_text(ev_chart *c, char **out, ev_error *err) EV_WARN_UNUSED;

/* Chart one value: study `study` (created when new), field `path`, value as
 * for ev_chart_validate, by `reviewer`. One transaction. `form_version` 0 =
 * the current one; another version than the current one is EV_EREFUSED
 * (stale form). EV_ENOTFOUND when no form is set. */
EV_EXTERN ev_status ev_chart_set(ev_chart *c, const char *study, const char *path,
                                 const char *value, const char *reviewer, long form_version,
                                 ev_error *err) EV_WARN_UNUSED;
/* Batch import, one transaction: JSON {"form_version": N, "studies": [{"id",
 * "records": [ids], "values": {...}}]} or CSV with a header
 * study,field,value. Every value is validated; on any error nothing is
 * written. *n_values (may be NULL) receives the number of values written. */
EV_EXTERN ev_status ev_chart_import_file(ev_chart *c, const char *path, const char *reviewer,
                                         size_t *n_values, ev_error *err) EV_WARN_UNUSED;
/* Link a study to a record of the review (a report of it). EV_ENOTFOUND
 * for an unknown study or record. */
EV_EXTERN ev_status ev_chart_link(ev_chart *c, const char *study, ev_id record,
                                  ev_error *err) EV_WARN_UNUSED;
/* Second reviewer `reviewer` verifies the study as charted by another:
 * EV_ENOTFOUND for an unknown study, EV_EREFUSED when `reviewer` is the
 * only one who charted it (nobody verifies their own charting). */
EV_EXTERN ev_status ev_chart_verify(ev_chart *c, const char *study, const char *reviewer,
                                    ev_error *err) EV_WARN_UNUSED;

/* One disagreement: the field and each reviewer's value (JSON; NULL = not
 * charted by that reviewer). */
typedef struct ev_chart_diff {
    char *path, *reviewer_a, *value_a, *reviewer_b, *value_b;
} ev_chart_diff;
/* Field-by-field differences between every pair of reviewers of `study`
 * (the reserved reviewer "consensus" is left out). Caller frees with
 * ev_chart_diffs_free. EV_ENOTFOUND for an unknown study. */
EV_EXTERN ev_status ev_chart_diff_study(ev_chart *c, const char *study, ev_chart_diff **out,
                                        size_t *n, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_diffs_free(ev_chart_diff *d, size_t n);

/* Protocol text kept with the charting (the PICOS table, the eligibility
 * criteria): `name` is "picos" or "eligibility", stored as review metadata
 * "chart.<name>" with an audit row. EV_EUSAGE for another name.
 * ev_chart_protocol_get gives *out = NULL when unset (caller frees). */
EV_EXTERN ev_status ev_chart_protocol_set(ev_chart *c, const char *name, const char *text,
                                          const char *actor, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_chart_protocol_get(ev_chart *c, const char *name, char **out,
                                          ev_error *err) EV_WARN_UNUSED;

/* Where each study stands: who charted it (in order), who verified it,
 * how many values are stored and how many records are linked. Strings are
 * comma-separated names ("" when none). *out is caller-owned
 * (ev_chart_status_free). */
typedef struct ev_chart_status {
    char *study, *charted_by, *verified_by;
    size_t values, records;
} ev_chart_status;
EV_EXTERN ev_status ev_chart_status_list(ev_chart *c, ev_chart_status **out, size_t *n,
                                         ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_status_free(ev_chart_status *s, size_t n);

/* Number of charted studies. */
EV_EXTERN ev_status ev_chart_study_count(ev_chart *c, size_t *out, ev_error *err) EV_WARN_UNUSED;

/* One resolved charted value (see "collating" below for how a value is
 * resolved): the study id, the field path ("outcomes.2.score") and the value
 * as compact JSON text with sorted keys. */
typedef struct ev_chart_value {
    char *study, *path, *json;
} ev_chart_value;
/* Every resolved value of the review, sorted by study, then path (for
 * modules above chart: the report pools and maps from these). *out is
 * caller-owned (ev_chart_values_free); EV_ENOMEM, EV_EIO. */
EV_EXTERN ev_status ev_chart_values(ev_chart *c, ev_chart_value **out, size_t *n,
                                    ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_chart_values_free(ev_chart_value *v, size_t n);

/* The values `reviewer` charted for `study` (not resolved: that
 * reviewer's own), sorted by path, as compact JSON text, for verify mode
 * (a second charter sees the first charter's values beside the form).
 * *out is caller-owned (ev_chart_values_free); *n may be 0 when the
 * reviewer charted nothing there. EV_ENOTFOUND for an unknown study;
 * EV_ENOMEM, EV_EIO. */
EV_EXTERN ev_status ev_chart_study_values(ev_chart *c, const char *study, const char *reviewer,
                                          ev_chart_value **out, size_t *n,
                                          ev_error *err) EV_WARN_UNUSED;

/* ---- collating ------------------------------------------------------------- */

/* The value a study's charting resolves to is the "consensus" reviewer's
 * when present, else the first reviewer's (earliest charted). */

/* Frequency table of `field` (one column of counts), or a cross-table of
 * `field` x `field2` (field2 may be NULL). Multi-choice values count once
 * per option; studies without a value count as "(not charted)". Fields may
 * be inside a group ("arms.label"): a study then counts once per distinct
 * value. EV_ENOTFOUND for a field the form does not have. */
EV_EXTERN ev_status ev_chart_freq(ev_chart *c, const char *field, const char *field2,
                                  ev_chart_table **out, ev_error *err) EV_WARN_UNUSED;
/* Study summary tables in the layout of the seed's Tables 5-7 (References,
 * Sample size, Method, Scoring system, Results, Conclusion), one table per
 * value of `group_by` (e.g. "condition"; NULL = one table). *out is an
 * array of *n tables (free each with ev_chart_table_free, then ev_free). */
EV_EXTERN ev_status ev_chart_studies(ev_chart *c, const char *group_by, ev_chart_table ***out,
                                     size_t *n, ev_error *err) EV_WARN_UNUSED;
/* Safety summary per technology: studies, studies reporting adverse
 * events, events and patients per category, and the pooled proportion of
 * patients with an event (ev_chart_pool_proportions over the studies that
 * report adverse events, zero-event reports included). */
EV_EXTERN ev_status ev_chart_safety(ev_chart *c, ev_chart_table **out,
                                    ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_CHART_H */
