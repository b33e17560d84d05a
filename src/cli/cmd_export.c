/*
 * cmd_export.c - `evident export REVIEW --format F [-o FILE]`: write the live
 * records out through the formats module's writers. A file is written under a
 * temporary name and renamed at the end, so it is never left half-written.
 */
#include "cli.h"
#include "cli_util.h"

#include <sys/stat.h>

#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident export - write the review's records in a citation format\n"
    "\n"
    "SYNOPSIS\n"
    "    evident export REVIEW --format ris|nbib|csv|json|bibtex [-o FILE]\n"
    "                   [--quiet] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes every live record of REVIEW, in id order, as RIS, MEDLINE text\n"
    "    (PubMed's .nbib), CSV (one header row), JSON (an array of evident's\n"
    "    record JSON, docs/record-json.md) or BibTeX. A record read from the same\n"
    "    format is written exactly as its source file held it (lossless round\n"
    "    trip); others are written from their fields. The output can be\n"
    "    imported again with 'evident import'.\n"
    "\n"
    "    Without -o the records go to stdout. With -o the file is written under\n"
    "    a temporary name and renamed when complete: an error never leaves a\n"
    "    half-written FILE.\n"
    "\n"
    "OPTIONS\n"
    "    -f, --format F     ris, nbib (or medline), csv, json, bibtex\n"
    "    -o, --output FILE  write to FILE instead of stdout (replaced if it exists)\n"
    "    -q, --quiet        no summary line on stderr\n"
    "    --json             with -o: print {\"review\", \"file\", \"format\", \"records\"}\n"
    "                       on stdout\n"
    "    -h, --help         show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident export ankle.evident --format ris -o ankle.ris\n"
    "    evident export ankle.evident --format csv > records.csv\n"
    "    evident export ankle.evident --format json | jq '.[0].title'\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage (unknown format, --json without -o); 4 the review\n"
    "    cannot be opened or FILE cannot be written; 5 internal error.\n";

typedef struct exporter {
    FILE *out;
    ev_format format;
    ev_buf buf;
    uint64_t count;
    ev_error *err;
} exporter;

/* The writer's text for one record, trailing white space trimmed (JSON
 * records are joined into an array). */
static ev_status visit(ev_id id, const ev_record *rec, void *payload)
{
    (void)id;
    exporter *x = payload;
    ev_buf_clear(&x->buf);
    ev_status st = ev_export_record(&x->buf, rec, x->format, x->err);
    if (st != EV_OK)
        return st;
    if (x->format == EV_FORMAT_JSON) {
        while (x->buf.len && isspace((unsigned char)x->buf.ptr[x->buf.len - 1]))
            x->buf.len--;
        fputs(x->count ? ",\n" : "\n", x->out);
    }
    fwrite(x->buf.ptr ? x->buf.ptr : "", 1, x->buf.len, x->out);
    x->count++;
    if (ferror(x->out))
        return ev_error_set(x->err, EV_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    return EV_OK;
}

static ev_status write_all(ev_store *s, exporter *x)
{
    ev_status st = EV_OK;
    if (x->format == EV_FORMAT_CSV) {
        st = ev_export_csv_header(&x->buf);
        if (st != EV_OK)
            return ev_error_set(x->err, st, NULL, 0, 0, "cannot write the csv header");
        fwrite(x->buf.ptr ? x->buf.ptr : "", 1, x->buf.len, x->out);
    }
    if (x->format == EV_FORMAT_JSON)
        fputc('[', x->out);
    st = ev_store_records_foreach(s, visit, x, x->err);
    if (st == EV_OK && x->format == EV_FORMAT_JSON)
        fputs(x->count ? "\n]\n" : "]\n", x->out);
    if (st == EV_OK && (fflush(x->out) != 0 || ferror(x->out)))
        st = ev_error_set(x->err, EV_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    return st;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Export into FILE through a temporary file in the same directory. */
static ev_status export_to_file(ev_store *s, exporter *x, const char *path)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return ev_error_set(x->err, EV_EUSAGE, path, 0, 0, "file name too long");
    int fd = mkstemp(tmp);
    if (fd >= 0) { /* mkstemp makes 0600; give the file the usual mode */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    if (fd < 0 || (x->out = fdopen(fd, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        return ev_error_set(x->err, EV_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    ev_status st = write_all(s, x);
    if (fclose(x->out) != 0 && st == EV_OK)
        st = ev_error_set(x->err, EV_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    x->out = NULL;
    if (st == EV_OK && rename(tmp, path) != 0)
        st = ev_error_set(x->err, EV_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (st != EV_OK)
        unlink(tmp);
    return st;
}

static ev_format parse_format(const char *name)
{
    ev_format f = ev_format_from_name(name);
    switch (f) {
    case EV_FORMAT_RIS:
    case EV_FORMAT_MEDLINE:
    case EV_FORMAT_CSV:
    case EV_FORMAT_JSON:
    case EV_FORMAT_BIBTEX: return f;
    default: return EV_FORMAT_UNKNOWN;
    }
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}};
    const char *out_path = NULL, *fname = NULL;
    bool quiet = false, json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'f': fname = optarg; break;
        case 'o': out_path = optarg; break;
        case 'q': quiet = true; break;
        case 'j': json = true; break;
        default: return ev_cli_bad_option("export", c, argv);
        }
    }
    if (optind >= argc)
        return ev_cli_usage("export", "missing REVIEW");
    if (optind + 1 < argc)
        return ev_cli_usage("export", "unexpected argument '%s'", argv[optind + 1]);
    if (fname == NULL)
        return ev_cli_usage("export", "missing --format (ris, nbib, csv, json, bibtex)");
    ev_format format = parse_format(fname);
    if (format == EV_FORMAT_UNKNOWN)
        return ev_cli_usage("export", "unknown format '%s' (ris, nbib, csv, json, bibtex)",
                            fname);
    if (json && out_path == NULL)
        return ev_cli_usage("export", "--json needs -o FILE (stdout holds the records)");
    const char *review = argv[optind];
    if (out_path && same_file(out_path, review))
        return ev_cli_usage("export", "-o would overwrite the review itself");
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, review, EV_STORE_READONLY);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_error err = EV_ERROR_INIT;
    exporter x = {.out = stdout, .format = format, .err = &err};
    ev_buf_init(&x.buf, 0);
    ev_status st = out_path ? export_to_file(s, &x, out_path) : write_all(s, &x);
    ev_buf_release(&x.buf);
    ev_store_free(s);
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (json) {
        putchar('{');
        ev_cli_json_kv(stdout, "review", review, 1);
        ev_cli_json_kv(stdout, "file", out_path, 0);
        ev_cli_json_kv(stdout, "format", ev_format_name(format), 0);
        printf(",\"records\":%llu}\n", (unsigned long long)x.count);
    } else if (!quiet) {
        fprintf(stderr, "exported %llu records (%s) to %s\n", (unsigned long long)x.count,
                ev_format_name(format), out_path ? out_path : "stdout");
    }
    return EV_EXIT_OK;
}

const ev_cli_command ev_cli_cmd_export = {
    .name = "export",
    .summary = "write the records as RIS, nbib, CSV, JSON or BibTeX",
    .help = help,
    .run = run,
};
