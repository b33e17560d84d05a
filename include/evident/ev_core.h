/*
 * ev_core.h - what every module of evident shares: status codes and the
 * error record, the allocation funnel, growable buffers, arenas, Unicode
 * normalisation, hashing, and the progress/warning callback types.
 *
 * Thread safety: every function here is safe to call from several threads on
 * distinct objects. The allocation-failure test hook is process-global and
 * meant for single-threaded tests only.
 */
#ifndef EV_CORE_H
#define EV_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define EV_EXTERN __attribute__((visibility("default")))
#define EV_WARN_UNUSED __attribute__((warn_unused_result))
#define EV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define EV_EXTERN
#define EV_WARN_UNUSED
#define EV_PRINTF(f, a)
#endif

/* ---- status and errors ---------------------------------------------------- */

/* The short fixed list of outcomes. The CLI maps each to an exit code and the
 * server to an HTTP status, each through one table. */
typedef enum ev_status {
    EV_OK = 0,
    EV_EUSAGE,    /* the caller passed bad arguments (unknown option, ...) */
    EV_EINPUT,    /* bad input data: a file, a query, a value */
    EV_EREFUSED,  /* refused by the review's rules (duplicate import, ...) */
    EV_ENOTFOUND, /* the named record, file or object does not exist */
    EV_EIO,       /* a file or the review cannot be read or written */
    EV_ENEWER,    /* the review was written by a newer evident */
    EV_EBUSY,     /* the review is locked by another writer */
    EV_ENOMEM,    /* out of memory */
    EV_EINTERNAL, /* a bug: an invariant failed */
    EV_ECANCEL    /* a callback asked to stop */
} ev_status;

#define EV_ERROR_MSG_MAX 512
#define EV_ERROR_INPUT_MAX 256

/* What went wrong, where. Caller-owned, usually on the stack; zero it (or use
 * EV_ERROR_INIT) before the first call. The first error set wins: later
 * ev_error_set calls on a set error change nothing, so the root cause is what
 * the user reads. */
typedef struct ev_error {
    ev_status code;
    char message[EV_ERROR_MSG_MAX]; /* lowercase, no final full stop */
    char input[EV_ERROR_INPUT_MAX]; /* file name or query, "" if none */
    size_t line;                    /* 1-based; 0 = unknown */
    size_t column;                  /* 1-based; 0 = unknown */
    uint64_t offset;                /* byte offset, valid if has_offset */
    bool has_offset;
} ev_error;

#define EV_ERROR_INIT {EV_OK, {0}, {0}, 0, 0, 0, false}

/* Set an error (every error in the library goes through here: one breakpoint
 * catches them all). `err` may be NULL. `input` may be NULL. Returns `code` so
 * callers can write `return ev_error_set(...)`. */
EV_EXTERN ev_status ev_error_set(ev_error *err, ev_status code, const char *input, size_t line,
                                 size_t column, const char *fmt, ...) EV_PRINTF(6, 7);
EV_EXTERN ev_status ev_error_setv(ev_error *err, ev_status code, const char *input, size_t line,
                                  size_t column, const char *fmt, va_list ap);
/* Set the byte offset of an already-set error (first offset wins). */
EV_EXTERN void ev_error_set_offset(ev_error *err, uint64_t offset);
/* Reset to EV_OK. */
EV_EXTERN void ev_error_clear(ev_error *err);
/* Format "INPUT:LINE:COL: message" (or "INPUT: byte N: message", or just the
 * message) into `out`, always NUL-terminated. */
EV_EXTERN void ev_error_format(const ev_error *err, char *out, size_t out_size);
/* A short English name for a status ("bad input", ...). Never NULL. */
EV_EXTERN const char *ev_status_name(ev_status st);

/* Warnings: record-level problems the user can accept (a missing year). The
 * `warning` is borrowed for the duration of the call. */
typedef void (*ev_warn_fn)(const ev_error *warning, void *payload);
/* Progress of long work: `done` of `total` units (total 0 = unknown). Return
 * false to cancel (the operation then fails with EV_ECANCEL). */
typedef bool (*ev_progress_fn)(uint64_t done, uint64_t total, void *payload);

/* ---- allocation funnel ------------------------------------------------------ */

/* All library allocations go through these. Sizes are overflow-checked: a
 * product that overflows returns NULL. Memory is released with ev_free. */
