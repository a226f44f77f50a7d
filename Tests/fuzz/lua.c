/*
** Lua in the methodology sandbox: an input is the source of a script.eval
** on the demo region (scripts there only read), under the fuzz budgets of
** fuzz.h (100 ms, 32 MB).
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_text params = {0};
    text_str(&params, "{\"name\": \"fuzz.lua\", \"source\": ");
    text_json_string(&params, data, size);
    text_str(&params, "}");
    fuzz_call(fuzz_region(), "script.eval", params.bytes);
    free(params.bytes);
    return 0;
}
