/*
** The C contract, from C: every function of include/ihub.h is called, with
** good and with bad input. Built with -std=c99 -Wall -Wextra -Werror
** -pedantic against the release libihub.so; prints "N passed, N failed".
*/
#define _POSIX_C_SOURCE 200809L /* mkstemp, write, unlink */
#include "ihub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s\n", line, what);
    }
}

/* A new, empty database: in memory, or a new schema of the PostgreSQL
** database of IHUB_TEST_POSTGRES when scripts/test started one. options_json
** is NULL or a JSON object. */
static int open_fresh(const char *options_json, ihub **out) {
    static int count;
    const char *postgres = getenv("IHUB_TEST_POSTGRES");
    if (postgres == NULL || postgres[0] == '\0') return ihub_open(":memory:", options_json, out);
    char options[512];
    const char *rest = options_json ? strchr(options_json, '{') + 1 : "}";
    while (*rest == ' ') rest++;
    snprintf(options, sizeof options, "{\"schema\": \"c_%ld_%d\"%s%s", (long)getpid(), ++count,
             *rest == '}' ? "" : ", ", rest);
    return ihub_open(postgres, options, out);
}

static int contains(const char *text, const char *part) {
    return text != NULL && strstr(text, part) != NULL;
}

/* Runs a call and returns its status; the result is freed. */
static int call(ihub *h, const char *method, const char *params) {
    char *out = NULL;
    int rc = ihub_call(h, method, params, &out);
    if (rc == IHUB_OK) {
        CHECK(out != NULL);
    } else {
        CHECK(out == NULL);
    }
    ihub_free(out);
    return rc;
}

static void test_versions(void) {
    CHECK(ihub_abi_version() == IHUB_ABI_VERSION);
    CHECK(strlen(ihub_version()) >= 5);
    CHECK(strcmp(ihub_status_name(IHUB_OK), "IHUB_OK") == 0);
    CHECK(strcmp(ihub_status_name(IHUB_VERSION), "IHUB_VERSION") == 0);
    CHECK(strcmp(ihub_status_name(-5), "IHUB_UNKNOWN") == 0);
}

static void test_calls(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh("{\"busy_timeout_ms\": 1000}", &h) == IHUB_OK && h != NULL);
    CHECK(call(h, "hub.add", "{\"code\":\"GE-IMR\",\"name\":\"Imereti\",\"country\":\"GE\"}") == IHUB_OK);
    CHECK(ihub_errcode(h) == IHUB_OK && strcmp(ihub_errmsg(h), "not an error") == 0);
    CHECK(call(h, "school.add", "{\"hub\":\"GE-IMR\",\"code\":\"K1\",\"name\":\"Kutaisi School\",\"size\":640}") == IHUB_OK);

    CHECK(ihub_call(h, "school.get", "{\"code\":\"K1\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"name\":\"Kutaisi School\"") && contains(out, "\"size\":640"));
    ihub_free(out);

    CHECK(ihub_call(h, "api.version", NULL, &out) == IHUB_OK);
    CHECK(contains(out, "\"abi\":1"));  /* the engine agrees with IHUB_ABI_VERSION */
    ihub_free(out);

    CHECK(ihub_eval(h, "ihub.school.add{hub='GE-IMR', code='K2', name='Zestaponi'} print('hi') return #ihub.school.list{}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"values\":[2]") && contains(out, "\"output\":\"hi\\n\""));
    ihub_free(out);

    /* Errors: status, per-handle message, per-thread message. */
    CHECK(call(h, "school.get", "{\"code\":\"K9\"}") == IHUB_NOTFOUND);
    CHECK(ihub_errcode(h) == IHUB_NOTFOUND);
    CHECK(strcmp(ihub_errmsg(h), "params.code: no school with code 'K9'") == 0);
    CHECK(strcmp(ihub_last_error(), "params.code: no school with code 'K9'") == 0);
    /* The same failure as a document, with the place the message names. */
    CHECK(strcmp(ihub_last_error_json(), "{\"status\":\"IHUB_NOTFOUND\",\"code\":3,\"message\":"
                 "\"params.code: no school with code 'K9'\",\"path\":\"params.code\"}") == 0);
    CHECK(call(h, "import.csv", "{\"kind\":\"schools\",\"text\":\"hub,code,name,size\\nGE-IMR,Q1,a,x\\nGE-IMR,Q2,b,y\\n\"}")
          == IHUB_INVALID);
    CHECK(contains(ihub_last_error_json(), "\"problems\":[{\"line\":2,\"column\":4,\"field\":\"size\""));
    CHECK(contains(ihub_last_error_json(), "{\"line\":3,\"column\":4"));
    CHECK(call(h, "school.add", "{\"hub\":\"GE-IMR\",\"code\":\"K1\",\"name\":\"again\"}") == IHUB_CONFLICT);
    CHECK(call(h, "school.add_many", "{\"schools\":[{\"hub\":\"GE-IMR\",\"code\":\"A\",\"name\":\"a\"},"
                                     "{\"hub\":\"GE-IMR\",\"code\":3,\"name\":\"b\"}]}") == IHUB_INVALID);
    CHECK(strcmp(ihub_errmsg(h), "params.schools[1].code: expected a string, got an integer") == 0);
    CHECK(call(h, "school.list", "{\"hub\":\"GE-IMR\"}") == IHUB_OK);
    CHECK(ihub_call(h, "hub.get", "{\"code\":\"GE-IMR\"}", &out) == IHUB_OK && contains(out, "\"schools\":2"));
    ihub_free(out);
    ihub_close(h);
}

static void test_bad_input(void) {
    ihub *h = NULL;
    char *out = (char *)1;  /* must be reset to NULL on failure */
    CHECK(ihub_open(NULL, NULL, &h) == IHUB_MISUSE && h == NULL);
    CHECK(contains(ihub_last_error(), "path is NULL"));
    CHECK(ihub_open(":memory:", NULL, NULL) == IHUB_MISUSE);
    CHECK(ihub_open(":memory:", "{\"busy_timeout_ms\": \"x\"}", &h) == IHUB_INVALID);
    CHECK(contains(ihub_last_error(), "options.busy_timeout_ms"));
    CHECK(ihub_open(":memory:", "{oops", &h) == IHUB_INVALID);
    CHECK(ihub_open("/proc/none/x.db", NULL, &h) == IHUB_IO && contains(ihub_last_error(), "/proc/none/x.db"));
    CHECK(ihub_open("bad\xff.db", NULL, &h) == IHUB_INVALID && contains(ihub_last_error(), "invalid UTF-8"));

    char junk[] = "/tmp/ihub-c-junk-XXXXXX";
    int fd = mkstemp(junk);
    const char text[] = "plainly not an SQLite database, just text. plainly not an SQLite database, just text.";
    for (int i = 0; i < 50; i++) CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    CHECK(ihub_open(junk, NULL, &h) == IHUB_CORRUPT && h == NULL);
    unlink(junk);

    CHECK(ihub_call(NULL, "hub.list", NULL, &out) == IHUB_MISUSE && out == NULL);
    CHECK(ihub_eval(NULL, "return 1", &out) == IHUB_MISUSE);
    CHECK(ihub_errcode(NULL) == IHUB_MISUSE && contains(ihub_errmsg(NULL), "NULL or closed"));

    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(ihub_call(h, NULL, NULL, &out) == IHUB_MISUSE && strcmp(ihub_errmsg(h), "method is NULL") == 0);
    CHECK(ihub_call(h, "hub.list", NULL, NULL) == IHUB_MISUSE);
    CHECK(ihub_eval(h, NULL, &out) == IHUB_MISUSE);
    CHECK(call(h, "hub.list", "{\"limit\": 2,, }") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "params: JSON at line 1 column 13"));
    CHECK(call(h, "hub.add", "{\"code\":\"\xc3\x28\"}") == IHUB_INVALID && contains(ihub_errmsg(h), "invalid UTF-8"));
    CHECK(call(h, "hub.\xff", "{}") == IHUB_INVALID);
    CHECK(call(h, "hub.remove", "{}") == IHUB_NOTFOUND && contains(ihub_errmsg(h), "unknown method 'hub.remove'"));
    CHECK(call(h, "hub.add", "{\"code\":1,\"name\":\"x\",\"country\":\"EE\"}") == IHUB_INVALID);
    CHECK(strcmp(ihub_errmsg(h), "params.code: expected a string, got an integer") == 0);
    CHECK(call(h, "hub.list", "[]") == IHUB_INVALID);
    CHECK(ihub_eval(h, "return \xff", &out) == IHUB_INVALID);
    CHECK(ihub_eval(h, "return (", &out) == IHUB_SCRIPT && contains(ihub_errmsg(h), "eval:1:"));
    CHECK(ihub_eval(h, "error('boom')", &out) == IHUB_SCRIPT && contains(ihub_errmsg(h), "eval:1: boom"));
    CHECK(call(h, "hub.list", NULL) == IHUB_OK);  /* still usable */

    ihub_close(h);
    CHECK(call(h, "hub.list", NULL) == IHUB_MISUSE);  /* closed: reported, not touched */
    CHECK(ihub_errcode(h) == IHUB_MISUSE);
    ihub_close(h);  /* twice is harmless */
    ihub_close(NULL);
    ihub_free(NULL);
}

