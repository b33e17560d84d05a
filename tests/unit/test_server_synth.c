/* test_server_synth.c - synthesis over HTTP (router, no sockets) on the
 * bundled ankle-regen example (the seed review's charted studies and
 * outcomes): the pooled AOFAS mean difference matches metafor's rma()
 * (tests/golden/report/pool_expected.txt: 4.7632019014, CI 3.1855720058 to
 * 6.3408317970), the forest plot is SVG, the report downloads as HTML, and a
 * missing parameter is a JSON 400. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_chart.h"
#include "evident/ev_server.h"

#include <jansson.h>
#include <math.h>
#include <unistd.h>

#define SRC EV_SOURCE_DIR

static char dir[64], path[96], cookie[128];
static ev_server *srv;

static void load_form(ev_chart *c)
{
    FILE *f = fopen(SRC "/data/forms/default.json", "rb");
    assert_non_null(f);
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_form_set(c, buf, n, "default.json", "t", NULL, &err), EV_OK);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ev_server_synth_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.evident", dir);
    ev_store *s = NULL;
    ev_chart_catalogue *cat = NULL;
    ev_chart *c = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "ankle", &err), EV_OK);
    assert_int_equal(ev_chart_catalogue_load(&cat, SRC "/data/instruments.json", &err), EV_OK);
    assert_int_equal(ev_chart_open(&c, s, cat, &err), EV_OK);
    load_form(c);
    assert_int_equal(
        ev_chart_import_file(c, SRC "/examples/ankle-regen/studies.json", "charter", NULL, &err),
        EV_OK);
    assert_int_equal(
        ev_chart_import_file(c, SRC "/examples/ankle-regen/outcomes.json", "charter", NULL, &err),
        EV_OK);
    ev_chart_free(c);
    ev_chart_catalogue_free(cat);
    assert_int_equal(ev_server_user_add(s, "olga", EV_ROLE_OWNER, "password1", "t", &err), EV_OK);
    ev_store_free(s);
    ev_server_options opt = EV_SERVER_OPTIONS_INIT;
    opt.review = path;
    opt.threads = 1;
    assert_int_equal(ev_server_new(&srv, &opt, &err), EV_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ev_server_free(srv);
    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

/* GET (or POST with body) and copy the response out. */
static void call(const char *method, const char *p, const char *query, const char *body,
                 ev_server_response *resp)
{
    ev_server_request req = {.method = method,
                             .path = p,
                             .query = query,
                             .cookie = cookie,
                             .content_type = "application/json",
                             .client = "10.0.0.9",
                             .body = body,
                             .body_len = body ? strlen(body) : 0};
    ev_server_response_init(resp);
    assert_int_equal(ev_server_handle(srv, &req, resp), EV_OK);
    if (strncmp(resp->set_cookie, "ev_session=", 11) == 0)
        snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(resp->set_cookie, ";"),
                 resp->set_cookie);
}

static void sign_in(void)
{
    ev_server_response r;
    call("POST", "/api/login", NULL, "{\"user\":\"olga\",\"password\":\"password1\"}", &r);
    assert_int_equal(r.status, 200);
    ev_server_response_release(&r);
}

static const char aofas[] =
    "instruments=AOFAS&timepoint=final%20follow-up&treatment=MSC&control=BMS";

static void pooled_aofas_matches_metafor(void **state)
{
    (void)state;
    sign_in();
    ev_server_response r;
    call("GET", "/api/synthesis/pool", aofas, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *v = json_loads(ev_buf_cstr(&r.body), 0, NULL);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_object_get(v, "k")), 4);
    assert_true(fabs(json_real_value(json_object_get(v, "estimate")) - 4.7632019014) < 1e-6);
    assert_true(fabs(json_real_value(json_object_get(v, "ci_lb")) - 3.1855720058) < 1e-6);
    assert_true(fabs(json_real_value(json_object_get(v, "ci_ub")) - 6.3408317970) < 1e-6);
    json_decref(v);
    ev_server_response_release(&r);
}

static void forest_plot_is_svg(void **state)
{
    (void)state;
    ev_server_response r;
    call("GET", "/api/synthesis/forest.svg", aofas, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "image/svg+xml");
    assert_non_null(strstr(ev_buf_cstr(&r.body), "<svg"));
    ev_server_response_release(&r);
}

static void report_downloads_as_html(void **state)
{
    (void)state;
    ev_server_response r;
    call("GET", "/api/report.html", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(ev_buf_cstr(&r.body), "<html"));
    assert_null(strstr(ev_buf_cstr(&r.body), "<script"));
    ev_server_response_release(&r);
}

static void missing_outcome_parameters_are_a_json_400(void **state)
{
    (void)state;
    ev_server_response r;
    call("GET", "/api/synthesis/pool", "instruments=AOFAS", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(ev_buf_cstr(&r.body), "\"code\":\"bad_request\""));
    ev_server_response_release(&r);
    call("GET", "/api/synthesis/forest.svg", "instruments=NOPE&timepoint=x&treatment=a&control=b",
         NULL, &r);
    assert_true(r.status >= 400 && r.status < 500);
    assert_string_equal(r.content_type, "application/json");
    ev_server_response_release(&r);
}

/* fontconfig (under cairo, drawing the forest plot) keeps its cache for the
 * life of the process: not a leak of ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pooled_aofas_matches_metafor),
        cmocka_unit_test(forest_plot_is_svg),
        cmocka_unit_test(report_downloads_as_html),
        cmocka_unit_test(missing_outcome_parameters_are_a_json_400),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
