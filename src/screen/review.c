/*
 * review.c - the screening setup of a review: the module's tables, stages,
 * exclusion reasons, eligibility criteria, people and their roles, and the
 * rule for how many independent decisions a record needs.
 */
#include "screen_int.h"

#include <math.h>
#include <string.h>

#define NOW "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"

static const char *const schema_steps[] = {
    /* 1: everything screening keeps */
    "CREATE TABLE screen_stage(name TEXT PRIMARY KEY, position INTEGER NOT NULL);"
    "CREATE TABLE screen_reason(name TEXT PRIMARY KEY, position INTEGER NOT NULL);"
    "CREATE TABLE screen_person(name TEXT PRIMARY KEY, roles INTEGER NOT NULL);"
    "CREATE TABLE screen_decision(id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL,"
    " stage TEXT NOT NULL, reviewer TEXT NOT NULL, decision INTEGER NOT NULL, reason TEXT,"
    " note TEXT, decided_at TEXT NOT NULL DEFAULT " NOW ", current INTEGER NOT NULL DEFAULT 1);"
    "CREATE UNIQUE INDEX screen_decision_current ON screen_decision(record_id, stage, reviewer)"
    " WHERE current = 1;"
    "CREATE TABLE screen_outcome(record_id INTEGER NOT NULL, stage TEXT NOT NULL,"
    " outcome INTEGER NOT NULL, method TEXT NOT NULL, settled_by TEXT, reason TEXT,"
    " settled_at TEXT NOT NULL DEFAULT " NOW ", stop_id INTEGER,"
    " PRIMARY KEY(record_id, stage));"
    "CREATE TABLE screen_fulltext(record_id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT,"
    " url TEXT, added_by TEXT, added_at TEXT NOT NULL DEFAULT " NOW ");"
    "CREATE TABLE screen_stop(id INTEGER PRIMARY KEY, stage TEXT NOT NULL, rule TEXT NOT NULL,"
    " params TEXT NOT NULL, p REAL, recall_estimate REAL, screened INTEGER, found INTEGER,"
    " total INTEGER, excluded INTEGER, applied_by TEXT, applied_at TEXT NOT NULL DEFAULT " NOW ");",
};

ev_status ev__screen_schema(ev_store *s, ev_error *err)
{
    return ev_store_ensure_schema(s, "screen", schema_steps,
                                  sizeof schema_steps / sizeof schema_steps[0], err);
}

static ev_status meta_double(ev_store *s, const char *key, double dflt, double *out, ev_error *err)
{
    char *v = NULL;
    ev_status rc = ev_store_meta_get(s, key, &v, err);
    *out = dflt;
    if (rc == EV_OK && v && !ev_parse_double(v, out))
        *out = dflt;
    ev_free(v);
    return rc;
}

static ev_status load_stages(ev_store *s, ev__screen_cfg *cfg, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc =
        ev__screen_prepare(s, &st, err, "SELECT name FROM screen_stage ORDER BY position", "");
    bool row = true;
    cfg->n_stages = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row &&
           cfg->n_stages < EV__SCREEN_MAX_STAGES)
        snprintf(cfg->stages[cfg->n_stages++], sizeof cfg->stages[0], "%s", ev_stmt_text(st, 0));
    ev_stmt_free(st);
    return rc;
}

ev_status ev__screen_load(ev_store *s, ev__screen_cfg *cfg, ev_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    double rule = 0, self = 0, model = 0;
    /* no setup yet: say so without creating tables (read-only opens) */
    ev_status rc = meta_double(s, "screen.rule", 0, &rule, err);
    if (rc == EV_OK && rule == 0)
        return ev_error_set(err, EV_EUSAGE, ev_store_path(s), 0, 0,
                            "the review has no screening setup (run 'evident screen REVIEW "
                            "setup' first)");
    if (rc == EV_OK)
        rc = ev__screen_schema(s, err);
    if (rc == EV_OK)
        rc = load_stages(s, cfg, err);
    if (rc == EV_OK)
        rc = meta_double(s, "screen.dual_fraction", 0, &cfg->dual_fraction, err);
    if (rc == EV_OK)
        rc = meta_double(s, "screen.random_fraction", 0.05, &cfg->random_fraction, err);
    if (rc == EV_OK)
        rc = meta_double(s, "screen.self_adjudication", 0, &self, err);
    if (rc == EV_OK)
        rc = meta_double(s, "screen.model", 0, &model, err);
    if (rc != EV_OK)
        return rc;
    cfg->rule = (int)rule;
    cfg->self_adjudication = self != 0;
    cfg->model = model == 1 ? EV_SCREEN_MODEL_LR : EV_SCREEN_MODEL_NB;
    if (cfg->n_stages == 0 || cfg->rule < 1 || cfg->rule > 3)
        return ev_error_set(err, EV_EUSAGE, ev_store_path(s), 0, 0,
                            "the review has no screening setup (run 'evident screen REVIEW "
                            "setup' first)");
    return EV_OK;
}

