/*
 * sha256.c - SHA-256 (FIPS 180-4) for file fingerprints (every import hashes
 * its file). OpenSSL's libcrypto does the work through the EVP digest API:
 * it picks the CPU's SHA extensions (or AVX2/SSSE3 code) by itself, which is
 * why it is used rather than libsodium's portable code (measured in
 * docs/internals/store.md). Checked against the FIPS 180-2 examples in
 * tests/unit/test_core_sha256.c.
 */
#include "evident/ev_core.h"

#include <openssl/evp.h>

struct ev_sha256 {
    EVP_MD_CTX *ctx;
    bool failed; /* an EVP call failed: the digest is not to be trusted */
};

ev_sha256 *ev_sha256_new(void)
{
    ev_sha256 *h = ev_calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        ev_sha256_free(h);
        return NULL;
    }
    return h;
}

void ev_sha256_update(ev_sha256 *h, const void *data, size_t n)
{
    if (n > 0 && EVP_DigestUpdate(h->ctx, data, n) != 1)
        h->failed = true;
}

void ev_sha256_final_hex(ev_sha256 *h, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (h->failed || EVP_DigestFinal_ex(h->ctx, d, &len) != 1 || len != 32) {
        /* cannot happen with the default provider; an impossible hex value
         * keeps a broken digest from ever matching a real one */
        memset(out, 'x', 64);
        out[64] = '\0';
        return;
    }
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

void ev_sha256_free(ev_sha256 *h)
{
    if (h == NULL)
        return;
    EVP_MD_CTX_free(h->ctx);
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
