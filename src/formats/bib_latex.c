/*
 * bib_latex.c - LaTeX to Unicode for BibTeX field values. BibTeX exports
 * (Zotero, JabRef, Scopus, Web of Science) escape non-ASCII letters as TeX
 * accents and commands; the normalised record holds plain UTF-8 so that
 * search and deduplication see "Özkal", not "{\"O}zkal".
 */
#include "bib_int.h"

/* Precomposed letters for TeX accents on ASCII letters, generated from
 * Unicode NFC (letter + combining mark -> one code point). */
typedef struct accent_entry {
    char accent;
    char base;
    const char *utf8;
} accent_entry;

/* clang-format off */
static const accent_entry accents[] = {
    {'\'', 'a', "\xC3\xA1"}, {'\'', 'c', "\xC4\x87"}, {'\'', 'e', "\xC3\xA9"},
    {'\'', 'g', "\xC7\xB5"}, {'\'', 'i', "\xC3\xAD"}, {'\'', 'k', "\xE1\xB8\xB1"},
    {'\'', 'l', "\xC4\xBA"}, {'\'', 'm', "\xE1\xB8\xBF"}, {'\'', 'n', "\xC5\x84"},
    {'\'', 'o', "\xC3\xB3"}, {'\'', 'p', "\xE1\xB9\x95"}, {'\'', 'r', "\xC5\x95"},
    {'\'', 's', "\xC5\x9B"}, {'\'', 'u', "\xC3\xBA"}, {'\'', 'w', "\xE1\xBA\x83"},
    {'\'', 'y', "\xC3\xBD"}, {'\'', 'z', "\xC5\xBA"}, {'\'', 'A', "\xC3\x81"},
    {'\'', 'C', "\xC4\x86"}, {'\'', 'E', "\xC3\x89"}, {'\'', 'G', "\xC7\xB4"},
    {'\'', 'I', "\xC3\x8D"}, {'\'', 'K', "\xE1\xB8\xB0"}, {'\'', 'L', "\xC4\xB9"},
    {'\'', 'M', "\xE1\xB8\xBE"}, {'\'', 'N', "\xC5\x83"}, {'\'', 'O', "\xC3\x93"},
    {'\'', 'P', "\xE1\xB9\x94"}, {'\'', 'R', "\xC5\x94"}, {'\'', 'S', "\xC5\x9A"},
    {'\'', 'U', "\xC3\x9A"}, {'\'', 'W', "\xE1\xBA\x82"}, {'\'', 'Y', "\xC3\x9D"},
    {'\'', 'Z', "\xC5\xB9"}, {'`', 'a', "\xC3\xA0"}, {'`', 'e', "\xC3\xA8"},
    {'`', 'i', "\xC3\xAC"}, {'`', 'n', "\xC7\xB9"}, {'`', 'o', "\xC3\xB2"},
    {'`', 'u', "\xC3\xB9"}, {'`', 'w', "\xE1\xBA\x81"}, {'`', 'y', "\xE1\xBB\xB3"},
    {'`', 'A', "\xC3\x80"}, {'`', 'E', "\xC3\x88"}, {'`', 'I', "\xC3\x8C"},
    {'`', 'N', "\xC7\xB8"}, {'`', 'O', "\xC3\x92"}, {'`', 'U', "\xC3\x99"},
    {'`', 'W', "\xE1\xBA\x80"}, {'`', 'Y', "\xE1\xBB\xB2"}, {'^', 'a', "\xC3\xA2"},
    {'^', 'c', "\xC4\x89"}, {'^', 'e', "\xC3\xAA"}, {'^', 'g', "\xC4\x9D"},
    {'^', 'h', "\xC4\xA5"}, {'^', 'i', "\xC3\xAE"}, {'^', 'j', "\xC4\xB5"},
    {'^', 'o', "\xC3\xB4"}, {'^', 's', "\xC5\x9D"}, {'^', 'u', "\xC3\xBB"},
    {'^', 'w', "\xC5\xB5"}, {'^', 'y', "\xC5\xB7"}, {'^', 'z', "\xE1\xBA\x91"},
    {'^', 'A', "\xC3\x82"}, {'^', 'C', "\xC4\x88"}, {'^', 'E', "\xC3\x8A"},
    {'^', 'G', "\xC4\x9C"}, {'^', 'H', "\xC4\xA4"}, {'^', 'I', "\xC3\x8E"},
    {'^', 'J', "\xC4\xB4"}, {'^', 'O', "\xC3\x94"}, {'^', 'S', "\xC5\x9C"},
    {'^', 'U', "\xC3\x9B"}, {'^', 'W', "\xC5\xB4"}, {'^', 'Y', "\xC5\xB6"},
    {'^', 'Z', "\xE1\xBA\x90"}, {'"', 'a', "\xC3\xA4"}, {'"', 'e', "\xC3\xAB"},
    {'"', 'h', "\xE1\xB8\xA7"}, {'"', 'i', "\xC3\xAF"}, {'"', 'o', "\xC3\xB6"},
    {'"', 't', "\xE1\xBA\x97"}, {'"', 'u', "\xC3\xBC"}, {'"', 'w', "\xE1\xBA\x85"},
    {'"', 'x', "\xE1\xBA\x8D"}, {'"', 'y', "\xC3\xBF"}, {'"', 'A', "\xC3\x84"},
    {'"', 'E', "\xC3\x8B"}, {'"', 'H', "\xE1\xB8\xA6"}, {'"', 'I', "\xC3\x8F"},
    {'"', 'O', "\xC3\x96"}, {'"', 'U', "\xC3\x9C"}, {'"', 'W', "\xE1\xBA\x84"},
    {'"', 'X', "\xE1\xBA\x8C"}, {'"', 'Y', "\xC5\xB8"}, {'~', 'a', "\xC3\xA3"},
    {'~', 'e', "\xE1\xBA\xBD"}, {'~', 'i', "\xC4\xA9"}, {'~', 'n', "\xC3\xB1"},
    {'~', 'o', "\xC3\xB5"}, {'~', 'u', "\xC5\xA9"}, {'~', 'v', "\xE1\xB9\xBD"},
    {'~', 'y', "\xE1\xBB\xB9"}, {'~', 'A', "\xC3\x83"}, {'~', 'E', "\xE1\xBA\xBC"},
    {'~', 'I', "\xC4\xA8"}, {'~', 'N', "\xC3\x91"}, {'~', 'O', "\xC3\x95"},
    {'~', 'U', "\xC5\xA8"}, {'~', 'V', "\xE1\xB9\xBC"}, {'~', 'Y', "\xE1\xBB\xB8"},
    {'=', 'a', "\xC4\x81"}, {'=', 'e', "\xC4\x93"}, {'=', 'g', "\xE1\xB8\xA1"},
    {'=', 'i', "\xC4\xAB"}, {'=', 'o', "\xC5\x8D"}, {'=', 'u', "\xC5\xAB"},
    {'=', 'y', "\xC8\xB3"}, {'=', 'A', "\xC4\x80"}, {'=', 'E', "\xC4\x92"},
    {'=', 'G', "\xE1\xB8\xA0"}, {'=', 'I', "\xC4\xAA"}, {'=', 'O', "\xC5\x8C"},
    {'=', 'U', "\xC5\xAA"}, {'=', 'Y', "\xC8\xB2"}, {'.', 'a', "\xC8\xA7"},
    {'.', 'b', "\xE1\xB8\x83"}, {'.', 'c', "\xC4\x8B"}, {'.', 'd', "\xE1\xB8\x8B"},
    {'.', 'e', "\xC4\x97"}, {'.', 'f', "\xE1\xB8\x9F"}, {'.', 'g', "\xC4\xA1"},
    {'.', 'h', "\xE1\xB8\xA3"}, {'.', 'm', "\xE1\xB9\x81"}, {'.', 'n', "\xE1\xB9\x85"},
    {'.', 'o', "\xC8\xAF"}, {'.', 'p', "\xE1\xB9\x97"}, {'.', 'r', "\xE1\xB9\x99"},
    {'.', 's', "\xE1\xB9\xA1"}, {'.', 't', "\xE1\xB9\xAB"}, {'.', 'w', "\xE1\xBA\x87"},
    {'.', 'x', "\xE1\xBA\x8B"}, {'.', 'y', "\xE1\xBA\x8F"}, {'.', 'z', "\xC5\xBC"},
    {'.', 'A', "\xC8\xA6"}, {'.', 'B', "\xE1\xB8\x82"}, {'.', 'C', "\xC4\x8A"},
    {'.', 'D', "\xE1\xB8\x8A"}, {'.', 'E', "\xC4\x96"}, {'.', 'F', "\xE1\xB8\x9E"},
    {'.', 'G', "\xC4\xA0"}, {'.', 'H', "\xE1\xB8\xA2"}, {'.', 'I', "\xC4\xB0"},
    {'.', 'M', "\xE1\xB9\x80"}, {'.', 'N', "\xE1\xB9\x84"}, {'.', 'O', "\xC8\xAE"},
    {'.', 'P', "\xE1\xB9\x96"}, {'.', 'R', "\xE1\xB9\x98"}, {'.', 'S', "\xE1\xB9\xA0"},
    {'.', 'T', "\xE1\xB9\xAA"}, {'.', 'W', "\xE1\xBA\x86"}, {'.', 'X', "\xE1\xBA\x8A"},
    {'.', 'Y', "\xE1\xBA\x8E"}, {'.', 'Z', "\xC5\xBB"}, {'u', 'a', "\xC4\x83"},
    {'u', 'e', "\xC4\x95"}, {'u', 'g', "\xC4\x9F"}, {'u', 'i', "\xC4\xAD"},
    {'u', 'o', "\xC5\x8F"}, {'u', 'u', "\xC5\xAD"}, {'u', 'A', "\xC4\x82"},
    {'u', 'E', "\xC4\x94"}, {'u', 'G', "\xC4\x9E"}, {'u', 'I', "\xC4\xAC"},
    {'u', 'O', "\xC5\x8E"}, {'u', 'U', "\xC5\xAC"}, {'v', 'a', "\xC7\x8E"},
    {'v', 'c', "\xC4\x8D"}, {'v', 'd', "\xC4\x8F"}, {'v', 'e', "\xC4\x9B"},
    {'v', 'g', "\xC7\xA7"}, {'v', 'h', "\xC8\x9F"}, {'v', 'i', "\xC7\x90"},
    {'v', 'j', "\xC7\xB0"}, {'v', 'k', "\xC7\xA9"}, {'v', 'l', "\xC4\xBE"},
    {'v', 'n', "\xC5\x88"}, {'v', 'o', "\xC7\x92"}, {'v', 'r', "\xC5\x99"},
    {'v', 's', "\xC5\xA1"}, {'v', 't', "\xC5\xA5"}, {'v', 'u', "\xC7\x94"},
    {'v', 'z', "\xC5\xBE"}, {'v', 'A', "\xC7\x8D"}, {'v', 'C', "\xC4\x8C"},
    {'v', 'D', "\xC4\x8E"}, {'v', 'E', "\xC4\x9A"}, {'v', 'G', "\xC7\xA6"},
    {'v', 'H', "\xC8\x9E"}, {'v', 'I', "\xC7\x8F"}, {'v', 'K', "\xC7\xA8"},
    {'v', 'L', "\xC4\xBD"}, {'v', 'N', "\xC5\x87"}, {'v', 'O', "\xC7\x91"},
    {'v', 'R', "\xC5\x98"}, {'v', 'S', "\xC5\xA0"}, {'v', 'T', "\xC5\xA4"},
    {'v', 'U', "\xC7\x93"}, {'v', 'Z', "\xC5\xBD"}, {'H', 'o', "\xC5\x91"},
    {'H', 'u', "\xC5\xB1"}, {'H', 'O', "\xC5\x90"}, {'H', 'U', "\xC5\xB0"},
    {'c', 'c', "\xC3\xA7"}, {'c', 'd', "\xE1\xB8\x91"}, {'c', 'e', "\xC8\xA9"},
    {'c', 'g', "\xC4\xA3"}, {'c', 'h', "\xE1\xB8\xA9"}, {'c', 'k', "\xC4\xB7"},
    {'c', 'l', "\xC4\xBC"}, {'c', 'n', "\xC5\x86"}, {'c', 'r', "\xC5\x97"},
    {'c', 's', "\xC5\x9F"}, {'c', 't', "\xC5\xA3"}, {'c', 'C', "\xC3\x87"},
    {'c', 'D', "\xE1\xB8\x90"}, {'c', 'E', "\xC8\xA8"}, {'c', 'G', "\xC4\xA2"},
    {'c', 'H', "\xE1\xB8\xA8"}, {'c', 'K', "\xC4\xB6"}, {'c', 'L', "\xC4\xBB"},
    {'c', 'N', "\xC5\x85"}, {'c', 'R', "\xC5\x96"}, {'c', 'S', "\xC5\x9E"},
    {'c', 'T', "\xC5\xA2"}, {'k', 'a', "\xC4\x85"}, {'k', 'e', "\xC4\x99"},
    {'k', 'i', "\xC4\xAF"}, {'k', 'o', "\xC7\xAB"}, {'k', 'u', "\xC5\xB3"},
    {'k', 'A', "\xC4\x84"}, {'k', 'E', "\xC4\x98"}, {'k', 'I', "\xC4\xAE"},
    {'k', 'O', "\xC7\xAA"}, {'k', 'U', "\xC5\xB2"}, {'r', 'a', "\xC3\xA5"},
    {'r', 'u', "\xC5\xAF"}, {'r', 'w', "\xE1\xBA\x98"}, {'r', 'y', "\xE1\xBA\x99"},
    {'r', 'A', "\xC3\x85"}, {'r', 'U', "\xC5\xAE"}, {'d', 'a', "\xE1\xBA\xA1"},
    {'d', 'b', "\xE1\xB8\x85"}, {'d', 'd', "\xE1\xB8\x8D"}, {'d', 'e', "\xE1\xBA\xB9"},
    {'d', 'h', "\xE1\xB8\xA5"}, {'d', 'i', "\xE1\xBB\x8B"}, {'d', 'k', "\xE1\xB8\xB3"},
    {'d', 'l', "\xE1\xB8\xB7"}, {'d', 'm', "\xE1\xB9\x83"}, {'d', 'n', "\xE1\xB9\x87"},
    {'d', 'o', "\xE1\xBB\x8D"}, {'d', 'r', "\xE1\xB9\x9B"}, {'d', 's', "\xE1\xB9\xA3"},
    {'d', 't', "\xE1\xB9\xAD"}, {'d', 'u', "\xE1\xBB\xA5"}, {'d', 'v', "\xE1\xB9\xBF"},
    {'d', 'w', "\xE1\xBA\x89"}, {'d', 'y', "\xE1\xBB\xB5"}, {'d', 'z', "\xE1\xBA\x93"},
    {'d', 'A', "\xE1\xBA\xA0"}, {'d', 'B', "\xE1\xB8\x84"}, {'d', 'D', "\xE1\xB8\x8C"},
    {'d', 'E', "\xE1\xBA\xB8"}, {'d', 'H', "\xE1\xB8\xA4"}, {'d', 'I', "\xE1\xBB\x8A"},
    {'d', 'K', "\xE1\xB8\xB2"}, {'d', 'L', "\xE1\xB8\xB6"}, {'d', 'M', "\xE1\xB9\x82"},
    {'d', 'N', "\xE1\xB9\x86"}, {'d', 'O', "\xE1\xBB\x8C"}, {'d', 'R', "\xE1\xB9\x9A"},
    {'d', 'S', "\xE1\xB9\xA2"}, {'d', 'T', "\xE1\xB9\xAC"}, {'d', 'U', "\xE1\xBB\xA4"},
    {'d', 'V', "\xE1\xB9\xBE"}, {'d', 'W', "\xE1\xBA\x88"}, {'d', 'Y', "\xE1\xBB\xB4"},
    {'d', 'Z', "\xE1\xBA\x92"}, {'b', 'b', "\xE1\xB8\x87"}, {'b', 'd', "\xE1\xB8\x8F"},
    {'b', 'h', "\xE1\xBA\x96"}, {'b', 'k', "\xE1\xB8\xB5"}, {'b', 'l', "\xE1\xB8\xBB"},
    {'b', 'n', "\xE1\xB9\x89"}, {'b', 'r', "\xE1\xB9\x9F"}, {'b', 't', "\xE1\xB9\xAF"},
    {'b', 'z', "\xE1\xBA\x95"}, {'b', 'B', "\xE1\xB8\x86"}, {'b', 'D', "\xE1\xB8\x8E"},
    {'b', 'K', "\xE1\xB8\xB4"}, {'b', 'L', "\xE1\xB8\xBA"}, {'b', 'N', "\xE1\xB9\x88"},
    {'b', 'R', "\xE1\xB9\x9E"}, {'b', 'T', "\xE1\xB9\xAE"}, {'b', 'Z', "\xE1\xBA\x94"},
};
/* clang-format on */

