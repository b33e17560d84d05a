/*
 * view.c - what a person may see: decisions (blinded until a record is
 * settled), conflicts (adjudicators and owners only) and agreement per pair
 * of reviewers and stage.
 */
#include "screen_int.h"

#include <string.h>

void ev_screen_decisions_free(ev_screen_decision_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        ev_free(rows[i].reviewer);
        ev_free(rows[i].reason);
        ev_free(rows[i].note);
        ev_free(rows[i].decided_at);
    }
    ev_free(rows);
}

static ev_status push_decision(ev_stmt *st, ev_screen_decision_row **rows, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ev_screen_decision_row *v = ev_reallocarray(*rows, ncap, sizeof *v);
        if (!v)
            return EV_ENOMEM;
        *rows = v;
        *cap = ncap;
    }
    ev_screen_decision_row *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    r->record = ev_stmt_int(st, 0);
    snprintf(r->stage, sizeof r->stage, "%s", ev_stmt_text(st, 1));
    r->reviewer = ev_strdup(ev_stmt_text(st, 2));
    r->decision = (ev_screen_decision)ev_stmt_int(st, 3);
    r->reason = ev_strdup(ev_stmt_text(st, 4));
    r->note = ev_strdup(ev_stmt_text(st, 5));
    r->decided_at = ev_strdup(ev_stmt_text(st, 6));
    return r->reviewer && r->decided_at ? EV_OK : EV_ENOMEM;
}

/* Blinding lives in the query: another reviewer's decision is returned
 * only when the record is settled at that stage, or the viewer adjudicates
 * and the record is a complete conflict there (someone who is both a
 * reviewer and an adjudicator sees nothing earlier than that). */
ev_status ev_screen_decisions(ev_store *s, ev_id record, const char *viewer,
                              ev_screen_decision_row **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    unsigned roles = 0;
    ev__screen_cfg cfg;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_roles(s, viewer, &roles, err);
    int64_t adj = (roles & (EV__ROLE_ADJUDICATOR | EV__ROLE_OWNER)) ? 1 : 0;
    ev_stmt *st = NULL;
    if (rc == EV_OK)
        rc = ev__screen_prepare(
            s, &st, err,
            "SELECT d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note, d.decided_at"
            " FROM screen_decision d WHERE d.record_id = ?1 AND d.current = 1 AND"
            " (d.reviewer = ?2 OR EXISTS (SELECT 1 FROM screen_outcome o WHERE"
            " o.record_id = d.record_id AND o.stage = d.stage) OR (?3 AND"
            " (SELECT count(*) >= ?4 AND (min(e.decision) <> max(e.decision) OR"
            " max(e.decision) = 2) FROM screen_decision e WHERE e.record_id = d.record_id"
            " AND e.stage = d.stage AND e.current = 1)))"
            " ORDER BY d.stage, d.id",
            "itii", (int64_t)record, viewer, adj, (int64_t)ev__screen_required(&cfg, record));
    bool row = true;
    size_t cap = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        if (push_decision(st, out, n, &cap) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_screen_decisions_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

ev_status ev_screen_fulltext(ev_store *s, ev_id record, char **path, char **sha256, char **url,
                             ev_error *err)
{
    *path = *sha256 = *url = NULL;
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev__screen_schema(s, err);
    if (rc == EV_OK)
        rc = ev__screen_prepare(
            s, &st, err, "SELECT path, sha256, url FROM screen_fulltext WHERE record_id = ?1", "i",
            (int64_t)record);
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && !row)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no full text attached to record %lld",
                          (long long)record);
    if (rc == EV_OK) {
        const char *v[3] = {ev_stmt_text(st, 0), ev_stmt_text(st, 1), ev_stmt_text(st, 2)};
        *path = ev_strdup(v[0]);
        *sha256 = ev_strdup(v[1]);
        *url = ev_strdup(v[2]);
        if ((v[0] && !*path) || (v[1] && !*sha256) || (v[2] && !*url))
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_free(*path), ev_free(*sha256), ev_free(*url);
        *path = *sha256 = *url = NULL;
    }
    return rc;
}

void ev_screen_conflicts_free(ev_screen_conflict *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        ev_free(c[i].title);
        ev_free(c[i].reviewers);
    }
    ev_free(c);
}

static ev_status push_conflict(ev_stmt *st, ev_screen_conflict **v, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        ev_screen_conflict *nv = ev_reallocarray(*v, ncap, sizeof *nv);
        if (!nv)
            return EV_ENOMEM;
        *v = nv;
        *cap = ncap;
    }
    ev_screen_conflict *c = &(*v)[(*n)++];
    memset(c, 0, sizeof *c);
    c->record = ev_stmt_int(st, 0);
    snprintf(c->stage, sizeof c->stage, "%s", ev_stmt_text(st, 1));
    const char *t = ev_stmt_text(st, 5);
    c->title = ev_strdup(t ? t : "");
    c->reviewers = ev_strdup(ev_stmt_text(st, 2));
    return c->title && c->reviewers ? EV_OK : EV_ENOMEM;
}

