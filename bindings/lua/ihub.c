/*
** ihub.c — the Lua 5.4 module `ihub`: libihub from a host Lua interpreter.
**
**   local ihub = require "ihub"
**   local db <close> = ihub.open("region.db", {create = false})
**   for _, s in ipairs(db.school.list{hub = "EE-ACC"}) do print(s.code) end
**   db:call("school.get", {code = "EE-0042"})
**   local values, output = db:eval("return #ihub.school.list{}")
**
** The module reaches libihub only through include/ihub.h. Values cross as
** JSON, converted by the embedded engine's own code (convert.h), so they
** follow the rules of ihub_eval: ihub.null is JSON null inside arrays, a
** null member of an object is absent, a table with the keys 1..n is an
** array and {} an object unless marked with ihub.array{}; what JSON cannot
** hold exactly is refused, naming its place.
**
** A failed operation raises the embedded engine's error value: a table
** {status = "IHUB_NOTFOUND", code = 3, method = "school.get",
**  message = "school.get: params.code: ..."} with a protected metatable
** ("ihub.error") whose __tostring gives the caller's position and the
** message, and whose __concat joins that text.
**
** Threads: a database object belongs to the Lua state that opened it; the
** library serializes calls on a handle anyway.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "ihub.h"
#include "convert.h"

#if defined(__GNUC__)
#define IHLM_EXPORT __attribute__((visibility("default")))
#else
#define IHLM_EXPORT
#endif

#define DB_MT "ihub.db"          /* an open (or closed) database */
#define METHOD_MT "ihub.method"  /* db.school, db.school.list: a name on a db */

typedef struct { ihub *h; } dbox;

/* The user values of a db: its method objects by full name, and the sorted
** names of api.describe (once pairs asked for them). */
enum { DB_OBJECTS = 1, DB_NAMES = 2 };
/* The user values of a method object: its db (kept alive) and its name. */
enum { M_DB = 1, M_NAME = 2 };

/* ---- error values ----------------------------------------------------
** The same shape as host.c's in the embedded engine: a table with status,
** code, method and message, whose metatable is per value and protected, so
** the code and the one-line text cannot be changed by the catcher. */

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

/* Raises the error value of status rc for the operation `method`; the
** message is the string on top of the stack. */
static int raise_top(lua_State *L, int rc, const char *method) {
    int msg = lua_gettop(L);
    lua_createtable(L, 0, 4);
    int e = lua_gettop(L);
    lua_pushstring(L, ihub_status_name(rc));
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
    luaL_where(L, 1);  /* the Lua line that called the operation */
    lua_pushvalue(L, msg);
    lua_concat(L, 2);
    lua_rawsetp(L, -2, &error_text_key);
    lua_setmetatable(L, e);
    return lua_error(L);
}

/* Raises with a formatted message. */
static int raise_error(lua_State *L, int rc, const char *method, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return raise_top(L, rc, method);
}

/* The name of a value's type for messages: the metatable's __name for the
** module's own objects ("ihub.db"), else Lua's. */
static const char *type_of(lua_State *L, int idx) {
    if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        lua_pop(L, 1);  /* the metatable still holds it */
        return name;
    }
    return luaL_typename(L, idx);
}

/* ---- JSON across, protected ------------------------------------------ */

static int p_encode(lua_State *L) {
    size_t len;
    ihlm_encode(L, 1, lua_tostring(L, 2), &len);
    lua_pushinteger(L, (lua_Integer)len);
    return 2;
}

/* Encodes the value at idx; the text stays on the stack (a userdata) until
** the caller returns. A value that does not convert is IHUB_INVALID with
** the encoder's message ("school.add: params.x is a function; ..."). */
static const char *encode_arg(lua_State *L, int idx, const char *method, const char *what) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, p_encode);
    lua_pushvalue(L, idx);
    lua_pushfstring(L, "%s: %s", method, what);
    int st = lua_pcall(L, 2, 2, 0);
    if (st != LUA_OK) {
        if (st == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING)
            return raise_top(L, IHUB_INVALID, method), NULL;
        lua_error(L);  /* memory: not the value's fault */
    }
    lua_pop(L, 1);
    return lua_touserdata(L, -1);
}

static int p_decode(lua_State *L) {
    const char *s = lua_touserdata(L, 1);
    ihlm_decode(L, s, strlen(s));
    return 1;
}

