/*
** sandbox.c — the public face of the shim (ihub_lua.h): states, the
** counting allocator, evaluations and their error messages.
**
** Lua raises with longjmp; no public function may let one escape. Every
** step that can raise (setup, compiling, running, building the result JSON,
** pushing strings) runs inside lua_pcall of a C function; outside it only
** non-raising API calls and plain C are used.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>

#include <lauxlib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"

#define TRACE_FRAMES 6

/* ---- memory ----------------------------------------------------------- */

/* Refuses growth past the cap, never a shrink (Lua assumes shrinking cannot
** fail). On a refusal Lua collects garbage and asks again with the same
** arguments: if that retry fits, the refusal did not fail anything. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    ihl_state *S = ud;
    size_t old = ptr != NULL ? osize : 0;  /* else osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        S->used -= old;
        return NULL;
    }
    if (nsize <= old) {
        void *p = realloc(ptr, nsize);
        S->used -= old - nsize;
        return p != NULL ? p : ptr;
    }
    int retry = S->pending.valid && S->pending.ptr == ptr &&
                S->pending.osize == osize && S->pending.nsize == nsize;
    S->pending.valid = 0;
    size_t avail = S->limit > S->used ? S->limit - S->used : 0;
    void *p = (S->limit == 0 || nsize - old <= avail) ? realloc(ptr, nsize) : NULL;
    if (p == NULL) {
        S->refusals++;
        S->pending.ptr = ptr;
        S->pending.osize = osize;
        S->pending.nsize = nsize;
        S->pending.valid = 1;
        return NULL;
    }
    if (retry) S->refusals--;
    S->used += nsize - old;
    return p;
}

size_t ihl_memory_used(const ihl_state *S) { return S != NULL ? S->used : 0; }

/* ---- errors ----------------------------------------------------------- */

/* Pushes the name of a global holding the function on top (popping it),
** or returns 0: a function called from C has no name of its own. */
static int global_name(lua_State *L) {
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, -4)) {
            lua_pop(L, 1);          /* f G key */
            lua_replace(L, -3);     /* key G */
            lua_pop(L, 1);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return 0;
}

/* Adds sep and "src:line in function 'f'". The frame's function is on top,
** above the buffer: it is consumed, so the buffer stays balanced. */
static void add_frame(luaL_Buffer *b, lua_Debug *ar, const char *sep) {
    lua_State *L = b->L;
    const char *where = ar->currentline > 0
        ? lua_pushfstring(L, "%s%s:%d", sep, ar->short_src, ar->currentline)
        : lua_pushfstring(L, "%s%s", sep, ar->short_src);   /* f where */
    if (strcmp(ar->what, "main") == 0) {
        lua_pushfstring(L, "%s in main chunk", where);
    } else if (ar->name != NULL) {
        lua_pushfstring(L, "%s in %s '%s'", where,
                        strcmp(ar->namewhat, "method") == 0 ? "method" : "function",
                        ar->name);
    } else {
        lua_pushvalue(L, -2);
        if (global_name(L)) {                               /* f where name */
            lua_pushfstring(L, "%s in function '%s'", where, lua_tostring(L, -1));
            lua_remove(L, -2);
        } else {
            lua_pushfstring(L, "%s in function <%s:%d>", where, ar->short_src,
                            ar->linedefined);
        }
    }
    lua_replace(L, -3);                                     /* text where */
    lua_pop(L, 1);
    luaL_addvalue(b);
}

/* Chunks of ihub's own helpers are named "ihub-..." (IHL_INTERNAL_PREFIX):
** users never see their names, which say nothing about their script. */
static int is_internal(const char *source) {
    size_t n = sizeof IHL_INTERNAL_PREFIX - 1;
    return source != NULL && (source[0] == '=' || source[0] == '@') &&
           strncmp(source + 1, IHL_INTERNAL_PREFIX, n) == 0;
}

/* msg without a leading "ihub-x:12: " (a position in a helper); ihl_run
** then names the job instead. */
static const char *internal_position(ihl_state *S, const char *msg) {
    size_t n = sizeof IHL_INTERNAL_PREFIX - 1;
    if (msg == NULL || strncmp(msg, IHL_INTERNAL_PREFIX, n) != 0) return msg;
    const char *p = strchr(msg, ':');
    if (p == NULL || p[1] < '0' || p[1] > '9') return msg;
    for (p++; *p >= '0' && *p <= '9'; p++) {}
    if (p[0] != ':' || p[1] != ' ') return msg;
    S->internal_msg = 1;
    return p + 2;
}