ev_status ev_screen_conflicts(ev_store *s, const char *viewer, ev_screen_conflict **out, size_t *n,
                              ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev__screen_cfg cfg;
    unsigned roles = 0;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_roles(s, viewer, &roles, err);
    if (rc == EV_OK && !(roles & (EV__ROLE_ADJUDICATOR | EV__ROLE_OWNER)))
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "'%s' may not see other reviewers' decisions (adjudicators and the "
                            "owner list conflicts)",
                            viewer ? viewer : "");
    ev_stmt *st = NULL;
    if (rc == EV_OK)
        rc = ev__screen_prepare(
            s, &st, err,
            "SELECT d.record_id, d.stage, group_concat(d.reviewer || '=' || CASE d.decision"
            " WHEN 0 THEN 'exclude' WHEN 1 THEN 'include' ELSE 'maybe' END, '; '), count(*),"
            " min(d.decision) <> max(d.decision) OR max(d.decision) = 2, r.title"
            " FROM screen_decision d JOIN records r ON r.id = d.record_id"
            " WHERE d.current = 1 AND NOT EXISTS (SELECT 1 FROM screen_outcome o WHERE"
            " o.record_id = d.record_id AND o.stage = d.stage)"
            " GROUP BY d.record_id, d.stage ORDER BY d.record_id",
            "");
    bool row = true;
    size_t cap = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_id rec = ev_stmt_int(st, 0);
        bool complete = ev_stmt_int(st, 3) >= (int64_t)ev__screen_required(&cfg, rec);
        if (complete && ev_stmt_int(st, 4) && push_conflict(st, out, n, &cap) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_screen_conflicts_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- agreement per pair of reviewers ------------------------------------ */

static ev_status pair_slot(ev_screen_pair_agreement **v, size_t *n, size_t *cap, const char *stage,
                           const char *a, const char *b, ev_screen_pair_agreement **out)
{
    if (*n && strcmp((*v)[*n - 1].stage, stage) == 0 && strcmp((*v)[*n - 1].reviewer_a, a) == 0 &&
        strcmp((*v)[*n - 1].reviewer_b, b) == 0) {
        *out = &(*v)[*n - 1];
        return EV_OK;
    }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ev_screen_pair_agreement *nv = ev_reallocarray(*v, ncap, sizeof *nv);
        if (!nv)
            return EV_ENOMEM;
        *v = nv;
        *cap = ncap;
    }
    *out = &(*v)[(*n)++];
    memset(*out, 0, sizeof **out);
    snprintf((*out)->stage, sizeof(*out)->stage, "%s", stage);
    snprintf((*out)->reviewer_a, sizeof(*out)->reviewer_a, "%s", a);
    snprintf((*out)->reviewer_b, sizeof(*out)->reviewer_b, "%s", b);
    return EV_OK;
}

/* Kappa over the categories either reviewer used (at least two), so an
 * unused "maybe" does not change PABAK's k. */
static void pair_kappa(ev_screen_pair_agreement *p)
{
    size_t used[3], k = 0;
    for (size_t c = 0; c < 3; c++) {
        uint64_t m = 0;
        for (size_t j = 0; j < 3; j++)
            m += p->table[c * 3 + j] + p->table[j * 3 + c];
        if (m || c < 2)
            used[k++] = c;
    }
    uint64_t t[9] = {0};
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            t[i * k + j] = p->table[used[i] * 3 + used[j]];
    if (ev_screen_kappa(&p->agreement, t, k, NULL) != EV_OK)
        memset(&p->agreement, 0, sizeof p->agreement);
}

ev_status ev_screen_agreement_list(ev_store *s, ev_screen_pair_agreement **out, size_t *n,
                                   ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_schema(s, err);
    if (rc == EV_OK)
        rc = ev__screen_prepare(
            s, &st, err,
            "SELECT a.stage, a.reviewer, b.reviewer, a.decision, b.decision FROM screen_decision a"
            " JOIN screen_decision b ON a.record_id = b.record_id AND a.stage = b.stage AND"
            " a.reviewer < b.reviewer WHERE a.current = 1 AND b.current = 1"
            " ORDER BY (SELECT position FROM screen_stage WHERE name = a.stage), a.reviewer,"
            " b.reviewer",
            "");
    bool row = true;
    size_t cap = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_screen_pair_agreement *p = NULL;
        if (pair_slot(out, n, &cap, ev_stmt_text(st, 0), ev_stmt_text(st, 1), ev_stmt_text(st, 2),
                      &p) != EV_OK) {
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        int64_t da = ev_stmt_int(st, 3), db = ev_stmt_int(st, 4);
        if (da >= 0 && da < 3 && db >= 0 && db < 3)
            p->table[da * 3 + db]++;
    }
    ev_stmt_free(st);
    for (size_t i = 0; rc == EV_OK && i < *n; i++)
        pair_kappa(&(*out)[i]);
    if (rc != EV_OK) {
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
