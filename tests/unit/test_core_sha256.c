/* test_core_sha256.c - ev_sha256 against the FIPS 180-2 examples (appendix
 * B: "abc", the 448-bit message, a million 'a'), and random data split at
 * random points between update calls. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_core.h"

static void hex_of(const void *data, size_t n, size_t split, char out[65])
{
    ev_sha256 *h = ev_sha256_new();
    assert_non_null(h);
    const unsigned char *p = data;
    ev_sha256_update(h, p, split < n ? split : n);
    if (split < n)
        ev_sha256_update(h, p + split, n - split);
    ev_sha256_final_hex(h, out);
    ev_sha256_free(h);
}

static void fips_examples(void)
{
    char out[65];
    hex_of("", 0, 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, 1, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(m448, strlen(m448), 17, out);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = ev_malloc(1000000);
    memset(million, 'a', 1000000);
    hex_of(million, 1000000, 999937, out);
    ev_free(million);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void fips_180_2_examples_hash_right(void **state)
{
    (void)state;
    fips_examples();
}

/* Any split of the input into update calls gives the one-call digest. */
static void split_updates_match_one_update(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15u;
    unsigned char data[700];
    for (size_t i = 0; i < sizeof data; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 (Marsaglia 2003) */
        data[i] = (unsigned char)x;
    }
    for (size_t n = 0; n <= sizeof data; n += 7) {
        size_t split = (size_t)(x % (n + 1));
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char a[65], b[65];
        hex_of(data, n, split, a);
        hex_of(data, n, n, b);
        assert_string_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips_180_2_examples_hash_right),
        cmocka_unit_test(split_updates_match_one_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