/* Combining marks for accents with no precomposed letter (fallback). */
static const char *combining_mark(char accent)
{
    switch (accent) {
    case '\'':
        return "\xCC\x81";
    case '`':
        return "\xCC\x80";
    case '^':
        return "\xCC\x82";
    case '"':
        return "\xCC\x88";
    case '~':
        return "\xCC\x83";
    case '=':
        return "\xCC\x84";
    case '.':
        return "\xCC\x87";
    case 'u':
        return "\xCC\x86";
    case 'v':
        return "\xCC\x8C";
    case 'H':
        return "\xCC\x8B";
    case 'c':
        return "\xCC\xA7";
    case 'k':
        return "\xCC\xA8";
    case 'r':
        return "\xCC\x8A";
    case 'd':
        return "\xCC\xA3";
    case 'b':
        return "\xCC\xB1";
    case 't':
        return "\xCD\xA1";
    default:
        return NULL;
    }
}

/* Named commands that stand for one character or symbol. */
typedef struct symbol_entry {
    const char *name;
    const char *utf8;
} symbol_entry;

/* clang-format off */
static const symbol_entry symbols[] = {
    {"ss", "\xC3\x9F"}, {"SS", "SS"}, {"o", "\xC3\xB8"}, {"O", "\xC3\x98"},
    {"ae", "\xC3\xA6"}, {"AE", "\xC3\x86"}, {"oe", "\xC5\x93"}, {"OE", "\xC5\x92"},
    {"aa", "\xC3\xA5"}, {"AA", "\xC3\x85"}, {"l", "\xC5\x82"}, {"L", "\xC5\x81"},
    {"i", "\xC4\xB1"}, {"j", "\xC8\xB7"}, {"dh", "\xC3\xB0"}, {"DH", "\xC3\x90"},
    {"th", "\xC3\xBE"}, {"TH", "\xC3\x9E"}, {"ng", "\xC5\x8B"}, {"NG", "\xC5\x8A"},
    {"textendash", "\xE2\x80\x93"}, {"textemdash", "\xE2\x80\x94"},
    {"textquoteleft", "\xE2\x80\x98"}, {"textquoteright", "\xE2\x80\x99"},
    {"textquotedblleft", "\xE2\x80\x9C"}, {"textquotedblright", "\xE2\x80\x9D"},
    {"guillemotleft", "\xC2\xAB"}, {"guillemotright", "\xC2\xBB"},
    {"textless", "<"}, {"textgreater", ">"}, {"textasciitilde", "~"},
    {"textbackslash", "\\"}, {"textbar", "|"}, {"textbullet", "\xE2\x80\xA2"},
    {"textasciicircum", "^"}, {"textunderscore", "_"},
    {"copyright", "\xC2\xA9"}, {"textcopyright", "\xC2\xA9"},
    {"textregistered", "\xC2\xAE"}, {"texttrademark", "\xE2\x84\xA2"},
    {"textdegree", "\xC2\xB0"}, {"degree", "\xC2\xB0"}, {"textmu", "\xC2\xB5"},
    {"textperthousand", "\xE2\x80\xB0"}, {"S", "\xC2\xA7"}, {"P", "\xC2\xB6"},
    {"pounds", "\xC2\xA3"}, {"euro", "\xE2\x82\xAC"}, {"texteuro", "\xE2\x82\xAC"},
    {"dag", "\xE2\x80\xA0"}, {"ddag", "\xE2\x80\xA1"}, {"ldots", "\xE2\x80\xA6"},
    {"dots", "\xE2\x80\xA6"}, {"textellipsis", "\xE2\x80\xA6"},
    {"pm", "\xC2\xB1"}, {"textpm", "\xC2\xB1"}, {"times", "\xC3\x97"},
    {"texttimes", "\xC3\x97"}, {"div", "\xC3\xB7"}, {"cdot", "\xC2\xB7"},
    {"le", "\xE2\x89\xA4"}, {"leq", "\xE2\x89\xA4"}, {"ge", "\xE2\x89\xA5"},
    {"geq", "\xE2\x89\xA5"}, {"neq", "\xE2\x89\xA0"}, {"ne", "\xE2\x89\xA0"},
    {"approx", "\xE2\x89\x88"}, {"sim", "\xE2\x88\xBC"}, {"infty", "\xE2\x88\x9E"},
    {"rightarrow", "\xE2\x86\x92"}, {"to", "\xE2\x86\x92"}, {"leftarrow", "\xE2\x86\x90"},
    {"alpha", "\xCE\xB1"}, {"beta", "\xCE\xB2"}, {"gamma", "\xCE\xB3"},
    {"delta", "\xCE\xB4"}, {"epsilon", "\xCE\xB5"}, {"varepsilon", "\xCE\xB5"},
    {"zeta", "\xCE\xB6"}, {"eta", "\xCE\xB7"}, {"theta", "\xCE\xB8"},
    {"iota", "\xCE\xB9"}, {"kappa", "\xCE\xBA"}, {"lambda", "\xCE\xBB"},
    {"mu", "\xCE\xBC"}, {"nu", "\xCE\xBD"}, {"xi", "\xCE\xBE"}, {"pi", "\xCF\x80"},
    {"rho", "\xCF\x81"}, {"sigma", "\xCF\x83"}, {"tau", "\xCF\x84"},
    {"upsilon", "\xCF\x85"}, {"phi", "\xCF\x86"}, {"varphi", "\xCF\x86"},
    {"chi", "\xCF\x87"}, {"psi", "\xCF\x88"}, {"omega", "\xCF\x89"},
    {"Gamma", "\xCE\x93"}, {"Delta", "\xCE\x94"}, {"Theta", "\xCE\x98"},
    {"Lambda", "\xCE\x9B"}, {"Xi", "\xCE\x9E"}, {"Pi", "\xCE\xA0"},
    {"Sigma", "\xCE\xA3"}, {"Upsilon", "\xCE\xA5"}, {"Phi", "\xCE\xA6"},
    {"Psi", "\xCE\xA8"}, {"Omega", "\xCE\xA9"},
    /* spacing commands */
    {"quad", " "}, {"qquad", " "}, {"space", " "}, {"par", " "}, {"newline", " "},
};
/* clang-format on */

