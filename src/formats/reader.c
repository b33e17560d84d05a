/*
 * reader.c - the byte source every reader uses: plain or gzip files (zlib's
 * gzread reads both), or memory; a peek window for format detection; an
 * encoding layer (BOM removal, UTF-8 validation, Windows-1252 conversion,
 * binary refusal); and a line reader for the tagged text formats.
 */
#include "formats_int.h"

#include <sys/stat.h>
#include <zlib.h>

#define RAW_CAP (256u * 1024u)

struct ev__reader {
    char name[EV_ERROR_INPUT_MAX];
    gzFile gz;           /* NULL for memory input */
    const char *mem;
    size_t mem_len;
    unsigned char *raw;  /* decompressed bytes not yet delivered */
    size_t raw_len, raw_pos;
    uint64_t size;       /* file size on disk */
    uint64_t delivered;  /* decompressed bytes consumed from raw */
    bool started;        /* first read done: BOM handled */
    bool eof;
    ev__encoding_mode mode;
    bool converting;     /* Windows-1252 -> UTF-8 */
    bool seen_multibyte; /* valid non-ASCII UTF-8 seen */
    unsigned char carry[4];
    size_t carry_len;
    ev_buf out;          /* converted or carried output */
    ev_sha256 *hash;     /* borrowed: fed the file's bytes (plain files) */
    bool hash_ok;        /* every byte read so far went into hash */
};

static ev_status reader_alloc(ev__reader **out, const char *name, ev_error *err)
{
    ev__reader *r = ev_calloc(1, sizeof *r);
    if (r == NULL)
        return ev_error_set(err, EV_ENOMEM, name, 0, 0, "out of memory");
    snprintf(r->name, sizeof r->name, "%s", name ? name : "<input>");
    r->mode = EV__ENC_UTF8_STRICT;
    ev_buf_init(&r->out, 0);
    *out = r;
    return EV_OK;
}

