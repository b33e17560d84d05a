/* test_server_api.c - the server's router without sockets, on a real review
 * (the revtools PubMed export in examples/sample-exports, 104 records) with
 * the bundled default form: static assets only from the embedded table,
 * sign-in and throttling, sessions (expired ones refused), CSRF, roles, the
 * JSON error table (malformed and oversized bodies, unknown routes), blinding
 * of other reviewers' decisions until settlement, conflicts and settling,
 * and charting against the form's rules and version. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_chart.h"
#include "evident/ev_screen.h"
#include "evident/ev_server.h"

#include <jansson.h>
#include <unistd.h>

#define SRC EV_SOURCE_DIR

typedef struct fixture {
    char dir[64], path[96];
    ev_server *srv;
} fixture;

typedef struct client {
    char cookie[128];
    char csrf[80];
} client;

static fixture fx;

static void add_user(ev_store *s, const char *name, ev_server_role role)
{
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_server_user_add(s, name, role, "password1", "test", &err), EV_OK);
}

static void set_form(ev_store *s)
{
    ev_chart *c = NULL;
    ev_error err = EV_ERROR_INIT;
    FILE *f = fopen(SRC "/data/forms/default.json", "rb");
    assert_non_null(f);
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(ev_chart_open(&c, s, NULL, &err), EV_OK);
    assert_int_equal(ev_chart_form_set(c, buf, n, "default.json", "test", NULL, &err), EV_OK);
    ev_chart_free(c);
}

static int setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/ev_server_test_XXXXXX");
    assert_non_null(mkdtemp(fx.dir));
    snprintf(fx.path, sizeof fx.path, "%s/r.evident", fx.dir);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, fx.path, "t", &err), EV_OK);
    assert_int_equal(ev_store_import_file(s,
                                          SRC "/examples/sample-exports/"
                                              "revtools__restoration_pubmed.nbib",
                                          NULL, NULL, NULL, NULL, NULL, NULL, &err),
                     EV_OK);
    add_user(s, "alice", EV_ROLE_REVIEWER);
    add_user(s, "bob", EV_ROLE_REVIEWER);
    add_user(s, "carol", EV_ROLE_ADJUDICATOR);
    add_user(s, "olga", EV_ROLE_OWNER);
    add_user(s, "dave", EV_ROLE_REVIEWER);
    set_form(s);
    ev_store_free(s);
    ev_server_options opt = EV_SERVER_OPTIONS_INIT;
    opt.review = fx.path;
    opt.threads = 2;
    opt.max_body = 4096;
    assert_int_equal(ev_server_new(&fx.srv, &opt, &err), EV_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ev_server_free(fx.srv);
    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", fx.path, sfx[i]);
        unlink(p);
    }
    rmdir(fx.dir);
    return 0;
}

/* Send a request as `c` (may be NULL); returns the parsed JSON body (or
 * NULL for non-JSON) and the status in *status. */
static json_t *call(client *c, const char *method, const char *path, const char *body,
                    unsigned *status)
{
    ev_server_request req = {.method = method, .path = path, .client = "10.0.0.1"};
    char *q = strchr(path, '?');
    char pbuf[256];
    if (q) {
        snprintf(pbuf, sizeof pbuf, "%.*s", (int)(q - path), path);
        req.path = pbuf;
        req.query = q + 1;
    }
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.content_type = "application/json";
    if (c) {
        req.cookie = c->cookie;
        req.csrf = c->csrf;
    }
    ev_server_response resp;
    ev_server_response_init(&resp);
    assert_int_equal(ev_server_handle(fx.srv, &req, &resp), EV_OK);
    *status = resp.status;
    if (c && strncmp(resp.set_cookie, "ev_session=", 11) == 0)
        snprintf(c->cookie, sizeof c->cookie, "%.*s", (int)strcspn(resp.set_cookie, ";"),
                 resp.set_cookie);
    json_t *v = NULL;
    if (strcmp(resp.content_type, "application/json") == 0)
        v = json_loads(ev_buf_cstr(&resp.body), 0, NULL);
    ev_server_response_release(&resp);
    return v;
}

static const char *error_code(json_t *v)
{
    return json_string_value(json_object_get(json_object_get(v, "error"), "code"));
}

static void login(client *c, const char *user)
{
    memset(c, 0, sizeof *c);
    char body[128];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"password1\"}", user);
    unsigned st;
    json_t *v = call(c, "POST", "/api/login", body, &st);
    assert_int_equal(st, 200);
    snprintf(c->csrf, sizeof c->csrf, "%s", json_string_value(json_object_get(v, "csrf")));
    assert_int_equal(strlen(c->csrf), 64);
    json_decref(v);
}

