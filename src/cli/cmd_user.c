/* cmd_user.c - `evident user add|list|remove|passwd REVIEW ...`: the people
 * who may sign in to `evident serve`, with their roles. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_server.h"

#include <termios.h>
#include <unistd.h>

static const char help[] =
    "NAME\n"
    "    evident user - users of the web app and their roles\n"
    "\n"
    "SYNOPSIS\n"
    "    evident user add REVIEW NAME --role ROLE [--password-stdin]\n"
    "    evident user passwd REVIEW NAME [--password-stdin]\n"
    "    evident user remove REVIEW NAME\n"
    "    evident user list REVIEW [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Roles: owner (everything, including settings), reviewer (screens and\n"
    "    charts), adjudicator (also settles conflicts). The password is read\n"
    "    from the terminal without echo (twice), or as the first line of\n"
    "    standard input with --password-stdin (for scripts); it is stored as an\n"
    "    Argon2id hash. Changing a password or removing a user ends their\n"
    "    sessions; a removed user's decisions stay in the review.\n"
    "\n"
    "OPTIONS\n"
    "    -r, --role ROLE       owner, reviewer or adjudicator\n"
    "    --password-stdin      read the password from standard input\n"
    "    --json                (list) print a JSON array of {name, role, created}\n"
    "    -h, --help            show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident user add ankle.evident alice --role reviewer\n"
    "    printf 'correct horse\\n' | evident user add ankle.evident bob --role reviewer \\\n"
    "        --password-stdin\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage (bad name, short password); 2 no such user;\n"
    "    3 the user exists; 4 the review cannot be opened or written.\n";

/* One line from `f` into buf without its newline; false at EOF. */
static bool read_line(FILE *f, char *buf, size_t n)
{
    if (fgets(buf, (int)n, f) == NULL)
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    return true;
}

static bool prompt_hidden(const char *prompt, char *buf, size_t n)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (tty == NULL)
        return false;
    struct termios old, quiet;
    int fd = fileno(tty);
    bool ok = tcgetattr(fd, &old) == 0;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (ok)
        ok = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    fputs(prompt, tty);
    fflush(tty);
    ok = ok && read_line(tty, buf, n);
    tcsetattr(fd, TCSAFLUSH, &old);
    fputs("\n", tty);
    fclose(tty);
    return ok;
}

static int get_password(bool from_stdin, char *buf, size_t n)
{
    if (from_stdin) {
        if (!read_line(stdin, buf, n))
            return ev_cli_usage("user", "no password on standard input");
        return EV_EXIT_OK;
    }
    char again[1100];
    if (!prompt_hidden("password: ", buf, n) || !prompt_hidden("again: ", again, sizeof again))
        return ev_cli_usage("user", "no terminal to read the password from "
                                    "(use --password-stdin)");
    if (strcmp(buf, again) != 0)
        return ev_cli_usage("user", "the passwords differ");
    return EV_EXIT_OK;
}

static int list(ev_store *s, bool json)
{
    ev_server_user *u = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_server_user_list(s, &u, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (json)
        fputc('[', stdout);
    for (size_t i = 0; i < n; i++) {
        if (json) {
            fputs(i ? ",{" : "{", stdout);
            ev_cli_json_kv(stdout, "name", u[i].name, 1);
            ev_cli_json_kv(stdout, "role", ev_server_role_name(u[i].role), 0);
            ev_cli_json_kv(stdout, "created", u[i].created, 0);
            fputc('}', stdout);
        } else {
            printf("%-24s %-12s %s\n", u[i].name, ev_server_role_name(u[i].role), u[i].created);
        }
    }
    if (json)
        fputs("]\n", stdout);
    ev_free(u);
    return EV_EXIT_OK;
}

/* Run the action on the open review. */
static int act(ev_store *s, const char *action, const char *name, const char *role_s, bool pw_stdin,
               bool json)
{
    if (strcmp(action, "list") == 0)
        return list(s, json);
    if (name == NULL)
        return ev_cli_usage("user", "missing NAME");
    ev_error err = EV_ERROR_INIT;
    ev_status rc;
    const char *actor = getenv("USER") ? getenv("USER") : "cli";
    char pw[1100];
    int ex;
    if (strcmp(action, "remove") == 0) {
        rc = ev_server_user_remove(s, name, actor, &err);
    } else if (strcmp(action, "add") == 0) {
        ev_server_role role;
        if (role_s == NULL || !ev_server_role_parse(role_s, &role))
            return ev_cli_usage("user", "give --role owner, reviewer or adjudicator");
        if ((ex = get_password(pw_stdin, pw, sizeof pw)) != EV_EXIT_OK)
            return ex;
        rc = ev_server_user_add(s, name, role, pw, actor, &err);
    } else if (strcmp(action, "passwd") == 0) {
        if ((ex = get_password(pw_stdin, pw, sizeof pw)) != EV_EXIT_OK)
            return ex;
        rc = ev_server_user_passwd(s, name, pw, actor, &err);
    } else {
        return ev_cli_usage("user", "unknown action '%s' (add, list, remove, passwd)", action);
    }
    if (rc == EV_ENOTFOUND)
        err.code = EV_EINPUT; /* "no such user" is bad input: exit 2 */
    return rc == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"password-stdin", no_argument, NULL, 'p'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    const char *role = NULL;
    bool pw_stdin = false, json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":r:", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            role = optarg;
            break;
        case 'p':
            pw_stdin = true;
            break;
        case 'j':
            json = true;
            break;
        default:
            return ev_cli_bad_option("user", c, argv);
        }
    }
    if (argc - optind < 2)
        return ev_cli_usage("user", "usage: evident user add|list|remove|passwd REVIEW [NAME]");
    if (argc - optind > 3)
        return ev_cli_usage("user", "unexpected argument '%s'", argv[optind + 3]);
    ev_store *s = NULL;
    int ex = ev_cli_open_review(&s, argv[optind + 1], 0);
    if (ex != EV_EXIT_OK)
        return ex;
    ex = act(s, argv[optind], argc - optind == 3 ? argv[optind + 2] : NULL, role, pw_stdin, json);
    ev_store_free(s);
    return ex;
}

const ev_cli_command ev_cli_cmd_user = {"user", "manage the web app's users and roles", help, run};
