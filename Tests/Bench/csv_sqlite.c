/*
** csv_sqlite — rows "CSV import", the limit: plain C on SQLite loading the
** same CSV file, with nothing in between.
**
**   csv_sqlite DB SCHEMA_FROM people|answers CSV SCHOOLS
**
** Creates in the fresh file DB the schema of the ihub database SCHEMA_FROM
** (replayed from its sqlite_schema: ihub's tables, CHECKs and foreign keys),
** opens it with ihub's pragmas, adds the same hub, schools (and round and
** instrument row), then times reading CSV and storing its rows in one
** transaction with prepared statements. The file is known to be clean, so it
** is read the fastest way: fgets and splitting at commas, no quoting, no
** checks beyond what SQLite's constraints do. Codes are looked up once and
** cached. Prints "seconds <s>" and "rows <n>".
*/
#include "csv.h"
#include "limit.h"


static int64_t scalar(const char *sql) {
    sqlite3_stmt *s = prepare(sql);
    if (sqlite3_step(s) != SQLITE_ROW) die("no row: %s", sql);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}


/* School ids by number: codes are S001..; the cache is an array. */
static int64_t *school_ids;

static int64_t school_id(const char *code, int schools) {
    int k = atoi(code + 1) - 1;
    if (k < 0 || k >= schools) die("unknown school %s", code);
    return school_ids[k];
}