static void test_sandbox(void) {
    static const struct { const char *source; int status; const char *words; } hostile[] = {
        {"while true do end", IHUB_LIMIT, "time limit"},
        {"while true do pcall(function() while true do end end) end", IHUB_LIMIT, "time limit"},
        {"local s = string.rep('x', 2^40)", IHUB_LIMIT, "memory"},
        {"local t = {} for i = 1, 1e12 do t[i] = i end", IHUB_LIMIT, ""},
        {"return string.find(string.rep('a', 50000), '.-.-.-.-.-.-.-b')", IHUB_LIMIT, "time limit"},
        {"setmetatable({}, {__gc = function() end})", IHUB_SCRIPT, "__gc"},
        {"return io.write('x')", IHUB_SCRIPT, "io"},
        {"return os.exit(1)", IHUB_SCRIPT, "os"},
        {"return debug.traceback()", IHUB_SCRIPT, "debug"},
        {"return require('io')", IHUB_SCRIPT, "require"},
        {"return assert(load('\\27Lua'))()", IHUB_SCRIPT, ""},
    };
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh("{\"admin_time_ms\": 300, \"admin_memory_mb\": 32}", &h) == IHUB_OK);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        int rc = ihub_eval(h, hostile[i].source, &out);
        check(rc == hostile[i].status && contains(ihub_errmsg(h), hostile[i].words), hostile[i].source, __LINE__);
        if (rc != hostile[i].status) fprintf(stderr, "  got %s: %s\n", ihub_status_name(rc), ihub_errmsg(h));
        CHECK(ihub_eval(h, "return 1 + 1", &out) == IHUB_OK && contains(out, "[2]"));
        ihub_free(out);
    }
    ihub_close(h);
}

/* Assessments through the same ihub_call: a response, its scores, and an
** aggregate suppressed below k. */
static void test_assessment(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"NO-TRD\",\"name\":\"Trondelag\",\"country\":\"NO\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"NO-TRD\",\"code\":\"N1\",\"name\":\"Steinkjer School\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"NO-TRD\",\"code\":\"NR1\",\"name\":\"Round 1\"}") == IHUB_OK);
    CHECK(call(h, "assessment.submit", "{\"round\":\"NR1\",\"instrument\":\"selfie\",\"responses\":[{\"respondent\":\"T1\","
                                       "\"school\":\"N1\",\"group\":\"teachers\",\"answers\":{\"A1\":4,\"A2\":\"na\",\"B1\":2}}]}") == IHUB_OK);
    CHECK(ihub_call(h, "assessment.scores", "{\"round\":\"NR1\",\"instrument\":\"selfie\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"A2\":\"na\"") && contains(out, "\"overall\":3"));
    ihub_free(out);
    CHECK(ihub_call(h, "assessment.aggregate", "{\"round\":\"NR1\",\"instrument\":\"selfie\",\"group\":\"teachers\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"suppressed\":true") && !contains(out, "\"suppressed\":false"));
    ihub_free(out);
    CHECK(call(h, "assessment.submit", "{\"round\":\"NR1\",\"instrument\":\"selfie\",\"responses\":[{\"respondent\":\"T2\","
                                       "\"school\":\"N1\",\"group\":\"teachers\",\"answers\":{\"B2\":7}}]}") == IHUB_INVALID);
    CHECK(strcmp(ihub_errmsg(h), "params.responses[0].answers.B2: 7 is outside the scale 1..5") == 0);
    ihub_close(h);
}

