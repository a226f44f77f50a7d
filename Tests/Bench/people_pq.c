/*
** people_pq — row "bulk people, PostgreSQL", the limit: what plain C on
** libpq does for the same work, with nothing between the caller and the
** server.
**
**   people_pq URI SCHEMA PEOPLE SCHOOLS
**
** SCHEMA holds ihub's tables, hub and schools (made by people_ihub with
** PEOPLE 0, untimed), so both sides write into identical tables. Timed, in
** one transaction: the hub id and school ids looked up once, COPY of the
** PEOPLE people (text format, streamed in chunks), their ids read back with
** one SELECT, then COPY of their person_roles and memberships rows. The
** input is in memory before the clock starts (as ihub's JSON text is).
** Prints "seconds <s>".
*/
#include "bench.h"

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
    if (argc != 5) die("usage: people_pq URI SCHEMA PEOPLE SCHOOLS");
    const char *uri = argv[1], *schema = argv[2];
    int people = (int)arg_long(argv[3], "PEOPLE"), schools = (int)arg_long(argv[4], "SCHOOLS");

    conn = PQconnectdb(uri);
    if (PQstatus(conn) != CONNECTION_OK) die("connect %s: %s", uri, PQerrorMessage(conn));
    char sql[256];
    snprintf(sql, sizeof sql, "SET search_path TO \"%s\"", schema);
    exec(sql);
    exec("SET client_encoding = 'UTF8'");

    person *in = malloc(sizeof *in * (size_t)people);
    int64_t *ids = malloc(sizeof *ids * (size_t)people);
    int64_t *school_ids = calloc((size_t)schools, sizeof *school_ids);
    if (!in || !ids || !school_ids) die("out of memory");
    for (int i = 0; i < people; i++) person_make(i, schools, &in[i]);
    buf b = {0};

    double t0 = now();
    exec("BEGIN");
    const char *hub_code[] = {HUB_CODE};
    PGresult *r = query("SELECT id FROM hubs WHERE code = $1", 1, hub_code, PGRES_TUPLES_OK);
    if (PQntuples(r) != 1) die("no hub %s", HUB_CODE);
    char hub[24];
    snprintf(hub, sizeof hub, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *hub_param[] = {hub};
    /* School codes are S001..: the cache is an array by number. */
    r = query("SELECT code, id FROM schools WHERE hub_id = $1", 1, hub_param, PGRES_TUPLES_OK);
    for (int k = 0; k < PQntuples(r); k++) {
        int n = atoi(PQgetvalue(r, k, 0) + 1) - 1;
        if (n >= 0 && n < schools) school_ids[n] = strtoll(PQgetvalue(r, k, 1), NULL, 10);
    }
    PQclear(r);

    copy_begin("COPY people (hub_id, code, name, email) FROM STDIN");
    for (int i = 0; i < people; i++) {
        buf_add(&b, "%s\t", hub);
        put_field(&b, in[i].code);
        buf_add(&b, "\t");
        put_field(&b, in[i].name);
        buf_add(&b, "\t");
        put_field(&b, in[i].email);
        buf_add(&b, "\n");
        flush_copy(&b, 0);
    }
    copy_end(&b);

    /* The new people's ids; codes are P000001..: person i is code number i + 1. */
    r = query("SELECT code, id FROM people WHERE hub_id = $1", 1, hub_param, PGRES_TUPLES_OK);
    if (PQntuples(r) != people) die("read back %d people, expected %d", PQntuples(r), people);
    for (int k = 0; k < people; k++) {
        int n = atoi(PQgetvalue(r, k, 0) + 1) - 1;
        if (n < 0 || n >= people) die("unexpected person %s", PQgetvalue(r, k, 0));
        ids[n] = strtoll(PQgetvalue(r, k, 1), NULL, 10);
    }
    PQclear(r);

    copy_begin("COPY person_roles (person_id, role) FROM STDIN");
    for (int i = 0; i < people; i++) {
        buf_add(&b, "%lld\tteacher\n", (long long)ids[i]);
        flush_copy(&b, 0);
    }
    copy_end(&b);

    copy_begin("COPY memberships (person_id, school_id, start_date) FROM STDIN");
    for (int i = 0; i < people; i++) {
        int k = atoi(in[i].school + 1) - 1;
        if (k < 0 || k >= schools || school_ids[k] == 0) die("unknown school %s", in[i].school);
        buf_add(&b, "%lld\t%lld\t" MEMBERSHIP_START "\n", (long long)ids[i], (long long)school_ids[k]);
        flush_copy(&b, 0);
    }
    copy_end(&b);
    exec("COMMIT");
    double t1 = now();

    PQfinish(conn);
    free(in);
    free(ids);
    free(school_ids);
    free(b.p);
    printf("seconds %.6f\n", t1 - t0);
    return 0;
}
