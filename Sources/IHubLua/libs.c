/*
** libs.c — the standard library as the sandbox offers it.
**
** Only base, table, string, math, utf8 and coroutine are opened. Whatever
** reaches outside (files, processes, bytecode) is removed; whatever could
** escape the budgets is wrapped: print writes into a per-evaluation buffer,
** load takes text only, setmetatable refuses finalizers, string.rep and
** table.move/sort are bounded, and coroutine.resume/wrap/close publish the
** running thread to the watchdog (budget.c). The `ihub` table bridges to
** the host's methods.
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

static int sb_print(lua_State *L) {
    ihl_state *S = ihl_from(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        /* the output reaches the caller as a JSON string: Unicode only */
        size_t bad = ihl_utf8_invalid_at(s, len);
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
    if (luaL_loadbufferx(L, s, len, name, "t") == LUA_OK) {
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
** __gc is present when the metatable is set, so checking here suffices.) */
static int sb_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: a metatable with a __gc field "
                              "is not allowed in the sandbox");
        lua_pop(L, 1);
    }
    return call_original(L);
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
** answers empty results at once (Lua's own rep would loop n times). */
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
    return call_original(L);
}

/* ---- table.move ------------------------------------------------------- */

/* As in ltablib.c: a table, or a value whose metatable has the fields the
** move needs (__index to read, __newindex to write). */
static void checktab(lua_State *L, int arg, const char *field) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    if (lua_getmetatable(L, arg)) {
        lua_pushstring(L, field);
        int ok = lua_rawget(L, -2) != LUA_TNIL;
        lua_pop(L, 2);
        if (ok) return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);
}

/* table.move(a1, f, e, t [, a2]), Lua 5.4 semantics, checking the budget
** every few thousand elements: moving nils does not allocate, so a huge
** range would otherwise run in C until done. */
static int sb_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    checktab(L, 1, "__index");
    checktab(L, tt, "__newindex");
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

/* ---- table.sort ------------------------------------------------------- */

static int sort_lt(lua_State *L) {
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    return 1;
}

/* Without a comparator, sort compares inside C where no hook fires: a table
** as large as the memory budget allows would sort for seconds. Large ones
** get a C comparator instead, whose calls the armed hook does see (the
** sort is then about 1.5 times slower). */
static int sb_sort(lua_State *L) {
    if (lua_isnoneornil(L, 2) && luaL_len(L, 1) > 65536) {
        lua_settop(L, 1);
        lua_pushcfunction(L, sort_lt);
    }
    return call_original(L);
}

/* ---- the ihub table ------------------------------------------------- */

static const char box_mt_key = 0;  /* registry key of the host-buffer box */

/* Frees a host buffer: __close when the host call unwinds, __gc as backup. */
int ihl_box_free(lua_State *L) {
    char **slot = lua_touserdata(L, 1);
    if (slot != NULL && *slot != NULL) {
        free(*slot);
        *slot = NULL;
    }
    return 0;
}

/* ---- error values of ihub.* calls -------------------------------------
** A failed host call raises a table {status = "IHUB_NOTFOUND", code = 3,
** method = "school.get", message = "school.get: ..."} whose metatable is
** per value and protected: it keeps the code and the one-line text (with
** the script position) where scripts cannot change them, gives __tostring
** and __concat, and has no __gc. An uncaught one tells ihl_run the status. */

static const char error_code_key = 0;  /* metatable keys, never written by Lua */
static const char error_text_key = 0;

static int error_tostring(lua_State *L) {
    if (lua_getmetatable(L, 1) && lua_rawgetp(L, -1, &error_text_key) == LUA_TSTRING)
        return 1;
    lua_pushliteral(L, "ihub error");
    return 1;
}

static int error_concat(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    luaL_tolstring(L, 2, NULL);
    lua_concat(L, 2);
    return 1;
}

int ihl_error_status(lua_State *L, int idx) {
    int code = 0;
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    if (lua_rawgetp(L, -1, &error_code_key) == LUA_TNUMBER && lua_isinteger(L, -1))
        code = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return code > 0 ? code : 0;
}

/* Raises the error value of a failed host call: rc is its status, the
** message its text (on top of the stack). */
static int raise_host_error(lua_State *L, const char *method, int rc) {
    ihl_state *S = ihl_from(L);
    int msg = lua_gettop(L);
    lua_createtable(L, 0, 4);
    int e = lua_gettop(L);
    if (rc > 0 && (size_t)rc < S->status_count && S->status_names[rc] != NULL)
        lua_pushstring(L, S->status_names[rc]);
    else
        lua_pushfstring(L, "status %d", rc);
    lua_setfield(L, e, "status");
    lua_pushinteger(L, rc);
    lua_setfield(L, e, "code");
    lua_pushstring(L, method);
    lua_setfield(L, e, "method");
    lua_pushvalue(L, msg);
    lua_setfield(L, e, "message");
    lua_createtable(L, 0, 6);
    lua_pushliteral(L, "ihub.error");
    lua_setfield(L, -2, "__metatable");
    lua_pushliteral(L, "ihub.error");
    lua_setfield(L, -2, "__name");
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, error_concat);
    lua_setfield(L, -2, "__concat");
    lua_pushinteger(L, rc);
    lua_rawsetp(L, -2, &error_code_key);
    luaL_where(L, 1);  /* the script line that called ihub.<method> */
    lua_pushvalue(L, msg);
    lua_concat(L, 2);
    lua_rawsetp(L, -2, &error_text_key);
    lua_setmetatable(L, e);
    return lua_error(L);
}

