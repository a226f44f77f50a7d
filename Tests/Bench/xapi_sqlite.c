/*
** xapi_sqlite — rows "xAPI import, SQLite", the limit: plain C on SQLite
** storing the same statements, with nothing in between.
**
**   xapi_sqlite DB SCHEMA_FROM NDJSON
**
** Creates in the fresh file DB the schema of the ihub database SCHEMA_FROM,
** opens it with ihub's pragmas, adds the same hub, then times reading the
** statements (getline), extracting their indexed columns by position
** (xapi.h: no parsing, no validation) and inserting each row — the line
** itself as the statement text — with one prepared statement in one
** transaction. Prints "seconds <s>" and "rows <n>".
*/
#include "limit.h"
#include "xapi.h"

int main(int argc, char **argv) {
    if (argc != 4) die("usage: xapi_sqlite DB SCHEMA_FROM NDJSON");
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) die("open %s: %s", argv[1], sqlite3_errmsg(db));
    /* ihub's connection settings (Sources/IHubCore/Store/SQLiteBackend.swift). */
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA cache_size = -65536");
    copy_schema(argv[2]);
    exec("INSERT INTO hubs(code, name, country) VALUES ('" HUB_CODE "', '" HUB_NAME "', '" HUB_COUNTRY "')");
    int64_t hub = sqlite3_last_insert_rowid(db);
    FILE *f = fopen(argv[3], "r");
    if (!f) die("open %s", argv[3]);

    double t0 = now();
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt *add = prepare("INSERT INTO xapi_statements(uuid, hub_id, actor, verb, object, timestamp, stored_at, statement) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    char stamp[32];
    time_t t = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long rows = 0;
    xapi_row r;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n') line[--n] = '\0';
        if (n == 0) continue;
        xapi_extract(line, &r);
        sqlite3_bind_text(add, 1, r.id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(add, 2, hub);
        sqlite3_bind_text(add, 3, r.actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(add, 4, r.verb, -1, SQLITE_STATIC);
        sqlite3_bind_text(add, 5, r.object, -1, SQLITE_STATIC);
        sqlite3_bind_text(add, 6, r.timestamp, -1, SQLITE_STATIC);
        sqlite3_bind_text(add, 7, stamp, -1, SQLITE_STATIC);
        sqlite3_bind_text(add, 8, line, (int)n, SQLITE_STATIC);
        run(add);
        rows++;
    }
    sqlite3_finalize(add);
    exec("COMMIT");
    double t1 = now();
    free(line);
    fclose(f);
    sqlite3_close(db);
    printf("seconds %.6f\nrows %ld\n", t1 - t0, rows);
    return 0;
}