/* CSV exchange and pairing, from C: import a file's text, export it back,
** solve a small pairing, propose and explain on the demo region. */
static void test_exchange_and_pairing(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "import.csv", "{\"kind\":\"hubs\",\"text\":\"code,name,country\\nXX-TST,Test hub,SE\\n\"}") == IHUB_OK);
    CHECK(ihub_call(h, "export.csv", "{\"kind\":\"hubs\"}", &out) == IHUB_OK && contains(out, "XX-TST,Test hub,SE"));
    ihub_free(out);
    /* A bad file: rejected by line, column and field; nothing stored. */
    CHECK(call(h, "import.csv", "{\"kind\":\"schools\",\"text\":\"hub,code,name,size\\nXX-TST,S1,One,many\\n\"}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "line 2, column 4 (size)"));
    CHECK(ihub_call(h, "school.list", NULL, &out) == IHUB_OK && strcmp(out, "[]") == 0);
    ihub_free(out);

    CHECK(ihub_call(h, "pairing.solve", "{\"mentees\":2,\"mentors\":2,\"candidates\":[[0,0,1],[0,1,5],[1,0,4],[1,1,1]]}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"pairs\":[[0,1],[1,0]]") && contains(out, "\"total\":9"));
    ihub_free(out);

    CHECK(call(h, "demo.populate", "{\"seed\":3}") == IHUB_OK);
    CHECK(ihub_call(h, "pairing.propose", "{\"hub\":\"FI-TRE\",\"round\":\"FI-TRE-R2\",\"level\":\"school\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"pairs\":["));
    ihub_free(out);
    CHECK(call(h, "pairing.explain", "{\"run\":1,\"mentee\":\"FI-TRE-S01\",\"mentor\":\"FI-TRE-S02\"}") == IHUB_OK);
    CHECK(call(h, "pairing.confirm", "{\"run\":99}") == IHUB_NOTFOUND);
    ihub_close(h);
}

/* Paths and files (issue 7): an empty path is an error, not SQLite's silent
** temporary database; file: URIs are refused; create=false does not make a
** missing file; an export does not overwrite unless asked. */
static void test_open_paths_and_files(void) {
    ihub *h = (ihub *)1;
    char dir[] = "/tmp/ihub-c-XXXXXX", db[64], out[64];
    CHECK(ihub_open("", NULL, &h) == IHUB_INVALID && h == NULL);
    CHECK(contains(ihub_last_error(), "path: empty"));
    CHECK(ihub_open("file::memory:", NULL, &h) == IHUB_INVALID && h == NULL);
    CHECK(contains(ihub_last_error(), "URI"));
    CHECK(ihub_open(NULL, NULL, &h) == IHUB_MISUSE && h == NULL);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/typo.db", dir);
    snprintf(out, sizeof out, "%s/hubs.csv", dir);
    CHECK(ihub_open(db, "{\"create\": false}", &h) == IHUB_NOTFOUND && h == NULL);
    CHECK(contains(ihub_last_error(), db) && access(db, F_OK) != 0);
    CHECK(ihub_open(db, NULL, &h) == IHUB_OK);
    char params[160];
    snprintf(params, sizeof params, "{\"kind\":\"hubs\",\"path\":\"%s\"}", out);
    CHECK(call(h, "export.csv", params) == IHUB_OK);
    CHECK(call(h, "export.csv", params) == IHUB_CONFLICT && contains(ihub_errmsg(h), "exists already"));
    snprintf(params, sizeof params, "{\"kind\":\"hubs\",\"path\":\"%s\",\"overwrite\":true}", out);
    CHECK(call(h, "export.csv", params) == IHUB_OK);
    CHECK(call(h, "school.list", "{\"limit\": 1e18}") == IHUB_OK);
    {   /* The header's limits are the engine's. */
        char *limits = NULL, expected[64];
        CHECK(ihub_call(h, "api.limits", NULL, &limits) == IHUB_OK);
        snprintf(expected, sizeof expected, "\"text_bytes\":%d,", IHUB_LIMIT_TEXT_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"long_text_bytes\":%d,", IHUB_LIMIT_LONG_TEXT_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"document_bytes\":%d,", IHUB_LIMIT_DOCUMENT_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"json_depth\":%d,", IHUB_LIMIT_JSON_DEPTH);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"path_bytes\":%d,", IHUB_LIMIT_PATH_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"quote_characters\":%d,", IHUB_LIMIT_QUOTE_CHARS);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"message_bytes\":%d,", IHUB_LIMIT_MESSAGE_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"csv_record_bytes\":%d,", IHUB_LIMIT_CSV_RECORD_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"line_bytes\":%d,", IHUB_LIMIT_LINE_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"activity_line_bytes\":%d,", IHUB_LIMIT_ACTIVITY_LINE_BYTES);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"script_output_bytes\":%d,", IHUB_LIMIT_SCRIPT_OUTPUT_BYTES);
        CHECK(contains(limits, expected));
        /* h was opened with the default budgets. */
        snprintf(expected, sizeof expected, "\"script_time_ms\":%d,", IHUB_LIMIT_SCRIPT_TIME_MS);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"script_memory_mb\":%d,", IHUB_LIMIT_SCRIPT_MEMORY_MB);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"admin_time_ms\":%d,", IHUB_LIMIT_ADMIN_TIME_MS);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"admin_memory_mb\":%d,", IHUB_LIMIT_ADMIN_MEMORY_MB);
        CHECK(contains(limits, expected));
        snprintf(expected, sizeof expected, "\"budget_margin_ms\":%d}", IHUB_LIMIT_BUDGET_MARGIN_MS);
        CHECK(contains(limits, expected));
        ihub_free(limits);
    }
    CHECK(call(h, "school.list", "{\"limit\": 1, \"limit\": 2}") == IHUB_INVALID && contains(ihub_errmsg(h), "duplicate key"));
    ihub_close(h);
    unlink(out);
    snprintf(params, sizeof params, "%s-wal", db);
    unlink(params);
    snprintf(params, sizeof params, "%s-shm", db);
    unlink(params);
    unlink(db);
    rmdir(dir);
}

/* Issue 7: what Lua hands back. An ihub.* error keeps its status for the
** C caller of ihub_eval; a value JSON cannot hold is an error, not null. */
static void test_lua_outputs(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(ihub_eval(h, "return ihub.school.get{code = 'NOPE'}", &out) == IHUB_NOTFOUND && out == NULL);
    CHECK(contains(ihub_errmsg(h), "eval:1: school.get: ") && !contains(ihub_errmsg(h), "__ihub"));
    CHECK(ihub_eval(h, "local ok, e = pcall(ihub.school.get, {code = 'NOPE'})\n"
                       "return e.status, e.code, tostring(e) == e.message", &out) == IHUB_OK);
    CHECK(contains(out, "[\"IHUB_NOTFOUND\",3,true]"));
    ihub_free(out);
    CHECK(ihub_eval(h, "return 0/0", &out) == IHUB_SCRIPT && contains(ihub_errmsg(h), "is NaN"));
    CHECK(ihub_eval(h, "return {[1] = 'a', ['1'] = 'b'}", &out) == IHUB_SCRIPT && contains(ihub_errmsg(h), "keys 1 and \"1\""));
    CHECK(ihub_eval(h, "return 'caf\\233'", &out) == IHUB_SCRIPT && contains(ihub_errmsg(h), "not valid UTF-8"));
    ihub_close(h);
}

/* store.copy from C: the fresh database (in memory, or PostgreSQL) into a
** new SQLite file, which then holds the data; a second copy is refused. */
static void test_store_copy(void) {
    ihub *h = NULL, *copy = NULL;
    char path[128], params[256];
    snprintf(path, sizeof path, "/tmp/ihub-c-copy-%ld.db", (long)getpid());
    unlink(path);
    snprintf(params, sizeof params, "{\"path\": \"%s\"}", path);
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"GE-IMR\",\"name\":\"Imereti\",\"country\":\"GE\"}") == IHUB_OK);
    CHECK(call(h, "store.copy", params) == IHUB_OK);
    CHECK(call(h, "store.copy", params) == IHUB_CONFLICT && contains(ihub_errmsg(h), "the target is not empty"));
    CHECK(ihub_open(path, "{\"create\": false}", &copy) == IHUB_OK);
    CHECK(call(copy, "hub.get", "{\"code\":\"GE-IMR\"}") == IHUB_OK);
    ihub_close(copy);
    ihub_close(h);
    unlink(path);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

/* Action plans from C: a suggestion from one response (k = 1), a plan that
** cannot become active before a person confirms it, a goal on an area the
** instrument lacks refused with the path, the list with its counts. */
static void test_plan(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"NO-TRD\",\"name\":\"Trondelag\",\"country\":\"NO\",\"min_group_size\":1}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"NO-TRD\",\"code\":\"N1\",\"name\":\"Steinkjer School\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"NO-TRD\",\"code\":\"NP1\",\"name\":\"Ola Nordmann\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"NO-TRD\",\"code\":\"NR1\",\"name\":\"Round 1\"}") == IHUB_OK);
    CHECK(call(h, "assessment.submit", "{\"round\":\"NR1\",\"instrument\":\"selfie\",\"responses\":[{\"respondent\":\"T1\","
                                       "\"school\":\"N1\",\"group\":\"teachers\",\"answers\":{\"A1\":4,\"C1\":1,\"F1\":3}}]}") == IHUB_OK);
    CHECK(ihub_call(h, "plan.suggest", "{\"school\":\"N1\",\"count\":1}", &out) == IHUB_OK);
    CHECK(contains(out, "\"suggestions\":[{\"rank\":1,\"instrument\":\"selfie\",\"round\":\"NR1\",\"area\":\"C\""));
    ihub_free(out);
    CHECK(ihub_call(h, "plan.create", "{\"school\":\"N1\",\"title\":\"Plan\",\"suggest\":true,\"count\":1}", &out) == IHUB_OK);
    CHECK(contains(out, "\"id\":1,") && contains(out, "\"suggested\":true,\"confirmed\":false"));
    ihub_free(out);
    CHECK(call(h, "plan.set_status", "{\"plan\":1,\"status\":\"active\"}") == IHUB_CONFLICT);
    CHECK(contains(ihub_errmsg(h), "await a person's confirmation"));
    CHECK(call(h, "plan.confirm_focus", "{\"plan\":1,\"area\":\"C\",\"by\":\"NP1\"}") == IHUB_OK);
    CHECK(call(h, "plan.set_status", "{\"plan\":1,\"status\":\"active\"}") == IHUB_OK);
    CHECK(call(h, "plan.add_goal", "{\"plan\":1,\"instrument\":\"selfie\",\"area\":\"Q\",\"description\":\"x\",\"target\":3,"
                                   "\"by\":\"2026-06-30\"}") == IHUB_NOTFOUND);
    CHECK(strcmp(ihub_errmsg(h), "params.area: instrument 'selfie' has no area 'Q' (areas: A, B, C, D, E, F, G, H)") == 0);
    CHECK(ihub_call(h, "plan.list", "{\"hub\":\"NO-TRD\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"status\":\"active\"") && contains(out, "\"goals\":0"));
    ihub_free(out);
    ihub_close(h);
}

