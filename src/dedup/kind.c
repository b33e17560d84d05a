/*
 * kind.c - what kind of item a record is: erratum, retraction notice,
 * comment/reply, conference abstract or paper, preprint, or an ordinary
 * article. Two records of different kinds are related, never duplicates
 * (an erratum shares its article's title, authors and journal).
 *
 * Publication types differ between databases (Embase calls a PubMed
 * "Letter" something else), so only the reliable signals are used: title
 * prefixes, conference words in the journal or entry type, preprint servers.
 */
#include "dedup_int.h"

static bool starts_with(const char *s, const char *p)
{
    return s && strncmp(s, p, strlen(p)) == 0;
}

static bool has_word_seq(const char *s, const char *w)
{
    if (s == NULL)
        return false;
    size_t k = strlen(w);
    for (const char *p = strstr(s, w); p; p = strstr(p + 1, w)) {
        bool left = p == s || p[-1] == ' ';
        bool right = p[k] == '\0' || p[k] == ' ';
        if (left && right)
            return true;
    }
    return false;
}

static bool any_word(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_word_seq(s, words[i]))
            return true;
    return false;
}

static bool pubtype_is(const ev_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_publication_types; i++)
        if (ev_strcasecmp(rec->publication_types[i], name) == 0)
            return true;
    return false;
}

static ev_dedup_kind kind_from_title(const char *t)
{
    static const char *const err[] = {"erratum", "errata", "corrigendum", "correction to",
                                      "correction of", "corrections"};
    static const char *const cmt[] = {"comment on", "commentary on", "reply", "in reply",
                                      "response to", "authors reply", "author reply", "re",
                                      "letter to the editor", "reply to"};
    if (t == NULL)
        return EV_DEDUP_KIND_ARTICLE;
    for (size_t i = 0; i < sizeof err / sizeof err[0]; i++)
        if (starts_with(t, err[i]) && has_word_seq(t, err[i]))
            return EV_DEDUP_KIND_ERRATUM;
    if (strcmp(t, "correction") == 0 || has_word_seq(t, "erratum"))
        return EV_DEDUP_KIND_ERRATUM;
    if (starts_with(t, "retraction") || starts_with(t, "notice of retraction") ||
        starts_with(t, "retraction note"))
        return EV_DEDUP_KIND_RETRACTION;
    for (size_t i = 0; i < sizeof cmt / sizeof cmt[0]; i++)
        if (starts_with(t, cmt[i]) && (t[strlen(cmt[i])] == ' ' || t[strlen(cmt[i])] == '\0'))
            return EV_DEDUP_KIND_COMMENT;
    size_t n = strlen(t);
    if (n > 6 && strcmp(t + n - 6, " reply") == 0)
        return EV_DEDUP_KIND_COMMENT;
    /* Web of Science names a correction "Title (vol 85, pg 553, 2010)". */
    const char *vol = strstr(t, " vol ");
    if (vol && strstr(vol, " pg "))
        return EV_DEDUP_KIND_ERRATUM;
    return EV_DEDUP_KIND_ARTICLE;
}

static bool doi_is_preprint(const char *doi)
{
    static const char *const pre[] = {"10.21203/rs.", "10.2139/ssrn", "10.48550/arxiv",
                                      "10.31234/osf", "10.20944/preprints", "10.26434/chemrxiv",
                                      "10.1101/19", "10.1101/20"};
    if (doi == NULL)
        return false;
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
        if (strncmp(doi, pre[i], strlen(pre[i])) == 0)
            return true;
    return false;
}

static bool is_conference(const ev_record *rec, const char *journal)
{
    static const char *const conf_words[] = {"conference", "congress", "meeting", "symposium",
                                             "workshop", "abstracts", "annual meeting",
                                             "proceedings"};
    static const char *const conf_types[] = {"inproceedings", "conference", "proceedings",
                                             "conf", "cpaper", "abst", "meeting abstract",
                                             "conference abstract", "conference paper"};
    for (size_t i = 0; rec->type && i < sizeof conf_types / sizeof conf_types[0]; i++)
        if (ev_strcasecmp(rec->type, conf_types[i]) == 0)
            return true;
    if (pubtype_is(rec, "Congress") || pubtype_is(rec, "Conference Abstract"))
        return true;
    /* "proceedings" alone names journals (PNAS, Mayo Clin Proc); with another
     * conference word it is a proceedings volume. Dissertation Abstracts
     * International indexes theses, not meetings. */
    if (has_word_seq(journal, "dissertation abstracts"))
        return false;
    size_t n = sizeof conf_words / sizeof conf_words[0] - 1;
    return any_word(journal, conf_words, n);
}

ev_dedup_kind ev__dedup_kind(const ev_record *rec, const char *title, const char *journal)
{
    static const char *const servers[] = {"biorxiv", "medrxiv", "arxiv", "ssrn", "chemrxiv",
                                          "psyarxiv", "research square", "preprints"};
    if (rec->is_retraction_notice || pubtype_is(rec, "Retraction of Publication"))
        return EV_DEDUP_KIND_RETRACTION;
    if (pubtype_is(rec, "Published Erratum") || pubtype_is(rec, "Erratum"))
        return EV_DEDUP_KIND_ERRATUM;
    if (rec->title && ev__dedup_cites_article(rec->title))
        return EV_DEDUP_KIND_ERRATUM;
    ev_dedup_kind k = kind_from_title(title);
    if (k != EV_DEDUP_KIND_ARTICLE)
        return k;
    if (pubtype_is(rec, "Preprint") || doi_is_preprint(rec->doi) ||
        any_word(journal, servers, sizeof servers / sizeof servers[0]))
        return EV_DEDUP_KIND_PREPRINT;
    if (is_conference(rec, journal))
        return EV_DEDUP_KIND_CONFERENCE;
    return EV_DEDUP_KIND_ARTICLE;
}

const char *ev_dedup_kind_name(ev_dedup_kind k)
{
    switch (k) {
    case EV_DEDUP_KIND_ARTICLE: return "article";
    case EV_DEDUP_KIND_ERRATUM: return "erratum";
    case EV_DEDUP_KIND_RETRACTION: return "retraction notice";
    case EV_DEDUP_KIND_COMMENT: return "comment";
    case EV_DEDUP_KIND_CONFERENCE: return "conference";
    case EV_DEDUP_KIND_PREPRINT: return "preprint";
    }
    return "article";
}
