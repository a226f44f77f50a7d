/*
** libs.c — the standard library as the sandbox offers it.
**
** Only base, table, string, math, utf8 and coroutine are opened. Whatever
** reaches outside (files, processes, bytecode) is removed; whatever could
** escape the budgets is wrapped: print writes into a per-evaluation buffer,
** load takes text only, setmetatable refuses finalizers, string.rep is
** bounded by memory, table.move/insert/remove/concat/sort check the time
** budget (so do the functions of bounded.c and patterns.c), and
** coroutine.resume/wrap/close publish the running thread to the watchdog
** (budget.c). The `ihub` table, which bridges to the host's methods, is
** host.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"

#define OUTPUT_CAP ((size_t)1 << 20)
static const char truncated[] = "...(output truncated)\n";

static int all_results(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    (void)ctx;
    return lua_gettop(L);
}

/* Calls the original function kept as upvalue 1 with the same arguments
** (with a continuation, so that xpcall stays yieldable). */
static int call_original(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_callk(L, n, LUA_MULTRET, 0, all_results);
    return lua_gettop(L);
}

/* Replaces t[name] (t at index t) by f, with the old value as upvalue 1. */
static void wrap(lua_State *L, int t, const char *name, lua_CFunction f) {
    lua_getfield(L, t, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, t, name);
}

/* ---- print ------------------------------------------------------------ */

static void out_write(lua_State *L, ihl_state *S, const char *s, size_t n) {
    if (S->print != NULL) {  /* streamed to the host (a REPL), not kept */
        S->print(S->print_ctx, s, n);
        return;
    }
    if (S->out_full) return;
    int full = n > OUTPUT_CAP - S->out_len;
    if (full) {  /* cut before a character, not inside one */
        n = OUTPUT_CAP - S->out_len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    size_t need = S->out_len + n + (full ? sizeof truncated : 0);
    if (need > S->out_cap) {
        size_t cap = S->out_cap ? S->out_cap : 256;
        while (cap < need) cap *= 2;
        char *p = realloc(S->out, cap);
        if (p == NULL) luaL_error(L, "not enough memory for the print output");
        S->out = p;
        S->out_cap = cap;
    }
    memcpy(S->out + S->out_len, s, n);
    S->out_len += n;
    if (full) {  /* one marker, on a line of its own */
        if (S->out_len > 0 && S->out[S->out_len - 1] != '\n')
            S->out[S->out_len++] = '\n';
        memcpy(S->out + S->out_len, truncated, sizeof truncated - 1);
        S->out_len += sizeof truncated - 1;
        S->out_full = 1;
    }
}

/* The offset of the first invalid UTF-8 byte of s, or n; checking the budget
** every STEP bytes. A sequence cut by a step's end is read again whole. */
#define STEP ((size_t)1 << 16)
static size_t utf8_invalid_checked(lua_State *L, const char *s, size_t n) {
    size_t i = 0;
    while (n - i > STEP) {
        size_t bad = i + ihl_utf8_invalid_at(s + i, STEP);
        if (bad < i + STEP - 3) return bad;
        i = bad;
        ihl_check_budget(L);
    }
    return i + ihl_utf8_invalid_at(s + i, n - i);
}

static int sb_print(lua_State *L) {
    ihl_state *S = ihl_from(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        /* the output reaches the caller as a JSON string: Unicode only */
        size_t bad = utf8_invalid_checked(L, s, len);
        if (bad != len) {
            char what[96];  /* lua_pushfstring has no %x */
            snprintf(what, sizeof what, "argument %d is not valid UTF-8 text (byte %zu is "
                     "0x%02x); the output is text", i, bad + 1, (unsigned)(unsigned char)s[bad]);
            return luaL_error(L, "print: %s", what);
        }
        if (i > 1) out_write(L, S, "\t", 1);
        out_write(L, S, s, len);
        lua_pop(L, 1);
    }
    out_write(L, S, "\n", 1);
    return 0;
}

/* ---- base ------------------------------------------------------------- */

/* Pushes the _ENV of the Lua function that called the running C function,
** or the globals when it has none (a C caller, or no _ENV upvalue). */
static void push_caller_env(lua_State *L) {
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
        for (int i = 1;; i++) {
            const char *up = lua_getupvalue(L, -1, i);
            if (up == NULL) break;
            if (strcmp(up, "_ENV") == 0) {
                lua_remove(L, -2);  /* the function */
                return;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
}

/* load(chunk [, chunkname [, mode [, env]]]): text only, whatever the mode;
** by default the caller's environment, not the globals — a script running
** in a fresh environment must not reach the shared globals through load.
** Reader functions are refused. */
static int sb_load(lua_State *L) {
    size_t len;
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_typeerror(L, 1, "string (the sandbox loads source text only)");
    const char *s = lua_tolstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, s);
    int env = !lua_isnone(L, 4) ? 4 : 0;
    if (ihl_load_text(L, s, len, name) == LUA_OK) {
        if (env) {
            lua_pushvalue(L, env);
        } else {
            push_caller_env(L);
        }
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
        return 1;
    }
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
}

/* Pushes a copy of the table at idx, copying nested tables `depth` levels
** deep. Tables with a metatable, and the table itself (_G), are shared. */
static void copy_table(lua_State *L, int idx, int depth) {
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 6, NULL);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {  /* stack: copy, key, value */
        if (depth > 0 && lua_type(L, -1) == LUA_TTABLE && !lua_rawequal(L, -1, idx)) {
            if (lua_getmetatable(L, -1)) {
                lua_pop(L, 1);
            } else {
                copy_table(L, -1, depth - 1);
                lua_remove(L, -2);
            }
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);  /* copy[key] = value; the key stays for lua_next */
    }
}

/* Pushes a fresh environment for one untrusted script: a copy of the
** globals in which the library tables (string, math, ihub...) are copies
** too, and whose _G is itself. Whatever the script assigns, rawsets or
** replaces stays in it: the next script starts from the same globals. */
void ihl_push_fresh_env(lua_State *L) {
    lua_pushglobaltable(L);
    copy_table(L, -1, 2);  /* ihub.school.add is two levels down */
    lua_remove(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
}

static int sb_fresh_env(lua_State *L) {
    ihl_push_fresh_env(L);
    return 1;
}

/* Finalizers run inside the collector, where hooks are off: a looping __gc
** could never be stopped. (Lua marks an object for finalization only if
** __gc is present when the metatable is set, so checking here suffices.)
** Otherwise lbaselib.c's setmetatable, whole: a wrapper calling the
** original from C would leave its errors without the script's line and
** name the function '?'. */
static int sb_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: a metatable with a __gc field "
                              "is not allowed in the sandbox");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* An error raised by the budget hook leaves hooks disabled until the
** nearest pcall boundary, and the message handler runs before that: a
** script's handler would run unstoppable. Once the budget is spent, the
** gate keeps the message and skips the handler. */
int ihl_handler_gate(lua_State *L) {
    if (atomic_load(&ihl_from(L)->expired)) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L) {
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, ihl_handler_gate, 1);
    lua_replace(L, 2);
    return call_original(L);
}