/* The mentoring process (issue 9): a hub's process script with a rule that
** refuses a move (IHUB_CONSTRAINT, the rule's reason, nothing stored), the
** built-in toolbox, a chosen method that lets the move through. */
static void test_process(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"FI-TRE\",\"name\":\"Tampere\",\"country\":\"FI\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"FI-TRE\",\"code\":\"S1\",\"name\":\"One\"}") == IHUB_OK);
    CHECK(call(h, "script.set", "{\"hub\":\"FI-TRE\",\"name\":\"process\",\"source\":"
               "\"rule('development_actions', function(i) if #i.methods == 0 then return false, 'pick a method first' end end)\"}")
          == IHUB_OK);
    CHECK(ihub_call(h, "process.start", "{\"school\":\"S1\",\"at\":\"initiative\"}", &out) == IHUB_OK &&
          contains(out, "\"id\":1,") && contains(out, "\"step\":\"initiative\""));
    ihub_free(out);
    CHECK(call(h, "process.move", "{\"id\":1,\"to\":\"development_actions\"}") == IHUB_CONSTRAINT);
    CHECK(contains(ihub_errmsg(h), "FI-TRE/process refused the move of process #1 to 'development_actions': pick a method first"));
    CHECK(ihub_call(h, "process.history", "{\"id\":1}", &out) == IHUB_OK && !contains(out, "development_actions"));
    ihub_free(out);
    CHECK(call(h, "process.move", "{\"id\":1,\"to\":\"siesta\"}") == IHUB_INVALID && contains(ihub_errmsg(h), "(steps: initiative,"));
    CHECK(ihub_call(h, "toolbox.list", "{\"step\":\"mapping_needs\"}", &out) == IHUB_OK && contains(out, "\"needs_mapping\""));
    ihub_free(out);
    CHECK(call(h, "process.choose_method", "{\"id\":1,\"method\":\"collegial\"}") == IHUB_OK);
    CHECK(ihub_call(h, "process.move", "{\"id\":1,\"to\":\"development_actions\"}", &out) == IHUB_OK &&
          contains(out, "\"step\":\"development_actions\""));
    ihub_free(out);
    ihub_close(h);
}

/* The activity log from C (issue 9): log with codes, an unknown participant
** named by its path, hours per person over an inclusive range, a statement
** of hours as escaped HTML, and an NDJSON import with a malformed line in
** the middle that imports nothing. */
static void test_activity(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"T1\",\"name\":\"<b>T1</b>\",\"schools\":[\"S1\"]}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"T2\",\"name\":\"T2\"}") == IHUB_OK);
    CHECK(ihub_call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"session\",\"date\":\"2026-03-02\",\"minutes\":90,"
                    "\"participants\":[{\"person\":\"T1\",\"role\":\"mentor\"},{\"person\":\"T2\",\"role\":\"mentee\"}]}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"participants\":[{\"person\":\"T1\",\"role\":\"mentor\"}"));
    ihub_free(out);
    CHECK(call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"workshop\",\"date\":\"2026-03-31\",\"minutes\":30,"
                                  "\"participants\":[{\"school\":\"S1\"}]}") == IHUB_OK);
    CHECK(call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"session\",\"date\":\"2026-03-02\",\"minutes\":5,"
                                  "\"participants\":[{\"person\":\"T1\"},{\"person\":\"NO\"}]}") == IHUB_NOTFOUND);
    CHECK(contains(ihub_errmsg(h), "params.participants[1].person: no person with code 'NO'"));
    CHECK(ihub_call(h, "activity.hours", "{\"hub\":\"H\",\"by\":\"school\",\"from\":\"2026-03-02\",\"to\":\"2026-03-31\"}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "{\"code\":\"S1\",\"name\":\"School\",\"hours\":2.0,\"activities\":2,\"minutes\":120}"));
    ihub_free(out);
    CHECK(ihub_call(h, "activity.statement", "{\"hub\":\"H\",\"person\":\"T1\",\"from\":\"2026-01-01\",\"to\":\"2026-12-31\","
                    "\"format\":\"html\"}", &out) == IHUB_OK);
    CHECK(contains(out, "&lt;b&gt;T1&lt;/b&gt;") && !contains(out, "<b>T1"));
    ihub_free(out);
    CHECK(call(h, "activity.import", "{\"hub\":\"H\",\"text\":\""
                                     "{\\\"kind\\\":\\\"session\\\",\\\"date\\\":\\\"2026-04-01\\\",\\\"minutes\\\":10,\\\"participants\\\":[{\\\"person\\\":\\\"T2\\\"}]}\\n"
                                     "{oops\\n"
                                     "{\\\"kind\\\":\\\"session\\\",\\\"date\\\":\\\"2026-04-02\\\",\\\"minutes\\\":10,\\\"participants\\\":[{\\\"person\\\":\\\"T2\\\"}]}\\n"
                                     "\"}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "line 2: malformed JSON"));
    CHECK(ihub_call(h, "activity.list", "{\"hub\":\"H\",\"from\":\"2026-04-01\"}", &out) == IHUB_OK && strcmp(out, "[]") == 0);
    ihub_free(out);
    ihub_close(h);
}

/* xapi.validate from C: statements counted, a broken rule reported at its
** property path, a line that is not JSON at path "" with its line number,
** and a call with neither statements nor text refused. */
static void test_xapi_validate(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(ihub_call(h, "xapi.validate",
                    "{\"statements\": [{\"actor\": {\"mbox\": \"mailto:a@b.ee\"}, \"verb\": {\"id\": \"urn:x:v\"},"
                    " \"object\": {\"id\": \"urn:x:o\"}},"
                    " {\"actor\": {\"mbox\": \"a@b.ee\"}, \"verb\": {\"id\": \"urn:x:v\"}, \"object\": {\"id\": \"urn:x:o\"}}]}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"valid\":1") && contains(out, "\"invalid\":1"));
    CHECK(contains(out, "\"index\":1") && contains(out, "\"path\":\"actor.mbox\""));
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "xapi.validate", "{\"text\": \"{\\\"verb\\\": {\\\"id\\\": \\\"voided\\\"}}\\nnot json\\n\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"invalid\":2") && contains(out, "\"path\":\"verb.id\"") && contains(out, "\"line\":2"));
    CHECK(contains(out, "\"path\":\"\",\"message\":\"not JSON"));
    ihub_free(out);
    CHECK(call(h, "xapi.validate", "{}") == IHUB_INVALID && contains(ihub_errmsg(h), "give statements, text or path"));
    ihub_close(h);
}

