/*
 * ev_screen.h - screening: dual independent review with blinding, conflicts
 * and adjudication, inter-rater agreement, active-learning prioritisation
 * (TF-IDF + Naive Bayes or logistic regression), screening simulations on
 * labelled sets, and stopping rules.
 *
 * Two layers:
 * - Pure computation with no store (corpus, ranker, simulation, agreement,
 *   stopping rules): plain arrays in, numbers out.
 * - The review workflow on an ev_store (setup, decisions, conflicts,
 *   settling, next record, applying a stopping rule, counts for PRISMA).
 *
 * liblinear's types never appear here. Thread safety: an object is used by
 * one thread at a time; distinct objects may be used in parallel (liblinear's
 * print function is process-global and set once to a silent one).
 */
#ifndef EV_SCREEN_H
#define EV_SCREEN_H

#include "ev_core.h"
#include "ev_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- TF-IDF corpus -------------------------------------------------------- */

/* A sparse TF-IDF matrix built once over every record's text (title and
 * abstract). Tokens are those of the full-text index (ev_text_normalise with
 * EV_NORM_DEFAULT, then ev_text_next_token); n-grams up to ngram_max; terms
 * in fewer than min_df documents are dropped (they cannot rank any other
 * record), and so are English stop words (scikit-learn's list, as ASReview)
 * unless turned off; bigrams join the tokens left. Weights follow scikit-learn's TfidfVectorizer:
 * the term frequency (1 + ln(count) by default, sublinear_tf; the raw count
 * otherwise) times idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised.
 * The defaults (unigrams, sublinear tf) measured best in bench/screen:
 * WSS@95 over 15 runs on the four anchor sets 78.9 against 77.9 for
 * unigrams + bigrams with raw counts, and over 23 other labelled sets 41.3
 * against 38.7. */
typedef struct ev_screen_corpus ev_screen_corpus;

typedef struct ev_screen_corpus_options {
    unsigned ngram_max; /* 1 or 2 (default 1) */
    unsigned min_df;    /* default 2 */
    bool stop_words;    /* drop scikit-learn's English stop words (default) */
    bool sublinear_tf;  /* 1 + ln(count) instead of the count (default) */
} ev_screen_corpus_options;

#define EV_SCREEN_CORPUS_OPTIONS_INIT                                                              \
    {                                                                                              \
        1, 2, true, true                                                                           \
    }

/* Build the matrix from n texts (NULL texts are empty). `opt` may be NULL.
 * *out belongs to the caller (ev_screen_corpus_free). EV_EUSAGE for n == 0
 * or a bad option, EV_ENOMEM. */
