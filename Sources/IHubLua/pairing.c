/*
** pairing.c — hot loops over values kept in the registry (ihub_lua.h): a
** pairing policy's score function called for many candidate pairs, with
** each record's table built once per run and pushed by reference.
*/
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"

typedef struct {
    int keep;
    int *refs;
} keep_job;

/* Stack: 1 job, 2 message handler, 3 arguments, 4 function, arguments. */
static int p_keep(lua_State *L) {
    job *J = lua_touserdata(L, 1);
    keep_job *K = J->extra;
    int n = ihl_push_global_call(L, J, 100);
    J->phase = PH_RUN;
    J->status = lua_pcall(L, n, LUA_MULTRET, 2);
    if (J->status != LUA_OK) return 1;
    int got = lua_gettop(L) - 3;
    if (got < K->keep) return luaL_error(L, "returned %d values, expected at least %d", got, K->keep);
    for (int i = 0; i < K->keep; i++)
        if (lua_isnil(L, 4 + i)) return luaL_error(L, "result %d is nil", i + 1);
    /* Refs last: an error above leaves nothing in the registry; one below
    ** (luaL_ref out of memory, encoding) is undone by ihl_call_keep. */
    for (int i = 0; i < K->keep; i++) {
        lua_pushvalue(L, 4 + i);
        K->refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return ihl_finish_values(L, J, 4 + K->keep, 0);
}

static void release(lua_State *L, const int *refs, int n) {
    for (int i = 0; i < n; i++)
        if (refs[i] > 0) luaL_unref(L, LUA_REGISTRYINDEX, refs[i]);
}

int ihl_call_keep(ihl_state *S, const char *name, const char *args_json,
                  size_t args_len, int keep, int *refs, char **result) {
    keep_job K = {keep, refs};
    job J = {name != NULL ? name : "?", args_json, args_json != NULL ? args_len : 0,
             0, PH_START, LUA_OK, NULL, 0, &K};
    *result = NULL;
    if (S == NULL || keep < 0 || (keep > 0 && refs == NULL)) return IHL_RUNTIME;
    for (int i = 0; i < keep; i++) refs[i] = LUA_NOREF;
    int r = ihl_run(S, p_keep, &J, result);
    if (r != IHL_OK) {  /* refs taken before a late failure (encoding) */
        release(S->L, refs, keep);
        for (int i = 0; i < keep; i++) refs[i] = LUA_NOREF;
    }
    return r;
}

void ihl_release(ihl_state *S, const int *refs, int n) {
    /* luaL_unref only rewrites existing registry slots: it cannot raise. */
    if (S != NULL && refs != NULL) release(S->L, refs, n);
}

typedef struct {
    int f, t;
    const int *a, *b;
    size_t n;
    double *out;
    int *why;
} score_job;

/* Raises "score(MENTEE, MENTOR) returned <what>; <expected>" with the codes
** of the pair's records (table at index 3). */
static int bad_score(lua_State *L, int a, int b, const char *what, const char *expected) {
    lua_rawgeti(L, 3, a + 1);
    lua_getfield(L, -1, "code");
    const char *x = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
    lua_rawgeti(L, 3, b + 1);
    lua_getfield(L, -1, "code");
    const char *y = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
    return luaL_error(L, "score(%s, %s) returned %s; expected %s", x, y, what, expected);
}

/* A value as a message shows it: numbers by value (nan, inf, 1e+300),
** anything else by its type. */
static const char *shown(lua_State *L, int idx, char *buf, size_t n) {
    if (lua_type(L, idx) == LUA_TNUMBER) {
        if (lua_isinteger(L, idx)) snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
        else snprintf(buf, n, "%.17g", (double)lua_tonumber(L, idx));
    } else {
        snprintf(buf, n, "a %s", luaL_typename(L, idx));
    }
    return buf;
}

static const char score_expected[] =
    "a finite number from -1e15 to 1e15, or nil (and a reason) to exclude the pair";

/* Stack: 1 score job; then f, t, the reasons (list) and their index
** (text -> position). Errors propagate to p_score's pcall. */
static int score_loop(lua_State *L) {
    score_job *Q = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, Q->f);  /* 2 */
    lua_rawgeti(L, LUA_REGISTRYINDEX, Q->t);  /* 3 */
    if (!lua_isfunction(L, 2)) return luaL_error(L, "the score function is a %s", luaL_typename(L, 2));
    if (!lua_istable(L, 3)) return luaL_error(L, "the records are a %s, not a table", luaL_typename(L, 3));
    lua_newtable(L);  /* 4: reasons, in order of first use */
    ihl_json_mark_array(L, 4);
    lua_newtable(L);  /* 5: reason -> its position in 4 */
    lua_Integer count = (lua_Integer)lua_rawlen(L, 3), reasons = 0;
    char buf[64];
    for (size_t i = 0; i < Q->n; i++) {
        /* A C score function is not interrupted by the hook: check here. */
        if ((i & 1023) == 0) ihl_check_budget(L);
        int a = Q->a[i], b = Q->b[i];
        if (a < 0 || b < 0 || a >= count || b >= count)
            return luaL_error(L, "pair %d: record index out of range", (int)i);
        lua_pushvalue(L, 2);
        lua_rawgeti(L, 3, a + 1);
        lua_rawgeti(L, 3, b + 1);
        lua_call(L, 2, 2);  /* 6 score, 7 reason */
        int why = 0;
        if (lua_type(L, 6) == LUA_TNUMBER) {
            /* Checked here, where the pair is known: the solvers accept
            ** scores within +-1e15, and NaN would read as "excluded". */
            double v = (double)lua_tonumber(L, 6);
            if (!isfinite(v) || fabs(v) > 1e15) return bad_score(L, a, b, shown(L, 6, buf, sizeof buf), score_expected);
            Q->out[i] = v;
        } else if (lua_isnil(L, 6) || (lua_isboolean(L, 6) && !lua_toboolean(L, 6))) {
            Q->out[i] = NAN;
            if (lua_type(L, 7) == LUA_TSTRING) {
                lua_pushvalue(L, 7);
                if (lua_rawget(L, 5) == LUA_TNUMBER) {
                    why = (int)lua_tointeger(L, -1);
                } else if (reasons < INT_MAX) {
                    why = (int)++reasons;
                    lua_pushvalue(L, 7);
                    lua_rawseti(L, 4, reasons);
                    lua_pushvalue(L, 7);
                    lua_pushinteger(L, reasons);
                    lua_rawset(L, 5);
                }
                lua_pop(L, 1);
            } else if (!lua_isnil(L, 7)) {
                char what[96];
                snprintf(what, sizeof what, "nil and %s as the reason", shown(L, 7, buf, sizeof buf));
                return bad_score(L, a, b, what, "a reason that is a string");
            }
        } else {
            return bad_score(L, a, b, shown(L, 6, buf, sizeof buf), score_expected);
        }
        if (Q->why != NULL) Q->why[i] = why;
        lua_settop(L, 5);
    }
    lua_settop(L, 4);
    return 1;
}

/* Stack: 1 job, 2 message handler. */
static int p_score(lua_State *L) {
    job *J = lua_touserdata(L, 1);
    lua_pushcfunction(L, ihl_msgh);
    lua_pushcfunction(L, score_loop);
    lua_pushlightuserdata(L, J->extra);
    J->phase = PH_RUN;
    J->status = lua_pcall(L, 1, 1, 2);
    if (J->status != LUA_OK) return 1;
    return ihl_finish_values(L, J, 3, 0);  /* [reasons] */
}

int ihl_score_pairs(ihl_state *S, const char *name, int f, int t,
                    const int *a, const int *b, size_t n, double *out,
                    int *why, char **result) {
    score_job Q = {f, t, a, b, n, out, why};
    job J = {name != NULL ? name : "score", NULL, 0, 0, PH_START, LUA_OK, NULL, 0, &Q};
    *result = NULL;
    if (S == NULL || (n > 0 && (a == NULL || b == NULL || out == NULL))) return IHL_RUNTIME;
    return ihl_run(S, p_score, &J, result);
}
