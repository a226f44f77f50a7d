/*
** people_ihub — row "bulk people", ihub side.
**
**   people_ihub DB PEOPLE SCHOOLS
**
** Creates the hub and its schools in a fresh database, then adds PEOPLE
** people through ONE ihub_call("person.add_many"). Only that call is timed:
** the JSON text is built before the clock starts, because a caller that
** imports a file has its text already. Prints "seconds <s>".
**
** Also used with small numbers to make the fixture of the round-trip rows.
*/
#include "bench.h"

#include "with_ihub.h"


int main(int argc, char **argv) {
    if (argc != 4) die("usage: people_ihub DB PEOPLE SCHOOLS");
    const char *path = argv[1];
    int people = (int)arg_long(argv[2], "PEOPLE"), schools = (int)arg_long(argv[3], "SCHOOLS");

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

    /* The shape of the brief: one role, one membership per person. */
    b.len = 0;
    buf_add(&b, "{\"people\":[");
    for (int i = 0; i < people; i++) {
        person p;
        person_make(i, schools, &p);
        buf_add(&b,
                "%s{\"hub\":\"%s\",\"code\":\"%s\",\"name\":\"%s\",\"email\":\"%s\",\"roles\":[\"teacher\"],"
                "\"memberships\":[{\"school\":\"%s\",\"start\":\"%s\"}]}",
                i ? "," : "", HUB_CODE, p.code, p.name, p.email, p.school, MEMBERSHIP_START);
    }
    buf_add(&b, "]}");

    double t0 = now();
    char *out = call(h, "person.add_many", b.p);
    double t1 = now();

    /* The result must say that every person was added. */
    const char *added = strstr(out, "\"added\"");
    long n = -1;
    if (added) sscanf(added + strlen("\"added\""), " : %ld", &n);
    if (n != people) die("person.add_many reported %ld added, expected %d", n, people);

    ihub_free(out);
    free(b.p);
    ihub_close(h);
    printf("seconds %.6f\n", t1 - t0);
    return 0;
}