EV_EXTERN ev_status ev_screen_corpus_new(ev_screen_corpus **out, const char *const *texts, size_t n,
                                         const ev_screen_corpus_options *opt,
                                         ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_corpus_free(ev_screen_corpus *c);
EV_EXTERN size_t ev_screen_corpus_rows(const ev_screen_corpus *c);
EV_EXTERN size_t ev_screen_corpus_features(const ev_screen_corpus *c);

/* ---- relevance model ------------------------------------------------------ */

typedef enum ev_screen_model_kind {
    EV_SCREEN_MODEL_NB = 0, /* multinomial Naive Bayes (sklearn MultinomialNB) */
    EV_SCREEN_MODEL_LR      /* L2 logistic regression (liblinear) */
} ev_screen_model_kind;

typedef struct ev_screen_model_options {
    ev_screen_model_kind kind;
    double nb_alpha; /* additive smoothing; ASReview's default 3.822 */
    double lr_c;     /* inverse regularisation; default 1.0 */
    /* ASReview's "double" balance (Ferdinands et al. 2023): the included
     * class is weighted up by a * (n_excluded / n_included)^alpha, the
     * excluded class by 1 - (1 - b) * (1 + n)^-beta. false: plain class
     * weights n / (2 n_class). */
    bool double_balance;
} ev_screen_model_options;

#define EV_SCREEN_MODEL_OPTIONS_INIT                                                               \
    {                                                                                              \
        EV_SCREEN_MODEL_NB, 3.822, 1.0, true                                                       \
    }

/* An incremental ranker over a corpus: label rows one at a time, then score
 * every row (higher = more likely relevant). The corpus is borrowed and must
 * outlive the ranker. *out belongs to the caller (ev_screen_ranker_free). */
typedef struct ev_screen_ranker ev_screen_ranker;

EV_EXTERN ev_status ev_screen_ranker_new(ev_screen_ranker **out, const ev_screen_corpus *c,
                                         const ev_screen_model_options *opt,
                                         ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_ranker_free(ev_screen_ranker *r);
/* Label row `row` as included (true) or excluded (false). A row labelled
 * again keeps the new label. EV_EUSAGE for a row out of range. */
EV_EXTERN ev_status ev_screen_ranker_label(ev_screen_ranker *r, size_t row, bool included,
                                           ev_error *err) EV_WARN_UNUSED;
/* Retrain on the labelled rows and write a score for every unlabelled row
 * into scores[0..rows) (labelled rows get -INFINITY). With no included or no
 * excluded label yet every unlabelled score is 0. EV_ENOMEM; EV_EINTERNAL if liblinear fails. */
EV_EXTERN ev_status ev_screen_ranker_scores(ev_screen_ranker *r, double *scores,
                                            ev_error *err) EV_WARN_UNUSED;

/* ---- simulation ----------------------------------------------------------- */

typedef struct ev_screen_sim_options {
    ev_screen_corpus_options corpus;
    ev_screen_model_options model;
    size_t prior_included, prior_excluded; /* random priors per run (1, 1) */
    uint64_t seed;
    size_t runs;            /* each run draws its own priors */
    double random_fraction; /* share of picks made at random (0) */
    /* Stop a run once every relevant record is found: the metrics are then
     * fixed (the rest of the curve is flat at recall 1). Default true. */
    bool stop_when_complete;
} ev_screen_sim_options;

#define EV_SCREEN_SIM_OPTIONS_INIT                                                                 \
    {                                                                                              \
        EV_SCREEN_CORPUS_OPTIONS_INIT, EV_SCREEN_MODEL_OPTIONS_INIT, 1, 1, 42, 1, 0.0, true        \
    }

/* One run. Metrics follow ASReview's conventions (ANCHORS.md): prior records
 * are left out of the sequence and of N; n95 is the number of records
 * screened when ceil(0.95 R) relevant records are found; WSS@r = r - n_r/N
 * (Cohen et al. 2006); recall@x% = found after floor(x N) records. */
typedef struct ev_screen_sim_run {
    size_t n;             /* N: records after the priors */
    size_t relevant;      /* R: relevant records after the priors */
    size_t n95, n100;     /* records screened to reach 95% / 100% recall */
    double wss95, wss100; /* fractions, not percent */
    double recall10, recall20;
    double atd;      /* mean position of the relevant records / N */
    uint32_t *found; /* found[i] = relevant found after i+1 records */
    size_t n_found;  /* entries in found (N, or fewer when stopped early) */
} ev_screen_sim_run;

typedef struct ev_screen_sim_result {
    size_t records, relevant; /* in the labelled set */
    size_t features;
    ev_screen_sim_run *runs;
    size_t n_runs;
    double mean_wss95, mean_wss100, mean_recall10, mean_recall20, mean_atd;
    double mean_n95, mean_n100;
    double seconds; /* wall time of the simulation (features + runs) */
} ev_screen_sim_result;

/* Replay screening on n labelled texts. EV_EINPUT when there is no included
 * or no excluded record, or too few for the priors; EV_EUSAGE for bad
 * options; EV_ECANCEL when `progress` (runs done of runs) returns false.
 * *out belongs to the caller (ev_screen_sim_result_free). */
EV_EXTERN ev_status ev_screen_simulate(ev_screen_sim_result **out, const char *const *texts,
                                       const bool *included, size_t n,
                                       const ev_screen_sim_options *opt, ev_progress_fn progress,
                                       void *payload, ev_error *err) EV_WARN_UNUSED;
/* The same on a labelled file read with ev_parse_file (CSV with title,
 * abstract and a label_included column of 0/1). EV_EINPUT names the file
 * (and line) for a missing or bad label, or no positives. */
EV_EXTERN ev_status ev_screen_simulate_file(ev_screen_sim_result **out, const char *path,
                                            const ev_screen_sim_options *opt,
                                            ev_progress_fn progress, void *payload,
                                            ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_sim_result_free(ev_screen_sim_result *r);

/* ---- agreement ------------------------------------------------------------ */

/* Agreement of two raters over k categories: table[i * k + j] counts items
 * rater A put in category i and rater B in category j. Cohen's kappa (Cohen
 * 1960) with the large-sample standard error of Fleiss, Cohen & Everitt
 * (1969) and a 95% Wald CI; PABAK = (k p_o - 1) / (k - 1) (Byrt, Bishop &
 * Carlin 1993). kappa is NAN when p_e = 1. */
typedef struct ev_screen_agreement {
    size_t n;
    double p_observed, p_expected;
    double kappa, se, ci_low, ci_high;
    double pabak;
} ev_screen_agreement;

/* EV_EUSAGE for k < 2; EV_EINPUT for an empty table. */
EV_EXTERN ev_status ev_screen_kappa(ev_screen_agreement *out, const uint64_t *table, size_t k,
                                    ev_error *err) EV_WARN_UNUSED;

/* ---- stopping rules --------------------------------------------------------- */

/* Callaghan & Mueller-Hansen 2020 (Systematic Reviews 9:254): treat the last
 * k screened records, for every k, as a random sample from the records that
 * were unscreened before them; under H0 "recall < target" the urn holds at
 * least floor(r / target) + 1 - (r - r_k) relevant records, and the
 * hypergeometric lower tail P(X <= r_k) is the p-value. Stop when the
 * smallest p over k is below 1 - confidence. The CDF is computed here with
 * lgamma (no GSL: it belongs to synth). */
typedef struct ev_screen_stop_result {
    bool stop;              /* the rule says recall >= target with confidence */
    double p;               /* smallest p-value over the windows */
    double recall_estimate; /* lower bound on recall at `confidence`: found / the
                             * largest total of relevant records not rejected */
    size_t screened, found, total;
} ev_screen_stop_result;

/* labels[0..n_screened) in screening order (true = relevant); total = every
 * record in the pool. EV_EUSAGE for total < n_screened or a target/confidence
 * outside (0, 1). */
EV_EXTERN ev_status ev_screen_stop_hypergeometric(ev_screen_stop_result *out, const bool *labels,
                                                  size_t n_screened, size_t total,
                                                  double recall_target, double confidence,
                                                  ev_error *err) EV_WARN_UNUSED;
/* The hypergeometric lower tail P(X <= k) for X ~ Hypergeometric(
 * population N, K successes, n draws). */
EV_EXTERN double ev_screen_hypergeom_cdf(uint64_t k, uint64_t N, uint64_t K, uint64_t n);
/* Number of exclusions at the end of labels[0..n) (the N-consecutive-
 * exclusions heuristic compares it with a threshold). */
EV_EXTERN size_t ev_screen_trailing_exclusions(const bool *labels, size_t n);

/* ---- the review workflow ------------------------------------------------------- */

typedef enum ev_screen_decision {
    EV_SCREEN_EXCLUDE = 0,
    EV_SCREEN_INCLUDE = 1,
    EV_SCREEN_MAYBE = 2
} ev_screen_decision;

/* "include", "exclude", "maybe"; ev_screen_decision_parse is false for
 * anything else. */
EV_EXTERN const char *ev_screen_decision_name(ev_screen_decision d);
EV_EXTERN bool ev_screen_decision_parse(const char *s, ev_screen_decision *out);

/* Review setup. Strings are borrowed; NULL/0 fields leave the stored value
 * unchanged on ev_screen_setup. Stages are given in order ("ta,ft"),
 * reasons and reviewers as comma-separated lists. rule: 1 = one decision per
 * record, 2 = two independent decisions, 3 = two for a random share
 * (`dual_fraction`) of records and one for the rest. */
typedef struct ev_screen_setup_info {
    const char *stages;          /* "ta,ft" by default */
    const char *reasons;         /* exclusion reasons for the full-text stage */
    const char *criteria;        /* eligibility criteria text (PICOS) */
    const char *reviewers;       /* "alice,bob" */
    const char *adjudicators;    /* "carol" */
    const char *owner;           /* who may apply stopping rules */
    int rule;                    /* 0 = unchanged, 1, 2 or 3 */
    double dual_fraction;        /* for rule 3; < 0 = unchanged */
    int allow_self_adjudication; /* -1 unchanged, 0 no, 1 yes */
    double random_fraction;      /* share of random picks in `next`; < 0 = unchanged */
    const char *model;           /* "nb" or "lr"; NULL = unchanged */
} ev_screen_setup_info;

#define EV_SCREEN_SETUP_INFO_INIT                                                                  \
    {                                                                                              \
        NULL, NULL, NULL, NULL, NULL, NULL, 0, -1.0, -1, -1.0, NULL                                \
    }

/* Create the module's tables if needed and apply the setup (one
 * transaction, audited as "screen.setup" by `actor`). EV_EUSAGE for a bad
 * rule, fraction, stage list or model name; EV_EIO/EV_EBUSY/EV_ENOMEM. */
EV_EXTERN ev_status ev_screen_setup(ev_store *s, const ev_screen_setup_info *info,
                                    const char *actor, ev_error *err) EV_WARN_UNUSED;
/* The eligibility criteria text (NULL when unset); caller frees (ev_free). */
EV_EXTERN ev_status ev_screen_criteria(ev_store *s, char **out, ev_error *err) EV_WARN_UNUSED;

/* One decision to record. */
typedef struct ev_screen_decide_item {
    ev_id record;
    const char *stage; /* NULL = the record's current stage */
    ev_screen_decision decision;
    const char *reason; /* required for exclusions at a stage after the first */
    const char *note;
    const char *fulltext_path; /* full-text stage: a PDF (hashed) ... */
    const char *fulltext_url;  /* ... or a link; both may be NULL */
} ev_screen_decide_item;

/* Record a batch of decisions by `reviewer` as one transaction: all or
 * nothing. A reviewer deciding a record twice replaces the earlier decision
 * (kept in the history and audited). When the record has the decisions its
 * rule requires and they agree, its outcome at that stage is settled.
 * Statuses: EV_ENOTFOUND (no such record, or merged away: message names the
 * id and item), EV_EREFUSED (unknown reviewer, record not at that stage,
 * outcome already settled, missing reason), EV_EUSAGE (setup missing),
 * EV_EIO/EV_EBUSY/EV_ENOMEM. On error the review is unchanged and
 * *failed_item (may be NULL) receives the index of the bad item. */
EV_EXTERN ev_status ev_screen_decide(ev_store *s, const char *reviewer,
                                     const ev_screen_decide_item *items, size_t n,
                                     size_t *failed_item, ev_error *err) EV_WARN_UNUSED;

/* The full text attached to a record (the latest attachment): *path,
 * *sha256 (hex of the file's bytes when attached) and *url, each NULL when
 * absent, all caller-owned (ev_free). EV_ENOTFOUND when nothing is attached. */
EV_EXTERN ev_status ev_screen_fulltext(ev_store *s, ev_id record, char **path, char **sha256,
                                       char **url, ev_error *err) EV_WARN_UNUSED;

/* A decision as a viewer may see it. */
typedef struct ev_screen_decision_row {
    ev_id record;
    char stage[8];
    char *reviewer, *reason, *note, *decided_at;
    ev_screen_decision decision;
} ev_screen_decision_row;

/* Decisions on `record` (all stages) visible to `viewer`: the viewer's own
 * always; other reviewers' only once the record's outcome at that stage is
 * settled (blinding), or when the viewer is an adjudicator and the record is
 * in conflict. *out belongs to the caller (ev_screen_decisions_free). */
EV_EXTERN ev_status ev_screen_decisions(ev_store *s, ev_id record, const char *viewer,
                                        ev_screen_decision_row **out, size_t *n,
                                        ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_decisions_free(ev_screen_decision_row *rows, size_t n);

/* A record whose independent decisions disagree (include vs exclude, or
 * different outcomes with "maybe"), not yet settled. */
typedef struct ev_screen_conflict {
    ev_id record;
    char stage[8];
    char *title;
    char *reviewers; /* "alice=include; bob=exclude" */
} ev_screen_conflict;

/* List the unsettled conflicts. Only an adjudicator (or the owner) sees the
 * decisions: other viewers get EV_EREFUSED. *out is the caller's
 * (ev_screen_conflicts_free). */
EV_EXTERN ev_status ev_screen_conflicts(ev_store *s, const char *viewer, ev_screen_conflict **out,
                                        size_t *n, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_conflicts_free(ev_screen_conflict *c, size_t n);

/* Settle a record at `stage` (NULL = its current stage) as include or
 * exclude. EV_EREFUSED when the adjudicator is not one, is one of the
 * record's reviewers and self-adjudication is not allowed, when the record
 * is already settled, or (full text) an exclusion has no reason;
 * EV_ENOTFOUND for an unknown or merged record. Audited. */
EV_EXTERN ev_status ev_screen_settle(ev_store *s, ev_id record, const char *stage,
                                     ev_screen_decision outcome, const char *reason,
                                     const char *adjudicator, ev_error *err) EV_WARN_UNUSED;

/* Agreement per pair of reviewers and stage over the records both decided
 * (categories include / exclude / maybe). *out is the caller's (ev_free). */
typedef struct ev_screen_pair_agreement {
    char stage[8];
    char reviewer_a[64], reviewer_b[64];
    uint64_t table[9]; /* [a][b], order exclude, include, maybe */
    ev_screen_agreement agreement;
} ev_screen_pair_agreement;

EV_EXTERN ev_status ev_screen_agreement_list(ev_store *s, ev_screen_pair_agreement **out, size_t *n,
                                             ev_error *err) EV_WARN_UNUSED;

/* The next record for `reviewer` at `stage` (NULL = first stage with work):
 * a record at that stage the reviewer has not decided, still needing
 * decisions, ranked by the review's model trained on the settled outcomes
 * (with the configured share of random picks). *out = 0 when nothing is
 * left. *out_score (may be NULL) gets the model's score (NAN if random). */
EV_EXTERN ev_status ev_screen_next(ev_store *s, const char *reviewer, const char *stage, ev_id *out,
                                   double *out_score, ev_error *err) EV_WARN_UNUSED;

/* The records still waiting for `reviewer` at `stage` (NULL = the first
 * stage with work), in id order (not ranked): what ev_screen_next chooses
 * from. *out is the caller's (ev_free); stage_out (may be NULL, 8 bytes)
 * gets the stage's name. Statuses as ev_screen_next. */
EV_EXTERN ev_status ev_screen_queue(ev_store *s, const char *reviewer, const char *stage,
                                    ev_id **out, size_t *n, char *stage_out,
                                    ev_error *err) EV_WARN_UNUSED;

/* The full-text exclusion reasons of the setup, comma-separated in their
 * order, or NULL when none; caller frees (ev_free). */
EV_EXTERN ev_status ev_screen_reasons(ev_store *s, char **out, ev_error *err) EV_WARN_UNUSED;

/* ev_screen_next keeps the TF-IDF matrix of each stage's pool in a small
 * process-wide cache (four entries, thread-safe), keyed by a fingerprint of
 * the review file's path, its imports (every record text arrives through
 * one) and the pool's record ids: the first call on a pool builds it, later
 * calls only retrain the model and score. The first stage's pool (record
 * ids) is kept the same way, keyed by the imports and the merged records,
 * as reading it scans the whole records table. Next and queue also keep
 * each review's tallies (every pool record's outcome per stage and its
 * current decisions), read once and then brought up to date with the rows
 * added since the last call (see docs/internals/screen.md); writes by other
 * processes and handles are seen at the next call. ev_screen_cache_clear
 * frees the cached matrices, pools and tallies (matrices in use are freed
 * by their last user). The cached memory stays allocated until then. */
EV_EXTERN void ev_screen_cache_clear(void);
/* Fill those caches for every stage of the review (the tallies of
 * decisions and outcomes; the matrix and a trained model where next would
 * rank), so that the first next after a start does not pay for them: the
 * server calls it before it listens. EV_EUSAGE when the review has no
 * screening setup; store errors as ev_screen_next. Thread-safe. */
EV_EXTERN ev_status ev_screen_cache_warm(ev_store *s, ev_error *err) EV_WARN_UNUSED;

/* Counts per stage (PRISMA 2020): records at the stage, settled included,
 * settled excluded (by people), excluded by automation (a stopping rule),
 * in conflict, waiting. Reasons for full-text exclusions with counts. */
typedef struct ev_screen_stage_summary {
    char stage[8];
    uint64_t records, included, excluded, automation, conflicts, pending;
    char *reasons;              /* "reason=count; ..." or NULL; caller frees */
    ev_screen_stop_result stop; /* the hypergeometric rule now (95%, 95%) */
    size_t trailing_exclusions;
} ev_screen_stage_summary;

/* One entry per stage. *out is the caller's (ev_screen_summary_free). For
 * `evident stats`: EV_EUSAGE when the review has no screening setup (nothing
 * is written, so a read-only store is fine once screening has been set up);
 * EV_EIO/EV_ENOMEM otherwise. */
EV_EXTERN ev_status ev_screen_summary(ev_store *s, ev_screen_stage_summary **out, size_t *n,
                                      ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_screen_summary_free(ev_screen_stage_summary *rows, size_t n);

/* One reviewer's progress at one stage: their current decisions (and how
 * many of each kind) and the records at the stage still waiting for their
 * decision (what ev_screen_queue lists). Counts only: no record ids, so no
 * other reviewer's individual decisions are revealed. */
typedef struct ev_screen_reviewer_row {
    char stage[8];
    char reviewer[64];
    uint64_t decided, included, excluded, maybe, todo;
} ev_screen_reviewer_row;

/* One row per (stage, reviewer), stages in order, reviewers by name. The
 * caller decides who may see which rows (the server shows a reviewer only
 * their own). *out is the caller's (ev_free). EV_EUSAGE when the review has
 * no screening setup; EV_EIO/EV_ENOMEM. Nothing is written. */
EV_EXTERN ev_status ev_screen_reviewer_progress(ev_store *s, ev_screen_reviewer_row **out,
                                                size_t *n, ev_error *err) EV_WARN_UNUSED;

/* Apply the hypergeometric stopping rule at `stage` as `owner`: when it
 * says stop, every record still unsettled at the stage is recorded as
 * excluded by automation, with the rule, its parameters and the estimate
 * kept in the review (one transaction). When it does not, EV_EREFUSED with
 * the p-value in the message unless `force`. *out (may be NULL) gets the
 * result; *n_excluded (may be NULL) the records excluded. */
EV_EXTERN ev_status ev_screen_stop(ev_store *s, const char *stage, const char *owner,
                                   double recall_target, double confidence, bool force,
                                   ev_screen_stop_result *out, uint64_t *n_excluded,
                                   ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_SCREEN_H */
