/*
 * routes_screen.c - screening and conflicts over the screen module: the next
 * record (with the criteria and highlight terms), a decision (answered with
 * the following record, so the page shows it without a second round trip),
 * a record with the decisions its viewer may see, the conflict list and
 * settling. Blinding is the screen module's rule, applied to the signed-in
 * user on the server whatever the page asks.
 */
#include "server_int.h"

#include "evident/ev_screen.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *authors_json(const ev_record *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n_authors; i++) {
        const ev_author *au = &r->authors[i];
        char name[256];
        if (au->collective)
            snprintf(name, sizeof name, "%s", au->collective);
        else
            snprintf(name, sizeof name, "%s %s", au->family ? au->family : "",
                     au->initials ? au->initials : (au->given ? au->given : ""));
        json_array_append_new(a, json_string(name));
    }
    return a;
}

static json_t *abstract_json(const ev_record *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n_abstract; i++)
        json_array_append_new(a, json_pack("{s:o,s:o}", "label", str_or_null(r->abstract[i].label),
                                           "text", str_or_null(r->abstract[i].text)));
    return a;
}

static json_t *strings_json(const char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, str_or_null(v[i]));
    return a;
}

static json_t *record_json(ev_id id, const ev_record *r)
{
    json_t *kw = json_array();
    for (size_t i = 0; kw && i < r->n_keywords; i++)
        json_array_append_new(kw, str_or_null(r->keywords[i].text));
    for (size_t i = 0; kw && i < r->n_mesh; i++)
        json_array_append_new(kw, str_or_null(r->mesh[i].name));
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:i,s:o,s:o,s:o,s:o}", "id", (json_int_t)id, "title",
                     str_or_null(r->title), "authors", authors_json(r), "journal",
                     str_or_null(r->journal ? r->journal : r->journal_abbrev), "abstract",
                     abstract_json(r), "year", r->pub_date.year, "doi", str_or_null(r->doi), "pmid",
                     str_or_null(r->pmid), "keywords", kw, "types",
                     strings_json(r->publication_types, r->n_publication_types));
}

static json_t *decisions_json(const ev_screen_decision_row *d, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:o,s:o,s:o}", "stage", d[i].stage,
                                           "reviewer", str_or_null(d[i].reviewer), "decision",
                                           ev_screen_decision_name(d[i].decision), "reason",
                                           str_or_null(d[i].reason), "note", str_or_null(d[i].note),
                                           "decided_at", str_or_null(d[i].decided_at)));
    return a;
}

/* The record with the decisions the signed-in user may see; NULL (with
 * ctx->err) on failure. */
static json_t *record_with_decisions(ev__server_ctx *ctx, ev_id id)
{
    ev_record *rec = NULL;
    ev_screen_decision_row *d = NULL;
    size_t nd = 0;
    ev_store *s = ctx->conn->store;
    if (ev_store_record_get(s, id, &rec, &ctx->err) != EV_OK)
        return NULL;
    json_t *out = NULL;
    if (ev_screen_decisions(s, id, ctx->session.user, &d, &nd, &ctx->err) == EV_OK) {
        out = record_json(id, rec);
        json_object_set_new(out, "decisions", decisions_json(d, nd));
    }
    ev_screen_decisions_free(d, nd);
    ev_record_free(rec);
    if (out == NULL && ctx->err.code == EV_OK)
        ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return out;
}

/* {"record": next record for the user at `stage`, or null}. */
static ev_status next_json(ev__server_ctx *ctx, const char *stage, json_t **out)
{
    ev_id id = 0;
    double score = 0;
    ev_status rc =
        ev_screen_next(ctx->conn->store, ctx->session.user, stage, &id, &score, &ctx->err);
    if (rc != EV_OK)
        return rc;
    json_t *rec = id ? record_with_decisions(ctx, id) : json_null();
    if (rec == NULL)
        return ctx->err.code;
    if (id && isfinite(score))
        json_object_set_new(rec, "score", json_real(score));
    *out = json_pack("{s:o}", "record", rec);
    return *out ? EV_OK : ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

static ev_status get_next(ev__server_ctx *ctx)
{
    char stage[16];
    json_t *out = NULL;
    ev_status rc = next_json(ctx, ev__server_query(ctx, "stage", stage, sizeof stage), &out);
    return rc == EV_OK ? ev__server_reply_json(ctx, 200, out) : rc;
}

/* Criteria text and the highlight terms (owner-set meta keys). */
static ev_status get_config(ev__server_ctx *ctx)
{
    ev_store *s = ctx->conn->store;
    char *criteria = NULL, *inc = NULL, *exc = NULL;
    ev_status rc = ev_screen_criteria(s, &criteria, &ctx->err);
    if (rc == EV_OK)
        rc = ev_store_meta_get(s, "server.terms.include", &inc, &ctx->err);
    if (rc == EV_OK)
        rc = ev_store_meta_get(s, "server.terms.exclude", &exc, &ctx->err);
    if (rc == EV_OK)
        rc = ev__server_reply_json(ctx, 200,
                                   json_pack("{s:o,s:o,s:o}", "criteria", str_or_null(criteria),
                                             "include_terms", str_or_null(inc), "exclude_terms",
                                             str_or_null(exc)));
    ev_free(criteria);
    ev_free(inc);
    ev_free(exc);
    return rc;
}

static ev_status post_decision(ev__server_ctx *ctx)
{
    long long rec = 0;
    ev_screen_decide_item item = {0};
    const char *dec = ev__server_body_str(ctx, "decision");
    if (!ev__server_body_int(ctx, "record", &rec) || rec <= 0 || dec == NULL ||
        !ev_screen_decision_parse(dec, &item.decision))
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0,
                            "give \"record\" (an id) and \"decision\" "
                            "(include, exclude or maybe)");
    item.record = rec;
    item.stage = ev__server_body_str(ctx, "stage");
    item.reason = ev__server_body_str(ctx, "reason");
    item.note = ev__server_body_str(ctx, "note");
    item.fulltext_url = ev__server_body_str(ctx, "fulltext_url");
    ev_status rc = ev_screen_decide(ctx->conn->store, ctx->session.user, &item, 1, NULL, &ctx->err);
    if (rc != EV_OK)
        return rc;
    json_t *out = NULL;
    if (json_is_false(json_object_get(ctx->body, "next"))) /* a client that picks its own */
        return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
    /* The decision is committed: a failure to find the next record must not
     * read as a failed decision, so it travels in the answer instead. */
    if (next_json(ctx, item.stage, &out) != EV_OK) {
        out = json_pack("{s:n,s:s}", "record", "next_error", ctx->err.message);
        ev_error_clear(&ctx->err);
    }
    json_object_set_new(out, "ok", json_true());
    return ev__server_reply_json(ctx, 200, out);
}

