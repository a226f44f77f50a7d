/*
** roundtrip — rows "call round trip, C": the cost of one ihub_call.
**
**   roundtrip DB CALLS REPS
**
** DB holds hub EE-ACC (made by people_ihub). Measured, CALLS times each, in
** REPS interleaved repetitions (the best one counts: the machine is shared,
** and noise only ever adds time):
**   hub_get_ihub     ihub_call("hub.get", {"code":"EE-ACC"}) + ihub_free
**   hub_get_sqlite   the limit: the same lookup, the SELECT ihub runs, as one
**                    prepared statement: bind, step, read every column, reset
**   version_ihub     ihub_call("api.version") + ihub_free: the fixed cost of
**                    a call (lock, dispatch, JSON in and out, no SQL)
**   version_copy     the limit of that: handing out a copy of the same result
**                    document (strdup + free), which any JSON-out call must do
** Prints "<name> <microseconds per call>" lines.
*/
#include "bench.h"

#include <sqlite3.h>

#include "ihub.h"

/* The columns hub.get returns, in one statement (ihub resolves the code to
** an id first, then runs this with "WHERE h.id = ?"). */
static const char *const hub_sql =
    "SELECT h.id, h.code, h.name, h.country, h.region, h.languages, h.created_at,"
    "       (SELECT count(*) FROM schools WHERE hub_id = h.id),"
    "       (SELECT count(*) FROM people WHERE hub_id = h.id)"
    "  FROM hubs h WHERE h.code = ?";

static ihub *h;
static sqlite3 *db;
static sqlite3_stmt *hub_stmt;
static const char *version_doc;
static volatile size_t sink; /* keeps results observable, so no work is optimized away */

static void hub_get_ihub(void) {
    char *out = NULL;
    int rc = ihub_call(h, "hub.get", "{\"code\":\"" HUB_CODE "\"}", &out);
    if (rc != IHUB_OK) die("hub.get: %s: %s", ihub_status_name(rc), ihub_errmsg(h));
    sink += strlen(out);
    ihub_free(out);
}

static void hub_get_sqlite(void) {
    sqlite3_bind_text(hub_stmt, 1, HUB_CODE, -1, SQLITE_STATIC);
    if (sqlite3_step(hub_stmt) != SQLITE_ROW) die("hub lookup: %s", sqlite3_errmsg(db));
    size_t n = (size_t)sqlite3_column_int64(hub_stmt, 0);
    for (int c = 1; c <= 6; c++) {
        sqlite3_column_text(hub_stmt, c);
        n += (size_t)sqlite3_column_bytes(hub_stmt, c);
    }
    n += (size_t)sqlite3_column_int64(hub_stmt, 7) + (size_t)sqlite3_column_int64(hub_stmt, 8);
    sqlite3_reset(hub_stmt);
    sink += n;
}

static void version_ihub(void) {
    char *out = NULL;
    int rc = ihub_call(h, "api.version", NULL, &out);
    if (rc != IHUB_OK) die("api.version: %s: %s", ihub_status_name(rc), ihub_errmsg(h));
    sink += strlen(out);
    ihub_free(out);
}

static void version_copy(void) {
    char *out = strdup(version_doc);
    if (!out) die("out of memory");
    sink += strlen(out);
    free(out);
}

static double per_call_us(void (*f)(void), long calls) {
    double t0 = now();
    for (long i = 0; i < calls; i++) f();
    return (now() - t0) / (double)calls * 1e6;
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage: roundtrip DB CALLS REPS");
    const char *path = argv[1];
    long calls = arg_long(argv[2], "CALLS"), reps = arg_long(argv[3], "REPS");

    if (ihub_open(path, NULL, &h) != IHUB_OK) die("ihub_open %s: %s", path, ihub_last_error());
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die("open %s: %s", path, sqlite3_errmsg(db));
    sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536", NULL, NULL, NULL);
    if (sqlite3_prepare_v3(db, hub_sql, -1, SQLITE_PREPARE_PERSISTENT, &hub_stmt, NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(db));

    /* Both sides must find the hub before either is timed. */
    char *doc = NULL;
    if (ihub_call(h, "hub.get", "{\"code\":\"" HUB_CODE "\"}", &doc) != IHUB_OK) die("hub.get: %s", ihub_errmsg(h));
    if (!strstr(doc, "\"code\":\"" HUB_CODE "\"")) die("hub.get returned %s", doc);
    ihub_free(doc);
    hub_get_sqlite();
    if (ihub_call(h, "api.version", NULL, &doc) != IHUB_OK) die("api.version: %s", ihub_errmsg(h));
    version_doc = doc;

    struct {
        const char *name;
        void (*f)(void);
        double best;
    } rows[] = {{"hub_get_ihub", hub_get_ihub, 1e300},
                {"hub_get_sqlite", hub_get_sqlite, 1e300},
                {"version_ihub", version_ihub, 1e300},
                {"version_copy", version_copy, 1e300}};

    /* Warm caches, allocators and SQLite's page cache first. */
    for (int k = 0; k < COUNT(rows); k++) per_call_us(rows[k].f, calls / 10 + 1);
    for (long r = 0; r < reps; r++)
        for (int k = 0; k < COUNT(rows); k++) {
            double us = per_call_us(rows[k].f, calls);
            if (us < rows[k].best) rows[k].best = us;
        }
    for (int k = 0; k < COUNT(rows); k++) printf("%s %.4f\n", rows[k].name, rows[k].best);

    ihub_free(doc);
    sqlite3_finalize(hub_stmt);
    sqlite3_close(db);
    ihub_close(h);
    return 0;
}
