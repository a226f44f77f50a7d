/*
** csv.h — what the CSV import benchmarks share: the two files every side
** loads (written by csv_make), and how their rows are made.
**
**   people.csv   hub,code,name,email,roles,schools — one role (teacher) and
**                one school per person, names from bench.h (UTF-8).
**   answers.csv  round,instrument,respondent,school,person,group,item,answer
**                — selfie answered by teachers, all 34 items per respondent,
**                respondents spread over the schools; answers 1..5, na, pnts.
*/
#ifndef IHUB_BENCH_CSV_H
#define IHUB_BENCH_CSV_H

#include "bench.h"

#define ROUND_CODE "R1"
#define ROUND_START "2024-09-01"
#define INSTRUMENT "selfie"

/* The selfie items every teacher answers (areas A..H). */
static const char *const selfie_items[] = {
    "A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4", "C5", "D1", "D2", "D3", "E1",
    "E2", "E3", "E4", "F1", "F2", "F3", "F4", "F5", "G1", "G2", "G3", "G4", "H1", "H2", "H3", "H4", "H5"};

/* Answer of respondent r to item i: mostly scores, some na and pnts. */
static inline const char *answer_of(long r, int i) {
    static const char *const values[] = {"1", "2", "3", "4", "5", "4", "3", "na", "pnts", "5", "2"};
    return values[(r * 7 + i * 3) % COUNT(values)];
}

/* The respondent of answer row k, and the item. */
static inline long respondent_of(long k) { return k / COUNT(selfie_items); }
static inline int item_of(long k) { return (int)(k % COUNT(selfie_items)); }

#endif
