/*
 * ev_dedup.h - finding duplicate records: normalise each record once,
 * generate candidate pairs by blocking (identifiers, sorted title keys,
 * first author + year + page), score each pair from field agreements, and
 * cluster the pairs a threshold (or a person) called the same, never putting
 * two records with different DOIs or PMIDs in one cluster.
 *
 * Two layers:
 *  - an in-memory engine (ev_dedup) working on ev_records: pure, no I/O,
 *    usable on any array of records (the labelled-set evaluation uses it);
 *  - the review layer (ev_dedup_review_*) that runs the engine over a
 *    review's records and keeps pairs, decisions and clusters in the
 *    review's tables, every merge and decision in the audit log.
 *
 * Scores are sums of evidence weights (log2 likelihood ratios, hand-set and
 * documented in docs/internals/dedup.md); a pair scoring at least
 * `auto_merge` is merged automatically, one between `review` and
 * `auto_merge` waits for a person. Pairs that look alike but are different
 * kinds of item (an erratum and its article, a conference abstract and the
 * paper, a preprint and the published version) or conflict on DOI/PMID are
 * flagged RELATED and never merged automatically.
 *
 * Thread safety: an ev_dedup is used by one thread at a time.
 */
#ifndef EV_DEDUP_H
#define EV_DEDUP_H

#include "ev_core.h"
#include "ev_record.h"
#include "ev_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thresholds and blocking parameters. Start from EV_DEDUP_CONFIG_INIT. */
typedef struct ev_dedup_config {
    double auto_merge; /* score >= auto_merge: same publication, merged */
    double review;     /* review <= score < auto_merge: a person decides */
    size_t window;     /* sorted-neighbourhood window per blocking key */
} ev_dedup_config;

#define EV_DEDUP_AUTO_DEFAULT 24.0
#define EV_DEDUP_REVIEW_DEFAULT 12.0
#define EV_DEDUP_CONFIG_INIT {EV_DEDUP_AUTO_DEFAULT, EV_DEDUP_REVIEW_DEFAULT, 10}

typedef enum ev_dedup_verdict {
    EV_DEDUP_DIFFERENT = 0,
    EV_DEDUP_RELATED, /* alike but not duplicates (erratum, abstract, conflict) */
    EV_DEDUP_REVIEW,  /* uncertain: a person decides */
    EV_DEDUP_SAME     /* duplicates: merged automatically */
} ev_dedup_verdict;

/* What kind of item a record is, as far as its fields tell. */
typedef enum ev_dedup_kind {
    EV_DEDUP_KIND_ARTICLE = 0,
    EV_DEDUP_KIND_ERRATUM,
    EV_DEDUP_KIND_RETRACTION, /* a retraction notice, not a retracted paper */
    EV_DEDUP_KIND_COMMENT,    /* comment, reply, letter about another item */
    EV_DEDUP_KIND_CONFERENCE, /* conference abstract or proceedings paper */
    EV_DEDUP_KIND_PREPRINT
} ev_dedup_kind;

/* Reasons behind a score (bits of ev_dedup_pair.reasons). */
enum {
    EV_DEDUP_R_DOI_SAME = 1u << 0,
    EV_DEDUP_R_DOI_CONFLICT = 1u << 1,
    EV_DEDUP_R_PMID_SAME = 1u << 2,
    EV_DEDUP_R_PMID_CONFLICT = 1u << 3,
    EV_DEDUP_R_TITLE_SAME = 1u << 4,    /* equal after normalisation */
    EV_DEDUP_R_TITLE_SIMILAR = 1u << 5, /* near, or one truncates the other */
    EV_DEDUP_R_TITLE_DIFFERENT = 1u << 6,
    EV_DEDUP_R_TITLE_GENERIC = 1u << 7, /* too short to tell ("Editorial") */
    EV_DEDUP_R_AUTHORS_SAME = 1u << 8,
    EV_DEDUP_R_AUTHORS_DIFFERENT = 1u << 9,
    EV_DEDUP_R_YEAR_DIFFERENT = 1u << 10,
    EV_DEDUP_R_PAGES_SAME = 1u << 11,
    EV_DEDUP_R_PAGES_DIFFERENT = 1u << 12,
    EV_DEDUP_R_VOLUME_DIFFERENT = 1u << 13,
    EV_DEDUP_R_JOURNAL_SAME = 1u << 14,
    EV_DEDUP_R_KIND_DIFFERS = 1u << 15,
    EV_DEDUP_R_NO_TITLE = 1u << 16,
    EV_DEDUP_R_TRANSLATED = 1u << 17, /* titles differ as a translation does */
    EV_DEDUP_R_LOCATED = 1u << 18     /* journal, volume, year, full page range */
};

