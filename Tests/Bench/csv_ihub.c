/*
** csv_ihub — rows "CSV import", ihub side.
**
**   csv_ihub DB people|answers|wide CSV SCHOOLS
**
** Creates the hub, its SCHOOLS schools (and for answers the round) in a
** fresh database, then loads CSV through ONE ihub_call("import.csv") with
** the file's path: reading, checking and storing, all inside ihub. Only
** that call is timed. Prints "seconds <s>" and "rows <n>" (what ihub says it
** stored: people inserted, or answers; wide files are responses_wide).
*/
#include "csv.h"

#include "with_ihub.h"


/* The integer after "key": in a JSON result. */
static long number_after(const char *json, const char *key) {
    const char *at = strstr(json, key);
    long n = -1;
    if (at) sscanf(at + strlen(key), " : %ld", &n);
    return n;
}

int main(int argc, char **argv) {
    if (argc != 5) die("usage: csv_ihub DB people|answers|wide CSV SCHOOLS");
    const char *path = argv[1], *kind = argv[2], *csv = argv[3];
    int schools = (int)arg_long(argv[4], "SCHOOLS");
    int wide = strcmp(kind, "wide") == 0;
    int answers = wide || strcmp(kind, "answers") == 0;
    if (!answers && strcmp(kind, "people") != 0) die("unknown kind '%s'", kind);

    ihub *h = NULL;
    if (ihub_open(path, NULL, &h) != IHUB_OK) die("ihub_open %s: %s", path, ihub_last_error());
    ihub_free(call(h, "hub.add", "{\"code\":\"" HUB_CODE "\",\"name\":\"" HUB_NAME "\",\"country\":\"" HUB_COUNTRY "\"}"));
    buf b = {0};
    buf_add(&b, "{\"schools\":[");
    for (int k = 0; k < schools; k++) {
        char code[16], name[32];
        school_code(k, code);
        school_name(k, name);
        buf_add(&b, "%s{\"hub\":\"%s\",\"code\":\"%s\",\"name\":\"%s\"}", k ? "," : "", HUB_CODE, code, name);
    }
    buf_add(&b, "]}");
    ihub_free(call(h, "school.add_many", b.p));
    if (answers) {
        ihub_free(call(h, "round.add", "{\"hub\":\"" HUB_CODE "\",\"code\":\"" ROUND_CODE "\",\"name\":\"Round 1\","
                                       "\"start\":\"" ROUND_START "\"}"));
    }

    b.len = 0;
    buf_add(&b, "{\"kind\":\"%s\",\"path\":\"%s\"}", wide ? "responses_wide" : answers ? "responses" : "people", csv);
    double t0 = now();
    char *out = call(h, "import.csv", b.p);
    double t1 = now();

    long stored = number_after(out, answers ? "\"answers\"" : "\"inserted\"");
    if (stored < 0) die("import.csv said: %s", out);
    ihub_free(out);
    free(b.p);
    ihub_close(h);
    printf("seconds %.6f\nrows %ld\n", t1 - t0, stored);
    return 0;
}
