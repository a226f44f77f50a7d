/*
** A first program against libihub: open a database, add a hub and a school,
** list the schools, ask hub Lua a question, and handle an error.
**
**   gcc -std=c99 example.c -Iinclude -L.build-release/release -lihub \
**       -Wl,-rpath,$PWD/.build-release/release -o example && ./example
*/
#include "ihub.h"

#include <stdio.h>

static int check(ihub *h, int status) {
    if (status != IHUB_OK) fprintf(stderr, "%s: %s\n", ihub_status_name(status), ihub_errmsg(h));
    return status;
}

int main(void) {
    ihub *h = NULL;
    char *json = NULL;

    if (ihub_open(":memory:", NULL, &h) != IHUB_OK) {
        fprintf(stderr, "cannot open: %s\n", ihub_last_error());
        return 1;
    }
    check(h, ihub_call(h, "hub.add", "{\"code\":\"EE-ACC\",\"name\":\"Digital Accelerator\",\"country\":\"EE\"}", &json));
    ihub_free(json);
    check(h, ihub_call(h, "school.add", "{\"hub\":\"EE-ACC\",\"code\":\"EE-0042\",\"name\":\"Tartu School\"}", &json));
    ihub_free(json);

    if (check(h, ihub_call(h, "school.list", "{\"hub\":\"EE-ACC\"}", &json)) == IHUB_OK) {
        printf("schools: %s\n", json);
        ihub_free(json);
    }
    if (check(h, ihub_eval(h, "return #ihub.school.list{hub = 'EE-ACC'}", &json)) == IHUB_OK) {
        printf("from Lua: %s\n", json);
        ihub_free(json);
    }
    /* An error is a status and a one-line message; nothing is written. */
    if (ihub_call(h, "school.get", "{\"code\":\"NOPE\"}", &json) != IHUB_OK) {
        printf("expected error: %s\n", ihub_errmsg(h));
    }
    ihub_close(h);
    return 0;
}
