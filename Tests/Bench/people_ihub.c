/*
** people_ihub — rows "bulk people" and "8 processes adding people", ihub side.
**
**   people_ihub [--options JSON] [--first K] [--no-setup] [--wait] STORE PEOPLE SCHOOLS
**
** Opens STORE (a file, or a postgresql:// URI with --options '{"schema":..}'),
** creates the hub and its SCHOOLS schools (unless --no-setup: another
** process made them), then adds PEOPLE people, persons K+1..K+PEOPLE of
** bench.h, through ONE ihub_call("person.add_many"). Only that call is timed:
** the JSON text is built before the clock starts, because a caller that
** imports a file has its text already. With --wait the program says "ready"
** on stdout once its text is built and starts the clock when a line arrives
** on stdin: the common start of concurrent writers. Prints "seconds <s>",
** and "start <t>" / "end <t>" on the machine's monotonic clock.
**
** PEOPLE 0 makes only the hub and schools: a store the limit and peers fill,
** and the fixture of the round-trip rows with small numbers.
*/
#include "bench.h"

#include "with_ihub.h"

static void usage(void) {
    die("usage: people_ihub [--options JSON] [--first K] [--no-setup] [--wait] STORE PEOPLE SCHOOLS");
}

int main(int argc, char **argv) {
    const char *options = NULL;
    long first = 0;
    int setup = 1, wait = 0, a = 1;
    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--options") == 0 && a + 1 < argc) options = argv[++a];
        else if (strcmp(argv[a], "--first") == 0 && a + 1 < argc) first = strtol(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--no-setup") == 0) setup = 0;
        else if (strcmp(argv[a], "--wait") == 0) wait = 1;
        else usage();
    }
    if (argc - a != 3) usage();
    const char *path = argv[a];
    int people = strcmp(argv[a + 1], "0") == 0 ? 0 : (int)arg_long(argv[a + 1], "PEOPLE");
    int schools = (int)arg_long(argv[a + 2], "SCHOOLS");

    ihub *h = NULL;
    if (ihub_open(path, options, &h) != IHUB_OK) die("ihub_open %s: %s", path, ihub_last_error());

    buf b = {0};
    if (setup) {
        ihub_free(call(h, "hub.add", "{\"code\":\"" HUB_CODE "\",\"name\":\"" HUB_NAME "\",\"country\":\"" HUB_COUNTRY "\"}"));
        buf_add(&b, "{\"schools\":[");
        for (int k = 0; k < schools; k++) {
            char code[16], name[32];
            school_code(k, code);
            school_name(k, name);
            buf_add(&b, "%s{\"hub\":\"%s\",\"code\":\"%s\",\"name\":\"%s\"}", k ? "," : "", HUB_CODE, code, name);
        }
        buf_add(&b, "]}");
        ihub_free(call(h, "school.add_many", b.p));
    }
    if (people == 0) {
        free(b.p);
        ihub_close(h);
        return 0;
    }

    /* The shape of the brief: one role, one membership per person. */
    b.len = 0;
    buf_add(&b, "{\"people\":[");
    for (int i = 0; i < people; i++) {
        person p;
        person_make((int)first + i, schools, &p);
        buf_add(&b,
                "%s{\"hub\":\"%s\",\"code\":\"%s\",\"name\":\"%s\",\"email\":\"%s\",\"roles\":[\"teacher\"],"
                "\"memberships\":[{\"school\":\"%s\",\"start\":\"%s\"}]}",
                i ? "," : "", HUB_CODE, p.code, p.name, p.email, p.school, MEMBERSHIP_START);
    }
    buf_add(&b, "]}");

    if (wait) {
        char line[16];
        puts("ready");
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) die("no start signal on stdin");
    }
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
    printf("seconds %.6f\nstart %.6f\nend %.6f\n", t1 - t0, t0, t1);
    return 0;
}
