/*
 * main.c - `evident COMMAND [ARGS]`: dispatch through the generated command
 * table (one file per subcommand), help, and the status -> exit code table.
 */
#include "cli.h"

static const ev_cli_command *const commands[] = {
#define EV_CLI_COMMAND(n) &ev_cli_cmd_##n,
#include "cli_commands.inc"
#undef EV_CLI_COMMAND
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

int ev_cli_exit_code(ev_status st)
{
    static const int table[] = {
        [EV_OK] = EV_EXIT_OK,           [EV_EUSAGE] = EV_EXIT_USAGE,
        [EV_EINPUT] = EV_EXIT_INPUT,    [EV_EREFUSED] = EV_EXIT_REFUSED,
        [EV_ENOTFOUND] = EV_EXIT_INPUT, [EV_EIO] = EV_EXIT_REVIEW,
        [EV_ENEWER] = EV_EXIT_REVIEW,   [EV_EBUSY] = EV_EXIT_REVIEW,
        [EV_ENOMEM] = EV_EXIT_INTERNAL, [EV_EINTERNAL] = EV_EXIT_INTERNAL,
        [EV_ECANCEL] = EV_EXIT_INPUT,
    };
    if ((size_t)st >= sizeof table / sizeof table[0])
        return EV_EXIT_INTERNAL;
    return table[st];
}

int ev_cli_fail(const ev_error *err, const char *hint)
{
    char msg[EV_ERROR_MSG_MAX + EV_ERROR_INPUT_MAX + 64];
    ev_error_format(err, msg, sizeof msg);
    fprintf(stderr, "evident: %s\n", msg);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
    if (err->code == EV_EINTERNAL || err->code == EV_ENOMEM)
        fprintf(stderr, "this is a bug in evident: please report it with the command you ran\n");
    return ev_cli_exit_code(err->code);
}

int ev_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "evident %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nsee 'evident %s --help'\n", cmd);
    va_end(ap);
    return EV_EXIT_USAGE;
}

int ev_cli_help(const ev_cli_command *cmd)
{
    fputs(cmd->help, stdout);
    return EV_EXIT_OK;
}

bool ev_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

static const ev_cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static int print_overview(FILE *out)
{
    fprintf(out,
            "usage: evident COMMAND REVIEW [ARGS] [OPTIONS]\n"
            "\n"
            "evident carries a systematic or scoping review from database exports to\n"
            "the report: import, search, deduplicate, screen, chart, synthesise, report.\n"
            "A review is one file; every command takes it first.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\n"
            "'evident help COMMAND' or 'evident COMMAND --help' shows a command's manual.\n"
            "Every command that prints results takes --json.\n"
            "\n"
            "Exit codes: 0 done, 1 bad usage, 2 bad input (review unchanged), 3 refused by\n"
            "the review's rules, 4 review cannot be opened or written, 5 internal error.\n");
    return EV_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return print_overview(stderr), EV_EXIT_USAGE;
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return print_overview(stdout);
    if (strcmp(name, "--version") == 0) {
        printf("evident %s\n", ev_version());
        return EV_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3)
            return print_overview(stdout);
        const ev_cli_command *c = find_command(argv[2]);
        if (c == NULL)
            return ev_cli_usage("help", "no command '%s'", argv[2]);
        return ev_cli_help(c);
    }
    const ev_cli_command *cmd = find_command(name);
    if (cmd == NULL) {
        fprintf(stderr, "evident: '%s' is not a command; see 'evident --help'\n", name);
        return EV_EXIT_USAGE;
    }
    if (ev_cli_wants_help(argc - 1, argv + 1))
        return ev_cli_help(cmd);
    return cmd->run(argc - 1, argv + 1);
}
