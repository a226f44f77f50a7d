/*
** import.csv: any CSV file of any kind. An input is two bytes of choices and
** the file: byte 0 the kind; byte 1 bit 0 a dry run, bit 1 the file given as
** a path (written to the scratch folder) instead of as text, bit 2
** ignore_unknown_columns, bits 3-4 date_format (none or one of three), bits
** 5-6 delimiter (none: found from the header, or one of three), bit 7 an
** instrument for responses_wide. A real import runs on a fresh copy of the
** demo region, a dry run on the shared one.
*/
#include "fuzz.h"

static const char *const kinds[] = {"hubs", "schools", "people", "rounds", "stakeholders",
                                    "team_members", "engagements", "responses", "responses_wide",
                                    "area_results"};
static const char *const date_formats[] = {NULL, "YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY"};
static const char *const delimiters[] = {NULL, ",", ";", "\\t"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    uint8_t kind = data[0], choices = data[1];
    const uint8_t *file = data + 2;
    size_t file_size = size - 2;
    int dry_run = choices & 1;
    fuzz_text params = {0};
    text_str(&params, "{\"kind\": \"");
    text_str(&params, kinds[kind % (sizeof kinds / sizeof kinds[0])]);
    text_str(&params, "\", ");
    if (choices & 2) {
        const char *path = fuzz_path("input");
        fuzz_write_file(path, file, file_size);
        text_str(&params, "\"path\": ");
        text_json_string(&params, (const uint8_t *)path, strlen(path));
    } else {
        text_str(&params, "\"text\": ");
        text_json_string(&params, file, file_size);
    }
    if (dry_run) text_str(&params, ", \"dry_run\": true");
    if (choices & 4) text_str(&params, ", \"ignore_unknown_columns\": true");
    if (date_formats[(choices >> 3) & 3] != NULL) {
        text_str(&params, ", \"date_format\": \"");
        text_str(&params, date_formats[(choices >> 3) & 3]);
        text_str(&params, "\"");
    }
    if (delimiters[(choices >> 5) & 3] != NULL) {
        text_str(&params, ", \"delimiter\": \"");
        text_str(&params, delimiters[(choices >> 5) & 3]);
        text_str(&params, "\"");
    }
    if (choices & 128) text_str(&params, ", \"instrument\": \"selfie\"");
    text_str(&params, "}");
    if (dry_run) {
        fuzz_call(fuzz_region(), "import.csv", params.bytes);
    } else {
        ihub *h = fuzz_fresh_region();
        fuzz_call(h, "import.csv", params.bytes);
        ihub_close(h);
    }
    free(params.bytes);
    return 0;
}
