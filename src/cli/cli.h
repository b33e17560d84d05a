/*
 * cli.h - what the subcommands of the `evident` command share: the command
 * table entry, the one status -> exit code table, error printing, the
 * progress bar and the warning collector. The CLI uses only the public API.
 */
#ifndef EV_CLI_H
#define EV_CLI_H

#include "evident/ev_core.h"

#include <getopt.h>

/* Exit codes (docs/architecture.md). */
enum {
    EV_EXIT_OK = 0,
    EV_EXIT_USAGE = 1,
    EV_EXIT_INPUT = 2,
    EV_EXIT_REFUSED = 3,
    EV_EXIT_REVIEW = 4,
    EV_EXIT_INTERNAL = 5
};

/* One subcommand: src/cli/cmd_<name>.c defines `ev_cli_cmd_<name>`. `help` is
 * the whole manual page printed by `evident help NAME` and `NAME --help`.
 * `run` gets argv with argv[0] = the command name. */
typedef struct ev_cli_command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(int argc, char **argv);
} ev_cli_command;

/* Map a library status to the process exit code (one table). */
int ev_cli_exit_code(ev_status st);
/* Print "evident: <formatted error>" (plus a hint line when not NULL) to
 * stderr and return the exit code for err->code. */
int ev_cli_fail(const ev_error *err, const char *hint);
/* Print "evident CMD: message" and a pointer to --help; returns EV_EXIT_USAGE. */
int ev_cli_usage(const char *cmd, const char *fmt, ...) EV_PRINTF(2, 3);
/* Print the command's help page to stdout; returns EV_EXIT_OK. */
int ev_cli_help(const ev_cli_command *cmd);
/* True when argv holds -h or --help (commands call this first). */
bool ev_cli_wants_help(int argc, char **argv);

/* A progress bar on stderr, drawn only when stderr is a terminal and not
 * quiet: "label [=====>    ] 45%  12,345 records/s  ETA 0:07". Use
 * ev_cli_progress_cb as an ev_progress_fn with the bar as payload. */
typedef struct ev_cli_progress {
    const char *label;
    const char *unit; /* "records", "bytes", ... */
    bool enabled;
    double start, last_draw;
    uint64_t done, total;
    uint64_t items; /* optional second counter shown as the rate (records) */
} ev_cli_progress;

void ev_cli_progress_init(ev_cli_progress *p, const char *label, const char *unit, bool quiet);
bool ev_cli_progress_cb(uint64_t done, uint64_t total, void *payload);
/* Erase the bar (call before printing anything else, and at the end). */
void ev_cli_progress_end(ev_cli_progress *p);

/* Collects warnings to list them at the end (an import's record-level
 * problems). ev_cli_warn_cb is an ev_warn_fn with the collector as payload. */
typedef struct ev_cli_warnings {
    char **items;
    size_t n, cap;
    size_t total;
} ev_cli_warnings;

void ev_cli_warn_cb(const ev_error *w, void *payload);
/* Print the first `max` warnings to stderr (and how many more) and free. */
void ev_cli_warnings_flush(ev_cli_warnings *w, size_t max, bool quiet);

#define EV_CLI_COMMAND(n) extern const ev_cli_command ev_cli_cmd_##n;
#include "cli_commands.inc"
#undef EV_CLI_COMMAND

#endif /* EV_CLI_H */
