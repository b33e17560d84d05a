/*
 * cli_util.h - small things the store's subcommands (init, import, records,
 * show, export, stats) share: the JSON strings they print for --json
 * (escaped per RFC 8259, written straight to a stream; records themselves go
 * through ev_record_to_json) and option-error messages; and, for chart,
 * tables and pool, a review opened over the instrument catalogue.
 */
#ifndef EV_CLI_UTIL_H
#define EV_CLI_UTIL_H

#include <stdbool.h>
#include "evident/ev_core.h"
#include <stdio.h>

/* Write `s` as a JSON string ("null" when s is NULL). */
void ev_cli_json_string(FILE *out, const char *s);
/* Write `"key":` then the string value; with a leading comma unless first. */
void ev_cli_json_kv(FILE *out, const char *key, const char *value, int first);

/* Report a getopt_long failure ('?' or ':' returned; optstring must start
 * with ':') as a usage error naming the option. Returns EV_EXIT_USAGE. */
int ev_cli_bad_option(const char *cmd, int c, char **argv);
/* Write an integer with thousands separators ("12,345") into buf. */
const char *ev_cli_count(char *buf, size_t n, unsigned long long v);

/* Open REVIEW for a command; on failure print the error (with a hint for a
 * missing file) and return the exit code, else EV_EXIT_OK. A missing review
 * exits 4 (the review cannot be opened), not 2. */
struct ev_store;
int ev_cli_open_review(struct ev_store **out, const char *path, unsigned flags);

/* A review opened for charting: the default instrument catalogue, the store
 * and the chart over both. All owned; release with ev_cli_chart_close. */
struct ev_chart_catalogue;
struct ev_chart;
typedef struct ev_cli_chart_review {
    struct ev_chart_catalogue *cat;
    struct ev_store *store;
    struct ev_chart *chart;
} ev_cli_chart_review;

/* Load the catalogue, open REVIEW read-write and open its chart; on failure
 * print the error and return the exit code (out is then safe to close),
 * else EV_EXIT_OK. */
int ev_cli_chart_open(ev_cli_chart_review *out, const char *path);
/* Free what ev_cli_chart_open opened (any member may be NULL). */
void ev_cli_chart_close(ev_cli_chart_review *r);

/* Read a whole text file the user named (a strategy, a protocol text) into
 * `out` (initialised here; release it with ev_buf_release), at most `max`
 * bytes, refusing directories, read errors and invalid UTF-8. Errors are
 * EV_EINPUT naming the file and `what` it was meant to be. */
ev_status ev_cli_read_text(ev_buf *out, const char *path, size_t max, const char *what,
                           ev_error *err);

/* Print one screening stage (counts, exclusion reasons, the stopping rule
 * and the run of exclusions) as text, or as a JSON object (`first` = no
 * leading comma). Used by `screen ... status` and `stats`. */
struct ev_screen_stage_summary;
void ev_cli_print_screen_stage(const struct ev_screen_stage_summary *g, bool json, bool first);

#endif /* EV_CLI_UTIL_H */
