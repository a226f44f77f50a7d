/*
** What every fuzz target shares: a scratch folder of this process under /tmp
** (the only place an input's files go), a demo region to call against, and
** the contract's invariants, checked after every call. A broken invariant is
** a finding: the target prints it and aborts.
**
** Written against include/ihub.h only, C99, so that the same targets build
** with clang -fsanitize=fuzzer against an instrumented libihub.so and with
** gcc (Tests/fuzz/replay.c) against the release one.
*/
#ifndef IHUB_FUZZ_H
#define IHUB_FUZZ_H

#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "ihub.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Short budgets, so that a script that loops costs an input little. */
#define FUZZ_OPTIONS "{\"script_time_ms\": 100, \"script_memory_mb\": 32, \"busy_timeout_ms\": 100}"

static inline void fuzz_fail(const char *what, const char *method, int status, const char *detail) {
    fprintf(stderr, "FINDING: %s\n  method: %s\n  status: %d (%s)\n  detail: %.2000s\n", what,
            method, status, ihub_status_name(status), detail ? detail : "(null)");
    abort();
}

/* ---- a growing text buffer ---- */

typedef struct { char *bytes; size_t length, capacity; } fuzz_text;

static inline void text_add(fuzz_text *t, const char *bytes, size_t n) {
    if (t->length + n + 1 > t->capacity) {
        size_t capacity = (t->length + n + 1) * 2;
        char *grown = realloc(t->bytes, capacity);
        if (grown == NULL) abort();
        t->bytes = grown;
        t->capacity = capacity;
    }
    memcpy(t->bytes + t->length, bytes, n);
    t->length += n;
    t->bytes[t->length] = '\0';
}

static inline void text_str(fuzz_text *t, const char *s) { text_add(t, s, strlen(s)); }

/* Bytes as a JSON string: quotes, backslashes and control characters escaped,
** everything else as it is (invalid UTF-8 too: the engine must refuse it). */
static inline void text_json_string(fuzz_text *t, const uint8_t *bytes, size_t n) {
    text_add(t, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char escaped[8];
        if (bytes[i] == '"' || bytes[i] == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)bytes[i];
            text_add(t, escaped, 2);
        } else if (bytes[i] < 0x20) {
            snprintf(escaped, sizeof escaped, "\\u%04x", bytes[i]);
            text_add(t, escaped, 6);
        } else {
            text_add(t, (const char *)bytes + i, 1);
        }
    }
    text_add(t, "\"", 1);
}

/* ---- strict checkers: UTF-8 (RFC 3629) and JSON (RFC 8259) ---- */

static inline int utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t code;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { extra = 1; code = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { extra = 2; code = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { extra = 3; code = c & 0x07; }
        else return 0;
        if (i + extra >= n) return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            code = (code << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000) || code > 0x10FFFF ||
            (code >= 0xD800 && code <= 0xDFFF))
            return 0;
        i += extra + 1;
    }
    return 1;
}

typedef struct { const char *s; size_t i, n; int depth; } json_cursor;

static inline void json_space(json_cursor *c) {
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static inline int json_is(json_cursor *c, char ch) { return c->i < c->n && c->s[c->i] == ch; }

static inline int json_hex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static inline int json_string(json_cursor *c) {
    if (!json_is(c, '"')) return 0;
    size_t start = ++c->i;
    while (c->i < c->n && c->s[c->i] != '"') {
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch < 0x20) return 0;
        if (ch == '\\') {
            c->i++;
            if (c->i >= c->n) return 0;
            if (c->s[c->i] == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (c->i + k >= c->n || !json_hex(c->s[c->i + k])) return 0;
                c->i += 4;
            } else if (c->s[c->i] == '\0' || !strchr("\"\\/bfnrt", c->s[c->i])) {
                return 0;
            }
        }
        c->i++;
    }
    if (c->i >= c->n) return 0;
    if (!utf8_valid((const unsigned char *)c->s + start, c->i - start)) return 0;
    c->i++;
    return 1;
}

static inline int json_digits(json_cursor *c) {
    size_t start = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') c->i++;
    return c->i > start;
}

