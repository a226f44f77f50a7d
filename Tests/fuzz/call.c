/*
** ihub_call: any method with any parameters. An input is the method's name,
** a line feed and the params document (no line feed: params NULL).
**
** Calls that write run on a fresh copy of the demo region, the others on one
** shared handle. Methods that read or write files (api.describe's "files")
** never see a file parameter: an input that could name one (the parameter's
** name in any case, or any JSON escape) is skipped, so that no input chooses
** a path of the machine. demo.populate is skipped too (its cost grows with
** "scale", up to minutes).
**
** IHUB_FUZZ_DICTIONARY=FILE: write the libFuzzer dictionary (method names,
** parameter and field names, enum values and the region's hub codes, all from
** api.describe and hub.list) to FILE and exit.
*/
#define FUZZ_INITIALIZE
#include "fuzz.h"

#include <ctype.h>

/* The calls' facts from api.describe, one name per line, "\n" around each. */
static fuzz_text writing, filing, file_params;

static const char *const describe_lua =
    "local out = {}\n"
    "for _, m in ipairs(ihub.api.describe{}) do\n"
    "  if m.writes then out[#out + 1] = 'W ' .. m.name end\n"
    "  if m.files then\n"
    "    out[#out + 1] = 'F ' .. m.name\n"
    "    for _, p in ipairs(m.params) do\n"
    "      if p.name == 'path' or p.name:match('_out$') then out[#out + 1] = 'P ' .. p.name end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "return table.concat(out, '\\n')\n";

static const char *const dictionary_lua =
    "local seen, out = {}, {}\n"
    "local function add(word)\n"
    "  if seen[word] then return end\n"
    "  seen[word] = true\n"
    "  out[#out + 1] = '\"' .. word:gsub('[\\\\\"]', '\\\\%0'):gsub('\\n', '\\\\x0A') .. '\"'\n"
    "end\n"
    "local function describe(p)\n"
    "  if p.name then add('\"' .. p.name .. '\"') end\n"
    "  for _, v in ipairs(p.values or {}) do add('\"' .. v .. '\"') end\n"
    "  for _, f in ipairs(p.fields or {}) do describe(f) end\n"
    "  if p.items then describe(p.items) end\n"
    "end\n"
    "for _, m in ipairs(ihub.api.describe{}) do\n"
    "  add(m.name .. '\\n')\n"
    "  for _, p in ipairs(m.params) do describe(p) end\n"
    "end\n"
    "for _, hub in ipairs(ihub.hub.list{}) do add('\"' .. hub.code .. '\"') end\n"
    "return table.concat(out, '\\n') .. '\\n'\n";

/* The first value of ihub_eval's result, a string of printable ASCII: the
** JSON string decoded (\n, \", \\ and \u00XX are all the chunks above make). */
static void eval_string(ihub *h, const char *lua, fuzz_text *out) {
    char *result = NULL;
    int status = ihub_eval(h, lua, &result);
    if (status != IHUB_OK) { fprintf(stderr, "ihub_eval: %s\n", ihub_errmsg(h)); abort(); }
    const char *s = strstr(result, "\"values\":[\"");
    if (s == NULL) abort();
    for (s += strlen("\"values\":[\""); *s != '"'; s++) {
        char c = *s;
        if (c == '\\') {
            s++;
            if (*s == 'n') c = '\n';
            else if (*s == 'u') { c = (char)strtol((char[]){s[1], s[2], s[3], s[4], 0}, NULL, 16); s += 4; }
            else c = *s;
        }
        text_add(out, &c, 1);
    }
    ihub_free(result);
}

static int listed(const fuzz_text *list, const char *name) {
    size_t n = strlen(name);
    if (n == 0) return 0;
    for (const char *p = strstr(list->bytes + 1, name); p != NULL; p = strstr(p + 1, name))
        if (p[-1] == '\n' && p[n] == '\n') return 1;
    return 0;
}

static void setup(void) {
    ihub *h = fuzz_region();
    fuzz_text facts = {0};
    eval_string(h, describe_lua, &facts);
    text_str(&facts, "\n");
    text_str(&writing, "\n");
    text_str(&filing, "\n");
    text_str(&file_params, "\n");
    for (char *line = facts.bytes; *line != '\0';) {
        char *end = strchr(line, '\n');
        fuzz_text *list = line[0] == 'W' ? &writing : line[0] == 'F' ? &filing : &file_params;
        text_add(list, line + 2, (size_t)(end - line - 2));
        text_str(list, "\n");
        line = end + 1;
    }
    free(facts.bytes);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *dictionary = getenv("IHUB_FUZZ_DICTIONARY");
    if (dictionary == NULL) {
        setup();
        return 0;
    }
    fuzz_text words = {0};
    eval_string(fuzz_region(), dictionary_lua, &words);
    fuzz_write_file(dictionary, words.bytes, words.length);
    exit(0);
}

/* Could params name a file? Any of the file parameters' names, whatever
** the case, or any escape (which could spell one). */
static int may_name_a_file(const char *params) {
    if (strchr(params, '\\') != NULL) return 1;
    for (const char *name = file_params.bytes + 1; *name != '\0'; name = strchr(name, '\n') + 1) {
        size_t n = (size_t)(strchr(name, '\n') - name);
        for (const char *p = params; *p != '\0'; p++) {
            size_t k = 0;
            while (k < n && p[k] != '\0' && tolower((unsigned char)p[k]) == name[k]) k++;
            if (k == n) return 1;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (writing.bytes == NULL) setup();
    char *input = malloc(size + 1);
    if (input == NULL) abort();
    memcpy(input, data, size);
    input[size] = '\0';
    char *newline = strchr(input, '\n');
    const char *params = NULL;
    if (newline != NULL) {
        *newline = '\0';
        params = newline + 1;
    }
    const char *method = input;
    int skip = strcmp(method, "demo.populate") == 0 ||
               (listed(&filing, method) && params != NULL && may_name_a_file(params));
    if (!skip) {
        if (listed(&writing, method)) {
            ihub *h = fuzz_fresh_region();
            fuzz_call(h, method, params);
            ihub_close(h);
        } else {
            fuzz_call(fuzz_region(), method, params);
        }
    }
    free(input);
    return 0;
}