/* xAPI: an NDJSON batch with a bad line in the middle imports nothing and
** names the line; the good batch imports once (idempotent); voiding voids. */
static void test_xapi_io(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"EE-ACC\",\"name\":\"Accelerator\",\"country\":\"EE\","
                             "\"home_page\":\"https://hub.example.ee\"}") == IHUB_OK);
#define XAPI_S(ID) "{\\\"id\\\":\\\"7a1e3c7e-0000-4000-8000-00000000000" ID "\\\",\\\"actor\\\":{\\\"mbox\\\":\\\"mailto:a@b.org\\\"}," \
                   "\\\"verb\\\":{\\\"id\\\":\\\"http://adlnet.gov/expapi/verbs/completed\\\"},\\\"object\\\":{\\\"id\\\":\\\"http://x.org/1\\\"}}\\n"
    const char *bad = "{\"hub\":\"EE-ACC\",\"text\":\"" XAPI_S("1") "{\\\"actor\\\":{}}\\n" XAPI_S("2") "\"}";
    CHECK(ihub_call(h, "xapi.import", bad, &out) == IHUB_INVALID && out == NULL);
    CHECK(contains(ihub_errmsg(h), "nothing imported") && contains(ihub_errmsg(h), "line 2"));
    const char *good = "{\"hub\":\"EE-ACC\",\"text\":\"" XAPI_S("1") XAPI_S("2") "\"}";
    CHECK(ihub_call(h, "xapi.import", good, &out) == IHUB_OK && contains(out, "\"stored\":2"));
    ihub_free(out);
    CHECK(ihub_call(h, "xapi.import", good, &out) == IHUB_OK && contains(out, "\"unchanged\":2"));
    ihub_free(out);
    CHECK(ihub_call(h, "xapi.import", "{\"hub\":\"EE-ACC\",\"statements\":[{\"id\":\"7a1e3c7e-0000-4000-8000-000000000003\","
                    "\"actor\":{\"mbox\":\"mailto:a@b.org\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
                    "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"7a1e3c7e-0000-4000-8000-000000000001\"}}]}", &out) == IHUB_OK
          && contains(out, "\"voided\":1"));
    ihub_free(out);
    CHECK(ihub_call(h, "xapi.events", "{\"hub\":\"EE-ACC\",\"verb\":\"http://adlnet.gov/expapi/verbs/completed\"}", &out) == IHUB_OK
          && !contains(out, "\"id\":\"7a1e3c7e-0000-4000-8000-000000000001\"") && contains(out, "000000000002"));
    ihub_free(out);
    CHECK(ihub_call(h, "xapi.export", "{\"hub\":\"EE-ACC\",\"format\":\"json\"}", &out) == IHUB_OK && contains(out, "\"statements\":0"));
    ihub_free(out);
#undef XAPI_S
    ihub_close(h);
}

/* report.html and report.data from C: a hub with a hostile name and one
** round of a school instrument; the page is self-contained (no <script>),
** names every section and escapes the name; the maturity table as CSV has
** its header and the leaders' overall mean; an unknown table is refused. */
static void test_report(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"<script>x</script> & co\",\"country\":\"EE\",\"min_group_size\":1}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R1\",\"name\":\"round 1\",\"start\":\"2026-01-01\"}") == IHUB_OK);
    CHECK(call(h, "instrument.define", "{\"hub\":\"H\",\"source\":\"return {code = 'chk', name = 'Check', subject = 'school', "
                                       "scale = {min = 1, max = 5}, groups = {'leaders'}, areas = {{code = 'A', name = 'A', "
                                       "items = {{code = 'Q1', text = 'q'}, {code = 'Q2', text = 'q'}}}}}\"}") == IHUB_OK);
    CHECK(call(h, "assessment.submit", "{\"round\":\"R1\",\"instrument\":\"chk\",\"responses\":[{\"respondent\":\"L1\",\"school\":\"S1\","
                                       "\"group\":\"leaders\",\"answers\":{\"Q1\":2,\"Q2\":5}}]}") == IHUB_OK);
    CHECK(ihub_call(h, "report.html", "{\"hub\":\"H\"}", &out) == IHUB_OK);
    CHECK(contains(out, "&lt;script&gt;x&lt;/script&gt; &amp; co") && !contains(out, "<script"));
    CHECK(contains(out, "<section id=\\\"targets\\\"") && contains(out, "<section id=\\\"insights\\\""));
    CHECK(contains(out, "<svg ") && contains(out, "<title id=\\\"chart-maturity-1-title\\\">"));
    ihub_free(out);
    CHECK(ihub_call(h, "report.data", "{\"hub\":\"H\",\"format\":\"csv\",\"table\":\"maturity\"}", &out) == IHUB_OK);
    CHECK(contains(out, "hub,round,instrument,group,area,area_name,n,mean,sd,suppressed\\r\\n"));
    CHECK(contains(out, "H,R1,chk,leaders,overall,Overall,1,3.5,"));
    ihub_free(out);
    CHECK(call(h, "report.data", "{\"table\":\"nope\"}") == IHUB_INVALID && contains(ihub_errmsg(h), "params.table"));
    ihub_close(h);
}

