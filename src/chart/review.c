/*
 * review.c - charting inside a review: the chart tables, form versions,
 * charted values per study and reviewer, verification and differences.
 * Every write is one transaction; a bad value anywhere in a batch leaves
 * the review unchanged.
 */
#include "chart_int.h"

static const char *const schema_steps[] = {
    "CREATE TABLE chart_forms(version INTEGER PRIMARY KEY, json TEXT NOT NULL, actor TEXT,"
    " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE chart_studies(id TEXT PRIMARY KEY,"
    " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE chart_links(study TEXT NOT NULL, record INTEGER NOT NULL,"
    " PRIMARY KEY(study, record));"
    "CREATE TABLE chart_charters(study TEXT NOT NULL, reviewer TEXT NOT NULL,"
    " UNIQUE(study, reviewer));"
    "CREATE TABLE chart_values(study TEXT NOT NULL, reviewer TEXT NOT NULL, path TEXT NOT NULL,"
    " value TEXT NOT NULL, form_version INTEGER NOT NULL, PRIMARY KEY(study, reviewer, path));"
    "CREATE TABLE chart_verifications(study TEXT NOT NULL, reviewer TEXT NOT NULL,"
    " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    " PRIMARY KEY(study, reviewer));",
};

ev_status ev__chart_oom(ev_error *err)
{
    return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

static ev_status load_current_form(ev_chart *c, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(
        c->store, &st, "SELECT version, json FROM chart_forms ORDER BY version DESC LIMIT 1", err);
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && row) {
        const char *js = ev_stmt_text(st, 1);
        ev_chart_form *f = NULL;
        rc = ev_chart_form_parse(&f, js, strlen(js), "stored form", err);
        if (rc == EV_OK) {
            ev_chart_form_free(c->form);
            c->form = f;
            c->form_version = (long)ev_stmt_int(st, 0);
        }
    }
    ev_stmt_free(st);
    return rc;
}

ev_status ev_chart_open(ev_chart **out, ev_store *s, const ev_chart_catalogue *cat, ev_error *err)
{
    *out = NULL;
    ev_status rc = ev_store_ensure_schema(s, "chart", schema_steps,
                                          sizeof schema_steps / sizeof *schema_steps, err);
    if (rc != EV_OK)
        return rc;
    ev_chart *c = ev_calloc(1, sizeof *c);
    if (c == NULL)
        return ev__chart_oom(err);
    c->store = s;
    c->cat = cat;
    if ((rc = load_current_form(c, err)) != EV_OK) {
        ev_chart_free(c);
        return rc;
    }
    *out = c;
    return EV_OK;
}

void ev_chart_free(ev_chart *c)
{
    if (c == NULL)
        return;
    ev_chart_form_free(c->form);
    ev_free(c);
}

const ev_chart_form *ev_chart_form_current(const ev_chart *c, long *version)
{
    if (version)
        *version = c->form_version;
    return c->form;
}

/* Run one statement with text/int parameters ("t" text, "i" int64). */
ev_status ev__chart_exec(ev_chart *c, const char *sql, const char *types, ev_error *err, ...)
{
    ev_stmt *st = NULL;
    ev_status rc = ev_stmt_prepare(c->store, &st, sql, err);
    va_list ap;
    va_start(ap, err);
    for (int i = 0; rc == EV_OK && types[i]; i++) {
        if (types[i] == 't') {
            const char *s = va_arg(ap, const char *);
            rc = ev_stmt_bind_text(st, i + 1, s, s ? strlen(s) : 0);
        } else {
            rc = ev_stmt_bind_int(st, i + 1, va_arg(ap, int64_t));
        }
    }
    va_end(ap);
    bool row;
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    else if (rc == EV_ENOMEM)
        ev__chart_oom(err);
    ev_stmt_free(st);
    return rc;
}

ev_status ev_chart_form_set(ev_chart *c, const char *json, size_t n, const char *input,
                            const char *actor, long *out_version, ev_error *err)
{
    ev_chart_form *f = NULL;
    ev_status rc = ev_chart_form_parse(&f, json, n, input, err);
    ev_chart_form_free(f);
    if (rc != EV_OK)
        return rc;
    char *text = ev_strndup(json, n);
    if (text == NULL)
        return ev__chart_oom(err);
    long v = c->form_version + 1;
    rc = ev_store_begin(c->store, err);
    if (rc == EV_OK) {
        rc = ev__chart_exec(c, "INSERT INTO chart_forms(version, json, actor) VALUES(?,?,?)", "itt",
                            err, (int64_t)v, text, actor);
        if (rc == EV_OK)
            rc = ev_store_audit(c->store, actor, "chart.form", NULL, err);
        rc = rc == EV_OK ? ev_store_commit(c->store, err) : (ev_store_rollback(c->store), rc);
    }
    ev_free(text);
    if (rc == EV_OK && (rc = load_current_form(c, err)) == EV_OK && out_version)
        *out_version = v;
    return rc;
}

ev_status ev_chart_form_text(ev_chart *c, char **out, ev_error *err)
{
    *out = NULL;
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(
        c->store, &st, "SELECT json FROM chart_forms ORDER BY version DESC LIMIT 1", err);
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && !row)
        rc = ev_error_set(
            err, EV_ENOTFOUND, NULL, 0, 0,
            "the review has no extraction form yet (evident chart REVIEW form --set FILE)");
    if (rc == EV_OK && (*out = ev_strdup(ev_stmt_text(st, 0))) == NULL)
        rc = ev__chart_oom(err);
    ev_stmt_free(st);
    return rc;
}

