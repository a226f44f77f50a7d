/*
** The JSON parser: an input is the params document of ihub_call, given to
** api.version (which takes no parameters, so that only {} passes) and to
** api.describe (one string parameter). Besides the contract's invariants:
** a document the engine takes must be strict JSON (RFC 8259, UTF-8).
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *params = malloc(size + 1);
    if (params == NULL) abort();
    memcpy(params, data, size);
    params[size] = '\0';
    size_t length = strlen(params); /* the C string ends at a NUL */
    static const char *const methods[] = {"api.version", "api.describe"};
    for (size_t i = 0; i < 2; i++) {
        int status = fuzz_call(fuzz_region(), methods[i], params);
        if (status == IHUB_OK && !json_valid(params, length))
            fuzz_fail("a document that is not JSON was taken", methods[i], status, params);
    }
    free(params);
    return 0;
}