EV_EXTERN void *ev_malloc(size_t size);
EV_EXTERN void *ev_calloc(size_t count, size_t size);
EV_EXTERN void *ev_reallocarray(void *ptr, size_t count, size_t size);
EV_EXTERN void ev_free(void *ptr);
/* Copies; NULL in -> NULL out. Caller frees with ev_free. */
EV_EXTERN char *ev_strdup(const char *s);
EV_EXTERN char *ev_strndup(const char *s, size_t n);
/* Test hook: make the Nth allocation from now fail (and every one after it
 * when `sticky`). n = 0 switches the hook off. Not thread-safe. */
EV_EXTERN void ev_alloc_fail_after(size_t n, bool sticky);
/* Number of live allocations made through the funnel (for leak tests). */
EV_EXTERN long ev_alloc_live(void);

/* ---- growable buffers (curl's dynbuf) --------------------------------------- */

/* A NUL-terminated growable byte string with a size cap. Embed it and call
 * ev_buf_init; ev_buf_release frees the memory. ptr is NULL until the first
 * append; ev_buf_cstr never returns NULL. */
typedef struct ev_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max; /* appends that would grow len beyond max fail with EV_EINPUT */
} ev_buf;

#define EV_BUF_DEFAULT_MAX ((size_t)1 << 30)
EV_EXTERN void ev_buf_init(ev_buf *b, size_t max);
EV_EXTERN void ev_buf_release(ev_buf *b);
/* Set len to 0, keep the memory. */
EV_EXTERN void ev_buf_clear(ev_buf *b);
EV_EXTERN ev_status ev_buf_append(ev_buf *b, const void *data, size_t n) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_buf_puts(ev_buf *b, const char *s) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_buf_putc(ev_buf *b, char c) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_buf_printf(ev_buf *b, const char *fmt, ...) EV_PRINTF(2, 3) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_buf_vprintf(ev_buf *b, const char *fmt, va_list ap) EV_WARN_UNUSED;
EV_EXTERN const char *ev_buf_cstr(const ev_buf *b);
/* Hand the memory to the caller (free with ev_free); the buffer is reset.
 * Returns "" copied if empty; NULL only on ENOMEM. */
EV_EXTERN char *ev_buf_detach(ev_buf *b);

/* A (pointer, length) view, not NUL-terminated, for zero-copy parsing. */
typedef struct ev_str {
    const char *ptr;
    size_t len;
} ev_str;

/* ---- arenas ---------------------------------------------------------------- */

/* Bump allocator for bulk parse data: everything is freed at once by
 * ev_arena_reset / ev_arena_free. Built with EV_DEBUG_ARENA, every allocation
 * is a separate malloc so AddressSanitizer sees overruns. */
typedef struct ev_arena ev_arena;

/* Create an arena. Returns NULL on ENOMEM. Free with ev_arena_free. */
EV_EXTERN ev_arena *ev_arena_new(void);
EV_EXTERN void ev_arena_free(ev_arena *a);
/* Drop every allocation, keep the first block for reuse. */
EV_EXTERN void ev_arena_reset(ev_arena *a);
/* Zeroed, 16-byte aligned memory owned by the arena. NULL on ENOMEM. */
EV_EXTERN void *ev_arena_alloc(ev_arena *a, size_t size);
/* Copies owned by the arena; NUL-terminated. NULL on ENOMEM (or NULL in). */
EV_EXTERN char *ev_arena_strndup(ev_arena *a, const char *s, size_t n);
EV_EXTERN char *ev_arena_strdup(ev_arena *a, const char *s);
/* Make room for one more element in an arena array of `n` elements of `size`
 * bytes whose capacity is implicit (the next power of two >= n, minimum 4).
 * Returns the (possibly moved) array, or NULL on ENOMEM. Usage:
 *   arr = ev_arena_grow(a, arr, n, sizeof *arr); arr[n++] = x; */
EV_EXTERN void *ev_arena_grow(ev_arena *a, void *array, size_t n, size_t size);
/* Bytes the arena holds from the system (for memory accounting). */
EV_EXTERN size_t ev_arena_footprint(const ev_arena *a);

/* ---- text: UTF-8 and normalisation ---------------------------------------- */

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). When false
 * and bad_offset is not NULL, it receives the offset of the first bad byte. */
EV_EXTERN bool ev_utf8_valid(const char *s, size_t n, size_t *bad_offset);
/* Append the Windows-1252 (superset of Latin-1) bytes s[0..n) to `out` as
 * UTF-8. */
