/*
** people_sqlite — row "bulk people", the limit: what plain C on SQLite does
** for the same work, with nothing between the caller and the database.
**
**   people_sqlite DB SCHEMA_FROM PEOPLE SCHOOLS
**
** Creates in the fresh file DB the schema of the ihub database SCHEMA_FROM
** (copied statement by statement from its sqlite_schema, so the tables,
** indexes, CHECKs, defaults and foreign keys are exactly ihub's), opens it
** with ihub's pragmas, adds the same hub and schools, then times adding the
** same PEOPLE people in one transaction with prepared statements: hub id
** looked up once, school ids looked up once per code and cached (as ihub
** does), one INSERT per people / person_roles / memberships row.
** Prints "seconds <s>".
*/
#include "limit.h"


static int64_t lookup_id(sqlite3_stmt *s, const char *code) {
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) die("no row for '%s' in: %s", code, sqlite3_sql(s));
    int64_t id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

/* School id by code: a small open-addressing table, the C counterpart of
** ihub's per-batch dictionary. Filled from the database on a miss. */
#define SLOTS 4096
static struct {
    char code[16];
    int64_t id;
} cache[SLOTS];

static int64_t school_id(sqlite3_stmt *select, const char *code) {
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (const char *c = code; *c; c++) hash = (hash ^ (uint8_t)*c) * 16777619u;
    for (uint32_t i = hash % SLOTS;; i = (i + 1) % SLOTS) {
        if (cache[i].code[0] == '\0') {
            snprintf(cache[i].code, sizeof cache[i].code, "%s", code);
            return cache[i].id = lookup_id(select, code);
        }
        if (strcmp(cache[i].code, code) == 0) return cache[i].id;
    }
}


int main(int argc, char **argv) {
    if (argc != 5) die("usage: people_sqlite DB SCHEMA_FROM PEOPLE SCHOOLS");
    const char *path = argv[1];
    int people = (int)arg_long(argv[3], "PEOPLE"), schools = (int)arg_long(argv[4], "SCHOOLS");
    if (schools >= SLOTS / 2) die("SCHOOLS: at most %d", SLOTS / 2 - 1);

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        die("open %s: %s", path, sqlite3_errmsg(db));
    /* ihub's connection settings (Sources/IHubCore/Store/Database.swift). */
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA cache_size = -65536");
    copy_schema(argv[2]);

    /* The same hub and schools as people_ihub, untimed. */
    exec("INSERT INTO hubs(code, name, country, region, languages) VALUES ('" HUB_CODE "', '" HUB_NAME
         "', '" HUB_COUNTRY "', NULL, '[]')");
    int64_t new_hub = sqlite3_last_insert_rowid(db);
    sqlite3_stmt *add_school = prepare("INSERT INTO schools(hub_id, code, name, level, size, municipality, "
                                       "latitude, longitude, languages) VALUES (?, ?, ?, NULL, NULL, NULL, NULL, NULL, '[]')");
    exec("BEGIN");
    for (int k = 0; k < schools; k++) {
        char code[16], name[32];
        school_code(k, code);
        school_name(k, name);
        sqlite3_bind_int64(add_school, 1, new_hub);
        sqlite3_bind_text(add_school, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(add_school, 3, name, -1, SQLITE_TRANSIENT);
        run(add_school);
    }
    exec("COMMIT");

    /* The input, in memory before the clock starts (as ihub's JSON text is). */
    person *in = malloc(sizeof *in * (size_t)people);
    if (!in) die("out of memory");
    for (int i = 0; i < people; i++) person_make(i, schools, &in[i]);

    sqlite3_stmt *hub = prepare("SELECT id FROM hubs WHERE code = ?");
    sqlite3_stmt *school = prepare("SELECT id FROM schools WHERE code = ?");
    sqlite3_stmt *add_person = prepare("INSERT INTO people(hub_id, code, name, email) VALUES (?, ?, ?, ?)");
    sqlite3_stmt *add_role = prepare("INSERT OR IGNORE INTO person_roles(person_id, role) VALUES (?, ?)");
    sqlite3_stmt *add_membership =
        prepare("INSERT INTO memberships(person_id, school_id, start_date, end_date) VALUES (?, ?, ?, ?)");

    double t0 = now();
    exec("BEGIN IMMEDIATE");
    int64_t hub_id = lookup_id(hub, HUB_CODE);
    for (int i = 0; i < people; i++) {
        const person *p = &in[i];
        sqlite3_bind_int64(add_person, 1, hub_id);
        sqlite3_bind_text(add_person, 2, p->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(add_person, 3, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(add_person, 4, p->email, -1, SQLITE_STATIC);
        run(add_person);
        int64_t id = sqlite3_last_insert_rowid(db);

        sqlite3_bind_int64(add_role, 1, id);
        sqlite3_bind_text(add_role, 2, "teacher", -1, SQLITE_STATIC);
        run(add_role);

        sqlite3_bind_int64(add_membership, 1, id);
        sqlite3_bind_int64(add_membership, 2, school_id(school, p->school));
        sqlite3_bind_text(add_membership, 3, MEMBERSHIP_START, -1, SQLITE_STATIC);
        sqlite3_bind_null(add_membership, 4);
        run(add_membership);
    }
    exec("COMMIT");
    double t1 = now();

    sqlite3_stmt *all[] = {add_school, hub, school, add_person, add_role, add_membership};
    for (int i = 0; i < COUNT(all); i++) sqlite3_finalize(all[i]);
    sqlite3_close(db);
    free(in);
    printf("seconds %.6f\n", t1 - t0);
    return 0;
}