/* A scored candidate pair; a < b are indices into the engine's records. */
typedef struct ev_dedup_pair {
    size_t a, b;
    double score;
    double title_sim; /* 0..1, or -1 when a title is missing */
    ev_dedup_verdict verdict;
    unsigned reasons;
} ev_dedup_pair;

/* ---- the engine -------------------------------------------------------------- */

typedef struct ev_dedup ev_dedup;

/* A new engine (cfg NULL = defaults). *out belongs to the caller
 * (ev_dedup_free). EV_EUSAGE for review > auto_merge or window 0; EV_ENOMEM. */
EV_EXTERN ev_status ev_dedup_new(ev_dedup **out, const ev_dedup_config *cfg,
                                 ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_dedup_free(ev_dedup *d);

/* Normalise a record into the engine (the record is not retained). `source`
 * is a caller tag (the import id); `is_new` marks records that must be
 * compared (pairs of two old records are skipped: incremental runs).
 * *out_index (may be NULL) receives its index (0, 1, 2, ... in order). */
EV_EXTERN ev_status ev_dedup_add(ev_dedup *d, const ev_record *rec, int64_t source, bool is_new,
                                 size_t *out_index) EV_WARN_UNUSED;
EV_EXTERN size_t ev_dedup_count(const ev_dedup *d);
EV_EXTERN int64_t ev_dedup_source(const ev_dedup *d, size_t i);
EV_EXTERN ev_dedup_kind ev_dedup_record_kind(const ev_dedup *d, size_t i);
/* Completeness of a record (number of useful fields present): the record a
 * cluster keeps is its most complete one. */
EV_EXTERN unsigned ev_dedup_completeness(const ev_dedup *d, size_t i);

/* Block and score: fills the engine's pair list with every candidate pair
 * whose verdict is not DIFFERENT, sorted by (a, b). `progress` may be NULL.
 * EV_ENOMEM, EV_ECANCEL. */
EV_EXTERN ev_status ev_dedup_find_pairs(ev_dedup *d, ev_progress_fn progress, void *payload,
                                        ev_error *err) EV_WARN_UNUSED;
/* Borrowed pair list (valid until the next find_pairs / free). */
EV_EXTERN const ev_dedup_pair *ev_dedup_pairs(const ev_dedup *d, size_t *n);
/* Candidate pairs scored by the last find_pairs (for the docs and bench). */
EV_EXTERN uint64_t ev_dedup_candidates(const ev_dedup *d);

/* Score one pair of records already added (a != b). */
EV_EXTERN void ev_dedup_score(const ev_dedup *d, size_t a, size_t b, ev_dedup_pair *out);

/* A verdict name ("same", "review", "related", "different"); kind name. */
EV_EXTERN const char *ev_dedup_verdict_name(ev_dedup_verdict v);
EV_EXTERN const char *ev_dedup_kind_name(ev_dedup_kind k);

/* Cluster: start from singletons, then join the two records of each link in
 * the order given (callers pass decisions first, then automatic pairs by
 * descending score), refusing any join that would put two different DOIs
 * or two different PMIDs in one cluster. On return cluster_of[i] (caller's
 * array of ev_dedup_count(d) entries) is the index of the record kept for
 * i's cluster: its most complete member, lowest index on ties. `refused`
 * (may be NULL) counts links refused by the constraint. EV_EUSAGE for an
 * index out of range, EV_ENOMEM. */
typedef struct ev_dedup_link {
    size_t a, b;
} ev_dedup_link;
EV_EXTERN ev_status ev_dedup_cluster(const ev_dedup *d, const ev_dedup_link *links, size_t n_links,
                                     size_t *cluster_of, size_t *refused,
                                     ev_error *err) EV_WARN_UNUSED;

/* Cluster with the engine's automatic pairs (verdict SAME), strongest
 * first; same contract as ev_dedup_cluster. */
EV_EXTERN ev_status ev_dedup_cluster_auto(const ev_dedup *d, size_t *cluster_of, size_t *refused,
                                          ev_error *err) EV_WARN_UNUSED;

/* ---- merging a cluster ------------------------------------------------------- */

/* Which member of a cluster a field of the merged record came from. */
typedef struct ev_dedup_provenance {
    const char *field; /* "title", "doi", "authors", ... (static) */
    size_t member;     /* index into the members array */
} ev_dedup_provenance;

/* Fields ev_dedup_merge fills (size of the provenance array it needs). */
#define EV_DEDUP_MERGE_FIELDS 16

/* Merge the records of one cluster: a copy of members[kept], each field it
 * lacks taken from the first other member that has it (in array order: put
 * the more trusted sources first). prov[] (EV_DEDUP_MERGE_FIELDS entries)
 * receives one entry per field present in the result and *n_prov their
 * number. *out belongs to the caller (ev_record_free). EV_EUSAGE for kept
 * >= n or n == 0, EV_ENOMEM. */
EV_EXTERN ev_status ev_dedup_merge(ev_record **out, const ev_record *const *members, size_t n,
                                   size_t kept, ev_dedup_provenance *prov, size_t *n_prov,
                                   ev_error *err) EV_WARN_UNUSED;

/* ---- evaluation against a labelled partition ------------------------------- */

/* Record-level counts under bib-dedupe's representative-independent
 * convention (data/dedup/ANCHORS.md): per true group of k records of which
 * m are kept: m = 0 -> 1 FP + (k-1) TP; m >= 1 -> 1 TN + (m-1) FN + (k-m) TP.
 * A record merged into a cluster kept by a record of another true group
 * counts as removed. */
typedef struct ev_dedup_eval {
    size_t records, groups, true_duplicates; /* true_duplicates = records - groups */
    size_t tp, fp, tn, fn;
    size_t removed; /* records the tool removed */
    double sensitivity, specificity, precision;
    /* Of the fn missed records, how many a RELATED pair of different kinds
     * (erratum, comment, abstract or preprint beside its item) would join
     * to their group: kept apart by the rule, not missed. Set by
     * ev_dedup_evaluate_file only. */
    size_t fn_related;
} ev_dedup_eval;

/* truth[i]: any label equal for records of one publication (e.g. the index
 * of its group's first record); cluster_of[i]: as from ev_dedup_cluster.
 * EV_ENOMEM. */
EV_EXTERN ev_status ev_dedup_evaluate(const size_t *truth, const size_t *cluster_of, size_t n,
                                      ev_dedup_eval *out) EV_WARN_UNUSED;

/* Deduplicate a labelled file (any format ev_parse_file reads) with `cfg`
 * (NULL = defaults) and score the automatic merges against the column
 * `truth_field` (kept in rec->extra, e.g. "duplicate_group_id"). `pairs`
 * (may be NULL) receives the engine's pair counts by verdict, indexed by
 * ev_dedup_verdict. EV_EINPUT when the file does not parse or a record lacks
 * the truth column; EV_ENOMEM. */
EV_EXTERN ev_status ev_dedup_evaluate_file(const char *path, const ev_dedup_config *cfg,
                                           const char *truth_field, ev_dedup_eval *out,
                                           size_t pairs[4], ev_error *err) EV_WARN_UNUSED;

/* ---- the review layer -------------------------------------------------------- */

/* Counts for `evident dedup REVIEW`. Per-source rows: records imported from
 * the source and how many of them were removed as duplicates. */
typedef struct ev_dedup_source_count {
    int64_t import_id;
    char *source; /* database name; owned by the summary */
    uint64_t records, removed;
} ev_dedup_source_count;

typedef struct ev_dedup_summary {
    uint64_t records;    /* live records */
    uint64_t clusters;   /* after deduplication (= records kept) */
    uint64_t merged;     /* records removed as duplicates */
    uint64_t auto_pairs; /* pairs merged automatically */
    uint64_t decided;    /* pairs a person decided */
    uint64_t pending;    /* uncertain pairs waiting for a person */
    uint64_t related;    /* pairs flagged related, not merged */
    uint64_t new_records; /* records compared for the first time by this run */
    ev_dedup_source_count *sources;
    size_t n_sources;
} ev_dedup_summary;

EV_EXTERN void ev_dedup_summary_release(ev_dedup_summary *s);

/* Run deduplication over the review: create the module's tables if needed,
 * compare the records not seen by an earlier run against all records, store
 * the new pairs, rebuild the clusters from automatic pairs and decisions,
 * and audit the merges. One transaction. With `dry_run`, nothing is written
 * and the summary says what a run would do. cfg NULL = defaults.
 * `summary` is filled (release with ev_dedup_summary_release). */
EV_EXTERN ev_status ev_dedup_review_run(ev_store *s, const ev_dedup_config *cfg, bool dry_run,
                                        ev_progress_fn progress, void *payload,
                                        ev_dedup_summary *summary, ev_error *err) EV_WARN_UNUSED;

/* Counts without running (after ensuring the tables exist). */
EV_EXTERN ev_status ev_dedup_review_summary(ev_store *s, ev_dedup_summary *summary,
                                            ev_error *err) EV_WARN_UNUSED;

/* One stored pair. */
typedef struct ev_dedup_stored_pair {
    int64_t id;
    ev_id a, b; /* record ids */
    double score;
    unsigned reasons;
    const char *status; /* "auto", "pending", "same", "different", "related" (static) */
} ev_dedup_stored_pair;

/* Visit pairs with the given status ("pending", ...), highest score first.
 * A non-EV_OK return from `fn` stops the walk and is returned. */
typedef ev_status (*ev_dedup_pair_fn)(const ev_dedup_stored_pair *p, void *payload);
EV_EXTERN ev_status ev_dedup_review_pairs(ev_store *s, const char *status, ev_dedup_pair_fn fn,
                                          void *payload, ev_error *err) EV_WARN_UNUSED;

/* A person's decision on stored pair `pair_id` (same = true: duplicates).
 * Re-clusters and audits. EV_ENOTFOUND for an unknown pair; EV_EREFUSED when
 * `same` would join two different DOIs/PMIDs. */
EV_EXTERN ev_status ev_dedup_review_decide(ev_store *s, int64_t pair_id, bool same,
                                           const char *actor, ev_error *err) EV_WARN_UNUSED;

/* Undo a cluster (named by the id of its kept record): every automatic or
 * "same" pair touching its records becomes "different" (reversible by
 * deciding a pair same again), the cluster is dissolved into separate
 * records, and the undo is audited.
 * EV_ENOTFOUND when no cluster of two or more records has that id. */
EV_EXTERN ev_status ev_dedup_review_undo(ev_store *s, ev_id cluster, const char *actor,
                                         ev_error *err) EV_WARN_UNUSED;

/* The records of cluster `cluster` (the id of its kept record), kept record
 * first, then by id. *out belongs to the caller (ev_free). EV_ENOTFOUND when
 * no cluster of two or more records has that id. */
EV_EXTERN ev_status ev_dedup_review_members(ev_store *s, ev_id cluster, ev_id **out, size_t *n,
                                            ev_error *err) EV_WARN_UNUSED;

/* Every record merged into another (not its cluster's kept record), in id
 * order: one query, for callers filtering many records. *out is the
 * caller's (ev_free; NULL when none). EV_EIO/EV_ENOMEM. */
EV_EXTERN ev_status ev_dedup_review_merged(ev_store *s, ev_id **out, size_t *n,
                                           ev_error *err) EV_WARN_UNUSED;

/* The kept record of a record's cluster (itself when not merged). */
EV_EXTERN ev_status ev_dedup_review_kept(ev_store *s, ev_id record, ev_id *out,
                                         ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_DEDUP_H */