static int sb_collectgarbage(lua_State *L) {
    static const char *const allowed[] = {"collect", "count", "step", "isrunning"};
    const char *opt = luaL_optstring(L, 1, "collect");
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (strcmp(opt, allowed[i]) == 0) return call_original(L);
    return luaL_error(L, "collectgarbage: option '%s' is not allowed in the "
                      "sandbox", opt);
}

/* ---- string.rep ------------------------------------------------------- */

/* Refuses, as a memory error, a result larger than the memory left, and
** answers empty results at once (Lua's own rep would loop n times); the
** copying is bounded.c's. */
static int sb_rep(lua_State *L) {
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || (l == 0 && lsep == 0)) {
        lua_pushliteral(L, "");
        return 1;
    }
    ihl_state *S = ihl_from(L);
    /* The result is l + (n-1) * (l + lsep) bytes, and Lua's rep holds it
    ** twice at its peak (buffer, then string). Collect before refusing: the
    ** memory in use may be mostly garbage. */
    for (int pass = 0; S->limit != 0; pass++) {
        size_t avail = S->limit > S->used ? (S->limit - S->used) / 2 : 0;
        size_t unit = l + lsep;  /* > 0 here */
        if (l <= avail && unit >= l && (lua_Unsigned)(n - 1) <= (avail - l) / unit)
            break;
        if (pass == 1) {
            S->refusals++;
            return luaL_error(L, "not enough memory (string.rep result "
                              "exceeds the memory limit)");
        }
        lua_gc(L, LUA_GCCOLLECT);
    }
    lua_settop(L, 3);
    return ihl_rep(L);
}

/* ---- table.move ------------------------------------------------------- */

#define TAB_R 1  /* read: __index */
#define TAB_W 2  /* write: __newindex */
#define TAB_L 4  /* length: __len */
#define TAB_RW (TAB_R | TAB_W)

/* As in ltablib.c: a table, or a value whose metatable has the fields the
** operation needs. */
static void checktab(lua_State *L, int arg, int what) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    if (lua_getmetatable(L, arg)) {
        static const char *const fields[] = {"__index", "__newindex", "__len"};
        int ok = 1;
        for (int i = 0; i < 3; i++) {
            if (!(what & (1 << i))) continue;
            lua_pushstring(L, fields[i]);
            ok = ok && lua_rawget(L, -2) != LUA_TNIL;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (ok) return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);
}

static lua_Integer getn(lua_State *L, int arg, int what) {
    checktab(L, arg, what | TAB_L);
    return luaL_len(L, arg);
}

