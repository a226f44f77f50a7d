/*
** shim_internal.h — the state and helpers shared by sandbox.c (the public
** functions), budget.c (time), libs.c (what scripts see) and json.c. Not
** for Swift: it is outside include/.
*/
#ifndef IHUB_SHIM_INTERNAL_H
#define IHUB_SHIM_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <lua.h>

#include "ihub_lua.h"

struct ihl_state {
    lua_State *L;

    /* The configuration, copied at ihl_open. */
    size_t limit;               /* bytes; 0: no cap */
    unsigned long time_ms;      /* per evaluation; 0: no limit */
    char **methods;
    size_t method_count;
    ihl_host_call host;
    void *host_ctx;
    char **status_names;        /* by status code; for ihub error values */
    size_t status_count;

    /* The outcome of the current evaluation, set by the message handler. */
    int host_status;            /* an uncaught ihub error value's status */
    int internal_msg;           /* its position was in an internal chunk */

    /* Memory. Touched only by the thread running the state. */
    size_t used;
    int refusals;               /* refused growths in this evaluation */
    struct { void *ptr; size_t osize, nsize; int valid; } pending;

    /* What print wrote during the current evaluation (plain malloc). */
    char *out;
    size_t out_len, out_cap;
    int out_full;
    ihl_print_fn print;         /* ihl_set_print: print goes there instead */
    void *print_ctx;

    atomic_int busy;            /* inside ihl_eval / ihl_call_global; read
                                   by ihl_interrupt (any thread, signals) */

    /* Time. `expired`, `firing` and `running` are shared with the watchdog
    ** thread; both sides use seq_cst so that a thread switch and an expiry
    ** never miss each other. */
    atomic_bool expired;
    atomic_bool interrupted;    /* ihl_interrupt stopped it (expired is set too) */
    atomic_int firing;          /* the watchdog is arming a thread now */
    _Atomic(lua_State *) running;  /* the thread executing the evaluation */

    /* Watchdog bookkeeping, guarded by the watchdog's mutex. */
    struct timespec deadline;
    int wd_fired;
    struct ihl_state *wd_next;
};

/* The state a lua_State belongs to (coroutines inherit the extra space). */
static inline ihl_state *ihl_from(lua_State *L) {
    return *(ihl_state **)lua_getextraspace(L);
}

/* budget.c: the time budget. */
int ihl_watchdog_start(void);             /* 0 when the thread runs */
void ihl_watch(ihl_state *S);             /* registers the deadline */
void ihl_unwatch(ihl_state *S);           /* afterwards no watchdog access */
void ihl_wrap_coroutines(lua_State *L);   /* the coroutine table on top */
int ihl_msgh(lua_State *L);               /* sandbox.c: the message handler */
int ihl_box_free(lua_State *L);           /* libs.c: frees a host buffer */
int ihl_handler_gate(lua_State *L);       /* libs.c: guards xpcall handlers */
/* libs.c: the status code of the ihub error value at idx (raised by a failed
** ihub.* call), or 0 when it is something else. Never raises. */
int ihl_error_status(lua_State *L, int idx);

/* libs.c: open the sandboxed standard library; host.c: the `ihub` table
** (ihub.null, ihub.array, the configured methods). Both raise on failure:
** run them protected. */
void ihl_open_libs(lua_State *L);
void ihl_open_ihub(lua_State *L);

/* How deep JSON may nest, both ways (a deeper Lua table is likely a cycle). */
#define IHL_JSON_MAX_DEPTH 100

/* json.c and encode.c. A growable byte buffer living in a userdata at stack index idx,
** so an error anywhere frees it with the rest of the stack. */
typedef struct ihl_jbuf {
    lua_State *L;
    int idx;
    char *p;
    size_t n, cap;
    size_t work;  /* values and escapes written: the budget is checked on it */
} ihl_jbuf;

void ihl_jbuf_init(lua_State *L, ihl_jbuf *b);  /* pushes the userdata */
void ihl_jbuf_add(ihl_jbuf *b, const char *s, size_t n);

/* Appends the value at idx as JSON. Raises on values JSON cannot hold
** exactly (functions, threads, userdata, NaN, infinities, invalid UTF-8,
** keys that collide as strings, non-string keys), naming the place from
** root: "params.schools[2].name is NaN; ...". */
void ihl_json_encode(ihl_jbuf *b, int idx, const char *root);
/* Appends s as a JSON string; raises on invalid UTF-8. */
void ihl_json_encode_string(ihl_jbuf *b, const char *s, size_t n);
/* Lua: __ihub_json_check(value [, root]) -> nil, or the message saying why
** the value does not convert (memory and time errors propagate). */
int ihl_json_check(lua_State *L);
/* The byte offset of the first invalid UTF-8 sequence in s, or n. */
size_t ihl_utf8_invalid_at(const char *s, size_t n);
/* The length of the valid UTF-8 sequence at s (at most n bytes, code point
** in *cp), or 0 when it is invalid (overlong, surrogate, past U+10FFFF). */
size_t ihl_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp);
/* Pushes the value of the JSON text s. A top-level null pushes nil.
** Raises "JSON at line L column C: ..." on malformed input. */
void ihl_json_decode(lua_State *L, const char *s, size_t n);
/* Creates the shared array metatable (once, at ihl_open). */
void ihl_json_open(lua_State *L);
/* Gives the table at idx the array metatable; tells whether it has it. */
void ihl_json_mark_array(lua_State *L, int idx);
int ihl_json_is_array(lua_State *L, int idx);
/* The `ihub.null` sentinel. */
void *ihl_json_null(void);

/* sandbox.c: one evaluation. f runs under lua_pcall with the job as a light
** userdata at index 1; it sets `phase` and `status` as it goes and ends with
** ihl_finish_values (PH_DONE) or returns with the error message on top. */
enum { PH_START, PH_COMPILE, PH_RUN, PH_ENCODE, PH_DONE };

typedef struct {
    const char *name;        /* for messages, without the '=' */
    const char *src;         /* ihl_eval: the chunk; call: args JSON */
    size_t len;
    int flags;
    int phase;               /* where it stopped */
    int status;              /* the Lua status of the inner step */
    const char *out;         /* PH_DONE: the result text (in a userdata) */
    size_t out_len;
    void *extra;             /* what other runners (pairing.c) need */
    const char *label;       /* the name messages use, when not `name` */
} job;

/* Runs f(J) under the budgets; *result as for ihl_eval. */
int ihl_run(ihl_state *S, lua_CFunction f, job *J, char **result);
/* Encodes the values at from..top as a JSON array ({"values":..,"output":..}
** with with_output) and marks the job done. Raises on unencodable values. */
int ihl_finish_values(lua_State *L, job *J, int from, int with_output);

/* Inside a protected job: pushes the message handler, the JSON arguments of
** J->src (at most max_args) and the global function J->name with them;
** returns the number of arguments. Raises on bad arguments or no function. */
int ihl_push_global_call(lua_State *L, job *J, lua_Integer max_args);

/* Pushes a fresh environment for one untrusted script: a copy of the globals
** and of the library tables in them, whose _G is itself (libs.c). */
void ihl_push_fresh_env(lua_State *L);

#endif