/* Pushes the value of a document the library handed out, and frees it
** whatever happens. */
static void take_result(lua_State *L, char *doc, const char *method) {
    lua_pushcfunction(L, p_decode);
    lua_pushlightuserdata(L, doc);
    int st = lua_pcall(L, 1, 1, 0);
    ihub_free(doc);
    if (st != LUA_OK) {
        if (st == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING)
            raise_error(L, IHUB_ERROR, method, "%s: cannot read the result: %s", method,
                        lua_tostring(L, -1));
        lua_error(L);
    }
}

/* The text at idx, refused when it is not a string or holds a NUL byte
** (the C interface would cut it there). */
static const char *check_text(lua_State *L, int idx, const char *method, const char *what) {
    size_t len;
    if (lua_type(L, idx) != LUA_TSTRING)
        raise_error(L, IHUB_INVALID, method, "%s: %s must be a string, got %s", method, what,
                    type_of(L, idx));
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        raise_error(L, IHUB_INVALID, method, "%s: %s holds a NUL byte (at byte %d)", method, what,
                    (int)strlen(s) + 1);
    return s;
}

/* ---- databases -------------------------------------------------------- */

static dbox *check_db(lua_State *L, int idx) {
    return luaL_checkudata(L, idx, DB_MT);
}

static ihub *open_handle(lua_State *L, int idx, const char *method) {
    dbox *d = check_db(L, idx);
    if (d->h == NULL) raise_error(L, IHUB_MISUSE, method, "%s: the database is closed", method);
    return d->h;
}

/* Runs `method` on the db at dbi with the params at pi (0: none) and pushes
** its result. */
static int call_method(lua_State *L, int dbi, const char *method, int pi) {
    ihub *h = open_handle(L, dbi, method);
    const char *params = NULL;
    int t = pi > 0 ? lua_type(L, pi) : LUA_TNONE;
    if (t == LUA_TTABLE) {
        params = encode_arg(L, pi, method, "params");
    } else if (t != LUA_TNIL && t != LUA_TNONE) {
        if (luaL_testudata(L, pi, METHOD_MT))
            return raise_error(L, IHUB_INVALID, method, "%s: called with ':'; write "
                               "db.%s{...} (a '.' before the operation)", method, method);
        return raise_error(L, IHUB_INVALID, method, "%s: params must be a table or nil, got %s",
                           method, type_of(L, pi));
    }
    char *out = NULL;
    int rc = ihub_call(h, method, params, &out);
    if (rc != IHUB_OK)
        return raise_error(L, rc, method, "%s: %s", method, ihub_last_error());
    if (out == NULL) return 0;
    take_result(L, out, method);
    return 1;
}

/* Pushes the method object for the full name at the top of the stack
** (replacing it), made once per db and name. */
static void push_object(lua_State *L, int dbi) {
    int name = lua_gettop(L);
    lua_getiuservalue(L, dbi, DB_OBJECTS);
    lua_pushvalue(L, name);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_newuserdatauv(L, 0, 2);
        lua_pushvalue(L, dbi);
        lua_setiuservalue(L, -2, M_DB);
        lua_pushvalue(L, name);
        lua_setiuservalue(L, -2, M_NAME);
        luaL_setmetatable(L, METHOD_MT);
        lua_pushvalue(L, name);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_replace(L, name);
    lua_settop(L, name);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Pushes the sorted names of every operation (api.describe), asked once
** per db. */
static void push_names(lua_State *L, int dbi) {
    if (lua_getiuservalue(L, dbi, DB_NAMES) == LUA_TTABLE) return;
    lua_pop(L, 1);
    call_method(L, dbi, "api.describe", 0);
    int desc = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, desc);
    const char **names = lua_newuserdatauv(L, sizeof *names * (size_t)(n > 0 ? n : 1), 0);
    lua_Integer count = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, desc, i);
        if (lua_type(L, -1) == LUA_TTABLE && lua_getfield(L, -1, "name") == LUA_TSTRING)
            names[count++] = lua_tostring(L, -1);  /* held by desc */
        lua_settop(L, desc + 1);
    }
    qsort(names, (size_t)count, sizeof *names, cmp_names);
    lua_createtable(L, (int)count, 0);
    for (lua_Integer i = 0; i < count; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, dbi, DB_NAMES);
    lua_replace(L, desc);
    lua_settop(L, desc);
}

/* The iterator of pairs(db) and pairs(db.ns): upvalues are the names of
** the children, the index, the db and the prefix ("" for the db). */
static int children_next(lua_State *L) {
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
    if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 1;
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(2));
    int key = lua_gettop(L);
    size_t plen;
    const char *prefix = lua_tolstring(L, lua_upvalueindex(4), &plen);
    if (plen > 0) lua_pushfstring(L, "%s.%s", prefix, lua_tostring(L, key));
    else lua_pushvalue(L, key);
    lua_pushvalue(L, lua_upvalueindex(3));
    int dbi = lua_gettop(L);
    lua_insert(L, dbi - 1);  /* db below the full name */
    push_object(L, dbi - 1);
    lua_remove(L, dbi - 1);
    return 2;
}

