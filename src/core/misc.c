/* misc.c - small helpers: version, clock, strict number parsing (SHA-256 is in
 * sha256.c). */
#include "evident/ev_core.h"

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