/* POST and return the status, dropping the body. */
static unsigned post(client *c, const char *path, const char *body)
{
    unsigned st;
    json_decref(call(c, "POST", path, body, &st));
    return st;
}

static void static_assets_only_from_the_embedded_table(void **state)
{
    (void)state;
    ev_server_request req = {.method = "GET", .path = "/"};
    ev_server_response resp;
    ev_server_response_init(&resp);
    assert_int_equal(ev_server_handle(fx.srv, &req, &resp), EV_OK);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(ev_buf_cstr(&resp.body), "<script src=\"/app.js\""));
    const char *bad[] = {
        "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd", "//app.js", "/web/app.js",
        "/app.js/",          "/index.html/../../x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        req.path = bad[i];
        assert_int_equal(ev_server_handle(fx.srv, &req, &resp), EV_OK);
        assert_int_equal(resp.status, 404);
        assert_null(strstr(ev_buf_cstr(&resp.body), "root:"));
    }
    req.path = "/app.js";
    assert_int_equal(ev_server_handle(fx.srv, &req, &resp), EV_OK);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/javascript; charset=utf-8");
    ev_server_response_release(&resp);
}

static void unknown_routes_and_methods_get_json_errors(void **state)
{
    (void)state;
    unsigned st;
    json_t *v = call(NULL, "GET", "/api/nothing", NULL, &st);
    assert_int_equal(st, 404);
    assert_string_equal(error_code(v), "not_found");
    json_decref(v);
    v = call(NULL, "DELETE", "/api/login", NULL, &st);
    assert_int_equal(st, 405);
    json_decref(v);
}

static void sign_in_needs_the_right_password_and_is_throttled(void **state)
{
    (void)state;
    client c = {0};
    assert_int_equal(post(&c, "/api/login", "{\"user\":\"mallory\",\"password\":\"guess0000\"}"),
                     401);
    assert_int_equal(post(&c, "/api/login", "{\"user\":\"dave\",\"password\":\"wrong-one\"}"), 401);
    unsigned st;
    json_t *v = call(&c, "GET", "/api/dashboard", NULL, &st);
    assert_int_equal(st, 401);
    assert_string_equal(error_code(v), "unauthorized");
    json_decref(v);
    /* dave: 1 failure so far; 3 more, then the backoff refuses even the
     * right password */
    for (int i = 0; i < 3; i++)
        assert_int_equal(post(&c, "/api/login", "{\"user\":\"dave\",\"password\":\"nope-nope\"}"),
                         401);
    v = call(&c, "POST", "/api/login", "{\"user\":\"dave\",\"password\":\"password1\"}", &st);
    assert_int_equal(st, 429);
    assert_string_equal(error_code(v), "too_many_attempts");
    json_decref(v);
}

static void bad_bodies_are_refused_and_change_nothing(void **state)
{
    (void)state;
    client c;
    login(&c, "bob");
    unsigned st;
    json_t *v = call(&c, "POST", "/api/screen/decisions", "{\"record\": 1, \"decision\":", &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_code(v), "bad_request");
    assert_non_null(strstr(
        json_string_value(json_object_get(json_object_get(v, "error"), "message")), "body:1:"));
    json_decref(v);
    assert_int_equal(post(&c, "/api/screen/decisions", "[1,2]"), 400);
    assert_int_equal(post(&c, "/api/screen/decisions", "{\"record\":1,\"decision\":\"yes\"}"), 400);
    char big[5000];
    memset(big, ' ', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = '{', big[sizeof big - 2] = '}';
    assert_int_equal(post(&c, "/api/screen/decisions", big), 413);
    /* nothing was decided: bob's first record is still undecided by him */
    v = call(&c, "GET", "/api/screen/next", NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(v, "record"), "decisions")),
                     0);
    json_decref(v);
}

static void state_changes_need_the_csrf_token(void **state)
{
    (void)state;
    client c;
    login(&c, "bob");
    client forged = c;
    forged.csrf[0] = '\0';
    unsigned st;
    json_t *v = call(&forged, "POST", "/api/screen/decisions",
                     "{\"record\":5,\"decision\":\"include\"}", &st);
    assert_int_equal(st, 403);
    assert_string_equal(error_code(v), "csrf");
    json_decref(v);
    forged.csrf[0] = c.csrf[0] == 'a' ? 'b' : 'a';
    assert_int_equal(
        post(&forged, "/api/screen/decisions", "{\"record\":5,\"decision\":\"include\"}"), 403);
    v = call(&c, "GET", "/api/records/5", NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(v, "decisions")), 0);
    json_decref(v);
}