/* Letter-named accents: \u{a}, \v{c}, \H{o}, \c{c}, \k{a}, \r{a}, \d, \b, \t. */
static bool is_letter_accent(const char *name, size_t len)
{
    return len == 1 && strchr("uvHckrdbt", name[0]) != NULL;
}

typedef struct latex_state {
    ev_buf *out;
    const char *s;
    size_t n, i;
    size_t start_len; /* out->len when this value began */
    ev_status st;
} latex_state;

static void put(latex_state *x, const char *s, size_t len)
{
    if (x->st == EV_OK)
        x->st = ev_buf_append(x->out, s, len);
}

/* One space, never two in a row, never at the start of the value. */
static void put_space(latex_state *x)
{
    if (x->out->len > x->start_len && x->out->ptr[x->out->len - 1] != ' ')
        put(x, " ", 1);
}

static void skip_spaces(latex_state *x)
{
    while (x->i < x->n && isspace((unsigned char)x->s[x->i]))
        x->i++;
}

/* The base letter an accent applies to: "e", "{e}", "{\i}", "\i", " e". */
static char accent_base(latex_state *x)
{
    skip_spaces(x);
    bool braced = x->i < x->n && x->s[x->i] == '{';
    if (braced)
        x->i++;
    skip_spaces(x);
    char base = 0;
    if (x->i + 1 < x->n && x->s[x->i] == '\\' && (x->s[x->i + 1] == 'i' || x->s[x->i + 1] == 'j') &&
        (x->i + 2 >= x->n || !isalpha((unsigned char)x->s[x->i + 2]))) {
        base = x->s[x->i + 1];
        x->i += 2;
    } else if (x->i < x->n && x->s[x->i] != '}' && x->s[x->i] != '\\') {
        base = x->s[x->i++];
    }
    if (braced) {
        skip_spaces(x);
        if (x->i < x->n && x->s[x->i] == '}')
            x->i++;
    }
    return base;
}

