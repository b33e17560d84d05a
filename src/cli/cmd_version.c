/* cmd_version.c - `evident version`: print the version (and --json). */
#include "cli.h"

static int run(int argc, char **argv)
{
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
    if (json)
        printf("{\"version\":\"%s\"}\n", ev_version());
    else
        printf("evident %s\n", ev_version());
    return EV_EXIT_OK;
}

const ev_cli_command ev_cli_cmd_version = {
    .name = "version",
    .summary = "print evident's version",
    .help = "usage: evident version [--json]\n"
            "\n"
            "Print the version of evident (as JSON with --json).\n",
    .run = run,
};
