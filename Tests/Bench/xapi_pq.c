/*
** xapi_pq — rows "xAPI import, PostgreSQL", the limit: plain C on libpq
** storing the same statements, with nothing between the caller and the
** server.
**
**   xapi_pq URI SCHEMA NDJSON
**
** SCHEMA holds ihub's tables and hub (made by xapi_ihub with `-`, untimed).
** Timed, in one transaction: reading the statements (getline), extracting
** their indexed columns by position (xapi.h: no parsing, no validation) and
** streaming the rows — the line itself as the statement text — with COPY
** (text format, in chunks). Prints "seconds <s>" and "rows <n>".
*/
#include "bench.h"
#include "xapi.h"

#include <libpq-fe.h>
#include <stdint.h>

static PGconn *conn;

static PGresult *query(const char *sql, int nparams, const char *const *params, ExecStatusType want) {
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != want) die("%s: %s", sql, PQerrorMessage(conn));
    return r;
}

static void exec(const char *sql) { PQclear(query(sql, 0, NULL, PGRES_COMMAND_OK)); }

/* COPY text format: backslash, tab, newline and carriage return escaped. */
static void put_field(buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '\\': buf_add(b, "\\\\"); break;
        case '\t': buf_add(b, "\\t"); break;
        case '\n': buf_add(b, "\\n"); break;
        case '\r': buf_add(b, "\\r"); break;
        default:
            if (b->len + 2 > b->cap) buf_add(b, "%c", *s); /* grows the buffer */
            else b->p[b->len++] = *s, b->p[b->len] = '\0';
        }
    }
}

/* Streams the buffer to the server once it holds a chunk, or at the end. */
static void flush_copy(buf *b, int final) {
    if (b->len >= (1 << 16) || (final && b->len > 0)) {
        if (PQputCopyData(conn, b->p, (int)b->len) != 1) die("COPY data: %s", PQerrorMessage(conn));
        b->len = 0;
    }
}

static void copy_begin(const char *sql) { PQclear(query(sql, 0, NULL, PGRES_COPY_IN)); }

static void copy_end(buf *b) {
    flush_copy(b, 1);
    if (PQputCopyEnd(conn, NULL) != 1) die("COPY end: %s", PQerrorMessage(conn));
    PGresult *r = PQgetResult(conn);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) die("COPY: %s", PQerrorMessage(conn));
    PQclear(r);
    while ((r = PQgetResult(conn))) PQclear(r);
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage: xapi_pq URI SCHEMA NDJSON");
    const char *uri = argv[1], *schema = argv[2];
    conn = PQconnectdb(uri);
    if (PQstatus(conn) != CONNECTION_OK) die("connect %s: %s", uri, PQerrorMessage(conn));
    char sql[256];
    snprintf(sql, sizeof sql, "SET search_path TO \"%s\"", schema);
    exec(sql);
    exec("SET client_encoding = 'UTF8'");
    FILE *f = fopen(argv[3], "r");
    if (!f) die("open %s", argv[3]);
    char stamp[32];
    time_t t = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    buf b = {0};

    double t0 = now();
    exec("BEGIN");
    const char *hub_code[] = {HUB_CODE};
    PGresult *r = query("SELECT id FROM hubs WHERE code = $1", 1, hub_code, PGRES_TUPLES_OK);
    if (PQntuples(r) != 1) die("no hub %s", HUB_CODE);
    char hub[24];
    snprintf(hub, sizeof hub, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    copy_begin("COPY xapi_statements (uuid, hub_id, actor, verb, object, timestamp, stored_at, statement) FROM STDIN");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long rows = 0;
    xapi_row x;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n') line[--n] = '\0';
        if (n == 0) continue;
        xapi_extract(line, &x);
        put_field(&b, x.id);
        buf_add(&b, "\t%s\t", hub);
        put_field(&b, x.actor);
        buf_add(&b, "\t");
        put_field(&b, x.verb);
        buf_add(&b, "\t");
        put_field(&b, x.object);
        buf_add(&b, "\t");
        put_field(&b, x.timestamp);
        buf_add(&b, "\t%s\t", stamp);
        put_field(&b, line);
        buf_add(&b, "\n");
        flush_copy(&b, 0);
        rows++;
    }
    copy_end(&b);
    exec("COMMIT");
    double t1 = now();
    free(line);
    fclose(f);
    PQfinish(conn);
    free(b.p);
    printf("seconds %.6f\nrows %ld\n", t1 - t0, rows);
    return 0;
}