static void put_accented(latex_state *x, char accent)
{
    char base = accent_base(x);
    if (base == 0)
        return;
    for (size_t k = 0; k < sizeof accents / sizeof accents[0]; k++)
        if (accents[k].accent == accent && accents[k].base == base) {
            put(x, accents[k].utf8, strlen(accents[k].utf8));
            return;
        }
    if ((unsigned char)base >= 0x80) {
        /* An accent on a non-ASCII byte: keep the byte sequence intact. */
        x->i--;
        return;
    }
    put(x, &base, 1);
    const char *mark = combining_mark(accent);
    if (mark && isalpha((unsigned char)base))
        put(x, mark, strlen(mark));
}

/* "\x" where x is not a letter. */
static void control_symbol(latex_state *x)
{
    char c = x->s[x->i++];
    if (strchr("'`^\"~=.", c) != NULL) {
        put_accented(x, c);
        return;
    }
    switch (c) {
    case '\\':
    case ' ':
    case ',':
    case ';':
    case ':':
    case '!':
    case '\n':
    case '\t':
        put_space(x);
        return;
    case '-':
    case '/':
    case '@':
        return; /* hyphenation point, italic correction, spacing hint */
    default:
        if ((unsigned char)c >= 0x80)
            x->i--; /* a stray backslash before a UTF-8 letter */
        else
            put(x, &c, 1);
    }
}

