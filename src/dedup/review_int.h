/*
 * review_int.h - what the review layer's files (review.c, recluster.c,
 * decide.c, summary.c) share: the engine loaded with a review's records.
 */
#ifndef EV_DEDUP_REVIEW_INT_H
#define EV_DEDUP_REVIEW_INT_H

#include "evident/ev_dedup.h"

/* A review's live records in an engine, with their ids (ascending). */
typedef struct ev__dedup_view {
    ev_dedup *d;
    ev_id *ids;
    size_t n_ids, cap_ids;
    size_t new_records; /* not seen by an earlier run */
    size_t *cluster_of; /* after ev__dedup_recluster */
} ev__dedup_view;

ev_status ev__dedup_schema(ev_store *s, ev_error *err);
/* Append column 0 of every row `st` steps to into the growable array *out
 * (*n entries; both start NULL/0). On error *out may hold a partial array,
 * which the caller frees. */
ev_status ev__dedup_collect_ids(ev_stmt *st, ev_id **out, size_t *n, ev_error *err);
ev_status ev__dedup_view_load(ev_store *s, const ev_dedup_config *cfg, ev__dedup_view *v,
                              ev_error *err);
/* Only the records a run has seen, with identifiers and completeness from
 * dedup_seen: enough to re-cluster after a decision, without loading and
 * normalising every record. */
ev_status ev__dedup_view_load_light(ev_store *s, ev__dedup_view *v, ev_error *err);
void ev__dedup_view_release(ev__dedup_view *v);
bool ev__dedup_view_index(const ev__dedup_view *v, ev_id id, size_t *out);

/* Rebuild clusters from stored "same" pairs (first) and "auto" pairs (by
 * descending score), plus `extra` engine-index links (a dry run's new
 * automatic pairs). Fills v->cluster_of; `refused` may be NULL. */
ev_status ev__dedup_recluster(ev_store *s, ev__dedup_view *v, const ev_dedup_link *extra,
                              size_t n_extra, size_t *refused, ev_error *err);
/* Replace the dedup_members table with v->cluster_of. */
ev_status ev__dedup_write_members(ev_store *s, const ev__dedup_view *v, ev_error *err);
/* Fill the summary from a clustered view: new records, pairs by status,
 * records, clusters, merged and the per-source rows. */
ev_status ev__dedup_summarise(ev_store *s, const ev__dedup_view *v, ev_dedup_summary *sum,
                              ev_error *err);

#endif