/* ihub.<method>(params): params to JSON, the host call, its JSON back. */
static int host_call(lua_State *L) {
    ihl_state *S = ihl_from(L);
    const char *method = lua_tostring(L, lua_upvalueindex(1));
    const char *params = "{}";
    size_t plen = 2;
    int t = lua_type(L, 1);
    if (t != LUA_TNONE && t != LUA_TNIL && t != LUA_TTABLE)
        return luaL_typeerror(L, 1, "table or nil");
    lua_settop(L, 1);
    if (t == LUA_TTABLE) {
        const char *root = lua_pushfstring(L, "%s: params", method);
        ihl_jbuf b;
        ihl_jbuf_init(L, &b);
        ihl_json_encode(&b, 1, root);
        ihl_jbuf_add(&b, "", 1);  /* NUL-terminated for the host */
        params = b.p;
        plen = b.n - 1;
    }
    if (S->host == NULL) return luaL_error(L, "ihub.%s: no host is configured", method);
    /* The host's buffer goes into a to-be-closed box at once, so that an
    ** error while decoding or raising it cannot leak it. */
    char **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &box_mt_key);
    lua_setmetatable(L, -2);
    lua_toclose(L, -1);
    int rc = S->host(S->host_ctx, method, params, plen, slot);
    if (rc == 0) {
        if (*slot == NULL) return 0;
        ihl_json_decode(L, *slot, strlen(*slot));
        free(*slot);
        *slot = NULL;
        return 1;
    }
    if (*slot != NULL) lua_pushstring(L, *slot);
    else lua_pushfstring(L, "%s failed with status %d", method, rc);
    free(*slot);
    *slot = NULL;
    return raise_host_error(L, method, rc);
}

static int ihub_array(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getmetatable(L, 1) && !ihl_json_is_array(L, 1))
        return luaL_argerror(L, 1, "the table already has a metatable");
    ihl_json_mark_array(L, 1);
    lua_settop(L, 1);
    return 1;
}

/* ihub.a.b = closure for the method "a.b" (nesting as deep as the dots). */
static void add_method(lua_State *L, int ihub, const char *name) {
    const char *seg = name, *dot;
    lua_pushvalue(L, ihub);
    while ((dot = strchr(seg, '.')) != NULL) {
        lua_pushlstring(L, seg, (size_t)(dot - seg));  /* t key */
        lua_pushvalue(L, -1);
        if (lua_rawget(L, -3) == LUA_TTABLE) {          /* t key sub */
            lua_remove(L, -2);
        } else {  /* absent, or a method "a" and now "a.b": the table wins */
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_insert(L, -3);                          /* t sub key sub */
            lua_rawset(L, -4);
        }
        lua_remove(L, -2);                              /* sub */
        seg = dot + 1;
    }
    if (lua_getfield(L, -1, seg) != LUA_TTABLE) {  /* "a.b" given: keep ihub.a */
        lua_pushstring(L, name);
        lua_pushcclosure(L, host_call, 1);
        lua_setfield(L, -3, seg);
    }
    lua_pop(L, 2);
}

/* The ihub table: ihub.null, ihub.array and one function per method. */
void ihl_open_ihub(lua_State *L) {
    ihl_state *S = ihl_from(L);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, ihl_box_free);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, ihl_box_free);
    lua_setfield(L, -2, "__gc");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &box_mt_key);

    lua_newtable(L);
    int ihub = lua_gettop(L);
    for (size_t i = 0; i < S->method_count; i++) add_method(L, ihub, S->methods[i]);
    lua_pushlightuserdata(L, ihl_json_null());
    lua_setfield(L, ihub, "null");
    lua_pushcfunction(L, ihub_array);
    lua_setfield(L, ihub, "array");
    lua_setglobal(L, "ihub");
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
    wrap(L, G, "setmetatable", sb_setmetatable);
    wrap(L, G, "collectgarbage", sb_collectgarbage);
    wrap(L, G, "xpcall", sb_xpcall);

    lua_getfield(L, G, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    wrap(L, lua_gettop(L), "rep", sb_rep);
    ihl_install_patterns(L);  /* expects the string table on top */
    lua_pop(L, 1);
    /* Protect the string metatable: its __index is the string table. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_getfield(L, G, LUA_TABLIBNAME);
    lua_pushcfunction(L, sb_move);
    lua_setfield(L, -2, "move");
    wrap(L, lua_gettop(L), "sort", sb_sort);
    lua_pop(L, 1);

    lua_getfield(L, G, LUA_COLIBNAME);
    ihl_wrap_coroutines(L);
    lua_pop(L, 2);  /* coroutine, globals */
}
