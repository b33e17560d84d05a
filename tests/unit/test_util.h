/*
 * test_util.h - small helpers shared by the unit tests of several modules.
 * Header-only (static inline): each test executable is one translation unit.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdio.h>

/* Remove a review file and the -wal and -shm files SQLite keeps beside it
 * (a file that is not there is fine). */
static inline void test_remove_review(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        remove(p);
    }
}

#endif /* TEST_UTIL_H */