/* The message handler: the message and a compact traceback of the Lua
** frames, on one line (frames of internal chunks left out). It also notes
** an ihub error value, whose status the caller gets (IHL_HOST). */
int ihl_msgh(lua_State *L) {
    ihl_state *S = ihl_from(L);
    const char *msg;
    int t = lua_type(L, 1);
    S->host_status = ihl_error_status(L, 1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER)
        msg = internal_position(S, lua_tostring(L, 1));
    else if (!atomic_load(&ihl_from(L)->expired) &&  /* __tostring can't run */
             luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        msg = lua_tostring(L, -1);
    else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    /* Raised again (by assert, or from load, whose parser runs this
    ** handler too): it has its traceback already. */
    if (strstr(msg, " (traceback: ") != NULL) {
        lua_pushstring(L, msg);
        return 1;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, msg);
    lua_Debug ar;
    int frames = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Slnf", &ar);  /* pushes the function */
        int skip = strcmp(ar.what, "C") == 0 || is_internal(ar.source);
        if (skip || frames == TRACE_FRAMES) {
            lua_pop(L, 1);
            if (skip) continue;
            luaL_addstring(&b, "; ...");
            break;
        }
        add_frame(&b, &ar, frames == 0 ? " (traceback: " : "; ");
        frames++;
    }
    if (frames > 0) luaL_addchar(&b, ')');
    luaL_pushresult(&b);
    return 1;
}

/* A malloc'd "prefix msg suffix" with line breaks turned into spaces, so
** the result is one line. NULL if malloc fails. */
static char *one_line(const char *prefix, const char *msg, const char *suffix) {
    size_t a = strlen(prefix), m = strlen(msg), z = strlen(suffix);
    char *s = malloc(a + m + z + 1);
    if (s == NULL) return NULL;
    memcpy(s, prefix, a);
    memcpy(s + a, msg, m);
    memcpy(s + a + m, suffix, z + 1);
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return s;
}

/* Whether msg begins with a position Lua put there ("source:line:"),
** i.e. a ":digits:" before the first ": ". */
static int has_position(const char *msg) {
    for (const char *p = msg; *p; p++) {
        if (p[0] != ':') continue;
        if (p[1] < '0' || p[1] > '9') return 0;
        for (p++; *p >= '0' && *p <= '9'; p++) {}
        return *p == ':';
    }
    return 0;
}

static int p_setup(lua_State *L) {
    ihl_open_libs(L);
    ihl_json_open(L);
    ihl_open_ihub(L);
    return 0;
}

/* ---- open / close ----------------------------------------------------- */

ihl_state *ihl_open(const ihl_config *config) {
    ihl_state *S = calloc(1, sizeof *S);
    if (S == NULL) return NULL;
    atomic_init(&S->expired, false);
    atomic_init(&S->interrupted, false);
    atomic_init(&S->busy, 0);
    atomic_init(&S->firing, 0);
    atomic_init(&S->running, NULL);
    if (config != NULL) {
        if (config->status_count > 0 && config->status_names != NULL) {
            S->status_names = calloc(config->status_count, sizeof *S->status_names);
            if (S->status_names == NULL) goto fail;
            S->status_count = config->status_count;
            for (size_t i = 0; i < config->status_count; i++) {
                if (config->status_names[i] == NULL) continue;
                size_t n = strlen(config->status_names[i]) + 1;
                if ((S->status_names[i] = malloc(n)) == NULL) goto fail;
                memcpy(S->status_names[i], config->status_names[i], n);
            }
        }
        S->limit = config->memory_limit;
        S->time_ms = config->time_limit_ms;
        S->host = config->host;
        S->host_ctx = config->host_ctx;
        if (config->method_count > 0 && config->methods != NULL) {
            S->methods = calloc(config->method_count, sizeof *S->methods);
            if (S->methods == NULL) goto fail;
            for (size_t i = 0; i < config->method_count; i++) {
                if (config->methods[i] == NULL) continue;
                size_t n = strlen(config->methods[i]) + 1;
                char *copy = malloc(n);
                if (copy == NULL) goto fail;
                S->methods[S->method_count++] = memcpy(copy, config->methods[i], n);
            }
        }
    }
    S->L = lua_newstate(sb_alloc, S);
    if (S->L == NULL) goto fail;
    *(ihl_state **)lua_getextraspace(S->L) = S;
    atomic_store(&S->running, S->L);
    lua_pushcfunction(S->L, p_setup);
    if (lua_pcall(S->L, 0, 0, 0) != LUA_OK) goto fail;
    S->refusals = 0;
    return S;
fail:
    ihl_close(S);
    return NULL;
}

