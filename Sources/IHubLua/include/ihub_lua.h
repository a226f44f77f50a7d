/*
** ihub_lua.h — the C shim between the Swift engine and Lua 5.4.
**
** Lua raises errors with longjmp, which must never cross a Swift frame. So
** every Lua API call that can raise lives behind this interface, under
** lua_pcall, and Swift sees only these functions: none of them raises.
**
** One ihl_state is one sandboxed Lua state:
**   - only base, table, string, math, utf8 and coroutine are opened; no io,
**     os, package, debug, dofile, loadfile, require, string.dump;
**   - load() takes text only and runs in the sandbox's globals;
**   - setmetatable() refuses metatables with a __gc field (finalizers run
**     where no budget can stop them); the string metatable is protected;
**   - memory is capped by a counting allocator, time per evaluation by a
**     watchdog that, at the deadline, arms a hook the script cannot swallow
**     (it fires again on every instruction until the evaluation is over);
**   - C functions that could loop for long (pattern matching, string.rep,
**     table.move) check the same budget.
** Functions named in the configuration appear in Lua as ihub.<ns>.<op>(params)
** and are served by the host callback (the Swift method table).
**
** Thread rule: an ihl_state is used by one thread at a time (the caller
** serializes); different states may run on different threads at once.
*/
#ifndef IHUB_LUA_H
#define IHUB_LUA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ihl_state ihl_state;

/* Outcomes of ihl_eval / ihl_call_global. */
enum {
    IHL_OK = 0,
    IHL_SYNTAX = 1,      /* the chunk does not compile */
    IHL_RUNTIME = 2,     /* the script raised an error (host errors included) */
    IHL_MEMORY = 3,      /* the memory budget was hit and the evaluation failed */
    IHL_TIME = 4,        /* the time budget ran out */
    IHL_INCOMPLETE = 5,  /* the chunk ends early (a REPL should read more lines) */
    IHL_HOST = 6,        /* an ihub.* call failed and the script did not catch
                            its error value: ihl_host_status() gives the status */
};

/* Chunks whose name starts with this are ihub's own helpers: their frames
** are left out of tracebacks, and a message positioned in one names the
** evaluation's label instead ("EE-ACC/classify: ..."). */
#define IHL_INTERNAL_PREFIX "ihub-"

/* The host side of ihub.<ns>.<op>(params).
**
**   ctx          the host_ctx of the configuration.
**   method       "school.add" — the full name, NUL-terminated.
**   params_json  the Lua argument as JSON text (an object; "{}" when the
**                call had no argument), NUL-terminated, params_len bytes.
**   result       on success (return 0) receives a malloc'd, NUL-terminated
**                JSON document, which the shim decodes into Lua values and
**                frees; on failure (non-zero return, the host's status code)
**                a malloc'd one-line message, which the shim raises as a
**                Lua error after the host has returned, and frees. The error
**                is a table {status = <name>, code = <status>, method,
**                message} with a protected metatable (__tostring gives the
**                script position and message, __concat concatenates that);
**                if the script does not catch it, the evaluation ends with
**                IHL_HOST and ihl_host_status() returns the status.
** The callback must not call back into the same ihl_state.
*/
typedef int (*ihl_host_call)(void *ctx, const char *method,
                             const char *params_json, size_t params_len,
                             char **result);

typedef struct ihl_config {
    size_t memory_limit;          /* bytes the state may hold; 0: no cap */
    unsigned long time_limit_ms;  /* per evaluation; 0: no limit */
    const char *const *methods;   /* names exposed under the `ihub` table */
    size_t method_count;
    ihl_host_call host;           /* may be NULL when method_count is 0 */
    void *host_ctx;
    const char *const *status_names;  /* by status code, e.g. [3] = "IHUB_NOTFOUND"
                                         (copied); the `status` of error values */
    size_t status_count;
} ihl_config;

/* A new sandboxed state. The configuration is copied (method names too).
** Returns NULL when memory runs out. */
ihl_state *ihl_open(const ihl_config *config);

/* Releases the state. NULL is allowed. */
void ihl_close(ihl_state *S);