/* table.move(a1, f, e, t [, a2]), Lua 5.4 semantics, checking the budget
** every few thousand elements: moving nils does not allocate, so a huge
** range would otherwise run in C until done. */
static int sb_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    checktab(L, 1, TAB_R);
    checktab(L, tt, TAB_W);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
                      "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        int forward = t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ));
        for (lua_Integer i = 0; i < n; i++) {
            lua_Integer k = forward ? i : n - 1 - i;
            if ((i & 4095) == 4095) ihl_check_budget(L);
            lua_geti(L, 1, f + k);
            lua_seti(L, tt, t + k);
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

/* ---- table.insert, remove, concat --------------------------------------
** As in ltablib.c, checking the budget every few thousand elements: each
** call may shift or join millions of them. */

static int sb_insert(lua_State *L) {
    lua_Integer pos;
    lua_Integer e = getn(L, 1, TAB_RW);
    e = (lua_Integer)((lua_Unsigned)e + 1u);  /* first empty element */
    switch (lua_gettop(L)) {
    case 2:
        pos = e;
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
                      "position out of bounds");
        for (lua_Integer i = e; i > pos; i--) {
            if ((i & 4095) == 0) ihl_check_budget(L);
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

static int sb_remove(lua_State *L) {
    lua_Integer size = getn(L, 1, TAB_RW);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1,
                      "position out of bounds");
    lua_geti(L, 1, pos);
    for (; pos < size; pos++) {
        if ((pos & 4095) == 0) ihl_check_budget(L);
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

static void addfield(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
                   luaL_typename(L, -1), (LUAI_UACINT)i);
    luaL_addvalue(b);
}

static int sb_concat(lua_State *L) {
    luaL_Buffer b;
    lua_Integer last = getn(L, 1, TAB_R);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_buffinit(L, &b);
    for (; i < last; i++) {
        if ((i & 4095) == 0) ihl_check_budget(L);
        addfield(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
    }
    if (i == last) addfield(L, &b, i);
    luaL_pushresult(&b);
    return 1;
}

/* ---- table.sort ------------------------------------------------------- */

static int sort_lt(lua_State *L) {
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    return 1;
}

/* Whether sorting the table at 1 without a comparator may take long: many
** elements, or strings long enough that comparing them costs. (Anything
** else sort checks, and reads it through metamethods, which the hook sees.) */
static int costly_sort(lua_State *L) {
    if (lua_type(L, 1) != LUA_TTABLE) return 0;
    lua_Integer n = luaL_len(L, 1);
    if (n > 65536) return 1;
    size_t bytes = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) == LUA_TSTRING) bytes += lua_rawlen(L, -1);
        lua_pop(L, 1);
    }
    return bytes > ((size_t)1 << 20);
}

/* Without a comparator, sort compares inside C where no hook fires: a table
** as large as the memory budget allows, or of long strings, would sort for
** seconds. Those get a C comparator instead, whose calls the armed hook
** does see (the sort is then about 1.5 times slower). */
static int sb_sort(lua_State *L) {
    if (lua_isnoneornil(L, 2) && costly_sort(L)) {
        lua_settop(L, 1);
        lua_pushcfunction(L, sort_lt);
    }
    return call_original(L);
}

/* ---- opening ---------------------------------------------------------- */

void ihl_open_libs(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},         {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string},  {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_COLIBNAME, luaopen_coroutine},
        {NULL, NULL}};
    static const char *const removed[] = {"dofile", "loadfile", "require", "io",
                                          "os", "package", "debug", NULL};
    for (const luaL_Reg *lib = libs; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int G = lua_gettop(L);
    for (const char *const *r = removed; *r != NULL; r++) {
        lua_pushnil(L);
        lua_setfield(L, G, *r);
    }
    lua_pushcfunction(L, sb_print);
    lua_setfield(L, G, "print");
    lua_pushcfunction(L, sb_load);
    lua_setfield(L, G, "load");
    /* For ihub's own Lua helpers, which run a hub's script in one. */
    lua_pushcfunction(L, sb_fresh_env);
    lua_setfield(L, G, "__ihub_fresh_env");
    lua_pushcfunction(L, ihl_json_check);
    lua_setfield(L, G, "__ihub_json_check");
    lua_pushcfunction(L, sb_setmetatable);
    lua_setfield(L, G, "setmetatable");
    wrap(L, G, "collectgarbage", sb_collectgarbage);
    wrap(L, G, "xpcall", sb_xpcall);

    lua_getfield(L, G, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    wrap(L, lua_gettop(L), "rep", sb_rep);
    ihl_install_patterns(L);  /* expects the string table on top */
    lua_getfield(L, G, LUA_UTF8LIBNAME);
    ihl_install_bounded(L, G, lua_gettop(L) - 1, lua_gettop(L));
    lua_pop(L, 2);
    /* Protect the string metatable: its __index is the string table. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_getfield(L, G, LUA_TABLIBNAME);
    static const luaL_Reg tables[] = {
        {"move", sb_move}, {"insert", sb_insert}, {"remove", sb_remove},
        {"concat", sb_concat}, {NULL, NULL}};
    luaL_setfuncs(L, tables, 0);
    wrap(L, lua_gettop(L), "sort", sb_sort);
    lua_pop(L, 1);

    lua_getfield(L, G, LUA_COLIBNAME);
    ihl_wrap_coroutines(L);
    lua_pop(L, 2);  /* coroutine, globals */
}
