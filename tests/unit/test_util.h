/*
 * test_util.h - small helpers shared by the unit tests of several modules.
 * Header-only (static inline): each test executable is one translation unit.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Make a fresh directory under $TMPDIR (or /tmp) named after `tag`, and the
 * path of a review file "r.evident" inside it. false if it can't be made. */
static inline bool test_temp_review(char *dir, size_t dir_size, char *path, size_t path_size,
                                    const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dir_size, "%s/ev-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(dir))
        return false;
    snprintf(path, path_size, "%s/r.evident", dir);
    return true;
}

#endif /* TEST_UTIL_H */