static ev_status get_record(ev__server_ctx *ctx)
{
    ev_id id;
    if (!ev__server_parse_id(ctx->params[0], &id))
        return ev_error_set(&ctx->err, EV_ENOTFOUND, NULL, 0, 0, "no record '%s'", ctx->params[0]);
    json_t *out = record_with_decisions(ctx, id);
    return out ? ev__server_reply_json(ctx, 200, out) : ctx->err.code;
}

static ev_status get_conflicts(ev__server_ctx *ctx)
{
    ev_screen_conflict *c = NULL;
    size_t n = 0;
    ev_status rc = ev_screen_conflicts(ctx->conn->store, ctx->session.user, &c, &n, &ctx->err);
    if (rc != EV_OK)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:I,s:s,s:o,s:o}", "record", (json_int_t)c[i].record,
                                           "stage", c[i].stage, "title", str_or_null(c[i].title),
                                           "reviewers", str_or_null(c[i].reviewers)));
    ev_screen_conflicts_free(c, n);
    return ev__server_reply_json(ctx, 200, json_pack("{s:o}", "conflicts", a));
}

static ev_status post_settle(ev__server_ctx *ctx)
{
    ev_id id;
    ev_screen_decision d;
    const char *dec = ev__server_body_str(ctx, "decision");
    if (!ev__server_parse_id(ctx->params[0], &id))
        return ev_error_set(&ctx->err, EV_ENOTFOUND, NULL, 0, 0, "no record '%s'", ctx->params[0]);
    if (dec == NULL || !ev_screen_decision_parse(dec, &d) || d == EV_SCREEN_MAYBE)
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0,
                            "give \"decision\": include or exclude");
    ev_status rc =
        ev_screen_settle(ctx->conn->store, id, ev__server_body_str(ctx, "stage"), d,
                         ev__server_body_str(ctx, "reason"), ctx->session.user, &ctx->err);
    if (rc != EV_OK)
        return rc;
    return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
}

/* Owner: the include/exclude terms the screening page highlights. */
static ev_status post_terms(ev__server_ctx *ctx)
{
    ev_store *s = ctx->conn->store;
    ev_status rc = ev_store_begin(s, &ctx->err);
    if (rc == EV_OK)
        rc = ev_store_meta_set(s, "server.terms.include", ev__server_body_str(ctx, "include_terms"),
                               &ctx->err);
    if (rc == EV_OK)
        rc = ev_store_meta_set(s, "server.terms.exclude", ev__server_body_str(ctx, "exclude_terms"),
                               &ctx->err);
    if (rc == EV_OK)
        rc = ev_store_audit(s, ctx->session.user, "server.terms", NULL, &ctx->err);
    if (rc != EV_OK) {
        ev_store_rollback(s);
        return rc;
    }
    if ((rc = ev_store_commit(s, &ctx->err)) != EV_OK)
        return rc;
    return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
}

#define SCREENERS (EV_ROLE_REVIEWER | EV_ROLE_ADJUDICATOR | EV_ROLE_OWNER)
#define JUDGES (EV_ROLE_ADJUDICATOR | EV_ROLE_OWNER)

const ev__server_route ev__server_routes_screen[] = {
    {"GET", "/api/screen/next", SCREENERS, get_next},
    {"GET", "/api/screen/config", EV__ROLES_ANY, get_config},
    {"POST", "/api/screen/config", EV_ROLE_OWNER, post_terms},
    {"POST", "/api/screen/decisions", SCREENERS, post_decision},
    {"GET", "/api/records/:id", EV__ROLES_ANY, get_record},
    {"GET", "/api/conflicts", JUDGES, get_conflicts},
    {"POST", "/api/conflicts/:id/settle", JUDGES, post_settle},
    {NULL, NULL, 0, NULL},
};