int ev__screen_stage_index(const ev__screen_cfg *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->n_stages; i++)
        if (strcmp(cfg->stages[i], name) == 0)
            return (int)i;
    return -1;
}

ev_status ev__screen_stage_arg(const ev__screen_cfg *cfg, const char *name, int dflt, int *out,
                               ev_error *err)
{
    *out = name ? ev__screen_stage_index(cfg, name) : dflt;
    if (name && *out < 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "no stage '%s' in this review", name);
    return EV_OK;
}

unsigned ev__screen_required(const ev__screen_cfg *cfg, ev_id record)
{
    if (cfg->rule == 1)
        return 1;
    if (cfg->rule == 2)
        return 2;
    /* rule 3: a fixed pseudo-random share of records, the same on every
     * call (a hash of the id, not a draw) */
    double u = (double)(ev_mix64((uint64_t)record) >> 11) * 0x1.0p-53;
    return u < cfg->dual_fraction ? 2 : 1;
}

ev_status ev__screen_roles(ev_store *s, const char *name, unsigned *out, ev_error *err)
{
    int64_t v = 0;
    ev_status rc =
        ev__screen_int(s, &v, 0, err, "SELECT roles FROM screen_person WHERE name = ?1", "t", name);
    *out = (unsigned)v;
    return rc;
}

ev_status ev__screen_load_reviewer(ev_store *s, const char *reviewer, ev__screen_cfg *cfg,
                                   ev_error *err)
{
    unsigned roles = 0;
    ev_status rc = ev__screen_load(s, cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_roles(s, reviewer, &roles, err);
    if (rc == EV_OK && !(roles & EV__ROLE_REVIEWER))
        rc = ev_error_set(err, EV_EREFUSED, NULL, 0, 0, "'%s' is not a reviewer of this review",
                          reviewer ? reviewer : "");
    return rc;
}

/* Call fn on each item of a comma-separated list (trimmed, empty skipped). */
typedef ev_status (*item_fn)(ev_store *s, const char *item, size_t pos, void *payload,
                             ev_error *err);

static ev_status each_item(ev_store *s, const char *list, item_fn fn, void *payload, ev_error *err)
{
    char item[256];
    size_t pos = 0;
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n >= sizeof item)
            return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "list item too long: '%.40s...'", p);
        if (n) {
            memcpy(item, p, n);
            item[n] = '\0';
            ev_status rc = fn(s, item, pos++, payload, err);
            if (rc != EV_OK)
                return rc;
        }
        p = e ? e + 1 : p + n;
        if (!e)
            break;
    }
    return EV_OK;
}

static ev_status add_stage(ev_store *s, const char *item, size_t pos, void *payload, ev_error *err)
{
    (void)payload;
    if (strlen(item) >= 8 || strchr(item, ' '))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "stage name '%s' must be one short word (under 8 bytes)", item);
    if (pos >= EV__SCREEN_MAX_STAGES)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "at most %d stages", EV__SCREEN_MAX_STAGES);
    return ev__screen_exec(s, err, "INSERT INTO screen_stage(name, position) VALUES (?1, ?2)", "ti",
                           item, (int64_t)pos);
}

static ev_status add_reason(ev_store *s, const char *item, size_t pos, void *payload, ev_error *err)
{
    (void)payload;
    return ev__screen_exec(s, err, "INSERT OR REPLACE INTO screen_reason VALUES (?1, ?2)", "ti",
                           item, (int64_t)pos);
}

static ev_status add_person(ev_store *s, const char *item, size_t pos, void *payload, ev_error *err)
{
    (void)pos;
    int64_t role = *(const unsigned *)payload;
    return ev__screen_exec(s, err,
                           "INSERT INTO screen_person(name, roles) VALUES (?1, ?2)"
                           " ON CONFLICT(name) DO UPDATE SET roles = roles | ?2",
                           "ti", item, role);
}

