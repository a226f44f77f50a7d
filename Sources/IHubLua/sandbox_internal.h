/*
** sandbox_internal.h — what the parts of the Lua shim share. Not for Swift.
*/
#ifndef IHUB_SANDBOX_INTERNAL_H
#define IHUB_SANDBOX_INTERNAL_H

#include <lua.h>

/* Raises the budget error ("time limit of N ms exceeded") if the running
** evaluation's deadline has passed. C loops that may run long call it every
** few thousand steps; it costs one atomic load. Works from any coroutine. */
void ihl_check_budget(lua_State *L);

/* Replaces string.find, string.match, string.gmatch and string.gsub in the
** `string` table on top of the stack with versions whose matcher calls
** ihl_check_budget while it backtracks, so a catastrophic pattern ends at
** the deadline instead of hanging the host. Lua 5.4 pattern semantics. */
void ihl_install_patterns(lua_State *L);

/* bounded.c: replaces string.format, upper, lower, reverse, pack, packsize
** and unpack, utf8.len, offset and codes, and tonumber (in the tables at
** the indices given) by versions that check the budget as they go. */
void ihl_install_bounded(lua_State *L, int globals, int string, int utf8);

/* bounded.c: string.rep's work (arguments as string.rep's), checking the
** budget between large copies. */
int ihl_rep(lua_State *L);

/* bounded.c: luaL_loadbufferx(L, s, len, name, "t"), feeding the parser in
** pieces and checking the budget between them; raises the time error if
** the budget ran out while parsing. */
int ihl_load_text(lua_State *L, const char *s, size_t len, const char *name);

#endif