/* "\name": an accent, a symbol, or a command whose argument is kept. */
static void control_word(latex_state *x)
{
    size_t start = x->i;
    while (x->i < x->n && isalpha((unsigned char)x->s[x->i]))
        x->i++;
    const char *name = x->s + start;
    size_t len = x->i - start;
    if (is_letter_accent(name, len)) {
        put_accented(x, name[0]);
        return;
    }
    bool followed_by_space = x->i < x->n && isspace((unsigned char)x->s[x->i]);
    skip_spaces(x); /* TeX eats the space after a control word */
    for (size_t k = 0; k < sizeof symbols / sizeof symbols[0]; k++)
        if (strlen(symbols[k].name) == len && memcmp(symbols[k].name, name, len) == 0) {
            put(x, symbols[k].utf8, strlen(symbols[k].utf8));
            return;
        }
    /* \emph{x}, \textit{x}, \url{x}, \it ...: drop the command, keep the
     * text that follows (a declaration like "\bf word" keeps its space). */
    if (followed_by_space)
        put_space(x);
}

/* Dashes and TeX quote ligatures. */
static bool ligature(latex_state *x)
{
    const char *p = x->s + x->i;
    size_t left = x->n - x->i;
    if (left >= 3 && memcmp(p, "---", 3) == 0) {
        put(x, "\xE2\x80\x94", 3);
        x->i += 3;
    } else if (left >= 2 && memcmp(p, "--", 2) == 0) {
        put(x, "\xE2\x80\x93", 3);
        x->i += 2;
    } else if (left >= 2 && memcmp(p, "``", 2) == 0) {
        put(x, "\xE2\x80\x9C", 3);
        x->i += 2;
    } else if (left >= 2 && memcmp(p, "''", 2) == 0) {
        put(x, "\xE2\x80\x9D", 3);
        x->i += 2;
    } else {
        return false;
    }
    return true;
}

ev_status ev__latex_to_utf8(ev_buf *out, const char *s, size_t n)
{
    latex_state x = {out, s, n, 0, out->len, EV_OK};
    while (x.i < x.n && x.st == EV_OK) {
        unsigned char c = (unsigned char)s[x.i];
        if (c == '\\' && x.i + 1 < n) {
            x.i++;
            if (isalpha((unsigned char)s[x.i]))
                control_word(&x);
            else
                control_symbol(&x);
        } else if (c == '{' || c == '}' || c == '$' || c == '\\') {
            x.i++;
        } else if (c == '~' || isspace(c)) {
            x.i++;
            put_space(&x);
        } else if (!ligature(&x)) {
            put(&x, s + x.i, 1);
            x.i++;
        }
    }
    while (x.st == EV_OK && out->len > x.start_len && out->ptr[out->len - 1] == ' ')
        out->ptr[--out->len] = '\0';
    return x.st;
}
