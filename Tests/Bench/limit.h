/*
** limit.h — what the plain-C limit programs share: one SQLite connection,
** statements that die with the SQL on failure, and ihub's schema copied
** from an ihub-made file, so both sides write into identical tables.
*/
#ifndef IHUB_BENCH_LIMIT_H
#define IHUB_BENCH_LIMIT_H

#include "bench.h"

#include <sqlite3.h>
#include <stdint.h>

static sqlite3 *db;

static void exec(const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) die("%s: %s", sql, err);
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        die("%s: %s", sql, sqlite3_errmsg(db));
    return s;
}

/* Runs a bound statement to completion and resets it for the next row. */
static void run(sqlite3_stmt *s) {
    if (sqlite3_step(s) != SQLITE_DONE) die("%s: %s", sqlite3_sql(s), sqlite3_errmsg(db));
    sqlite3_reset(s);
}

/* The schema of an ihub-created file, replayed in order (tables before the
** indexes on them). Internal objects (sqlite_autoindex_*) have no SQL. */
static void copy_schema(const char *from) {
    sqlite3 *src = NULL;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("open %s: %s", from, sqlite3_errmsg(src));
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(src, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid", -1, &s,
                           NULL) != SQLITE_OK)
        die("read schema of %s: %s", from, sqlite3_errmsg(src));
    int objects = 0;
    exec("BEGIN");
    for (; sqlite3_step(s) == SQLITE_ROW; objects++) exec((const char *)sqlite3_column_text(s, 0));
    exec("COMMIT");
    sqlite3_finalize(s);
    sqlite3_close(src);
    if (objects == 0) die("%s has no schema", from);
}

#endif
