/* test_core_text_ascii.c - ev_text_normalise's pure-ASCII fast path gives
 * byte for byte what the general (utf8proc) path gives. The general path is
 * reached by appending " é" (non-ASCII forces it); the expected output is then
 * fast(s), the separating space as the flags treat it, and normalise("é"). */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_core.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* splitmix64 (Steele, Lea & Flood 2014): deterministic test strings. */
static uint64_t next_rand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void random_ascii(char *s, size_t max)
{
    static const char common[] = "aZ0 9-,.;:()[]<>/\\\"'&\t\nMeSHBeta  ";
    size_t n = next_rand() % max;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_rand();
        s[i] = (r & 1) ? common[(r >> 8) % (sizeof common - 1)] : (char)(1 + (r >> 8) % 127);
    }
    s[n] = '\0';
}

static char *norm(const char *s, unsigned flags)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_text_normalise(&b, s, strlen(s), flags), EV_OK);
    return ev_buf_detach(&b);
}

static void check_one(const char *s, unsigned flags)
{
    char with[128];
    snprintf(with, sizeof with, "%s \xc3\xa9", s);
    char *fast = norm(s, flags), *slow = norm(with, flags), *tail = norm("\xc3\xa9", flags);
    char want[512];
    bool squeeze = (flags & EV_NORM_SQUEEZE) != 0;
    snprintf(want, sizeof want, "%s%s%s", fast, (!squeeze || fast[0]) ? " " : "", tail);
    if (strcmp(slow, want) != 0)
        fail_msg("flags %#x input '%s': general path '%s', fast path gives '%s'", flags, s,
                 slow, want);
    ev_free(fast);
    ev_free(slow);
    ev_free(tail);
}

static void ascii_fast_path_matches_general_path(void **state)
{
    (void)state;
    static const unsigned flag_sets[] = {
        EV_NORM_DEFAULT, EV_NORM_DEFAULT & ~EV_NORM_SQUEEZE, EV_NORM_DEFAULT & ~EV_NORM_PUNCT,
        EV_NORM_DEFAULT & ~EV_NORM_STRIPMARKUP, EV_NORM_CASEFOLD, 0};
    char s[64];
    for (int i = 0; i < 3000; i++) {
        random_ascii(s, 48);
        for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++)
            check_one(s, flag_sets[f]);
    }
}

static void ascii_examples_normalise_as_documented(void **state)
{
    (void)state;
    char *a = norm("  The ACL-Reconstruction (RCT): 2 Years!  ", EV_NORM_DEFAULT);
    assert_string_equal(a, "the acl reconstruction rct 2 years");
    ev_free(a);
    a = norm("", EV_NORM_DEFAULT);
    assert_string_equal(a, "");
    ev_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii_fast_path_matches_general_path),
        cmocka_unit_test(ascii_examples_normalise_as_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
