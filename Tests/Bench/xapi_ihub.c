/*
** xapi_ihub — rows "xAPI import", the ihub side.
**
**   xapi_ihub [--options JSON] STORE NDJSON|-
**
** Opens STORE (a file, or a postgresql:// URI with --options '{"schema":..}'),
** creates the hub, then times ONE ihub_call("xapi.import") of the file: it
** reads the NDJSON, parses and validates every statement against xAPI
** 1.0.3, and stores them (all or nothing). `-` makes only the hub: a store
** the peers fill. Prints "seconds <s>" and "rows <n>".
*/
#include "bench.h"

#include "with_ihub.h"

int main(int argc, char **argv) {
    const char *options = NULL;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--options") == 0) {
        options = argv[a + 1];
        a += 2;
    }
    if (argc - a != 2) die("usage: xapi_ihub [--options JSON] STORE NDJSON|-");
    const char *path = argv[a], *file = argv[a + 1];
    ihub *h = NULL;
    if (ihub_open(path, options, &h) != IHUB_OK) die("ihub_open %s: %s", path, ihub_last_error());
    ihub_free(call(h, "hub.add", "{\"code\":\"" HUB_CODE "\",\"name\":\"" HUB_NAME "\",\"country\":\"" HUB_COUNTRY "\"}"));
    if (strcmp(file, "-") == 0) {
        ihub_close(h);
        return 0;
    }
    buf params = {0};
    buf_add(&params, "{\"hub\":\"" HUB_CODE "\",\"path\":\"%s\"}", file);
    double t0 = now();
    char *out = call(h, "xapi.import", params.p);
    double t1 = now();
    const char *stored = strstr(out, "\"stored\":");
    long n = stored ? strtol(stored + strlen("\"stored\":"), NULL, 10) : -1;
    ihub_free(out);
    free(params.p);
    ihub_close(h);
    printf("seconds %.6f\nrows %ld\n", t1 - t0, n);
    return 0;
}
