/*
 * sha256.c - SHA-256 (FIPS 180-4) for file fingerprints (every import hashes
 * its file). libsodium's portable implementation does the work, except on
 * x86-64 CPUs with the SHA extensions, where the compression function runs on
 * them (about 4x faster: hashing was 9-12% of an import's CPU time). Both
 * paths are checked against each other and against the FIPS 180-2 examples
 * in tests/unit/test_core_sha256.c.
 */
#include "evident/ev_core.h"

#include <sodium.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define EV_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

struct ev_sha256 {
    bool ni; /* own state below, compressed with the SHA extensions */
    uint32_t h[8];
    unsigned char buf[64];
    size_t buf_len;
    uint64_t total;
    crypto_hash_sha256_state st; /* libsodium path */
};

/* Test hook: force the portable path (0) or allow the fast one (1). */
static int allow_ni = 1;
void ev__sha256_allow_ni(int allow);
void ev__sha256_allow_ni(int allow)
{
    allow_ni = allow;
}

#ifdef EV_SHA_NI
static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    /* CPUID leaf 7, EBX bit 29: SHA; leaf 1, ECX bits 19 (SSE4.1), 9 (SSSE3) */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
        return false;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    return (c & (1u << 19)) && (c & (1u << 9));
}

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

/* Compress `blocks` 64-byte blocks (Intel SHA extensions: the message
 * schedule with sha256msg1/msg2, two rounds per sha256rnds2). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_ni(uint32_t h[8], const unsigned char *p, size_t blocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[0]), 0xB1);
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[4]), 0x1B);
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);      /* CDGH */
    for (; blocks; blocks--, p += 64) {
        __m128i save0 = s0, save1 = s1, w[16];
        for (int i = 0; i < 16; i++) {
            if (i < 4) {
                w[i] = _mm_shuffle_epi8(
                    _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
            } else {
                __m128i x = _mm_sha256msg1_epu32(w[i - 4], w[i - 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
                w[i] = _mm_sha256msg2_epu32(x, w[i - 1]);
            }
            __m128i msg =
                _mm_add_epi32(w[i], _mm_loadu_si128((const __m128i *)(const void *)&K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0E));
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], s0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}
#endif

ev_sha256 *ev_sha256_new(void)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    ev_sha256 *h = ev_calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
#ifdef EV_SHA_NI
    static int has = -1;
    if (has < 0)
        has = cpu_has_sha();
    h->ni = has && allow_ni;
#endif
    memcpy(h->h, iv, sizeof iv);
    crypto_hash_sha256_init(&h->st);
    return h;
}

void ev_sha256_update(ev_sha256 *h, const void *data, size_t n)
{
#ifdef EV_SHA_NI
    if (h->ni) {
        const unsigned char *p = data;
        h->total += n;
        if (h->buf_len) { /* complete the pending block first */
            size_t take = 64 - h->buf_len < n ? 64 - h->buf_len : n;
            memcpy(h->buf + h->buf_len, p, take);
            h->buf_len += take;
            p += take;
            n -= take;
            if (h->buf_len < 64)
                return;
            compress_ni(h->h, h->buf, 1);
            h->buf_len = 0;
        }
        compress_ni(h->h, p, n / 64);
        memcpy(h->buf, p + n / 64 * 64, n % 64);
        h->buf_len = n % 64;
        return;
    }
#endif
    crypto_hash_sha256_update(&h->st, data, n);
}

/* FIPS 180-4 5.1.1 padding: 0x80, zeros, the bit length big-endian. */
static void final_own(ev_sha256 *h, unsigned char d[32])
{
#ifdef EV_SHA_NI
    uint64_t bits = h->total * 8;
    unsigned char pad[128] = {0x80};
    size_t pad_len = (h->buf_len < 56 ? 56 : 120) - h->buf_len;
    for (int i = 0; i < 8; i++)
        pad[pad_len + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    uint64_t total = h->total;
    ev_sha256_update(h, pad, pad_len + 8);
    h->total = total;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            d[4 * i + j] = (unsigned char)(h->h[i] >> (24 - 8 * j));
#else
    (void)h;
    (void)d;
#endif
}

void ev_sha256_final_hex(ev_sha256 *h, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    if (h->ni)
        final_own(h, d);
    else
        crypto_hash_sha256_final(&h->st, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}

void ev_sha256_free(ev_sha256 *h)
{
    ev_free(h);
}

ev_status ev_sha256_file(char out[65], const char *path, ev_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ev_error_set(err, EV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    ev_sha256 *h = ev_sha256_new();
    if (h == NULL) {
        fclose(f);
        return ev_error_set(err, EV_ENOMEM, path, 0, 0, "out of memory");
    }
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        ev_sha256_update(h, buf, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    ev_sha256_final_hex(h, out);
    ev_sha256_free(h);
    if (bad)
        return ev_error_set(err, EV_EIO, path, 0, 0, "read error");
    return EV_OK;
}