void ihl_close(ihl_state *S) {
    if (S == NULL) return;
    if (S->L != NULL) lua_close(S->L);  /* S must outlive it: the allocator */
    for (size_t i = 0; i < S->method_count; i++) free(S->methods[i]);
    free(S->methods);
    for (size_t i = 0; i < S->status_count; i++) free(S->status_names[i]);
    free(S->status_names);
    free(S->out);
    free(S);
}

/* ---- evaluations ------------------------------------------------------ */


/* Encodes the values at from..top as a JSON array, then finishes the job
** with the buffer userdata on top. */
int ihl_finish_values(lua_State *L, job *J, int from, int with_output) {
    ihl_state *S = ihl_from(L);
    int top = lua_gettop(L);
    ihl_jbuf b;
    J->phase = PH_ENCODE;
    ihl_jbuf_init(L, &b);
    if (with_output) ihl_jbuf_add(&b, "{\"values\":", 10);
    ihl_jbuf_add(&b, "[", 1);
    for (int i = from; i <= top; i++) {
        if (i > from) ihl_jbuf_add(&b, ",", 1);
        char root[40];
        snprintf(root, sizeof root, "returned value %d", i - from + 1);
        ihl_json_encode(&b, i, root);
    }
    ihl_jbuf_add(&b, "]", 1);
    if (with_output) {
        ihl_jbuf_add(&b, ",\"output\":", 10);
        ihl_json_encode_string(&b, S->out != NULL ? S->out : "", S->out_len);
        ihl_jbuf_add(&b, "}", 1);
    }
    J->out = b.p;
    J->out_len = b.n;
    J->phase = PH_DONE;
    return 1;  /* the userdata is on top */
}

/* Stack: 1 job, 2 message handler, 3 chunk name, then the function. */
static int p_eval(lua_State *L) {
    job *J = lua_touserdata(L, 1);
    lua_pushcfunction(L, ihl_msgh);
    const char *chunkname = lua_pushfstring(L, "=%s", J->name);
    J->phase = PH_COMPILE;
    if (J->flags & IHL_EXPRESSION_FIRST) {
        luaL_Buffer b;
        size_t n;
        luaL_buffinit(L, &b);
        luaL_addstring(&b, "return ");
        luaL_addlstring(&b, J->src, J->len);
        luaL_pushresult(&b);
        const char *s = lua_tolstring(L, -1, &n);
        J->status = ihl_load_text(L, s, n, chunkname);
        lua_remove(L, -2);
        if (J->status != LUA_OK) lua_pop(L, 1);
    }
    if (!(J->flags & IHL_EXPRESSION_FIRST) || J->status != LUA_OK) {
        J->status = ihl_load_text(L, J->src, J->len, chunkname);
        if (J->status != LUA_OK) return 1;
    }
    if (J->flags & IHL_FRESH_ENV) {
        ihl_push_fresh_env(L);
        lua_setupvalue(L, -2, 1);  /* the chunk's _ENV */
    }
    J->phase = PH_RUN;
    J->status = lua_pcall(L, 0, LUA_MULTRET, 2);
    if (J->status != LUA_OK) return 1;
    if (J->flags & IHL_SHOW_VALUES) {
        if (lua_getglobal(L, "__ihub_repl_show") == LUA_TFUNCTION) {
            lua_insert(L, 4);
            J->status = lua_pcall(L, lua_gettop(L) - 4, LUA_MULTRET, 2);
            if (J->status != LUA_OK) return 1;
        } else {
            lua_pop(L, 1);
        }
    }
    return ihl_finish_values(L, J, 4, 1);
}