/* The built-in indicators from C: reach against the hub's target and
** activities per kind in a month, hours per person named by code, and an
** option out of range refused with its path. */
static void test_indicators_builtin(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\",\"target_schools\":4}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School 1\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S2\",\"name\":\"School 2\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"T1\",\"name\":\"T1\",\"memberships\":"
                                "[{\"school\":\"S1\",\"start\":\"2026-01-01\"}]}") == IHUB_OK);
    CHECK(call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"workshop\",\"date\":\"2026-03-10\",\"minutes\":90,"
                                  "\"participants\":[{\"person\":\"T1\"}]}") == IHUB_OK);
    CHECK(call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"workshop\",\"date\":\"2026-04-01\",\"minutes\":30,"
                                  "\"participants\":[{\"school\":\"S2\"}]}") == IHUB_OK);
    CHECK(ihub_call(h, "indicator.compute", "{\"hub\":\"H\",\"window\":\"2026-03\",\"names\":[\"reach.schools\","
                    "\"participation.activities\",\"participation.person_hours\"]}", &out) == IHUB_OK);
    /* March: S1 through its member T1; S2's workshop is in April. */
    CHECK(contains(out, "\"value\":1.0,\"n\":null,\"suppressed\":false,\"target\":4,\"share_of_target\":0.25,\"schools\":2}"));
    CHECK(contains(out, "\"part\":\"workshop\",\"value\":1.0,\"n\":null,\"suppressed\":false,\"hours\":1.5}"));
    CHECK(contains(out, "\"subject\":\"T1\",\"subject_name\":\"T1\",\"part\":null,\"value\":1.5,"));
    ihub_free(out);
    out = NULL;
    CHECK(call(h, "indicator.compute", "{\"hub\":\"H\",\"names\":[\"risk.inactive_mentorships\"],"
                                       "\"options\":{\"risk.inactive_mentorships\":{\"days\":-2}}}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "params.options.risk.inactive_mentorships.days: must be a whole number of days"));
    ihub_close(h);
}

/* The mentoring network from C: two rounds confirmed through pairing (pins
** only), A mentors B in R1 and B mentors C in R2 — a cascade of depth 2 in
** which B multiplies; network.graph gives C generation 2; an unknown level
** is refused naming the parameter. */
static void test_network(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R1\",\"name\":\"One\",\"start\":\"2025-09-01\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R2\",\"name\":\"Two\",\"start\":\"2026-02-01\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"One\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S2\",\"name\":\"Two\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"A\",\"name\":\"A\",\"schools\":[\"S1\"],\"roles\":[\"teacher\"]}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"B\",\"name\":\"B\",\"schools\":[\"S1\"],\"roles\":[\"teacher\"]}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"C\",\"name\":\"C\",\"schools\":[\"S2\"],\"roles\":[\"teacher\"]}") == IHUB_OK);
    CHECK(call(h, "script.set", "{\"hub\":\"H\",\"name\":\"pairing\",\"source\":"
                                "\"blocking.cross_school = 'any'\\nfunction eligible() return nil, 'pins only' end\"}") == IHUB_OK);
    const char *propose[] = {"{\"hub\":\"H\",\"round\":\"R1\",\"level\":\"teacher\",\"pins\":[{\"mentee\":\"B\",\"mentor\":\"A\"}]}",
                             "{\"hub\":\"H\",\"round\":\"R2\",\"level\":\"teacher\",\"pins\":[{\"mentee\":\"C\",\"mentor\":\"B\"}]}"};
    for (int i = 0; i < 2; i++) {
        char confirm[64];
        CHECK(ihub_call(h, "pairing.propose", propose[i], &out) == IHUB_OK && contains(out, "\"run\":"));
        snprintf(confirm, sizeof confirm, "{\"run\":%d}", contains(out, "\"run\":") ? atoi(strstr(out, "\"run\":") + 6) : 0);
        ihub_free(out);
        out = NULL;
        CHECK(call(h, "pairing.confirm", confirm) == IHUB_OK);
    }
    CHECK(ihub_call(h, "indicator.compute", "{\"hub\":\"H\",\"names\":[\"network.multiplication\",\"network.cascade_depth\"]}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"part\":\"people\",\"value\":1.0,\"n\":null,\"suppressed\":false,\"cases\":1"));
    CHECK(contains(out, "\"part\":\"teacher\",\"value\":2.0,"));
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "network.graph", "{\"hub\":\"H\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"code\":\"C\",\"name\":\"C\",\"school\":\"S2\",\"first_mentee_round\":\"R2\","
                        "\"first_mentor_round\":null,\"generation\":2"));
    CHECK(contains(out, "\"mentor\":\"B\",\"mentee\":\"C\",\"round\":\"R2\",\"round_order\":2"));
    ihub_free(out);
    CHECK(call(h, "network.graph", "{\"level\":\"class\"}") == IHUB_INVALID && contains(ihub_errmsg(h), "params.level"));
    ihub_close(h);
}

/* The indicator service: a hub's Lua indicators stored as a time series
** (recomputing a window replaces its rows), a value out of range reported
** and never stored, a draft checked without storing it. */
static void test_indicator_service(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
#define IND_SEVEN "indicator{name='seven', description='Seven', level='hub', type='count'," \
                  " compute=function(ctx) return {{value=7, detail={label=ctx.window.label}}} end}"
#define IND_BIG "indicator{name='big', description='Too big', level='hub', type='share'," \
                " compute=function() return {{value=2}} end}"
    CHECK(call(h, "script.set", "{\"hub\":\"H\",\"name\":\"indicators\",\"source\":\"" IND_SEVEN "\\n" IND_BIG "\"}") == IHUB_OK);
    const char *snap = "{\"hub\":\"H\",\"window\":\"2026-11\",\"names\":[\"H.seven\",\"H.big\"]}";
    CHECK(ihub_call(h, "indicator.snapshot", snap, &out) == IHUB_OK);
    CHECK(contains(out, "\"name\":\"H.seven\",\"level\":\"hub\"") && contains(out, "\"stored\":1,\"suppressed\":0,\"replaced\":0"));
    CHECK(contains(out, "\"status\":\"IHUB_CONSTRAINT\"") && contains(out, "2.0 is above the maximum 1.0"));
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "indicator.snapshot", snap, &out) == IHUB_OK && contains(out, "\"stored\":1,\"suppressed\":0,\"replaced\":1"));
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "indicator.series", "{\"hub\":\"H\",\"name\":\"H.seven\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"window\":{\"kind\":\"month\",\"from\":\"2026-11-01\",\"to\":\"2026-11-30\"}") && contains(out, "\"label\":\"2026-11\""));
    const char *point = out ? strstr(out, "\"value\":7.0,") : NULL;
    CHECK(point != NULL && !contains(point + 1, "\"value\":7.0,"));  /* one point: no duplicate */
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "indicator.series", "{\"hub\":\"H\",\"name\":\"H.big\"}", &out) == IHUB_OK && contains(out, "\"points\":[]"));
    ihub_free(out);
    out = NULL;
    CHECK(ihub_call(h, "indicator.check", "{\"hub\":\"H\",\"source\":\"" IND_BIG "\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"ok\":false") && contains(out, "IHUB_CONSTRAINT"));
    ihub_free(out);
    CHECK(call(h, "indicator.series", "{\"hub\":\"H\",\"name\":\"H.none\"}") == IHUB_NOTFOUND);
    CHECK(contains(ihub_errmsg(h), "params.name: no indicator 'H.none'"));
#undef IND_SEVEN
#undef IND_BIG
    ihub_close(h);
}