/* pairs over the next name segments under prefix (at pi), e.g. "school" ->
** add, add_many, get, list, update. Sorted names sharing a prefix are
** adjacent, so repeats are the previous entry. */
static int push_pairs(lua_State *L, int dbi, int pi) {
    size_t plen;
    const char *prefix = lua_tolstring(L, pi, &plen);
    push_names(L, dbi);
    int names = lua_gettop(L);
    lua_newtable(L);
    int kids = lua_gettop(L);
    lua_Integer n = 0;
    const char *last = NULL;
    size_t lastlen = 0;
    for (lua_Integer i = 1; lua_rawgeti(L, names, i) == LUA_TSTRING; i++) {
        const char *name = lua_tostring(L, -1);
        lua_pop(L, 1);  /* names holds it */
        if (plen > 0) {
            if (strncmp(name, prefix, plen) != 0 || name[plen] != '.') continue;
            name += plen + 1;
        }
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        if (last != NULL && len == lastlen && memcmp(name, last, len) == 0) continue;
        last = name;
        lastlen = len;
        lua_pushlstring(L, name, len);
        lua_rawseti(L, kids, ++n);
    }
    lua_pop(L, 1);
    lua_pushinteger(L, 0);
    lua_pushvalue(L, dbi);
    lua_pushvalue(L, pi);
    lua_pushcclosure(L, children_next, 4);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* db.<name>: the db's own functions first (call, eval, close, isopen), then
** the method object of an operation's namespace. */
static int db_index(lua_State *L) {
    check_db(L, 1);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    if (lua_type(L, 2) != LUA_TSTRING) return 1;  /* nil */
    lua_pop(L, 1);
    push_object(L, 1);
    return 1;
}

/* db:call(method [, params]) */
static int db_call(lua_State *L) {
    check_db(L, 1);
    const char *method = check_text(L, 2, "call", "the method name");
    return call_method(L, 1, method, 3);
}

/* db:eval(source) -> values, output: the chunk's return values (an array:
** ihub.null for nil) and what it printed. */
static int db_eval(lua_State *L) {
    ihub *h = open_handle(L, 1, "eval");
    const char *source = check_text(L, 2, "eval", "the source");
    char *out = NULL;
    int rc = ihub_eval(h, source, &out);
    if (rc != IHUB_OK) {
        lua_pushstring(L, ihub_last_error());
        return raise_top(L, rc, "eval");
    }
    if (out == NULL) return 0;
    take_result(L, out, "eval");
    int doc = lua_gettop(L);
    if (lua_type(L, doc) != LUA_TTABLE)
        return raise_error(L, IHUB_ERROR, "eval", "eval: the result is not an object");
    lua_getfield(L, doc, "values");
    lua_getfield(L, doc, "output");
    return 2;
}

static void close_db(lua_State *L) {
    dbox *d = check_db(L, 1);
    if (d->h != NULL) {
        ihub *h = d->h;
        d->h = NULL;
        ihub_close(h);
    }
}

/* db:close(), also __close and __gc: safe to repeat. */
static int db_close(lua_State *L) {
    close_db(L);
    return 0;
}

static int db_isopen(lua_State *L) {
    lua_pushboolean(L, check_db(L, 1)->h != NULL);
    return 1;
}

static int db_tostring(lua_State *L) {
    dbox *d = check_db(L, 1);  /* no path: a PostgreSQL URI may hold a password */
    lua_pushfstring(L, "ihub.db (%s): %p", d->h != NULL ? "open" : "closed", (void *)d);
    return 1;
}

static int db_pairs(lua_State *L) {
    check_db(L, 1);
    lua_pushliteral(L, "");
    return push_pairs(L, 1, lua_gettop(L));
}

/* ---- method objects --------------------------------------------------- */

/* db.school.list: pushes the db and the name of the object at 1. */
static void method_parts(lua_State *L, int *dbi, int *namei) {
    luaL_checkudata(L, 1, METHOD_MT);
    lua_getiuservalue(L, 1, M_DB);
    *dbi = lua_gettop(L);
    lua_getiuservalue(L, 1, M_NAME);
    *namei = lua_gettop(L);
}

static int method_index(lua_State *L) {
    int dbi, namei;
    method_parts(L, &dbi, &namei);
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    lua_pushfstring(L, "%s.%s", lua_tostring(L, namei), lua_tostring(L, 2));
    push_object(L, dbi);
    return 1;
}

/* db.school.list(params): the operation "school.list". An unknown one is
** the library's error at this point, with its "did you mean". */
static int method_call(lua_State *L) {
    int dbi, namei;
    lua_settop(L, 2);
    method_parts(L, &dbi, &namei);
    const char *name = check_text(L, namei, "call", "the method name");
    return call_method(L, dbi, name, 2);
}

static int method_tostring(lua_State *L) {
    int dbi, namei;
    method_parts(L, &dbi, &namei);
    lua_pushfstring(L, "ihub.method: %s", lua_tostring(L, namei));
    return 1;
}

static int method_pairs(lua_State *L) {
    int dbi, namei;
    method_parts(L, &dbi, &namei);
    return push_pairs(L, dbi, namei);
}

/* ---- the module table ------------------------------------------------- */

/* ihub.open([path [, options]]): path ":memory:" when absent. */
static int m_open(lua_State *L) {
    const char *path = ":memory:";
    const char *options = NULL;
    lua_settop(L, 2);
    if (!lua_isnil(L, 1)) path = check_text(L, 1, "open", "the path");
    if (lua_type(L, 2) == LUA_TTABLE)
        options = encode_arg(L, 2, "open", "options");
    else if (!lua_isnil(L, 2))
        return raise_error(L, IHUB_INVALID, "open", "open: options must be a table or nil, "
                           "got %s", type_of(L, 2));
    /* The object first, so that no allocation error can lose an open handle. */
    dbox *d = lua_newuserdatauv(L, sizeof *d, 2);
    d->h = NULL;
    luaL_setmetatable(L, DB_MT);
    int dbi = lua_gettop(L);
    lua_newtable(L);
    lua_setiuservalue(L, dbi, DB_OBJECTS);
    int rc = ihub_open(path, options, &d->h);
    if (rc != IHUB_OK) {
        d->h = NULL;
        return raise_error(L, rc, "open", "open: %s", ihub_last_error());
    }
    return 1;
}

static int m_version(lua_State *L) {
    lua_pushstring(L, ihub_version());
    return 1;
}

static int m_abi_version(lua_State *L) {
    lua_pushinteger(L, ihub_abi_version());
    return 1;
}

static int m_status_name(lua_State *L) {
    lua_pushstring(L, ihub_status_name((int)luaL_checkinteger(L, 1)));
    return 1;
}

/* ihub.array(t): t, marked as a JSON array (so {} is [], not {}). */
static int m_array(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getmetatable(L, 1) && !ihlm_is_array(L, 1))
        return luaL_argerror(L, 1, "the table already has a metatable");
    ihlm_mark_array(L, 1);
    lua_settop(L, 1);
    return 1;
}