/* Pushes the message handler, the decoded JSON argument array (or nil), the
** global function J->name and its arguments; returns how many arguments.
** Stack after: 1 job, 2 message handler, 3 arguments, 4 function, arguments. */
int ihl_push_global_call(lua_State *L, job *J, lua_Integer max_args) {
    lua_pushcfunction(L, ihl_msgh);
    lua_Integer n = 0;
    if (J->src != NULL && J->len > 0) {
        ihl_json_decode(L, J->src, J->len);
        if (!lua_istable(L, 3) || !ihl_json_is_array(L, 3))
            return luaL_error(L, "the arguments must be a JSON array");
        n = (lua_Integer)lua_rawlen(L, 3);
        if (n > max_args) return luaL_error(L, "too many arguments");
    } else {
        lua_pushnil(L);
    }
    if (lua_getglobal(L, J->name) == LUA_TNIL)
        return luaL_error(L, "no such global function");
    luaL_checkstack(L, (int)n + LUA_MINSTACK, "too many arguments");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        if (lua_touserdata(L, -1) == ihl_json_null()) {  /* null argument: nil */
            lua_pop(L, 1);
            lua_pushnil(L);
        }
    }
    return (int)n;
}

static int p_call(lua_State *L) {
    job *J = lua_touserdata(L, 1);
    int n = ihl_push_global_call(L, J, 100000);
    J->phase = PH_RUN;
    J->status = lua_pcall(L, n, LUA_MULTRET, 2);
    if (J->status != LUA_OK) return 1;
    return ihl_finish_values(L, J, 4, 0);
}

/* Runs f(J) under the budgets and turns the outcome into *result. */
int ihl_run(ihl_state *S, lua_CFunction f, job *J, char **result) {
    lua_State *L = S->L;
    char limit[96];
    /* Who messages name. A helper's global name ("__ihub_...") means nothing
    ** to users: without a label such messages name no one, and the caller
    ** puts its script's name in front. */
    const char *label = J->label != NULL ? J->label
                        : strncmp(J->name, "__ihub", 6) == 0 ? "" : J->name;
    const char *colon = label[0] != '\0' ? ": " : "";
    *result = NULL;
    if (S->busy) {  /* a host callback calling back into its own state */
        *result = one_line(label, colon, "the state is busy with another evaluation");
        return IHL_RUNTIME;
    }
    if (S->time_ms > 0 && ihl_watchdog_start() != 0) {
        *result = one_line(label, colon, "cannot start the watchdog thread that "
                           "enforces the time limit");
        return IHL_RUNTIME;
    }
    /* A fresh evaluation: no refusal, no expiry, empty output. */
    S->refusals = 0;
    S->pending.valid = 0;
    S->out_len = 0;
    S->out_full = 0;
    S->host_status = 0;
    S->internal_msg = 0;
    atomic_store(&S->expired, false);
    atomic_store(&S->interrupted, false);
    atomic_store(&S->running, L);
    lua_settop(L, 0);
    atomic_store(&S->busy, 1);
    if (S->time_ms > 0) ihl_watch(S);
    lua_pushcfunction(L, f);
    lua_pushlightuserdata(L, J);
    int st = lua_pcall(L, 1, 1, 0);
    if (S->time_ms > 0) ihl_unwatch(S);  /* from here no watchdog access */
    atomic_store(&S->busy, 0);  /* no interrupt from here */
    while (atomic_load(&S->firing)) sched_yield();  /* one on another thread */
    lua_sethook(L, NULL, 0, 0);
    int expired = atomic_load(&S->expired);
    int interrupted = atomic_load(&S->interrupted);
    int outcome;

    if (st == LUA_OK && J->phase == PH_DONE && !expired) {
        *result = malloc(J->out_len + 1);
        outcome = *result != NULL ? IHL_OK : IHL_MEMORY;
        if (*result != NULL) {
            memcpy(*result, J->out, J->out_len);
            (*result)[J->out_len] = '\0';
        }
    } else {
        /* Expired but done: a C function (say pcall, tail-called by
        ** `return pcall(loop)`) caught the error after the last Lua
        ** instruction. The limit still stands. */
        int lst = st != LUA_OK ? st : J->phase == PH_DONE ? LUA_ERRRUN : J->status;
        const char *msg = J->phase != PH_DONE && lua_type(L, -1) == LUA_TSTRING
                              ? lua_tostring(L, -1) : "(no error message)";
        const char *prefix = "", *sep = "", *suffix = "";
        if ((st != LUA_OK && J->phase != PH_RUN) || S->internal_msg) {
            prefix = label;  /* outside the script: say whose it is */
            sep = colon;
        }
        if (J->phase == PH_COMPILE && lst == LUA_ERRSYNTAX) {
            size_t n = strlen(msg);
            outcome = n >= 5 && strcmp(msg + n - 5, "<eof>") == 0 ? IHL_INCOMPLETE
                                                                  : IHL_SYNTAX;
        } else if (interrupted) {
            outcome = IHL_INTERRUPTED;
            if (lst == LUA_ERRERR || lst == LUA_ERRMEM || !strstr(msg, "interrupted")) {
                prefix = label; sep = colon; msg = "interrupted"; suffix = "";
            }
        } else if (expired) {
            outcome = IHL_TIME;
            if (lst == LUA_ERRERR || lst == LUA_ERRMEM || !strstr(msg, "time limit")) {
                snprintf(limit, sizeof limit, "time limit of %lu ms exceeded",
                         S->time_ms);
                prefix = label; sep = colon; msg = limit; suffix = "";
            }
        } else if (S->refusals > 0 || lst == LUA_ERRMEM) {
            outcome = IHL_MEMORY;
            if (strcmp(msg, "not enough memory") == 0) {  /* no place known */
                snprintf(limit, sizeof limit, "not enough memory (limit of %zu "
                         "bytes)", S->limit);
                prefix = label; sep = colon; msg = limit;
            }
        } else if (S->host_status > 0 && J->phase == PH_RUN && lst == LUA_ERRRUN) {
            outcome = IHL_HOST;  /* an ihub.* call failed and nobody caught it */
        } else {
            S->host_status = 0;
            outcome = IHL_RUNTIME;
        }
        /* An error without a position (a table as error value, a C stack
        ** overflow, a limit hit outside any Lua line): say whose it is. */
        if (prefix[0] == '\0' && !has_position(msg) &&
            strncmp(msg, label, strlen(label)) != 0) {
            prefix = label;
            sep = colon;
        }
        char *head = one_line(prefix, sep, "");
        if (head != NULL) *result = one_line(head, msg, suffix);
        free(head);
        if (*result == NULL) outcome = IHL_MEMORY;
    }
    lua_settop(L, 0);
    atomic_store(&S->expired, false);
    atomic_store(&S->interrupted, false);
    S->refusals = 0;
    /* What a failed script left behind (a bomb's garbage) is not the next
    ** one's to pay for, in time or memory. Only after a failure: a state
    ** that keeps much alive on purpose would pay a full collection on every
    ** evaluation otherwise. */
    if (outcome != IHL_OK && S->limit != 0 && S->used > S->limit / 2) lua_gc(L, LUA_GCCOLLECT);
    if (S->out_cap > 64 * 1024) {  /* do not keep a large buffer around */
        free(S->out);
        S->out = NULL;
        S->out_cap = 0;
    }
    S->out_len = 0;
    return outcome;
}

