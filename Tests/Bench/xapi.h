/*
** xapi.h — rows "xAPI import", what the limit programs share: the minimal
** extraction of the indexed columns from a statement line of xapi_make.py
** (keys in its fixed order: no JSON parser, no validation — the limit), in
** the form ihub stores them (Sources/IHubCore/XAPI/XAPIFacts.swift).
*/
#ifndef IHUB_BENCH_XAPI_H
#define IHUB_BENCH_XAPI_H

#include "bench.h"

typedef struct {
    char id[40];
    char actor[256];
    char verb[256];
    char object[512];
    char timestamp[40];
} xapi_row;

/* Copies the string value that starts right after `key` in `from` into out. */
static inline const char *xapi_value(const char *from, const char *key, char *out, size_t cap) {
    const char *p = strstr(from, key);
    if (!p) die("no %s in a statement", key);
    p += strlen(key);
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= cap) die("bad value of %s", key);
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return q;
}

/* The columns of one statement line. */
static inline void xapi_extract(const char *line, xapi_row *r) {
    xapi_value(line, "{\"id\":\"", r->id, sizeof r->id);
    const char *actor = strstr(line, "\"actor\":{");
    const char *verb = strstr(line, "\"verb\":{");
    if (!actor || !verb) die("no actor or verb in a statement");
    const char *mbox = strstr(actor, "\"mbox\":\"");
    if (mbox && mbox < verb) {
        memcpy(r->actor, "mbox:", 5);
        xapi_value(mbox, "\"mbox\":\"", r->actor + 5, sizeof r->actor - 5);
    } else {
        char home[128], name[64];
        const char *p = xapi_value(actor, "\"homePage\":\"", home, sizeof home);
        xapi_value(p, "\"name\":\"", name, sizeof name);
        snprintf(r->actor, sizeof r->actor, "account:%s|%s", home, name);
    }
    const char *p = xapi_value(verb, "\"verb\":{\"id\":\"", r->verb, sizeof r->verb);
    p = xapi_value(p, "\"object\":{\"objectType\":\"Activity\",\"id\":\"", r->object, sizeof r->object);
    xapi_value(p, "\"timestamp\":\"", r->timestamp, sizeof r->timestamp);
}

#endif
