/* store_test_util.h - scratch directories and files for the store tests
 * (header-only: each test executable is one translation unit). */
#ifndef STORE_TEST_UTIL_H
#define STORE_TEST_UTIL_H

#include <dirent.h>
#include <sqlite3.h>

#include "evident/ev_core.h"

typedef struct test_dir {
    char path[256];
} test_dir;

static inline int test_dir_setup(void **state)
{
    test_dir *d = calloc(1, sizeof *d);
    if (d == NULL)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(d->path, sizeof d->path, "%s/ev-store-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(d->path) == NULL) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

/* The scratch dir is flat: remove its files, then itself. */
static inline int test_dir_teardown(void **state)
{
    test_dir *d = *state;
    DIR *dir = opendir(d->path);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        char p[512];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
        remove(p);
    }
    if (dir)
        closedir(dir);
    remove(d->path);
    free(d);
    return 0;
}

/* A path inside the scratch dir; free with ev_free. */
static inline char *test_path(const test_dir *d, const char *name)
{
    size_t n = strlen(d->path) + strlen(name) + 2;
    char *p = ev_malloc(n);
    snprintf(p, n, "%s/%s", d->path, name);
    return p;
}

static inline void test_write(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(data, 1, n, f);
    fclose(f);
}

/* An SQLite database that is not an evident review. */
static inline void test_make_plain_sqlite(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL, NULL);
    sqlite3_close(db);
}

#endif