EV_EXTERN ev_status ev_cp1252_to_utf8(ev_buf *out, const char *s, size_t n) EV_WARN_UNUSED;

/* Flags for ev_text_normalise. */
enum {
    EV_NORM_CASEFOLD = 1u << 0,   /* Unicode case folding */
    EV_NORM_STRIPMARK = 1u << 1,  /* drop diacritics (é -> e, ß -> ss via fold) */
    EV_NORM_STRIPMARKUP = 1u << 2,/* drop <i>, <sub>, MathML tags and entities */
    EV_NORM_PUNCT = 1u << 3,      /* every non letter/digit becomes a space */
    EV_NORM_SQUEEZE = 1u << 4,    /* collapse runs of spaces, trim both ends */
    /* what search, dedup and the normalised columns use */
    EV_NORM_DEFAULT = 0x1f
};
/* Append the normalised form of the UTF-8 text s[0..n) to `out`: always NFKC;
 * then the transformations in `flags`. Markup rules follow the search spec
 * (A4.7): <i> <b> <u> and block tags separate words, <sub> <sup> do not.
 * Invalid UTF-8 bytes are replaced by U+FFFD. */
EV_EXTERN ev_status ev_text_normalise(ev_buf *out, const char *s, size_t n,
                                      unsigned flags) EV_WARN_UNUSED;

/* Iterate over the tokens of already-normalised text (maximal runs of letters
 * and digits, as the search index tokenises). Start with *pos = 0; returns
 * false at the end. */
EV_EXTERN bool ev_text_next_token(const char *s, size_t n, size_t *pos, ev_str *tok);

/* ---- hashing --------------------------------------------------------------- */

/* SHA-256, streaming. Opaque state; create with ev_sha256_new (NULL on
 * ENOMEM), feed with _update, finish with _final_hex (65 bytes incl. NUL),
 * free with _free. */
typedef struct ev_sha256 ev_sha256;
EV_EXTERN ev_sha256 *ev_sha256_new(void);
EV_EXTERN void ev_sha256_update(ev_sha256 *h, const void *data, size_t n);
EV_EXTERN void ev_sha256_final_hex(ev_sha256 *h, char out[65]);
EV_EXTERN void ev_sha256_free(ev_sha256 *h);
/* One-shot hash of a file. */
EV_EXTERN ev_status ev_sha256_file(char out[65], const char *path, ev_error *err) EV_WARN_UNUSED;

/* ---- seeded random numbers ---------------------------------------------------- */

/* The library's one pseudo-random generator: xoshiro256** (Blackman & Vigna
 * 2018) seeded through splitmix64 (Steele, Lea & Flood 2014), so every
 * seeded result (simulations, permutation tests, random screening picks) is
 * the same on every platform. Embed it and seed it; one object per thread. */
typedef struct ev_rng {
    uint64_t s[4];
} ev_rng;

EV_EXTERN void ev_rng_seed(ev_rng *r, uint64_t seed);
EV_EXTERN uint64_t ev_rng_next(ev_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias (rejection). */
EV_EXTERN uint64_t ev_rng_below(ev_rng *r, uint64_t n);
/* Uniform in [0, 1) with 53 random bits. */
EV_EXTERN double ev_rng_unit(ev_rng *r);
/* The splitmix64 finaliser of x + 0x9e37...: a fast, well-mixed 64-bit hash
 * (e.g. to give each record a stable pseudo-random number). */
EV_EXTERN uint64_t ev_mix64(uint64_t x);
/* FNV-1a 64 of n bytes continued from h (EV_FNV1A64_INIT to start): hash
 * tables' keys and checksums of cached data. */
#define EV_FNV1A64_INIT 0xcbf29ce484222325ULL
EV_EXTERN uint64_t ev_fnv1a64(uint64_t h, const void *p, size_t n);

/* ---- misc ------------------------------------------------------------------- */

/* Library version string, "MAJOR.MINOR.PATCH". */
EV_EXTERN const char *ev_version(void);
/* Monotonic clock in seconds. */
EV_EXTERN double ev_now(void);
/* Parse a whole decimal integer / number; false if s is not entirely one. */
EV_EXTERN bool ev_parse_long(const char *s, long *out);
EV_EXTERN bool ev_parse_double(const char *s, double *out);
/* ASCII case-insensitive comparisons. */
EV_EXTERN int ev_strcasecmp(const char *a, const char *b);
EV_EXTERN int ev_strncasecmp(const char *a, const char *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* EV_CORE_H */
