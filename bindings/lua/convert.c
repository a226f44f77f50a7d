/*
** convert.c — the bridge from the module to the embedded engine's JSON
** conversion (Sources/IHubLua/json.c, encode.c), compiled as C11 like them.
** See convert.h. Nothing here touches the sandbox's state: the functions
** of json.c and encode.c used below work on any lua_State, given the
** budget check below that never fires.
*/
#include <lauxlib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"
#include "convert.h"

static const char opened_key = 0;  /* registry: the array metatable exists */

/* The conversions check the sandbox's time budget as they go; a plain
** lua5.4 that loads this module has no budget to check. */
void ihl_check_budget(lua_State *L) { (void)L; }

void ihlm_open(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &opened_key) == LUA_TNIL) {
        ihl_json_open(L);
        lua_pushboolean(L, 1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &opened_key);
    }
    lua_pop(L, 1);
}

void *ihlm_null(void) { return ihl_json_null(); }

void ihlm_mark_array(lua_State *L, int idx) { ihl_json_mark_array(L, idx); }

int ihlm_is_array(lua_State *L, int idx) { return ihl_json_is_array(L, idx); }

const char *ihlm_encode(lua_State *L, int idx, const char *root, size_t *len) {
    ihl_jbuf b;
    idx = lua_absindex(L, idx);
    ihl_jbuf_init(L, &b);
    ihl_json_encode(&b, idx, root);
    ihl_jbuf_add(&b, "", 1);
    *len = b.n - 1;
    return b.p;
}

void ihlm_decode(lua_State *L, const char *s, size_t n) { ihl_json_decode(L, s, n); }
