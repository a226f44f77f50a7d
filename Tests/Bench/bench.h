/*
** bench.h — what the C benchmark programs share: a clock, a growable text
** buffer, and the synthetic hub every row works on.
**
** The ihub programs and the plain-SQLite limit programs generate their rows
** from the same functions below, so both sides write byte-identical data and
** the bench script can compare the two databases afterwards.
*/
#ifndef IHUB_BENCH_H
#define IHUB_BENCH_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime; include this file first */
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HUB_CODE "EE-ACC"
#define HUB_NAME "Digital Accelerator"
#define HUB_COUNTRY "EE"
#define MEMBERSHIP_START "2024-09-01"

static inline void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Monotonic seconds: wall time is what a caller waits for. */
static inline double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline long arg_long(const char *s, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0) die("%s: expected a positive integer, got '%s'", what, s);
    return v;
}

/* A growable text buffer, for building JSON before the clock starts. */
typedef struct {
    char *p;
    size_t len, cap;
} buf;

static inline void buf_add(buf *b, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) die("vsnprintf failed");
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        if (!(b->p = realloc(b->p, b->cap))) die("out of memory");
    }
}

/* ---- The synthetic hub: one hub, `schools` schools, people spread over them. */

/* School k (0-based): code "S001", name "School 001". */
static inline void school_code(int k, char out[16]) { snprintf(out, 16, "S%03d", k + 1); }
static inline void school_name(int k, char out[32]) { snprintf(out, 32, "School %03d", k + 1); }

/* Names with non-ASCII letters, so the UTF-8 path is exercised too. */
static const char *const first_names[] = {"Mari", "Jüri", "Kadri", "Tõnu", "Liis", "Märt", "Anu", "Priit",
                                          "Ülle", "Rein", "Kärt", "Olev", "Siiri", "Andres", "Ene", "Tiit"};
static const char *const last_names[] = {"Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves",
                                         "Pärn", "Koppel", "Lepik", "Õunapuu", "Kallas", "Vaher", "Luik"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct {
    char code[16];   /* "P000001" */
    char name[64];   /* "Jüri Mägi" */
    char email[48];  /* "p000001@s001.example.ee" */
    char school[16]; /* "S001" */
} person;

/* Person i (0-based) of a hub with `schools` schools. */
static inline void person_make(int i, int schools, person *p) {
    int k = i % schools;
    snprintf(p->code, sizeof p->code, "P%06d", i + 1);
    snprintf(p->name, sizeof p->name, "%s %s", first_names[i % COUNT(first_names)],
             last_names[(i / COUNT(first_names)) % COUNT(last_names)]);
    snprintf(p->email, sizeof p->email, "p%06d@s%03d.example.ee", i + 1, k + 1);
    school_code(k, p->school);
}

#endif