/* The decisions on record `id` as `c` sees them, as "reviewer=decision;". */
static void seen(client *c, int id, char *out, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/api/records/%d", id);
    unsigned st;
    json_t *v = call(c, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    out[0] = '\0';
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(v, "decisions"), i, d)
    {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s=%s;", json_string_value(json_object_get(d, "reviewer")),
                 json_string_value(json_object_get(d, "decision")));
    }
    json_decref(v);
}

/* Rows of the dashboard's progress per reviewer naming `who` (all: NULL). */
static size_t reviewer_rows(json_t *dash, const char *who)
{
    json_t *rv = json_object_get(dash, "reviewers"), *r;
    size_t i, n = 0;
    json_array_foreach(rv, i, r)
    {
        n += !who || strcmp(json_string_value(json_object_get(r, "reviewer")), who) == 0;
    }
    return n;
}

static void blinding_holds_until_an_adjudicator_settles(void **state)
{
    (void)state;
    client a, b, j, o;
    login(&a, "alice");
    login(&b, "bob");
    login(&j, "carol");
    login(&o, "olga");
    char s[256];
    assert_int_equal(post(&a, "/api/screen/decisions", "{\"record\":7,\"decision\":\"include\"}"),
                     200);
    seen(&b, 7, s, sizeof s);
    assert_string_equal(s, ""); /* bob cannot see alice's decision */
    assert_int_equal(post(&b, "/api/screen/decisions", "{\"record\":7,\"decision\":\"exclude\"}"),
                     200);
    seen(&b, 7, s, sizeof s);
    assert_string_equal(s, "bob=exclude;"); /* still blind: in conflict */
    unsigned st;
    json_t *v = call(&b, "GET", "/api/conflicts", NULL, &st);
    assert_int_equal(st, 403); /* reviewers do not list conflicts */
    json_decref(v);
    v = call(&j, "GET", "/api/conflicts", NULL, &st);
    assert_int_equal(st, 200);
    json_t *first = json_array_get(json_object_get(v, "conflicts"), 0);
    assert_int_equal(json_integer_value(json_object_get(first, "record")), 7);
    json_decref(v);
    seen(&j, 7, s, sizeof s);
    assert_non_null(strstr(s, "alice=include;"));
    assert_non_null(strstr(s, "bob=exclude;"));
    assert_int_equal(post(&b, "/api/conflicts/7/settle", "{\"decision\":\"include\"}"), 403);
    assert_int_equal(post(&j, "/api/conflicts/7/settle",
                          "{\"decision\":\"include\",\"reason\":\"meets P and I\"}"),
                     200);
    v = call(&j, "POST", "/api/conflicts/7/settle", "{\"decision\":\"exclude\"}", &st);
    assert_int_equal(st, 409); /* already settled */
    assert_string_equal(error_code(v), "refused");
    json_decref(v);
    assert_int_equal(post(&a, "/api/screen/decisions", "{\"record\":7,\"decision\":\"exclude\"}"),
                     409);
    seen(&b, 7, s, sizeof s);
    assert_non_null(strstr(s, "alice=include;")); /* settled: now visible */
    v = call(&o, "GET", "/api/dashboard", NULL, &st);
    assert_int_equal(st, 200);
    json_t *ta = json_array_get(json_object_get(v, "stages"), 0);
    assert_int_equal(json_integer_value(json_object_get(ta, "included")), 1);
    assert_int_equal(reviewer_rows(v, NULL), json_array_size(json_object_get(v, "reviewers")));
    assert_true(reviewer_rows(v, "alice") > 0 && reviewer_rows(v, "bob") > 0);
    json_decref(v);
    /* a reviewer's dashboard holds their own counts only */
    v = call(&b, "GET", "/api/dashboard", NULL, &st);
    assert_int_equal(st, 200);
    json_t *rv = json_object_get(v, "reviewers");
    assert_true(json_array_size(rv) > 0);
    assert_int_equal(reviewer_rows(v, "bob"), json_array_size(rv));
    json_t *mine = json_array_get(rv, 0); /* title/abstract: bob excluded record 7 */
    assert_true(json_integer_value(json_object_get(mine, "excluded")) >= 1);
    json_decref(v);
}