static inline int json_number(json_cursor *c) {
    if (json_is(c, '-')) c->i++;
    if (json_is(c, '0')) c->i++;
    else if (!json_digits(c)) return 0;
    if (json_is(c, '.')) { c->i++; if (!json_digits(c)) return 0; }
    if (json_is(c, 'e') || json_is(c, 'E')) {
        c->i++;
        if (json_is(c, '+') || json_is(c, '-')) c->i++;
        if (!json_digits(c)) return 0;
    }
    return 1;
}

static inline int json_literal(json_cursor *c, const char *word) {
    size_t n = strlen(word);
    if (c->n - c->i < n || memcmp(c->s + c->i, word, n) != 0) return 0;
    c->i += n;
    return 1;
}

static inline int json_value(json_cursor *c) {
    json_space(c);
    if (c->i >= c->n || ++c->depth > 10000) return 0;
    int ok;
    char ch = c->s[c->i];
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->i++;
        json_space(c);
        ok = 1;
        if (json_is(c, close)) { c->i++; }
        else {
            for (;;) {
                if (ch == '{') {
                    json_space(c);
                    if (!json_string(c)) { ok = 0; break; }
                    json_space(c);
                    if (!json_is(c, ':')) { ok = 0; break; }
                    c->i++;
                }
                if (!json_value(c)) { ok = 0; break; }
                json_space(c);
                if (json_is(c, ',')) { c->i++; continue; }
                if (json_is(c, close)) { c->i++; break; }
                ok = 0;
                break;
            }
        }
    } else if (ch == '"') ok = json_string(c);
    else if (ch == 't') ok = json_literal(c, "true");
    else if (ch == 'f') ok = json_literal(c, "false");
    else if (ch == 'n') ok = json_literal(c, "null");
    else ok = json_number(c);
    c->depth--;
    return ok;
}

/* One whole JSON document, nothing after it but white space. */
static inline int json_valid(const char *s, size_t n) {
    json_cursor c = {s, 0, n, 0};
    if (!json_value(&c)) return 0;
    json_space(&c);
    return c.i == n;
}

/* ---- the contract's invariants ---- */

static inline void fuzz_check_message(const char *what, const char *method, int status, const char *m) {
    if (m == NULL) fuzz_fail(what, method, status, "NULL message");
    size_t n = strlen(m);
    if (n == 0) fuzz_fail(what, method, status, "empty message");
    if (n > IHUB_LIMIT_MESSAGE_BYTES) fuzz_fail(what, method, status, "message longer than IHUB_LIMIT_MESSAGE_BYTES");
    if (!utf8_valid((const unsigned char *)m, n)) fuzz_fail(what, method, status, "message is not UTF-8");
    /* One line: no line break of any kind (C0 but tab, DEL, C1 including NEL,
    ** U+2028, U+2029), which IHubError's safety net never lets through. */
    const unsigned char *u = (const unsigned char *)m;
    for (size_t i = 0; i < n; i++)
        if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7F || (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F) ||
            (u[i] == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)))
            fuzz_fail(what, method, status, m);
}

/* After ihub_call/ihub_eval returned status with result: a documented status,
** the result on success only (UTF-8 JSON), else a one-line message (a tab
** is allowed, as in IHubError) that
** ihub_errmsg, ihub_last_error and ihub_last_error_json agree on. */
static inline void fuzz_check(ihub *h, const char *method, int status, char *result) {
    if (status < IHUB_OK || status > IHUB_VERSION) fuzz_fail("undocumented status", method, status, NULL);
    if (ihub_errcode(h) != status) fuzz_fail("ihub_errcode differs from the status", method, status, NULL);
    if (status == IHUB_OK) {
        if (result == NULL) fuzz_fail("IHUB_OK without a result", method, status, NULL);
        if (!json_valid(result, strlen(result))) fuzz_fail("IHUB_OK with a result that is not UTF-8 JSON", method, status, result);
        if (strcmp(ihub_errmsg(h), "not an error") != 0) fuzz_fail("IHUB_OK with a message", method, status, ihub_errmsg(h));
        ihub_free(result);
        return;
    }
    if (result != NULL) fuzz_fail("a failure with a result", method, status, result);
    if (status == IHUB_NOMEM) fuzz_fail("IHUB_NOMEM", method, status, ihub_errmsg(h));
    const char *message = ihub_errmsg(h);
    fuzz_check_message("ihub_errmsg: not one line of UTF-8 text", method, status, message);
    if (strcmp(message, ihub_last_error()) != 0) fuzz_fail("ihub_last_error differs from ihub_errmsg", method, status, ihub_last_error());
    const char *error = ihub_last_error_json();
    if (!json_valid(error, strlen(error))) fuzz_fail("ihub_last_error_json is not JSON", method, status, error);
}