/* Splits a clean CSV line in place: at most `max` fields. */
static int split(char *line, char **fields, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static long load_people(FILE *f, int schools) {
    sqlite3_stmt *add_person = prepare("INSERT INTO people(hub_id, code, name, email) VALUES (?, ?, ?, ?)");
    sqlite3_stmt *add_role = prepare("INSERT INTO person_roles(person_id, role) VALUES (?, ?)");
    sqlite3_stmt *add_membership = prepare("INSERT INTO memberships(person_id, school_id) VALUES (?, ?)");
    int64_t hub = scalar("SELECT id FROM hubs WHERE code = '" HUB_CODE "'");
    char line[1024], *v[6];
    long rows = 0;
    if (!fgets(line, sizeof line, f)) die("no header");
    while (fgets(line, sizeof line, f)) {
        if (split(line, v, 6) != 6) die("bad line %ld", rows + 2);
        sqlite3_bind_int64(add_person, 1, hub);
        sqlite3_bind_text(add_person, 2, v[1], -1, SQLITE_STATIC);
        sqlite3_bind_text(add_person, 3, v[2], -1, SQLITE_STATIC);
        if (*v[3]) sqlite3_bind_text(add_person, 4, v[3], -1, SQLITE_STATIC); else sqlite3_bind_null(add_person, 4);
        run(add_person);
        int64_t id = sqlite3_last_insert_rowid(db);
        sqlite3_bind_int64(add_role, 1, id);
        sqlite3_bind_text(add_role, 2, v[4], -1, SQLITE_STATIC);
        run(add_role);
        sqlite3_bind_int64(add_membership, 1, id);
        sqlite3_bind_int64(add_membership, 2, school_id(v[5], schools));
        run(add_membership);
        rows++;
    }
    sqlite3_finalize(add_person);
    sqlite3_finalize(add_role);
    sqlite3_finalize(add_membership);
    return rows;
}

static long load_answers(FILE *f, int schools) {
    sqlite3_stmt *add_response = prepare(
        "INSERT INTO responses(round_id, instrument_id, school_id, person_id, respondent, grp) VALUES (?, ?, ?, NULL, ?, ?)");
    sqlite3_stmt *add_answer = prepare("INSERT INTO answers(response_id, item, score, status) VALUES (?, ?, ?, ?)");
    int64_t round = scalar("SELECT id FROM rounds WHERE code = '" ROUND_CODE "'");
    int64_t instrument = scalar("SELECT id FROM instruments WHERE code = '" INSTRUMENT "'");
    char line[1024], *v[8], previous[64] = "";
    int64_t response = 0;
    long rows = 0;
    if (!fgets(line, sizeof line, f)) die("no header");
    while (fgets(line, sizeof line, f)) {
        if (split(line, v, 8) != 8) die("bad line %ld", rows + 2);
        if (strcmp(v[2], previous) != 0) {
            snprintf(previous, sizeof previous, "%s", v[2]);
            sqlite3_bind_int64(add_response, 1, round);
            sqlite3_bind_int64(add_response, 2, instrument);
            sqlite3_bind_int64(add_response, 3, school_id(v[3], schools));
            sqlite3_bind_text(add_response, 4, v[2], -1, SQLITE_STATIC);
            sqlite3_bind_text(add_response, 5, v[5], -1, SQLITE_STATIC);
            run(add_response);
            response = sqlite3_last_insert_rowid(db);
        }
        sqlite3_bind_int64(add_answer, 1, response);
        sqlite3_bind_text(add_answer, 2, v[6], -1, SQLITE_STATIC);
        if (strcmp(v[7], "na") == 0 || strcmp(v[7], "pnts") == 0) {
            sqlite3_bind_null(add_answer, 3);
            sqlite3_bind_text(add_answer, 4, v[7], -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_double(add_answer, 3, atof(v[7]));
            sqlite3_bind_text(add_answer, 4, "score", -1, SQLITE_STATIC);
        }
        run(add_answer);
        rows++;
    }
    sqlite3_finalize(add_response);
    sqlite3_finalize(add_answer);
    return rows;
}

int main(int argc, char **argv) {
    if (argc != 6) die("usage: csv_sqlite DB SCHEMA_FROM people|answers CSV SCHOOLS");
    const char *path = argv[1], *kind = argv[3], *csv = argv[4];
    int schools = (int)arg_long(argv[5], "SCHOOLS");
    int answers = strcmp(kind, "answers") == 0;
    if (!answers && strcmp(kind, "people") != 0) die("unknown kind '%s'", kind);

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) die("open %s", path);
    /* ihub's connection settings (Sources/IHubCore/Store/Database.swift). */
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA cache_size = -65536");
    copy_schema(argv[2]);

    /* The same hub, schools, round and instrument row as csv_ihub, untimed. */
    exec("INSERT INTO hubs(code, name, country) VALUES ('" HUB_CODE "', '" HUB_NAME "', '" HUB_COUNTRY "')");
    int64_t hub = sqlite3_last_insert_rowid(db);
    school_ids = malloc(sizeof *school_ids * (size_t)schools);
    sqlite3_stmt *add_school = prepare("INSERT INTO schools(hub_id, code, name) VALUES (?, ?, ?)");
    exec("BEGIN");
    for (int k = 0; k < schools; k++) {
        char code[16], name[32];
        school_code(k, code);
        school_name(k, name);
        sqlite3_bind_int64(add_school, 1, hub);
        sqlite3_bind_text(add_school, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(add_school, 3, name, -1, SQLITE_TRANSIENT);
        run(add_school);
        school_ids[k] = sqlite3_last_insert_rowid(db);
    }
    if (answers) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO rounds(hub_id, code, name, start_date) VALUES (%lld, '" ROUND_CODE "', 'Round 1', '" ROUND_START "')",
                 (long long)hub);
        exec(sql);
        exec("INSERT INTO instruments(code, name, subject, definition) VALUES ('" INSTRUMENT "', 'SELFIE', 'school', '{}')");
    }
    exec("COMMIT");
    sqlite3_finalize(add_school);

    double t0 = now();
    FILE *f = fopen(csv, "rb");
    if (!f) die("cannot read %s", csv);
    exec("BEGIN IMMEDIATE");
    long rows = answers ? load_answers(f, schools) : load_people(f, schools);
    exec("COMMIT");
    fclose(f);
    double t1 = now();

    sqlite3_close(db);
    free(school_ids);
    printf("seconds %.6f\nrows %ld\n", t1 - t0, rows);
    return 0;
}
