/* misc.c - small helpers: version, clock, strict number parsing, hashing. */
#include "evident/ev_core.h"

#include <sodium.h>

const char *ev_version(void)
{
    return "0.1.0";
}

double ev_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool ev_parse_long(const char *s, long *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

bool ev_parse_double(const char *s, double *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE || end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

int ev_strcasecmp(const char *a, const char *b)
{
    return strcasecmp(a, b);
}

int ev_strncasecmp(const char *a, const char *b, size_t n)
{
    return strncasecmp(a, b, n);
}

/* SHA-256 through libsodium (one well-kept implementation, already linked
 * for password hashing). */
struct ev_sha256 {
    crypto_hash_sha256_state st;
};

ev_sha256 *ev_sha256_new(void)
{
    ev_sha256 *h = ev_malloc(sizeof *h);
    if (h)
        crypto_hash_sha256_init(&h->st);
    return h;
}

void ev_sha256_update(ev_sha256 *h, const void *data, size_t n)
{
    crypto_hash_sha256_update(&h->st, data, n);
}

void ev_sha256_final_hex(ev_sha256 *h, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
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
