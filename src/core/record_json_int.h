/*
 * record_json_int.h - the field tables record_json.c (writer, equality) and
 * record_json_read.c (reader) share: which ev_record members are plain
 * strings, booleans, dates, string lists and key/value lists, by name.
 */
#ifndef EV_RECORD_JSON_INT_H
#define EV_RECORD_JSON_INT_H

#include "evident/ev_record.h"

typedef struct ev__rj_field {
    const char *name;
    size_t off;       /* offset of the member in ev_record */
    size_t count_off; /* lists: offset of the n_ member */
} ev__rj_field;

extern const ev__rj_field ev__rj_strings[];
extern const size_t ev__rj_n_strings;
extern const ev__rj_field ev__rj_bools[];
extern const size_t ev__rj_n_bools;
extern const ev__rj_field ev__rj_dates[];
extern const size_t ev__rj_n_dates;
extern const ev__rj_field ev__rj_str_lists[];
extern const size_t ev__rj_n_str_lists;
extern const ev__rj_field ev__rj_kv_lists[];
extern const size_t ev__rj_n_kv_lists;

/* Member of `rec` at byte offset `off`, as a `type`. */
#define EV__RJ_AT(rec, off, type) ((type *)(void *)((char *)(rec) + (off)))
#define EV__RJ_CAT(rec, off, type) ((type const *)(const void *)((const char *)(rec) + (off)))

/* A byte JSON strings carry as it is: printable ASCII but '"' and '\\'. */
static inline bool ev__rj_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Length of the run of plain bytes at p (at most n). Eight bytes at a time
 * (SWAR, "Bit Twiddling Hacks": haszero/hasless): text is mostly plain, and
 * this scan is the inner loop of both the writer and the reader. */
static inline size_t ev__rj_plain_run(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        uint64_t special = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x;
        if (special & highs)
            break;
    }
    while (i < n && ev__rj_plain(p[i]))
        i++;
    return i;
}

#endif /* EV_RECORD_JSON_INT_H */
