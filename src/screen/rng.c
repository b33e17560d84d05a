/* rng.c - the module's seeded PRNG (xoshiro256**, seeded by splitmix64). */
#include "screen_int.h"

uint64_t ev__screen_mix(uint64_t x)
{
    /* splitmix64 finaliser (Steele, Lea & Flood 2014) */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void ev__screen_rng_seed(ev__screen_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        seed = ev__screen_mix(seed);
        r->s[i] = seed;
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ev__screen_rng_next(ev__screen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t ev__screen_rng_below(ev__screen_rng *r, uint64_t n)
{
    /* rejection sampling: drop the top partial block */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = ev__screen_rng_next(r);
    } while (x >= limit);
    return x % n;
}

double ev__screen_rng_unit(ev__screen_rng *r)
{
    return (double)(ev__screen_rng_next(r) >> 11) * 0x1.0p-53;
}
