/* rng.c - the seeded generator every module uses (see ev_core.h). */
#include "evident/ev_core.h"

uint64_t ev_mix64(uint64_t x)
{
    /* splitmix64 (Steele, Lea & Flood 2014): add the golden gamma, finalise */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void ev_rng_seed(ev_rng *r, uint64_t seed)
{
    /* the splitmix64 sequence from `seed`: state advances by the gamma */
    for (size_t i = 0; i < 4; i++) {
        r->s[i] = ev_mix64(seed);
        seed += 0x9e3779b97f4a7c15ull;
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ev_rng_next(ev_rng *r)
{
    /* xoshiro256** (Blackman & Vigna 2018) */
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

uint64_t ev_rng_below(ev_rng *r, uint64_t n)
{
    uint64_t limit = (uint64_t)(-n) % n; /* 2^64 mod n: the biased low values */
    for (;;) {
        uint64_t x = ev_rng_next(r);
        if (x >= limit)
            return x % n;
    }
}

double ev_rng_unit(ev_rng *r)
{
    return (double)(ev_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t ev_fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}
