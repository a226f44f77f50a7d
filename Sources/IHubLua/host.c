/*
** host.c — the `ihub` table: ihub.null, ihub.array and one function per
** host method, whose calls cross as JSON (encode.c out, json.c back), and
** the error values a failed call raises.
*/
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "shim_internal.h"

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
