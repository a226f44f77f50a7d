/*
** pairing_score.c — scoring throughput of a Lua pairing policy: the default
** policy's score(mentee, mentor) over 1,000,000 candidate pairs (1000
** mentees x 1000 mentors), through the shim ihub uses (sandboxed state,
** budgets, records kept in the registry, ihl_score_pairs) against the limit:
** a plain C loop on a bare lua_State calling the same function with the
** same record tables. Both build the records with the same Lua and print a
** checksum of the scores, which must agree.
**
**   pairing_score POLICY_FILE MENTEES MENTORS REPS
** prints: pairs N, ihub_pairs_per_s, limit_pairs_per_s, ihub_checksum, limit_checksum.
*/
#include "bench.h"

#include <math.h>

#include <lauxlib.h>
#include <lualib.h>

#include "ihub_lua.h"

/* Records shaped like ihub's teacher records, deterministic. */
static const char setup[] =
    "function bench_setup(n)\n"
    "  local records = {}\n"
    "  for i = 1, n do\n"
    "    local areas, codes = {}, {}\n"
    "    for a = 1, 6 do local c = 'A' .. a; codes[a] = c; areas[c] = ((i * 7 + a * 13) % 100) / 100 end\n"
    "    records[i] = {kind = 'teacher', code = 'P' .. i, maturity = ((i * 37) % 100) / 100, areas = areas,\n"
    "      area_codes = codes, languages = {'et', 'en'}, subjects = {i % 2 == 0 and 'math' or 'art', 'ict'},\n"
    "      school = 'S' .. (i % 50), lat = 58 + (i % 10) / 10, lon = 26 + (i % 7) / 10, level = 'primary',\n"
    "      size = 300 + i % 500}\n"
    "  end\n"
    "  return score, records\n"
    "end\n";

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    if (!p || fread(p, 1, (size_t)len, f) != (size_t)len) die("cannot read %s", path);
    p[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return p;
}

static double checksum(const double *s, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) if (!isnan(s[i])) sum += s[i];
    return sum;
}

int main(int argc, char **argv) {
    if (argc != 5) die("usage: pairing_score POLICY_FILE MENTEES MENTORS REPS");
    size_t plen;
    char *policy = slurp(argv[1], &plen);
    int mentees = (int)arg_long(argv[2], "mentees"), mentors = (int)arg_long(argv[3], "mentors");
    int reps = (int)arg_long(argv[4], "reps");
    size_t n = (size_t)mentees * (size_t)mentors;
    int *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *out = malloc(n * sizeof *out), *lim = malloc(n * sizeof *lim);
    if (!a || !b || !out || !lim) die("out of memory");
    for (size_t k = 0; k < n; k++) { a[k] = (int)(k % (size_t)mentees); b[k] = mentees + (int)(k / (size_t)mentees); }
    char args[32];
    snprintf(args, sizeof args, "[%d]", mentees + mentors);

    /* ihub's side: the sandboxed state with its budgets. */
    ihl_config config = {0};
    config.memory_limit = (size_t)512 << 20;
    config.time_limit_ms = 600000;
    ihl_state *S = ihl_open(&config);
    char *res = NULL;
    if (!S) die("ihl_open failed");
    if (ihl_eval(S, "ihub/pairing", policy, plen, 0, &res) != IHL_OK) die("policy: %s", res);
    free(res);
    if (ihl_eval(S, "setup", setup, sizeof setup - 1, 0, &res) != IHL_OK) die("setup: %s", res);
    free(res);
    int refs[2];
    if (ihl_call_keep(S, "bench_setup", args, strlen(args), 2, refs, &res) != IHL_OK) die("bench_setup: %s", res);
    free(res);

    /* The limit: a bare state, the same chunks, a plain loop. */
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, policy, plen, "=ihub/pairing") || lua_pcall(L, 0, 0, 0)) die("limit policy: %s", lua_tostring(L, -1));
    if (luaL_loadbuffer(L, setup, sizeof setup - 1, "=setup") || lua_pcall(L, 0, 0, 0)) die("limit setup: %s", lua_tostring(L, -1));
    lua_getglobal(L, "bench_setup");
    lua_pushinteger(L, mentees + mentors);
    if (lua_pcall(L, 1, 2, 0)) die("limit bench_setup: %s", lua_tostring(L, -1));
    /* stack: 1 score, 2 records */

    double best_ihub = 1e30, best_limit = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (ihl_score_pairs(S, "ihub/pairing", refs[0], refs[1], a, b, n, out, NULL, &res) != IHL_OK) die("score: %s", res);
        free(res);
        double t1 = now();
        for (size_t k = 0; k < n; k++) {
            lua_pushvalue(L, 1);
            lua_rawgeti(L, 2, a[k] + 1);
            lua_rawgeti(L, 2, b[k] + 1);
            lua_call(L, 2, 1);
            int isnum;
            lua_Number v = lua_tonumberx(L, -1, &isnum);
            lim[k] = isnum ? (double)v : NAN;
            lua_pop(L, 1);
        }
        double t2 = now();
        if (t1 - t0 < best_ihub) best_ihub = t1 - t0;
        if (t2 - t1 < best_limit) best_limit = t2 - t1;
    }
    printf("pairs %zu\n", n);
    printf("ihub_pairs_per_s %.0f\n", (double)n / best_ihub);
    printf("limit_pairs_per_s %.0f\n", (double)n / best_limit);
    printf("ihub_checksum %.6f\n", checksum(out, n));
    printf("limit_checksum %.6f\n", checksum(lim, n));
    ihl_release(S, refs, 2);
    ihl_close(S);
    lua_close(L);
    return 0;
}
