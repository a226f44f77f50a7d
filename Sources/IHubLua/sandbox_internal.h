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

#endif