static bool study_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
            return false;
    return true;
}

ev_status ev__chart_need_form(ev_chart *c, long form_version, ev_error *err)
{
    if (c->form == NULL)
        return ev_error_set(
            err, EV_ENOTFOUND, NULL, 0, 0,
            "the review has no extraction form yet (evident chart REVIEW form --set FILE)");
    if (form_version != 0 && form_version != c->form_version)
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "values were charted on form version %ld but the review's form is "
                            "version %ld: re-chart them on the current form",
                            form_version, c->form_version);
    return EV_OK;
}

/* Write one already-validated value (inside the caller's transaction). */
ev_status ev__chart_put(ev_chart *c, const char *study, const char *path, const char *norm,
                        const char *reviewer, ev_error *err)
{
    if (!study_id_ok(study))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "study id '%s': use 1-64 letters, digits, '_', '-' or '.'", study);
    if (reviewer == NULL || *reviewer == '\0')
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "who is charting? (--as NAME)");
    ev_status rc =
        ev__chart_exec(c, "INSERT OR IGNORE INTO chart_studies(id) VALUES(?)", "t", err, study);
    if (rc == EV_OK)
        rc = ev__chart_exec(c, "INSERT OR IGNORE INTO chart_charters(study, reviewer) VALUES(?,?)",
                            "tt", err, study, reviewer);
    if (rc == EV_OK)
        rc = ev__chart_exec(c,
                            "INSERT OR REPLACE INTO chart_values(study, reviewer, path, value,"
                            " form_version) VALUES(?,?,?,?,?)",
                            "ttttI", err, study, reviewer, path, norm, (int64_t)c->form_version);
    return rc;
}

ev_status ev_chart_set(ev_chart *c, const char *study, const char *path, const char *value,
                       const char *reviewer, long form_version, ev_error *err)
{
    ev_status rc = ev__chart_need_form(c, form_version, err);
    char *norm = NULL;
    if (rc == EV_OK)
        rc = ev_chart_validate(&norm, c->form, c->cat, path, value, err);
    if (rc == EV_OK && (rc = ev_store_begin(c->store, err)) == EV_OK) {
        rc = ev__chart_put(c, study, path, norm, reviewer, err);
        if (rc == EV_OK)
            rc = ev_store_audit(c->store, reviewer, "chart.set", NULL, err);
        rc = rc == EV_OK ? ev_store_commit(c->store, err) : (ev_store_rollback(c->store), rc);
    }
    ev_free(norm);
    return rc;
}

ev_status ev__chart_study_exists(ev_chart *c, const char *study, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(c->store, &st, "SELECT 1 FROM chart_studies WHERE id = ?", err);
    if (rc == EV_OK && (rc = ev_stmt_bind_text(st, 1, study, strlen(study))) == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    ev_stmt_free(st);
    if (rc == EV_OK && !row)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no charted study '%s'", study);
    return rc;
}

ev_status ev_chart_link(ev_chart *c, const char *study, ev_id record, ev_error *err)
{
    ev_status rc = ev__chart_study_exists(c, study, err);
    ev_record *rec = NULL;
    if (rc == EV_OK)
        rc = ev_store_record_get(c->store, record, &rec, err);
    ev_record_free(rec);
    if (rc == EV_OK)
        rc = ev__chart_exec(c, "INSERT OR IGNORE INTO chart_links(study, record) VALUES(?,?)", "tI",
                            err, study, (int64_t)record);
    return rc;
}

ev_status ev_chart_study_count(ev_chart *c, size_t *out, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(c->store, &st, "SELECT count(*) FROM chart_studies", err);
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    *out = rc == EV_OK && row ? (size_t)ev_stmt_int(st, 0) : 0;
    ev_stmt_free(st);
    return rc;
}

static ev_status protocol_key(char *key, size_t n, const char *name, ev_error *err)
{
    if (strcmp(name, "picos") != 0 && strcmp(name, "eligibility") != 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "unknown protocol item '%s' (picos, eligibility)", name);
    snprintf(key, n, "chart.%s", name);
    return EV_OK;
}

ev_status ev_chart_protocol_set(ev_chart *c, const char *name, const char *text, const char *actor,
                                ev_error *err)
{
    char key[64];
    ev_status rc = protocol_key(key, sizeof key, name, err);
    if (rc == EV_OK && !ev_utf8_valid(text, strlen(text), NULL))
        rc = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "%s: the text is not valid UTF-8", name);
    if (rc == EV_OK && (rc = ev_store_begin(c->store, err)) == EV_OK) {
        rc = ev_store_meta_set(c->store, key, text, err);
        if (rc == EV_OK)
            rc = ev_store_audit(c->store, actor, "chart.protocol", NULL, err);
        rc = rc == EV_OK ? ev_store_commit(c->store, err) : (ev_store_rollback(c->store), rc);
    }
    return rc;
}

ev_status ev_chart_protocol_get(ev_chart *c, const char *name, char **out, ev_error *err)
{
    char key[64];
    *out = NULL;
    ev_status rc = protocol_key(key, sizeof key, name, err);
    return rc == EV_OK ? ev_store_meta_get(c->store, key, out, err) : rc;
}