/* Flags of ihl_eval. */
#define IHL_EXPRESSION_FIRST 1  /* try "return <src>" first, as a REPL does */
#define IHL_FRESH_ENV        2  /* run in a copy of the globals (library
                                   tables copied too, _G is the copy): the
                                   script leaves nothing behind for the next */

/* Compiles and runs a chunk in the state's globals (which persist), or in
** a fresh copy of them (IHL_FRESH_ENV).
**
**   chunkname  the script's name, used in messages ("policy.lua:3: ...").
**   src, len   the Lua text (need not be NUL-terminated). Binary chunks
**              are refused.
**   result     receives a malloc'd, NUL-terminated string, always (NULL
**              only when even that allocation failed):
**              on IHL_OK the JSON object {"values":[...],"output":"..."}
**              with the chunk's return values and what it printed (a value
**              JSON cannot hold exactly — a function, NaN, invalid UTF-8,
**              keys 1 and "1" in one table — is an IHL_RUNTIME error naming
**              it: "returned value 1.x[2] is NaN; ...");
**              otherwise a one-line message naming the script and line,
**              with a compact traceback: "s.lua:3: boom (traceback: s.lua:3
**              in function 'f'; s.lua:7 in main chunk)".
** Returns an IHL_* outcome. The state stays usable after any outcome.
*/
int ihl_eval(ihl_state *S, const char *chunkname, const char *src, size_t len,
             int flags, char **result);

/* Calls the global function `name` with the elements of the JSON array
** args_json as arguments, under the same budgets as ihl_eval. On IHL_OK
** *result is the malloc'd JSON array of its return values; otherwise a
** message as for ihl_eval. A missing global is IHL_RUNTIME. */
int ihl_call_global(ihl_state *S, const char *name, const char *args_json,
                    size_t args_len, char **result);

/* ihl_call_global, with `label` (when not NULL) instead of `name` in the
** messages that name the evaluation (time limit, bad results), for helpers
** whose global name means nothing to users. */
int ihl_call_global_as(ihl_state *S, const char *name, const char *label,
                       const char *args_json, size_t args_len, char **result);

/* The host status of the error value that ended the last evaluation with
** IHL_HOST (0 after any other outcome). */
int ihl_host_status(const ihl_state *S);

/* Whether the state is running an evaluation (a host callback that calls
** back into its own state): a new evaluation would be refused. */
int ihl_is_busy(const ihl_state *S);

/* ---- hot loops: values kept in the registry ---------------------------
** A pairing policy scores thousands to millions of candidate pairs. Each
** record's table is built once (by a Lua function returning them), kept in
** the registry, and the loop pushes references: no JSON per pair. */

/* Calls the global function `name` as ihl_call_global does, keeps its first
** `keep` results in the registry (their references in refs[0..keep-1], to
** release with ihl_release) and returns the other results as a JSON array in
** *result. Fewer than `keep` results, or a nil among them, is IHL_RUNTIME and
** keeps nothing. */
int ihl_call_keep(ihl_state *S, const char *name, const char *args_json,
                  size_t args_len, int keep, int *refs, char **result);

/* For i in [0, n): out[i] = f(t[a[i] + 1], t[b[i] + 1]), where f (a
** function) and t (a table) are kept references. A finite number within
** +-1e15 is stored; nil or false stores NaN (the pair is excluded) and, when
** why is not NULL, why[i] = the 1-based position of the second result (the
** reason, a string) among the distinct reasons, 0 without one. Any other
** result (a function, NaN, inf, 1e300, a reason that is not a string) is an
** error naming the pair and the value. One evaluation, under the budgets; on
** IHL_OK *result is the JSON array [reasons], otherwise the message. */
int ihl_score_pairs(ihl_state *S, const char *name, int f, int t,
                    const int *a, const int *b, size_t n, double *out,
                    int *why, char **result);

/* Releases kept references (0 or negative entries are skipped). */
void ihl_release(ihl_state *S, const int *refs, int n);

/* Bytes the state holds now. */
size_t ihl_memory_used(const ihl_state *S);

#ifdef __cplusplus
}
#endif

#endif /* IHUB_LUA_H */
