/*
 * banned.h - calls that are compile errors in evident (git's banned.h): they
 * overflow buffers, hide errors or keep global state. Use ev_buf, snprintf,
 * ev_parse_long / ev_parse_double, and seeded generators instead.
 */
#ifndef EV_BANNED_H
#define EV_BANNED_H

#define EV_BANNED(func) sorry_##func##_is_banned_in_evident

#undef strcpy
#define strcpy(x, y) EV_BANNED(strcpy)
#undef strcat
#define strcat(x, y) EV_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) EV_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) EV_BANNED(strncat)
#undef sprintf
#define sprintf(...) EV_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) EV_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) EV_BANNED(strtok)
#undef atoi
#define atoi(x) EV_BANNED(atoi)
#undef atol
#define atol(x) EV_BANNED(atol)
#undef atof
#define atof(x) EV_BANNED(atof)
#undef gets
#define gets(x) EV_BANNED(gets)
#undef rand
#define rand() EV_BANNED(rand)
#undef srand
#define srand(x) EV_BANNED(srand)

#endif /* EV_BANNED_H */
