/*
** convert.h — Lua <-> JSON for the `ihub` Lua module, C99.
**
** The conversion is the embedded engine's own: Sources/IHubLua/json.c and
** encode.c are compiled into the module unchanged, so values cross the same
** way in a host lua5.4 as inside ihub_eval (arrays and objects, empty
** tables, integers and floats, invalid UTF-8, the depth limit, messages that
** name the path). Those files share shim_internal.h with the sandbox, whose
** state uses C11 atomics; convert.c (C11) includes it and offers the few
** functions below, so the module's own code stays strict C99.
*/
#ifndef IHUB_LUA_CONVERT_H
#define IHUB_LUA_CONVERT_H

#include <stddef.h>

#include <lua.h>

/* Creates the shared array metatable in L's registry, once per state (a
** second require of the module keeps the first one, so arrays decoded
** before stay arrays). */
void ihlm_open(lua_State *L);

/* The `ihub.null` sentinel: a light userdata, JSON null inside arrays. */
void *ihlm_null(void);

/* Marks the table at idx as a JSON array / tells whether it is one. */
void ihlm_mark_array(lua_State *L, int idx);
int ihlm_is_array(lua_State *L, int idx);

/* Encodes the value at idx as NUL-terminated JSON text in a userdata that it
** pushes; returns the text and its length (without the NUL). Raises
** "<root>.x[2] is NaN; ..." for a value JSON cannot hold exactly. */
const char *ihlm_encode(lua_State *L, int idx, const char *root, size_t *len);

/* Pushes the value of the JSON text s[0..n) (null at top level: nil).
** Raises "JSON at line L column C: ..." on malformed text. */
void ihlm_decode(lua_State *L, const char *s, size_t n);

#endif