static void charting_follows_the_form(void **state)
{
    (void)state;
    client a;
    login(&a, "alice");
    unsigned st;
    json_t *v = call(&a, "GET", "/api/chart/form", NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(v, "version")), 1);
    json_decref(v);
    v = call(&a, "POST", "/api/chart/values",
             "{\"study\":\"kim2014\",\"path\":\"year\",\"value\":\"3000\",\"form_version\":1}",
             &st);
    assert_int_equal(st, 422);
    assert_string_equal(error_code(v), "bad_input");
    json_decref(v);
    assert_int_equal(post(&a, "/api/chart/values",
                          "{\"study\":\"kim2014\",\"path\":\"year\",\"value\":2014,"
                          "\"form_version\":2}"),
                     409); /* stale form version */
    assert_int_equal(post(&a, "/api/chart/validate", "{\"path\":\"year\",\"value\":\"1800\"}"),
                     422);
    assert_int_equal(post(&a, "/api/chart/values",
                          "{\"study\":\"kim2014\",\"path\":\"year\",\"value\":2014,"
                          "\"form_version\":1}"),
                     200);
    /* verify mode: bob, the second charter, sees alice's values */
    client b;
    login(&b, "bob");
    assert_int_equal(post(&b, "/api/chart/values",
                          "{\"study\":\"kim2014\",\"path\":\"year\",\"value\":2015,"
                          "\"form_version\":1}"),
                     200);
    v = call(&b, "GET", "/api/chart/studies/kim2014/first", NULL, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(v, "charter")), "alice");
    json_t *vals = json_object_get(v, "values");
    assert_int_equal(json_array_size(vals), 1);
    json_t *first = json_array_get(vals, 0);
    assert_string_equal(json_string_value(json_object_get(first, "path")), "year");
    assert_string_equal(json_string_value(json_object_get(first, "value")), "2014");
    json_decref(v);
    v = call(&b, "GET", "/api/chart/studies/nope/first", NULL, &st);
    assert_int_equal(st, 404);
    json_decref(v);
}

static void only_the_owner_sets_highlight_terms(void **state)
{
    (void)state;
    client a, o;
    login(&a, "alice");
    login(&o, "olga");
    const char *terms = "{\"include_terms\":\"restoration; wetland\",\"exclude_terms\":\"mice\"}";
    assert_int_equal(post(&a, "/api/screen/config", terms), 403);
    assert_int_equal(post(&o, "/api/screen/config", terms), 200);
    unsigned st;
    json_t *v = call(&a, "GET", "/api/screen/config", NULL, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(v, "include_terms")),
                        "restoration; wetland");
    assert_string_equal(json_string_value(json_object_get(v, "exclude_terms")), "mice");
    json_decref(v);
}

/* Every allocation of a request fails in turn: the router answers (an error
 * or the page) or reports ENOMEM, and nothing leaks. */
static void allocation_failures_never_crash_or_leak(void **state)
{
    (void)state;
    client c;
    login(&c, "olga");
    const char *paths[] = {"/api/dashboard", "/api/records/9", "/api/screen/config", "/"};
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        for (size_t n = 1; n < 400; n++) {
            ev_server_request req = {
                .method = "GET", .path = paths[p], .cookie = c.cookie, .client = "10.0.0.7"};
            ev_server_response resp;
            ev_server_response_init(&resp);
            long live = ev_alloc_live();
            ev_alloc_fail_after(n, false);
            ev_status st = ev_server_handle(fx.srv, &req, &resp);
            ev_alloc_fail_after(0, false);
            assert_true(st == EV_OK || st == EV_ENOMEM);
            ev_server_response_release(&resp);
            assert_int_equal(ev_alloc_live(), live);
        }
    }
}

static void sessions_end_on_logout_and_expiry(void **state)
{
    (void)state;
    client c;
    login(&c, "olga");
    unsigned st;
    json_decref(call(&c, "GET", "/api/session", NULL, &st));
    assert_int_equal(st, 200);
    assert_int_equal(post(&c, "/api/logout", NULL), 200);
    json_decref(call(&c, "GET", "/api/session", NULL, &st));
    assert_int_equal(st, 401);
    login(&c, "olga");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_open(&s, fx.path, 0, &err), EV_OK);
    assert_int_equal(ev_store_exec(s, "UPDATE server_sessions SET expires = 0", &err), EV_OK);
    ev_store_free(s);
    json_t *v = call(&c, "GET", "/api/session", NULL, &st);
    assert_int_equal(st, 401);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_assets_only_from_the_embedded_table),
        cmocka_unit_test(unknown_routes_and_methods_get_json_errors),
        cmocka_unit_test(sign_in_needs_the_right_password_and_is_throttled),
        cmocka_unit_test(bad_bodies_are_refused_and_change_nothing),
        cmocka_unit_test(state_changes_need_the_csrf_token),
        cmocka_unit_test(blinding_holds_until_an_adjudicator_settles),
        cmocka_unit_test(charting_follows_the_form),
        cmocka_unit_test(only_the_owner_sets_highlight_terms),
        cmocka_unit_test(allocation_failures_never_crash_or_leak),
        cmocka_unit_test(sessions_end_on_logout_and_expiry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