/* ihub_call, checked. */
static inline int fuzz_call(ihub *h, const char *method, const char *params) {
    char *result = NULL;
    int status = ihub_call(h, method, params, &result);
    fuzz_check(h, method, status, result);
    return status;
}

/* ---- the scratch folder and the demo region ---- */

static char fuzz_dir[64];

static inline void fuzz_cleanup(void) {
    static const char *const names[] = {"fixture.db", "fixture.db-wal", "fixture.db-shm", "input.db",
                                        "input.db-wal", "input.db-shm", "input"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", fuzz_dir, names[i]);
        unlink(path);
    }
    rmdir(fuzz_dir);
}

/* A file of the scratch folder, by its name there. */
static inline const char *fuzz_path(const char *name) {
    static char path[128];
    if (fuzz_dir[0] == '\0') {
        strcpy(fuzz_dir, "/tmp/ihub-fuzz.XXXXXX");
        if (mkdtemp(fuzz_dir) == NULL) { perror("mkdtemp"); abort(); }
        atexit(fuzz_cleanup);
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    return path;
}

static inline void fuzz_write_file(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) { perror(path); abort(); }
}

static inline ihub *fuzz_open(const char *path) {
    ihub *h = NULL;
    int status = ihub_open(path, FUZZ_OPTIONS, &h);
    if (status != IHUB_OK) { fprintf(stderr, "ihub_open %s: %s\n", path, ihub_last_error()); abort(); }
    return h;
}

static const char *const examples_lua =
    "for pass = 1, 2 do\n"
    "  for _, m in ipairs(ihub.api.describe{}) do\n"
    "    local namespace, name = m.name:match('^(.-)%.(.*)$')\n"
    "    if m.name ~= 'demo.populate' and not m.files then pcall(ihub[namespace][name], m.example) end\n"
    "  end\n"
    "end\n";

static char *fixture_bytes;
static size_t fixture_size;

/* The handle on the demo region (made once per process), for calls that
** only read. */
static inline ihub *fuzz_region(void) {
    static ihub *region;
    if (region != NULL) return region;
    char path[128];
    snprintf(path, sizeof path, "%s", fuzz_path("fixture.db"));
    region = fuzz_open(path);
    if (fuzz_call(region, "demo.populate", "{\"seed\": 1, \"scale\": 0.05}") != IHUB_OK) abort();
    /* Every documented example, twice, so that there are runs, plans,
    ** processes and activities with ids to name. */
    char *result = NULL;
    if (ihub_eval(region, examples_lua, &result) != IHUB_OK) {
        fprintf(stderr, "the examples: %s\n", ihub_errmsg(region));
        abort();
    }
    ihub_free(result);
    ihub_close(region); /* everything in the main file, no WAL left */
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) abort();
    fixture_size = (size_t)ftell(f);
    fixture_bytes = malloc(fixture_size);
    rewind(f);
    if (fixture_bytes == NULL || fread(fixture_bytes, 1, fixture_size, f) != fixture_size) abort();
    fclose(f);
    region = fuzz_open(path);
    return region;
}

/* libFuzzer calls this once, before the first input: making the region is
** not an input's time. (The replay makes it with the first input.) A target
** that needs more defines FUZZ_INITIALIZE and an LLVMFuzzerInitialize of its
** own. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
#ifndef FUZZ_INITIALIZE
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_region();
    return 0;
}
#endif

/* A fresh copy of the demo region, for one input that writes: every input
** starts from the same database. Close it with ihub_close. */
static inline ihub *fuzz_fresh_region(void) {
    fuzz_region();
    char path[128];
    snprintf(path, sizeof path, "%s", fuzz_path("input.db-wal"));
    unlink(path);
    snprintf(path, sizeof path, "%s", fuzz_path("input.db-shm"));
    unlink(path);
    snprintf(path, sizeof path, "%s", fuzz_path("input.db"));
    fuzz_write_file(path, fixture_bytes, fixture_size);
    return fuzz_open(path);
}

#endif /* IHUB_FUZZ_H */