static const luaL_Reg db_functions[] = {
    {"call", db_call}, {"eval", db_eval}, {"close", db_close}, {"isopen", db_isopen},
    {NULL, NULL}};

static const luaL_Reg db_meta[] = {
    {"__gc", db_close}, {"__close", db_close}, {"__tostring", db_tostring},
    {"__pairs", db_pairs}, {NULL, NULL}};

static const luaL_Reg method_meta[] = {
    {"__index", method_index}, {"__call", method_call}, {"__tostring", method_tostring},
    {"__pairs", method_pairs}, {NULL, NULL}};

static const luaL_Reg module_functions[] = {
    {"open", m_open}, {"version", m_version}, {"abi_version", m_abi_version},
    {"status_name", m_status_name}, {"array", m_array}, {NULL, NULL}};

IHLM_EXPORT int luaopen_ihub(lua_State *L) {
    if (ihub_abi_version() != IHUB_ABI_VERSION)
        return luaL_error(L, "ihub: the libihub.so loaded has interface version %d; this "
                          "module was built for %d", ihub_abi_version(), IHUB_ABI_VERSION);
    ihlm_open(L);

    luaL_newmetatable(L, DB_MT);
    luaL_setfuncs(L, db_meta, 0);
    luaL_newlib(L, db_functions);
    lua_pushcclosure(L, db_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    luaL_newmetatable(L, METHOD_MT);
    luaL_setfuncs(L, method_meta, 0);
    lua_pop(L, 1);

    luaL_newlib(L, module_functions);
    lua_pushlightuserdata(L, ihlm_null());
    lua_setfield(L, -2, "null");
    lua_pushinteger(L, IHUB_ABI_VERSION);
    lua_setfield(L, -2, "ABI_VERSION");
    return 1;
}