/* Maturity change and the impact estimate from C: the change of a hand-made
** pair of rounds, and an estimate refused (no one was mentored) with the reason. */
static void test_impact(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\",\"min_group_size\":2}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R1\",\"name\":\"R1\",\"start\":\"2025-09-01\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R2\",\"name\":\"R2\",\"start\":\"2026-09-01\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"P1\",\"name\":\"P1\",\"schools\":[\"S1\"]}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"P2\",\"name\":\"P2\",\"schools\":[\"S1\"]}") == IHUB_OK);
    /* P1: 2 -> 4, P2: 3 -> 3: the mean rises from 2.5 to 3.5. */
    CHECK(call(h, "assessment.submit", "{\"round\":\"R1\",\"instrument\":\"digcompedu\",\"responses\":["
               "{\"respondent\":\"a\",\"school\":\"S1\",\"person\":\"P1\",\"group\":\"teachers\",\"answers\":{\"1.1\":2}},"
               "{\"respondent\":\"b\",\"school\":\"S1\",\"person\":\"P2\",\"group\":\"teachers\",\"answers\":{\"1.1\":3}}]}") == IHUB_OK);
    CHECK(call(h, "assessment.submit", "{\"round\":\"R2\",\"instrument\":\"digcompedu\",\"responses\":["
               "{\"respondent\":\"a\",\"school\":\"S1\",\"person\":\"P1\",\"group\":\"teachers\",\"answers\":{\"1.1\":4}},"
               "{\"respondent\":\"b\",\"school\":\"S1\",\"person\":\"P2\",\"group\":\"teachers\",\"answers\":{\"1.1\":3}}]}") == IHUB_OK);
    CHECK(ihub_call(h, "indicator.compute", "{\"hub\":\"H\",\"names\":[\"maturity.change\",\"maturity.moved_up\"],\"window\":\"cumulative:2026-12-01\"}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"part\":\"teachers:overall\",\"value\":1.0,\"n\":2,\"suppressed\":false,\"instrument\":\"digcompedu\",\"from\":\"R1\",\"to\":\"R2\""));
    /* P1 moved from A2 to B2, P2 stayed at B1: half moved up. */
    CHECK(contains(out, "\"part\":\"overall\",\"value\":0.5,\"n\":2"));
    ihub_free(out);
    CHECK(call(h, "impact.estimate", "{\"instrument\":\"digcompedu\",\"from\":\"R1\",\"to\":\"R2\"}") == IHUB_CONSTRAINT);
    CHECK(contains(ihub_errmsg(h), "0 mentored teachers matched (of 0 assessed in both rounds), fewer than k = 2"));
    CHECK(call(h, "impact.estimate", "{\"instrument\":\"digcompedu\",\"from\":\"R1\",\"to\":[\"R2\",\"R1\"]}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "params.to: 2 rounds for from's 1"));
    ihub_close(h);
}

static void test_privacy(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School\"}") == IHUB_OK);
    CHECK(call(h, "person.add", "{\"hub\":\"H\",\"code\":\"T1\",\"name\":\"Jane Doe\",\"email\":\"jane@example.org\","
                                "\"schools\":[\"S1\"]}") == IHUB_OK);
    CHECK(call(h, "activity.log", "{\"hub\":\"H\",\"kind\":\"session\",\"date\":\"2026-03-02\",\"minutes\":90,"
                                  "\"participants\":[{\"person\":\"T1\"}],\"notes\":\"Jane Doe presented\"}") == IHUB_OK);
    /* Pseudonymous: no name, no code. */
    CHECK(ihub_call(h, "export.csv", "{\"kind\":\"people\",\"pseudonymous\":true}", &out) == IHUB_OK
          && contains(out, "p-") && !contains(out, "Jane") && !contains(out, "T1"));
    ihub_free(out);
    CHECK(ihub_call(h, "xapi.export", "{\"hub\":\"H\",\"pseudonymous\":true}", &out) == IHUB_OK
          && contains(out, "\\\"name\\\":\\\"p-") && !contains(out, "Jane") && !contains(out, "\\\"T1\\\""));
    ihub_free(out);
    /* Erasure: the hours stay, the name goes; twice is a no-op. */
    CHECK(ihub_call(h, "person.erase", "{\"code\":\"T1\",\"reason\":\"request 1\"}", &out) == IHUB_OK
          && contains(out, "\"code\":\"erased-") && contains(out, "\"already_erased\":false"));
    ihub_free(out);
    CHECK(ihub_call(h, "person.erase", "{\"code\":\"T1\"}", &out) == IHUB_OK && contains(out, "\"already_erased\":true"));
    ihub_free(out);
    CHECK(ihub_call(h, "activity.hours", "{\"hub\":\"H\",\"by\":\"school\"}", &out) == IHUB_OK
          && contains(out, "\"minutes\":90"));
    ihub_free(out);
    CHECK(ihub_call(h, "export.json", "{\"hub\":\"H\"}", &out) == IHUB_OK
          && !contains(out, "Jane") && !contains(out, "jane@") && contains(out, " presented\"")
          && !contains(out, "ihub_secrets"));
    ihub_free(out);
    CHECK(call(h, "person.erase", "{\"code\":\"NOPE\"}") == IHUB_NOTFOUND && contains(ihub_errmsg(h), "params.code"));
    CHECK(call(h, "person.erase", "{}") == IHUB_INVALID && contains(ihub_errmsg(h), "params.code"));
    ihub_close(h);
}

/* Insights from C: a hub's Lua rule raises one (once per window), the
** acknowledgement is kept, a second ack is a conflict, a list filters by role. */
static void test_insights(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "script.set", "{\"hub\":\"H\",\"name\":\"insights\",\"source\":\"return {{name = 'hello', role = 'mentor', "
                                "apply = function(ctx) return {{severity = 'info', title = 'Hello ' .. ctx.window, "
                                "reason = 'as of ' .. ctx.as_of, action = 'wave'}} end}}\"}") == IHUB_OK);
    CHECK(ihub_call(h, "insight.generate", "{\"hub\":\"H\",\"window\":\"2026-11\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"rule\":\"hello\"") && contains(out, "\"title\":\"Hello 2026-11\"")
          && contains(out, "\"reason\":\"as of 2026-11-30\"") && contains(out, "\"created\":1"));
    ihub_free(out);
    CHECK(ihub_call(h, "insight.generate", "{\"hub\":\"H\",\"window\":\"2026-11\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"created\":0"));
    ihub_free(out);
    CHECK(ihub_call(h, "insight.list", "{\"hub\":\"H\",\"role\":\"mentor\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"id\":1,") && contains(out, "\"status\":\"open\""));
    ihub_free(out);
    CHECK(ihub_call(h, "insight.ack", "{\"id\":1,\"note\":\"seen\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"status\":\"acknowledged\"") && contains(out, "\"note\":\"seen\""));
    ihub_free(out);
    CHECK(call(h, "insight.ack", "{\"id\":1}") == IHUB_CONFLICT);
    CHECK(contains(ihub_errmsg(h), "params.id: insight 1 is acknowledged; ack needs it open"));
    CHECK(ihub_call(h, "insight.list", "{\"hub\":\"H\",\"role\":\"coordinator\",\"window\":\"2026-11\"}", &out) == IHUB_OK);
    CHECK(!contains(out, "\"rule\":\"hello\""));
    ihub_free(out);
    CHECK(call(h, "insight.get", "{\"id\":99}") == IHUB_NOTFOUND);
    ihub_close(h);
}

/* The default methodology is embedded from scripts/methodology: the default
** pairing policy's text and version are those of default/pairing.lua, and a
** hub script that assigns the engine's glue globals changes nothing for the
** next run (the glue lives in the state's globals, the script in a copy). */
static void test_embed(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(ihub_call(h, "pairing.policy", "{}", &out) == IHUB_OK);
    CHECK(contains(out, "\"default\":\"-- ihub default pairing policy.") && contains(out, "\"hash\":\"88a38ee14a8f7a3e\""));
    ihub_free(out);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "script.set", "{\"hub\":\"H\",\"name\":\"indicators\",\"source\":\"__ihub_indicators_compute = nil "
                                "indicator{name = 'one', description = 'One', level = 'hub', type = 'count', compute = function(ctx) return {{value = 1}} end}\"}") == IHUB_OK);
    for (int i = 0; i < 2; i++) {
        CHECK(ihub_call(h, "indicator.compute", "{\"hub\":\"H\",\"names\":[\"H.one\"]}", &out) == IHUB_OK);
        CHECK(contains(out, "\"value\":1"));
        ihub_free(out);
    }
    ihub_close(h);
}

