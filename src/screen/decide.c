/*
 * decide.c - independent decisions, blinding, conflicts and adjudication.
 * A batch of decisions is one transaction; a record is settled when it has
 * the decisions its rule asks for and they agree, or when an adjudicator
 * settles its conflict.
 */
#include "screen_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const decision_names[] = {"exclude", "include", "maybe"};

const char *ev_screen_decision_name(ev_screen_decision d)
{
    return (unsigned)d < 3 ? decision_names[d] : "?";
}

bool ev_screen_decision_parse(const char *s, ev_screen_decision *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, decision_names[i]) == 0) {
            *out = (ev_screen_decision)i;
            return true;
        }
    return false;
}

/* An exclusion after the first stage needs a reason, from the configured
 * list when there is one. */
static ev_status check_reason(ev_store *s, int stage, ev_screen_decision d, const char *reason,
                              ev_error *err)
{
    if (d != EV_SCREEN_EXCLUDE || stage == 0)
        return EV_OK;
    if (!reason || !*reason)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "a full-text exclusion needs a reason (--reason)");
    int64_t listed = 0, known = 0;
    ev_status rc = ev__screen_int(s, &listed, 0, err, "SELECT count(*) FROM screen_reason", "");
    if (rc == EV_OK && listed)
        rc = ev__screen_int(s, &known, 0, err, "SELECT count(*) FROM screen_reason WHERE name = ?1",
                            "t", reason);
    if (rc == EV_OK && listed && !known)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "'%s' is not one of the review's exclusion reasons", reason);
    return rc;
}

typedef struct tally {
    int64_t n, min, max;
} tally;

static ev_status count_decisions(ev_store *s, ev_id record, const char *stage, tally *t,
                                 ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT count(*), min(decision), max(decision) FROM"
                                      " screen_decision WHERE record_id = ?1 AND stage = ?2"
                                      " AND current = 1",
                                      "it", (int64_t)record, stage);
    bool row = false;
    *t = (tally){0, 0, 0};
    if (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        *t = (tally){ev_stmt_int(st, 0), ev_stmt_int(st, 1), ev_stmt_int(st, 2)};
    ev_stmt_free(st);
    return rc;
}

/* Settle by agreement when the rule's decisions are in and agree (a
 * "maybe" never settles: it goes to an adjudicator). */
static ev_status maybe_settle(ev_store *s, const ev__screen_cfg *cfg, ev_id record,
                              const char *stage, ev_error *err)
{
    tally t;
    ev_status rc = count_decisions(s, record, stage, &t, err);
    unsigned need = ev__screen_required(cfg, record);
    if (rc != EV_OK || t.n < (int64_t)need || t.min != t.max || t.max == EV_SCREEN_MAYBE)
        return rc;
    return ev__screen_exec(s, err,
                           "INSERT INTO screen_outcome(record_id, stage, outcome, method)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           "itit", (int64_t)record, stage, t.max,
                           need == 1 ? "single" : "agreement");
}

static ev_status attach_fulltext(ev_store *s, const ev_screen_decide_item *it, const char *reviewer,
                                 ev_error *err)
{
    char hex[65] = "";
    if (!it->fulltext_path && !it->fulltext_url)
        return EV_OK;
    if (it->fulltext_path) {
        /* a path that cannot be read is the user's input, not the review */
        FILE *fp = fopen(it->fulltext_path, "rb");
        if (!fp)
            return ev_error_set(err, EV_EINPUT, it->fulltext_path, 0, 0,
                                "cannot read the full text to attach: %s", strerror(errno));
        fclose(fp);
        ev_status rc = ev_sha256_file(hex, it->fulltext_path, err);
        if (rc != EV_OK)
            return rc;
    }
    return ev__screen_exec(s, err,
                           "INSERT OR REPLACE INTO screen_fulltext(record_id, path, sha256, url,"
                           " added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                           "ittt"
                           "t",
                           (int64_t)it->record, it->fulltext_path, it->fulltext_path ? hex : NULL,
                           it->fulltext_url, reviewer);
}

static ev_status audit_decision(ev_store *s, const char *reviewer, const char *action,
                                const ev_screen_decide_item *it, const char *stage, ev_error *err)
{
    char detail[160];
    snprintf(detail, sizeof detail, "{\"record\":%lld,\"stage\":\"%s\",\"decision\":\"%s\"}",
             (long long)it->record, stage, ev_screen_decision_name(it->decision));
    return ev_store_audit(s, reviewer, action, detail, err);
}

