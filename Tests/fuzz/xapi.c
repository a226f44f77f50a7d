/*
** xapi.validate and xapi.import: any statements. An input is one byte of
** choices and the statements: bits 0-1 the call (0 xapi.validate, 1 the same
** with all and without warnings, 2 a dry-run xapi.import, 3 an xapi.import),
** bits 2-3 how the statements are given (0 as text, 1 as a file of the
** scratch folder, 2 as the JSON value of "statements", as it is). An import
** that stores runs on a fresh copy of the demo region, the rest on the
** shared one.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t call = data[0] & 3, given = (data[0] >> 2) & 3;
    const uint8_t *statements = data + 1;
    size_t statements_size = size - 1;
    fuzz_text params = {0};
    text_str(&params, call >= 2 ? "{\"hub\": \"LT-CTA\", " : "{");
    if (call == 1) text_str(&params, "\"all\": true, \"warnings\": false, ");
    if (call == 2) text_str(&params, "\"dry_run\": true, ");
    if (given == 1) {
        const char *path = fuzz_path("input");
        fuzz_write_file(path, statements, statements_size);
        text_str(&params, "\"path\": ");
        text_json_string(&params, (const uint8_t *)path, strlen(path));
    } else if (given == 2) {
        text_str(&params, "\"statements\": ");
        text_add(&params, (const char *)statements, statements_size);
    } else {
        text_str(&params, "\"text\": ");
        text_json_string(&params, statements, statements_size);
    }
    text_str(&params, "}");
    const char *method = call >= 2 ? "xapi.import" : "xapi.validate";
    if (call == 3) {
        ihub *h = fuzz_fresh_region();
        fuzz_call(h, method, params.bytes);
        ihub_close(h);
    } else {
        fuzz_call(fuzz_region(), method, params.bytes);
    }
    free(params.bytes);
    return 0;
}