int ihl_eval(ihl_state *S, const char *chunkname, const char *src, size_t len,
             int flags, char **result) {
    job J = {chunkname != NULL ? chunkname : "script", src != NULL ? src : "",
             src != NULL ? len : 0, flags, PH_START, LUA_OK, NULL, 0, NULL, NULL};
    char *dummy;
    if (result == NULL) result = &dummy;
    if (S == NULL) { *result = NULL; return IHL_RUNTIME; }
    int r = ihl_run(S, p_eval, &J, result);
    if (result == &dummy) free(dummy);
    return r;
}

int ihl_call_global(ihl_state *S, const char *name, const char *args_json,
                    size_t args_len, char **result) {
    return ihl_call_global_as(S, name, NULL, args_json, args_len, result);
}

int ihl_call_global_as(ihl_state *S, const char *name, const char *label,
                       const char *args_json, size_t args_len, char **result) {
    job J = {name != NULL ? name : "?", args_json, args_json != NULL ? args_len : 0,
             0, PH_START, LUA_OK, NULL, 0, NULL, label};
    char *dummy;
    if (result == NULL) result = &dummy;
    if (S == NULL) { *result = NULL; return IHL_RUNTIME; }
    int r = ihl_run(S, p_call, &J, result);
    if (result == &dummy) free(dummy);
    return r;
}

void ihl_set_print(ihl_state *S, ihl_print_fn fn, void *ctx) {
    if (S == NULL) return;
    S->print = fn;
    S->print_ctx = ctx;
}

int ihl_host_status(const ihl_state *S) { return S != NULL ? S->host_status : 0; }

int ihl_is_busy(const ihl_state *S) { return S != NULL && S->busy; }
