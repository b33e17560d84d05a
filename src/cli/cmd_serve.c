/* cmd_serve.c - `evident serve REVIEW [--listen HOST:PORT]`: the web app. */
#include "cli.h"

#include "evident/ev_server.h"

#include <signal.h>
#include <unistd.h>

static const char help[] =
    "NAME\n"
    "    evident serve - the review in the browser, for a team\n"
    "\n"
    "SYNOPSIS\n"
    "    evident serve REVIEW [--listen HOST:PORT] [--threads N]\n"
    "\n"
    "DESCRIPTION\n"
    "    Serves the web app (sign-in, dashboard, screening, conflicts,\n"
    "    extraction, synthesis tables) and its JSON API over HTTP until\n"
    "    interrupted (Ctrl-C). Users are added with `evident user add`.\n"
    "    Listens on loopback unless told otherwise; to serve a team, put a TLS\n"
    "    reverse proxy in front (docs/serve.md has an nginx example).\n"
    "\n"
    "OPTIONS\n"
    "    -l, --listen HOST:PORT  address to listen on (default 127.0.0.1:8080;\n"
    "                            port 0 picks a free port, printed at start)\n"
    "    --threads N             requests served at once, each with its own\n"
    "                            connection to the review (default 4)\n"
    "    -q, --quiet             print nothing but errors\n"
    "    -h, --help              show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident user add ankle.evident alice --role reviewer\n"
    "    evident serve ankle.evident --listen 127.0.0.1:8080\n"
    "\n"
    "EXIT STATUS\n"
    "    0 stopped by a signal; 1 bad usage; 4 the review cannot be opened or\n"
    "    the address cannot be bound.\n";

/* "HOST:PORT", "[v6]:PORT" or ":PORT" into host (copied) and port. */
static bool parse_listen(const char *s, char *host, size_t n, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL)
        return false;
    long p;
    if (!ev_parse_long(colon + 1, &p) || p < 0 || p > 65535)
        return false;
    const char *h = s;
    size_t len = (size_t)(colon - s);
    if (len >= 2 && h[0] == '[' && h[len - 1] == ']')
        h++, len -= 2;
    if (len == 0)
        h = "127.0.0.1", len = 9;
    if (len >= n)
        return false;
    memcpy(host, h, len);
    host[len] = '\0';
    *port = (unsigned)p;
    return true;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static bool is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static int serve(ev_server_options *opt, bool quiet)
{
    ev_server *srv = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_server_new(&srv, opt, &err) != EV_OK || ev_server_start(srv, &err) != EV_OK) {
        ev_server_free(srv);
        return ev_cli_fail(&err, NULL);
    }
    if (!is_loopback(opt->host))
        fprintf(stderr,
                "evident serve: warning: listening on %s, beyond this machine, over plain "
                "HTTP; put a TLS reverse proxy in front (docs/serve.md)\n",
                opt->host);
    if (!quiet) {
        printf("evident: serving %s at http://%s%s%s:%u/ (Ctrl-C to stop)\n", opt->review,
               strchr(opt->host, ':') ? "[" : "", opt->host, strchr(opt->host, ':') ? "]" : "",
               ev_server_port(srv));
        fflush(stdout);
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!stop_flag)
        pause();
    ev_server_free(srv);
    return EV_EXIT_OK;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    ev_server_options opt = EV_SERVER_OPTIONS_INIT;
    char host[64] = "127.0.0.1";
    bool quiet = false;
    long threads;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:q", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (!parse_listen(optarg, host, sizeof host, &opt.port))
                return ev_cli_usage("serve", "bad --listen '%s' (use HOST:PORT)", optarg);
            break;
        case 't':
            if (!ev_parse_long(optarg, &threads) || threads < 1 || threads > 64)
                return ev_cli_usage("serve", "bad --threads '%s' (1-64)", optarg);
            opt.threads = (unsigned)threads;
            break;
        case 'q':
            quiet = true;
            break;
        case ':':
            return ev_cli_usage("serve", "option '%s' needs a value", argv[optind - 1]);
        default:
            return ev_cli_usage("serve", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return ev_cli_usage("serve", "missing REVIEW");
    if (optind + 1 < argc)
        return ev_cli_usage("serve", "unexpected argument '%s'", argv[optind + 1]);
    opt.review = argv[optind];
    opt.host = host;
    return serve(&opt, quiet);
}

const ev_cli_command ev_cli_cmd_serve = {"serve", "serve the review in the browser", help, run};