/* Methodology packages from C: a load is a version by content hash, the
** same files again the same version, a new one leaves the old readable, a
** diff names the changed line, and a misspelt hook file is refused. */
static void test_packages(void) {
    ihub *h = NULL;
    char *out = NULL;
    char version[17] = {0};
    const char *at;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(ihub_call(h, "methodology.load", "{\"hub\":\"H\",\"files\":{\"pairing.lua\":"
                    "\"function score(a, b)\\n  return 1\\nend\\n\"}}", &out) == IHUB_OK);
    CHECK(contains(out, "\"new\":true") && contains(out, "\"hooks\":[\"pairing\"]"));
    at = out ? strstr(out, "\"version\":\"") : NULL;
    CHECK(at != NULL);
    if (at) memcpy(version, at + 11, 16);
    ihub_free(out);
    CHECK(ihub_call(h, "methodology.load", "{\"hub\":\"H\",\"files\":{\"pairing.lua\":"
                    "\"function score(a, b)\\n  return 1\\nend\\n\"}}", &out) == IHUB_OK);
    CHECK(contains(out, "\"new\":false") && contains(out, version));
    ihub_free(out);
    CHECK(call(h, "methodology.load", "{\"hub\":\"H\",\"files\":{\"pairing.lua\":"
               "\"function score(a, b)\\n  return 2\\nend\\n\"}}") == IHUB_OK);
    CHECK(ihub_call(h, "methodology.list", "{\"hub\":\"H\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"in_force\":false") && contains(out, "\"in_force\":true") && contains(out, version));
    ihub_free(out);
    {
        char params[96];
        snprintf(params, sizeof params, "{\"hub\":\"H\",\"from\":\"%s\"}", version);
        CHECK(ihub_call(h, "methodology.diff", params, &out) == IHUB_OK);
        CHECK(contains(out, "\"change\":\"changed\"") && contains(out, "@@ -1,3 +1,3 @@\\n function score(a, b)\\n-  return 1\\n+  return 2\\n"));
        ihub_free(out);
        snprintf(params, sizeof params, "{\"hub\":\"H\",\"version\":\"%.6s\"}", version);
        CHECK(ihub_call(h, "methodology.get", params, &out) == IHUB_OK && contains(out, "return 1"));
        ihub_free(out);
    }
    CHECK(call(h, "methodology.load", "{\"hub\":\"H\",\"files\":{\"pairng.lua\":\"\"}}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "params.files.\"pairng.lua\": not a file of a methodology package"));
    CHECK(call(h, "methodology.load", "{\"hub\":\"H\",\"files\":{\"rules.lua\":\"x = = 1\"}}") == IHUB_SCRIPT);
    CHECK(contains(ihub_errmsg(h), "H/rules.lua:1:"));
    ihub_close(h);
}

static void test_decisions(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(call(h, "hub.add", "{\"code\":\"H\",\"name\":\"Hub\",\"country\":\"EE\"}") == IHUB_OK);
    CHECK(call(h, "round.add", "{\"hub\":\"H\",\"code\":\"R1\",\"name\":\"round 1\"}") == IHUB_OK);
    CHECK(call(h, "school.add", "{\"hub\":\"H\",\"code\":\"S1\",\"name\":\"School 1\"}") == IHUB_OK);
    CHECK(call(h, "classification.run", "{\"hub\":\"H\",\"round\":\"R1\",\"subject\":\"school\"}") == IHUB_OK);
    CHECK(ihub_call(h, "decision.list", "{\"hub\":\"H\",\"subject\":{\"school\":\"S1\"}}", &out) == IHUB_OK);
    CHECK(contains(out, "\"kind\":\"classification\"") && contains(out, "\"methodology\":\"default\"")
          && contains(out, "\"reason\":\"left unclassified by the default rule: no selfie responses or reports in round R1\""));
    ihub_free(out);
    CHECK(ihub_call(h, "decision.why", "{\"school\":\"S1\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"question\":\"why is school 'S1' (School 1) unclassified?\""));
    ihub_free(out);
    /* A refused move: the caller's error, and the refusal kept in the log. */
    CHECK(call(h, "script.set", "{\"hub\":\"H\",\"name\":\"process\",\"source\":\"rule('anchoring', function() "
                                "return false, 'not yet' end)\"}") == IHUB_OK);
    CHECK(call(h, "process.start", "{\"school\":\"S1\",\"at\":\"initiative\"}") == IHUB_OK);
    CHECK(call(h, "process.move", "{\"id\":1,\"to\":\"anchoring\"}") == IHUB_CONSTRAINT);
    CHECK(contains(ihub_errmsg(h), "refused the move of process #1 to 'anchoring': not yet"));
    CHECK(ihub_call(h, "decision.list", "{\"hub\":\"H\",\"kind\":\"transition_refused\"}", &out) == IHUB_OK);
    CHECK(contains(out, "\"ref\":1,") && contains(out, "to 'anchoring': not yet\""));
    ihub_free(out);
    CHECK(call(h, "decision.get", "{\"id\":99}") == IHUB_NOTFOUND);
    CHECK(contains(ihub_errmsg(h), "params.id: no decision with id 99"));
    CHECK(call(h, "decision.list", "{\"hub\":\"H\",\"kind\":\"guess\"}") == IHUB_INVALID);
    ihub_close(h);
}

static void test_check_test(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    /* A misspelt hook function is an error at its line; a good package has no findings. */
    CHECK(ihub_call(h, "methodology.check", "{\"files\":{\"pairing.lua\":\"x = 1\\nfunction scroe(a, b) return 1 end\\n\"}}",
                    &out) == IHUB_OK);
    CHECK(contains(out, "\"ok\":false") && contains(out, "\"line\":2,\"severity\":\"error\"")
          && contains(out, "did you mean score?") && contains(out, "\"line\":1,\"severity\":\"warning\""));
    ihub_free(out);
    /* A package's tests: one passes, one fails with its line, expected and actual. */
    CHECK(ihub_call(h, "methodology.test", "{\"files\":{\"a_test.lua\":\"test('one', function() assert_eq(1, 1) end)\\n"
                                           "test('two', function()\\n  assert_eq({1, 2}, {1, 3})\\nend)\\n\"}}", &out) == IHUB_OK);
    CHECK(contains(out, "\"passed\":1,\"failed\":1") && contains(out, "\"line\":3,\"message\":\"values differ\"")
          && contains(out, "\"expected\":\"{1, 3}\",\"actual\":\"{1, 2}\""));
    ihub_free(out);
    CHECK(call(h, "methodology.test", "{\"files\":{\"tests.lua\":\"\"}}") == IHUB_INVALID);
    CHECK(contains(ihub_errmsg(h), "params.files.\"tests.lua\": not a file of a methodology package"));
    CHECK(call(h, "methodology.check", "{}") == IHUB_INVALID);
    ihub_close(h);
}

/* ihub.transaction in the admin state: a failing function's writes are undone. */
static void test_repl(void) {
    ihub *h = NULL;
    char *out = NULL;
    CHECK(open_fresh(NULL, &h) == IHUB_OK);
    CHECK(ihub_eval(h, "ihub.transaction(function()\n"
                       "  ihub.hub.add{code = 'T1', name = 't', country = 'EE'}\n"
                       "  error('undo')\nend)", &out) == IHUB_SCRIPT && out == NULL);
    CHECK(contains(ihub_errmsg(h), "eval:3: undo"));
    CHECK(ihub_eval(h, "return #ihub.hub.list{}", &out) == IHUB_OK && contains(out, "\"values\":[0]"));
    ihub_free(out);
    CHECK(ihub_eval(h, "return ihub.transaction(function() ihub.hub.add{code = 'T2', name = 't', country = 'EE'} "
                       "return #ihub.hub.list{} end)", &out) == IHUB_OK && contains(out, "\"values\":[1]"));
    ihub_free(out);
    CHECK(ihub_call(h, "hub.list", NULL, &out) == IHUB_OK && contains(out, "\"T2\"") && !contains(out, "\"T1\""));
    ihub_free(out);
    ihub_close(h);
}

int main(void) {
    test_versions();
    test_calls();
    test_bad_input();
    test_sandbox();
    test_exchange_and_pairing();
    test_assessment();
    test_open_paths_and_files();
    test_lua_outputs();
    test_store_copy();
    test_plan();
    test_process();
    test_activity();
    test_xapi_validate();
    test_xapi_io();
    test_report();
    test_indicators_builtin();
    test_network();
    test_indicator_service();
    test_impact();
    test_privacy();
    test_insights();
    test_embed();
    test_packages();
    test_decisions();
    test_check_test();
    test_repl();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