static ev_status check_setup(const ev_screen_setup_info *in, ev_error *err)
{
    if (in->rule < 0 || in->rule > 3)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "rule is 1, 2 or 3, not %d", in->rule);
    if (in->dual_fraction > 1 || in->random_fraction > 1)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "fractions must be in [0, 1]");
    if (in->model && strcmp(in->model, "nb") != 0 && strcmp(in->model, "lr") != 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "model is 'nb' or 'lr', not '%s'",
                            in->model);
    return EV_OK;
}

static ev_status set_num(ev_store *s, const char *key, double v, ev_error *err)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    return ev_store_meta_set(s, key, buf, err);
}

static ev_status apply_numbers(ev_store *s, const ev_screen_setup_info *in, ev_error *err)
{
    ev_status rc = EV_OK;
    char *have = NULL;
    if (in->rule > 0)
        rc = set_num(s, "screen.rule", in->rule, err);
    else if ((rc = ev_store_meta_get(s, "screen.rule", &have, err)) == EV_OK && !have)
        rc = set_num(s, "screen.rule", 2, err); /* dual review is the default */
    ev_free(have);
    if (rc == EV_OK && in->dual_fraction >= 0)
        rc = set_num(s, "screen.dual_fraction", in->dual_fraction, err);
    if (rc == EV_OK && in->random_fraction >= 0)
        rc = set_num(s, "screen.random_fraction", in->random_fraction, err);
    if (rc == EV_OK && in->allow_self_adjudication >= 0)
        rc = set_num(s, "screen.self_adjudication", in->allow_self_adjudication, err);
    if (rc == EV_OK && in->model)
        rc = set_num(s, "screen.model", strcmp(in->model, "lr") == 0 ? 1 : 0, err);
    if (rc == EV_OK && in->criteria)
        rc = ev_store_meta_set(s, "screen.criteria", in->criteria, err);
    return rc;
}

static ev_status apply_lists(ev_store *s, const ev_screen_setup_info *in, ev_error *err)
{
    ev_status rc = EV_OK;
    int64_t decided = 0;
    const char *stages = in->stages;
    if (!stages) {
        int64_t have = 0;
        rc = ev__screen_int(s, &have, 0, err, "SELECT count(*) FROM screen_stage", "");
        stages = have ? NULL : "ta,ft";
    }
    if (rc == EV_OK && stages) {
        rc = ev__screen_int(s, &decided, 0, err, "SELECT count(*) FROM screen_decision", "");
        if (rc == EV_OK && decided > 0)
            return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                                "stages cannot change once decisions are recorded");
        if (rc == EV_OK)
            rc = ev__screen_exec(s, err, "DELETE FROM screen_stage", "");
        if (rc == EV_OK)
            rc = each_item(s, stages, add_stage, NULL, err);
    }
    if (rc == EV_OK && in->reasons)
        rc = each_item(s, in->reasons, add_reason, NULL, err);
    unsigned r = EV__ROLE_REVIEWER, a = EV__ROLE_ADJUDICATOR, o = EV__ROLE_OWNER;
    if (rc == EV_OK && in->reviewers)
        rc = each_item(s, in->reviewers, add_person, &r, err);
    if (rc == EV_OK && in->adjudicators)
        rc = each_item(s, in->adjudicators, add_person, &a, err);
    if (rc == EV_OK && in->owner)
        rc = each_item(s, in->owner, add_person, &o, err);
    return rc;
}

ev_status ev_screen_setup(ev_store *s, const ev_screen_setup_info *info, const char *actor,
                          ev_error *err)
{
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    if (info)
        in = *info;
    ev_status rc = check_setup(&in, err);
    if (rc == EV_OK)
        rc = ev__screen_schema(s, err);
    if (rc != EV_OK || (rc = ev_store_begin(s, err)) != EV_OK)
        return rc;
    rc = apply_lists(s, &in, err);
    if (rc == EV_OK)
        rc = apply_numbers(s, &in, err);
    if (rc == EV_OK)
        rc = ev_store_audit(s, actor ? actor : "evident", "screen.setup", NULL, err);
    if (rc == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return rc;
}

ev_status ev_screen_criteria(ev_store *s, char **out, ev_error *err)
{
    return ev_store_meta_get(s, "screen.criteria", out, err);
}

ev_status ev_screen_reasons(ev_store *s, char **out, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    *out = NULL;
    ev_status rc =
        ev__screen_prepare(s, &st, err, "SELECT name FROM screen_reason ORDER BY position", "");
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        if (ev_buf_printf(&b, "%s%s", b.len ? "," : "", ev_stmt_text(st, 0)) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_stmt_free(st);
    if (rc == EV_OK && b.len && !(*out = ev_buf_detach(&b)))
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_buf_release(&b);
    return rc;
}