ev_status ev__reader_open_file(ev__reader **out, const char *path, ev_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ev_error_set(err, errno == ENOENT ? EV_ENOTFOUND : EV_EIO, path, 0, 0,
                            "cannot open: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "is a directory, not a file");
    ev__reader *r = NULL;
    ev_status s = reader_alloc(&r, path, err);
    if (s != EV_OK)
        return s;
    r->size = (uint64_t)st.st_size;
    r->raw = ev_malloc(RAW_CAP);
    r->gz = gzopen(path, "rb");
    if (r->raw == NULL || r->gz == NULL) {
        s = r->raw == NULL ? EV_ENOMEM : EV_EIO;
        ev__reader_free(r);
        return ev_error_set(err, s, path, 0, 0, "cannot open: %s",
                            s == EV_ENOMEM ? "out of memory" : strerror(errno));
    }
    gzbuffer(r->gz, RAW_CAP);
    *out = r;
    return EV_OK;
}

ev_status ev__reader_open_buffer(ev__reader **out, const char *name, const char *data, size_t n,
                                 ev_error *err)
{
    ev__reader *r = NULL;
    ev_status s = reader_alloc(&r, name, err);
    if (s != EV_OK)
        return s;
    r->mem = data;
    r->mem_len = n;
    r->size = n;
    if (n >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        /* gzip in memory (fuzzers, tests): inflate through a z_stream-backed
         * gzFile is not possible, so decompress up front. */
        ev__reader_free(r);
        return ev_error_set(err, EV_EINPUT, name, 0, 0,
                            "compressed data must be read from a file");
    }
    *out = r;
    return EV_OK;
}

void ev__reader_free(ev__reader *r)
{
    if (r == NULL)
        return;
    if (r->gz)
        gzclose(r->gz);
    ev_free(r->raw);
    ev_buf_release(&r->out);
    ev_free(r);
}

/* Refill the raw window from the file, keeping undelivered bytes. */
static ev_status fill(ev__reader *r, ev_error *err)
{
    if (r->gz == NULL || r->eof)
        return EV_OK;
    if (r->raw_pos > 0) {
        memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
        r->raw_len -= r->raw_pos;
        r->raw_pos = 0;
    }
    while (r->raw_len < RAW_CAP && !r->eof) {
        int n = gzread(r->gz, r->raw + r->raw_len, (unsigned)(RAW_CAP - r->raw_len));
        if (n < 0) {
            int code;
            const char *msg = gzerror(r->gz, &code);
            return ev_error_set(err, EV_EIO, r->name, 0, 0, "read error: %s", msg);
        }
        if (n == 0) {
            int code;
            const char *msg = gzerror(r->gz, &code);
            if (code != Z_OK && code != Z_STREAM_END)
                return ev_error_set(err, EV_EINPUT, r->name, 0, 0,
                                    "truncated or corrupt gzip data: %s", msg);
            r->eof = true;
        }
        if (r->hash && r->hash_ok) /* gzread's bytes are the file's when direct */
            r->hash_ok = gzdirect(r->gz) == 1;
        if (r->hash && r->hash_ok)
            ev_sha256_update(r->hash, r->raw + r->raw_len, (size_t)n);
        r->raw_len += (size_t)n;
    }
    return EV_OK;
}

void ev__reader_hash(ev__reader *r, ev_sha256 *h)
{
    r->hash = h;
    r->hash_ok = h != NULL && r->gz != NULL && r->raw_len == 0 && !r->eof;
}

bool ev__reader_hashed_whole(const ev__reader *r)
{
    return r->hash != NULL && r->hash_ok && r->eof;
}

/* Current undelivered window (memory or raw buffer). */
static void window(ev__reader *r, const unsigned char **p, size_t *n)
{
    if (r->gz) {
        *p = r->raw + r->raw_pos;
        *n = r->raw_len - r->raw_pos;
    } else {
        *p = (const unsigned char *)r->mem + r->delivered;
        *n = r->mem_len - (size_t)r->delivered;
    }
}

static void consume(ev__reader *r, size_t n)
{
    if (r->gz)
        r->raw_pos += n;
    r->delivered += n;
}

ev_status ev__reader_peek(ev__reader *r, const char **data, size_t *n, ev_error *err)
{
    if (r->gz && r->raw_len - r->raw_pos < 65536) {
        ev_status s = fill(r, err);
        if (s != EV_OK)
            return s;
    }
    const unsigned char *p;
    window(r, &p, n);
    *data = (const char *)p;
    return EV_OK;
}

void ev__reader_set_encoding(ev__reader *r, ev__encoding_mode mode)
{
    r->mode = mode;
}

const char *ev__reader_name(const ev__reader *r)
{
    return r->name;
}

uint64_t ev__reader_size(const ev__reader *r)
{
    return r->size;
}

uint64_t ev__reader_consumed(const ev__reader *r)
{
    if (r->gz) {
        z_off_t off = gzoffset(r->gz);
        return off > 0 ? (uint64_t)off : 0;
    }
    return r->delivered;
}

const char *ev__reader_encoding(const ev__reader *r)
{
    return r->converting ? "Windows-1252 (converted)" : "UTF-8";
}

/* First read: strip a UTF-8 BOM, refuse UTF-16/32. */
static ev_status handle_bom(ev__reader *r, ev_error *err)
{
    const unsigned char *p;
    size_t n;
    window(r, &p, &n);
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return ev_error_set(err, EV_EINPUT, r->name, 1, 1,
                            "UTF-16 text is not supported: save the file as UTF-8");
    if (r->mode != EV__ENC_RAW && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        consume(r, 3);
    return EV_OK;
}

/* Length of a complete, valid UTF-8 sequence at p (n bytes available):
 * >0 valid, 0 incomplete (needs more bytes), -1 invalid. */
static int utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (len == 0)
        return -1;
    for (size_t i = 1; i < len; i++) {
        if (i >= n)
            return 0;
        if ((p[i] & 0xC0) != 0x80)
            return -1;
    }
    if (len == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
        return -1;
    if (len == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
        return -1;
    return (int)len;
}

/* Validate p[0..n): returns the number of bytes that form complete valid
 * text; *bad is set at an invalid byte; a trailing incomplete sequence is
 * left out (it is carried to the next chunk unless at EOF). */
static size_t validate(ev__reader *r, const unsigned char *p, size_t n, bool *bad)
{
    size_t i = 0;
    *bad = false;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_seq(p + i, n - i);
        if (k == 0)
            return i;
        if (k < 0) {
            *bad = true;
            return i;
        }
        r->seen_multibyte = true;
        i += (size_t)k;
    }
    return i;
}

static ev_status binary_error(ev__reader *r, uint64_t off, ev_error *err)
{
    ev_error_set(err, EV_EINPUT, r->name, 0, 0,
                 "binary data (NUL byte): not a citation export");
    ev_error_set_offset(err, off);
    return EV_EINPUT;
}

/* Deliver the next chunk through the encoding layer into r->out. */
static ev_status encode_chunk(ev__reader *r, const unsigned char *p, size_t n, ev_error *err)
{
    ev_buf_clear(&r->out);
    if (memchr(p, 0, n) != NULL)
        return binary_error(r, r->delivered + (size_t)((const unsigned char *)memchr(p, 0, n) - p),
                            err);
    if (r->converting)
        return ev_cp1252_to_utf8(&r->out, (const char *)p, n);
    ev_status s = ev_buf_append(&r->out, r->carry, r->carry_len);
    if (s == EV_OK)
        s = ev_buf_append(&r->out, p, n);
    if (s != EV_OK)
        return s;
    r->carry_len = 0;
    bool bad = false;
    size_t ok = validate(r, (const unsigned char *)r->out.ptr, r->out.len, &bad);
    if (bad) {
        uint64_t off = r->delivered - r->out.len + n + ok;
        if (r->mode == EV__ENC_UTF8_OR_1252 && !r->seen_multibyte) {
            /* Everything before is ASCII: convert the rest as Windows-1252. */
            ev_buf rest;
            ev_buf_init(&rest, 0);
            s = ev_cp1252_to_utf8(&rest, r->out.ptr + ok, r->out.len - ok);
            r->out.len = ok;
            if (s == EV_OK)
                s = ev_buf_append(&r->out, rest.ptr, rest.len);
            ev_buf_release(&rest);
            r->converting = true;
            return s;
        }
        ev_error_set(err, EV_EINPUT, r->name, 0, 0,
                     r->mode == EV__ENC_UTF8_OR_1252
                         ? "invalid UTF-8 in a file that also holds valid UTF-8 (mixed encodings)"
                         : "invalid UTF-8");
        ev_error_set_offset(err, off);
        return EV_EINPUT;
    }
    if (ok < r->out.len) { /* incomplete sequence at the end: carry it */
        r->carry_len = r->out.len - ok;
        memcpy(r->carry, r->out.ptr + ok, r->carry_len);
        r->out.len = ok;
    }
    return EV_OK;
}

ev_status ev__reader_read(ev__reader *r, const char **data, size_t *n, ev_error *err)
{
    ev_status s;
    if (!r->started) {
        r->started = true;
        if ((s = fill(r, err)) != EV_OK || (s = handle_bom(r, err)) != EV_OK)
            return s;
    }
    for (;;) {
        const unsigned char *p;
        size_t avail;
        window(r, &p, &avail);
        if (avail == 0 && r->gz && !r->eof) {
            if ((s = fill(r, err)) != EV_OK)
                return s;
            window(r, &p, &avail);
        }
        if (avail == 0) {
            if (r->carry_len && r->mode != EV__ENC_RAW) {
                ev_error_set(err, EV_EINPUT, r->name, 0, 0, "truncated UTF-8 sequence at end");
                ev_error_set_offset(err, r->delivered - r->carry_len);
                return EV_EINPUT;
            }
            *data = NULL;
            *n = 0;
            return EV_OK;
        }
        consume(r, avail);
        if (r->mode == EV__ENC_RAW) {
            if (memchr(p, 0, avail) != NULL)
                return binary_error(r, r->delivered - avail, err);
            *data = (const char *)p;
            *n = avail;
            return EV_OK;
        }
        if ((s = encode_chunk(r, p, avail, err)) != EV_OK)
            return s;
        if (r->out.len > 0) {
            *data = r->out.ptr;
            *n = r->out.len;
            return EV_OK;
        }
    }
}

/* ---- lines -------------------------------------------------------------------- */

void ev__lines_init(ev__lines *l, ev__reader *r, size_t max_line)
{
    memset(l, 0, sizeof *l);
    l->r = r;
    ev_buf_init(&l->line, max_line);
    ev_buf_init(&l->pending, 0);
}

void ev__lines_release(ev__lines *l)
{
    ev_buf_release(&l->line);
    ev_buf_release(&l->pending);
}

/* Make sure pending has unread bytes; false at EOF. */
static ev_status refill_pending(ev__lines *l, bool *have, ev_error *err)
{
    *have = l->pending_off < l->pending.len;
    if (*have || l->eof)
        return EV_OK;
    const char *d;
    size_t n;
    ev_status s = ev__reader_read(l->r, &d, &n, err);
    if (s != EV_OK)
        return s;
    ev_buf_clear(&l->pending);
    l->pending_off = 0;
    if (n == 0) {
        l->eof = true;
        return EV_OK;
    }
    if ((s = ev_buf_append(&l->pending, d, n)) != EV_OK)
        return ev_error_set(err, s, ev__reader_name(l->r), 0, 0, "out of memory");
    *have = true;
    return EV_OK;
}

ev_status ev__lines_next(ev__lines *l, bool *got, ev_error *err)
{
    ev_buf_clear(&l->line);
    l->offset = l->next_offset;
    bool have, any = false;
    for (;;) {
        ev_status s = refill_pending(l, &have, err);
        if (s != EV_OK)
            return s;
        if (!have)
            break;
        const char *p = l->pending.ptr + l->pending_off;
        size_t avail = l->pending.len - l->pending_off;
        if (l->cr_pending) { /* "\r" ended the last chunk: skip its "\n" */
            l->cr_pending = false;
            if (p[0] == '\n') {
                l->pending_off++;
                l->next_offset++;
                l->offset++;
                continue;
            }
        }
        size_t i = 0;
        while (i < avail && p[i] != '\n' && p[i] != '\r')
            i++;
        if (ev_buf_append(&l->line, p, i) != EV_OK)
            return ev_error_set(err, EV_EINPUT, ev__reader_name(l->r), l->line_no + 1, 0,
                                "line longer than %zu bytes", l->line.max);
        any = true;
        l->pending_off += i;
        l->next_offset += i;
        if (i < avail) { /* terminator found */
            size_t t = 1;
            if (p[i] == '\r') {
                if (i + 1 < avail)
                    t = p[i + 1] == '\n' ? 2 : 1;
                else
                    l->cr_pending = true;
            }
            l->pending_off += t;
            l->next_offset += t;
            break;
        }
    }
    *got = any;
    if (any)
        l->line_no++;
    return EV_OK;
}