static ev_status decide_one(ev_store *s, const ev__screen_cfg *cfg, const char *reviewer,
                            const ev_screen_decide_item *it, ev_error *err)
{
    int at = -1;
    ev_status rc = ev__screen_record_stage(s, cfg, it->record, &at, err);
    if (rc != EV_OK)
        return rc;
    int want = at;
    if ((rc = ev__screen_stage_arg(cfg, it->stage, at, &want, err)) != EV_OK)
        return rc;
    if (at < 0 || want != at)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0, "record %lld is %s",
                            (long long)it->record,
                            at < 0 ? "already settled at every stage it reached"
                                   : "not at that stage (settled there, or not yet reached)");
    const char *stage = cfg->stages[at];
    if ((rc = check_reason(s, at, it->decision, it->reason, err)) != EV_OK)
        return rc;
    int64_t others = 0;
    rc = ev__screen_int(s, &others, 0, err,
                        "SELECT count(*) FROM screen_decision WHERE record_id = ?1 AND stage = ?2"
                        " AND reviewer <> ?3 AND current = 1",
                        "itt", (int64_t)it->record, stage, reviewer);
    if (rc == EV_OK && others >= (int64_t)ev__screen_required(cfg, it->record))
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "record %lld already has its independent decisions at %s (it waits "
                            "for an adjudicator)",
                            (long long)it->record, stage);
    rc = ev__screen_exec(s, err,
                         "UPDATE screen_decision SET current = 0 WHERE record_id = ?1 AND"
                         " stage = ?2 AND reviewer = ?3 AND current = 1",
                         "itt", (int64_t)it->record, stage, reviewer);
    bool replaced = rc == EV_OK && ev_store_changes(s) > 0;
    if (rc == EV_OK)
        rc = ev__screen_exec(s, err,
                             "INSERT INTO screen_decision(record_id, stage, reviewer, decision,"
                             " reason, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             "ittitt", (int64_t)it->record, stage, reviewer, (int64_t)it->decision,
                             it->reason, it->note);
    if (rc == EV_OK)
        rc = attach_fulltext(s, it, reviewer, err);
    if (rc == EV_OK)
        rc = audit_decision(s, reviewer, replaced ? "screen.redecide" : "screen.decide", it, stage,
                            err);
    if (rc == EV_OK)
        rc = maybe_settle(s, cfg, it->record, stage, err);
    return rc;
}

ev_status ev_screen_decide(ev_store *s, const char *reviewer, const ev_screen_decide_item *items,
                           size_t n, size_t *failed_item, ev_error *err)
{
    ev__screen_cfg cfg;
    if (failed_item)
        *failed_item = 0;
    ev_status rc = ev__screen_load_reviewer(s, reviewer, &cfg, err);
    if (rc != EV_OK || (rc = ev_store_begin(s, err)) != EV_OK)
        return rc;
    for (size_t i = 0; i < n && rc == EV_OK; i++) {
        rc = decide_one(s, &cfg, reviewer, &items[i], err);
        if (rc != EV_OK && failed_item)
            *failed_item = i;
    }
    if (rc != EV_OK) {
        ev_store_rollback(s);
        return rc;
    }
    if ((rc = ev_store_commit(s, err)) == EV_OK)
        ev__screen_tally_note(s, &cfg);
    return rc;
}

/* The reviewers of a record at a stage include `who`? */
static ev_status is_reviewer_of(ev_store *s, ev_id record, const char *stage, const char *who,
                                bool *out, ev_error *err)
{
    int64_t n = 0;
    ev_status rc = ev__screen_int(s, &n, 0, err,
                                  "SELECT count(*) FROM screen_decision WHERE record_id = ?1"
                                  " AND stage = ?2 AND reviewer = ?3",
                                  "itt", (int64_t)record, stage, who);
    *out = n > 0;
    return rc;
}

static ev_status settle_checks(ev_store *s, const ev__screen_cfg *cfg, ev_id record, int at,
                               ev_screen_decision outcome, const char *reason,
                               const char *adjudicator, ev_error *err)
{
    unsigned roles = 0;
    bool own = false;
    ev_status rc = ev__screen_roles(s, adjudicator, &roles, err);
    if (rc == EV_OK && !(roles & EV__ROLE_ADJUDICATOR))
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "'%s' is not an adjudicator of this review", adjudicator);
    if (rc == EV_OK && outcome == EV_SCREEN_MAYBE)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "a record is settled as include or exclude");
    int64_t decided = 0;
    if (rc == EV_OK)
        rc = ev__screen_int(s, &decided, 0, err,
                            "SELECT count(*) FROM screen_decision WHERE record_id = ?1 AND"
                            " stage = ?2 AND current = 1",
                            "it", (int64_t)record, cfg->stages[at]);
    if (rc == EV_OK && decided == 0)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "record %lld has no decisions at stage %s to adjudicate",
                            (long long)record, cfg->stages[at]);
    if (rc == EV_OK)
        rc = is_reviewer_of(s, record, cfg->stages[at], adjudicator, &own, err);
    if (rc == EV_OK && own && !cfg->self_adjudication)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "'%s' screened record %lld and cannot adjudicate it (setup "
                            "--allow-self-adjudication allows it)",
                            adjudicator, (long long)record);
    if (rc == EV_OK)
        rc = check_reason(s, at, outcome, reason, err);
    return rc;
}

ev_status ev_screen_settle(ev_store *s, ev_id record, const char *stage, ev_screen_decision outcome,
                           const char *reason, const char *adjudicator, ev_error *err)
{
    ev__screen_cfg cfg;
    int at = -1;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_record_stage(s, &cfg, record, &at, err);
    if (rc != EV_OK)
        return rc;
    if (at < 0 || (stage && ev__screen_stage_index(&cfg, stage) != at))
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0, "record %lld is already settled%s%s",
                            (long long)record, stage ? " at " : "", stage ? stage : "");
    rc = settle_checks(s, &cfg, record, at, outcome, reason, adjudicator, err);
    if (rc != EV_OK || (rc = ev_store_begin(s, err)) != EV_OK)
        return rc;
    rc = ev__screen_exec(s, err,
                         "INSERT INTO screen_outcome(record_id, stage, outcome, method,"
                         " settled_by, reason) VALUES (?1, ?2, ?3, 'adjudication', ?4, ?5)",
                         "itit"
                         "t",
                         (int64_t)record, cfg.stages[at], (int64_t)outcome, adjudicator, reason);
    ev_screen_decide_item it = {.record = record, .decision = outcome};
    if (rc == EV_OK)
        rc = audit_decision(s, adjudicator, "screen.settle", &it, cfg.stages[at], err);
    if (rc == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return rc;
}
