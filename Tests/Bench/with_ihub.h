/*
** with_ihub.h — the ihub side of a benchmark: a call that dies with the
** library's message, so a failed run cannot pass for a fast one.
*/
#ifndef IHUB_BENCH_WITH_IHUB_H
#define IHUB_BENCH_WITH_IHUB_H

#include "bench.h"
#include "ihub.h"

static char *call(ihub *h, const char *method, const char *params) {
    char *out = NULL;
    int rc = ihub_call(h, method, params, &out);
    if (rc != IHUB_OK) die("%s: %s: %s", method, ihub_status_name(rc), ihub_errmsg(h));
    return out;
}

#endif
