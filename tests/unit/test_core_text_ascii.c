/* test_core_text_ascii.c - ev_text_normalise's fast paths give byte for byte
 * what the general (utf8proc) path gives: the pure-ASCII path (checked without
 * any hook: appending " é" forces the general path, and the expected output
 * is then fast(s), the separating space as the flags treat it, and
 * normalise("é")), and the word-by-word path for mostly-ASCII text (checked
 * against the general path forced through a test hook, on text mixing ASCII
 * with the characters that make Unicode normalisation tricky). */
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

void ev__text_allow_fast(int allow);

/* Pieces chosen to stress NFKC, case folding and mark stripping next to ASCII
 * separators: combining marks after letters and after separators, U+0338
 * (composes with '=' into a symbol), ligatures, compatibility digits, a
 * dotted capital I, the Angstrom sign, dashes, no-break space, full-width
 * letters, invalid bytes and a truncated sequence. */
static const char *const pieces[] = {
    "a", "Z", "9", " ", "-", "=", "<", ">", "(", "\t", ".", ",", "\xc3\xa9", "e\xcc\x81",
    "\xcc\x81", "\xcc\xb8", "\xc3\x9f", "\xef\xac\x81", "\xe2\x91\xa0", "\xc2\xbd",
    "\xce\xb2", "\xef\xbf\xbd", "\xff", "\xc3", "\xc4\xb0", "\xe2\x84\xab",
    "\xe2\x80\x93", "\xc2\xa0", "\xef\xbc\xa1", "\xe2\x84\xa1", "Beta", "IL-6", "<i>"};

static void wordwise_path_matches_general_path(void **state)
{
    (void)state;
    static const unsigned flag_sets[] = {EV_NORM_DEFAULT, EV_NORM_DEFAULT & ~EV_NORM_STRIPMARKUP,
                                         EV_NORM_PUNCT | EV_NORM_SQUEEZE,
                                         EV_NORM_DEFAULT & ~EV_NORM_STRIPMARK};
    char s[256];
    for (int i = 0; i < 4000; i++) {
        size_t len = 0, parts = next_rand() % 12;
        s[0] = '\0';
        for (size_t p = 0; p < parts; p++) {
            const char *piece = pieces[next_rand() % (sizeof pieces / sizeof pieces[0])];
            if (len + strlen(piece) + 1 >= sizeof s)
                break;
            memcpy(s + len, piece, strlen(piece) + 1);
            len += strlen(piece);
        }
        for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
            char *fast = norm(s, flag_sets[f]);
            ev__text_allow_fast(0);
            char *general = norm(s, flag_sets[f]);
            ev__text_allow_fast(1);
            if (strcmp(fast, general) != 0)
                fail_msg("flags %#x input '%s': general path '%s', fast paths '%s'",
                         flag_sets[f], s, general, fast);
            ev_free(fast);
            ev_free(general);
        }
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
        cmocka_unit_test(wordwise_path_matches_general_path),
        cmocka_unit_test(ascii_examples_normalise_as_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
