/*
** budget.c — the time budget: one watchdog thread for all states.
**
** A count hook slows tight loops about twice, so no hook is set while an
** evaluation is within its budget. The watchdog sleeps until the earliest
** registered deadline, then marks that evaluation expired and arms a hook
** (count 1, plus calls) on the thread it is running. The hook raises the
** time error and stays armed, so pcall in a loop cannot swallow it.
**
** A hook belongs to one lua_State, and coroutines are separate ones: the
** resume wrappers (libs.c) publish the running thread through
** ihl_enter_thread / ihl_leave_thread. Both sides use seq_cst: the watchdog
** stores `expired` then loads `running`; a wrapper stores `running` then
** loads `expired`. So either the watchdog arms the new thread or the
** wrapper sees the expiry and arms it itself.
**
** No hook fires inside a C function either, so the library functions whose
** cost grows with their input check the budget themselves as they go
** (ihl_check_budget every few thousand elements or 64 KiB: bounded.c,
** patterns.c, table.* in libs.c, and the JSON conversions of arguments and
** results, which run inside the budget). The margin: the time error comes
** within 50 ms of the deadline on an idle machine, in the library as in Lua
** code (Tests/Bench/overrun.py measures it per function). Beyond it only
** work that one Lua operation does at once, at memory speed: allocating and
** copying one string or table as large as the memory budget allows (a
** result, s .. s, a table's rehash), hashing a long string used as a key,
** converting a long numeral (tonumber without a base, arithmetic on a
** string), a full garbage collection: 20-150 ms per 100 MB (a copy is
** mostly the kernel providing fresh pages; strtod and the hash are slower),
** so at most some 50 ms under the methodology's 64 MB.
**
** An error raised inside a hook leaves hooks disabled on that thread until
** the nearest pcall boundary restores them. Lua code that runs in between
** would be unstoppable, hence xpcall handlers are skipped once the budget is
** spent (libs.c), and coroutines that die meanwhile never run __close.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime, condattr_setclock */

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"

/* The watchdog's state: the only mutable globals of the shim. */
static pthread_once_t wd_once = PTHREAD_ONCE_INIT;
static int wd_status = -1;  /* 0 once the thread runs; written in wd_init */
static pthread_mutex_t wd_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond;
static ihl_state *wd_list;  /* registered evaluations, guarded by wd_mutex */
static int wd_sleeping;     /* 0 awake, 1 until wd_until, 2 until signalled */
static struct timespec wd_until;

#define HOOK_MASK (LUA_MASKCOUNT | LUA_MASKCALL)

/* Raises "src:line: time limit of N ms exceeded", naming the innermost Lua
** line (the hook or C function raising it has none). */
static int raise_time(lua_State *L) {
    lua_Debug ar;
    int found = 0;
    for (int level = 0; !found && lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            found = 1;
        }
    }
    if (!found) lua_pushliteral(L, "");
    if (atomic_load(&ihl_from(L)->interrupted))
        lua_pushliteral(L, "interrupted");
    else
        lua_pushfstring(L, "time limit of %I ms exceeded",
                        (lua_Integer)ihl_from(L)->time_ms);
    lua_concat(L, 2);
    return lua_error(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
    ihl_state *S = ihl_from(L);
    /* A hook left on a coroutine by an earlier evaluation: ignore it (the
    ** resume wrapper clears it); clearing it here could race the watchdog. */
    if (!atomic_load(&S->expired)) return;
    if (ar->event == LUA_HOOKCALL && lua_getinfo(L, "f", ar)) {
        /* Let the error machinery itself run: the message handlers and
        ** the closer that frees host buffers during unwinding. */
        lua_CFunction f = lua_tocfunction(L, -1);
        lua_pop(L, 1);
        if (f == ihl_msgh || f == ihl_box_free || f == ihl_handler_gate) return;
    }
    raise_time(L);
}

void ihl_check_budget(lua_State *L) {
    if (atomic_load_explicit(&ihl_from(L)->expired, memory_order_relaxed))
        raise_time(L);
}

static void arm(lua_State *L) { lua_sethook(L, budget_hook, HOOK_MASK, 1); }

static int ts_before(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Runs with wd_mutex held, so ihl_unwatch waits for it to finish. */
static void fire(ihl_state *S) {
    atomic_fetch_add(&S->firing, 1);  /* a count: ihl_interrupt may arm too */
    atomic_store(&S->expired, true);
    /* lua_sethook may be called asynchronously (lua.c does so from a signal
    ** handler): it only sets fields and trap flags the VM polls. */
    arm(atomic_load(&S->running));
    atomic_fetch_sub(&S->firing, 1);
    S->wd_fired = 1;
}

/* The time budget's mechanism, spent at once: the same hook, which the
** script cannot swallow, raising "interrupted". Only atomics and
** lua_sethook, so a signal handler may call it, on any thread. */
void ihl_interrupt(ihl_state *S) {
    if (S == NULL) return;
    /* firing up before busy is read, as ihl_run stores busy = 0 before it
    ** reads firing: one of the two sees the other, so an interrupt either
    ** lands in the evaluation or leaves no trace for the next. */
    atomic_fetch_add(&S->firing, 1);
    if (!atomic_load(&S->busy)) {
        atomic_fetch_sub(&S->firing, 1);
        return;
    }
    atomic_store(&S->interrupted, true);
    atomic_store(&S->expired, true);
    lua_State *L = atomic_load(&S->running);
    if (L != NULL) arm(L);
    atomic_fetch_sub(&S->firing, 1);
}

static void *wd_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&wd_mutex);
    for (;;) {
        struct timespec now;
        ihl_state *next = NULL;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (ihl_state *S = wd_list; S != NULL; S = S->wd_next) {
            if (S->wd_fired) continue;
            if (!ts_before(&now, &S->deadline)) fire(S);
            else if (next == NULL || ts_before(&S->deadline, &next->deadline))
                next = S;
        }
        if (next != NULL) {
            wd_until = next->deadline;  /* next may go away meanwhile */
            wd_sleeping = 1;
            pthread_cond_timedwait(&wd_cond, &wd_mutex, &wd_until);
        } else {
            wd_sleeping = 2;
            pthread_cond_wait(&wd_cond, &wd_mutex);
        }
        wd_sleeping = 0;
    }
    return NULL;
}

static void wd_init(void) {
    pthread_condattr_t ca;
    pthread_attr_t ta;
    pthread_t t;
    if (pthread_condattr_init(&ca) != 0) return;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&wd_cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) return;
    if (pthread_attr_init(&ta) != 0) return;
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&ta, 64 * 1024);
    /* The watchdog takes no signals (it inherits this mask): a Ctrl-C is
    ** handled by the thread that evaluates, which a REPL expects. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t, &ta, wd_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&ta);
    wd_status = rc;
}

int ihl_watchdog_start(void) {
    pthread_once(&wd_once, wd_init);
    return wd_status == 0 ? 0 : -1;
}

void ihl_watch(ihl_state *S) {
    struct timespec d;
    clock_gettime(CLOCK_MONOTONIC, &d);
    d.tv_sec += (time_t)(S->time_ms / 1000);
    d.tv_nsec += (long)(S->time_ms % 1000) * 1000000L;
    if (d.tv_nsec >= 1000000000L) { d.tv_sec++; d.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&wd_mutex);
    S->deadline = d;
    S->wd_fired = 0;
    S->wd_next = wd_list;
    wd_list = S;
    /* Wake the watchdog only if it would sleep past this deadline: a state
    ** evaluating again and again then costs no thread switch. */
    if (wd_sleeping == 2 || (wd_sleeping == 1 && ts_before(&d, &wd_until)))
        pthread_cond_signal(&wd_cond);
    pthread_mutex_unlock(&wd_mutex);
}

void ihl_unwatch(ihl_state *S) {
    pthread_mutex_lock(&wd_mutex);
    for (ihl_state **p = &wd_list; *p != NULL; p = &(*p)->wd_next)
        if (*p == S) { *p = S->wd_next; break; }
    S->wd_next = NULL;
    pthread_mutex_unlock(&wd_mutex);
}

static void enter_thread(ihl_state *S, lua_State *co) {
    /* A hook on co can only be stale here: the watchdog arms nothing but
    ** the published thread, and co is not published yet. */
    if (lua_gethook(co) != NULL) lua_sethook(co, NULL, 0, 0);
    atomic_store(&S->running, co);
    if (atomic_load(&S->expired)) arm(co);
}

static void leave_thread(ihl_state *S, lua_State *back) {
    atomic_store(&S->running, back);
    if (atomic_load(&S->expired)) {
        /* The watchdog may still hold the thread we left, which the script
        ** may drop and the collector free: wait until it is done with it. */
        while (atomic_load(&S->firing)) sched_yield();
        arm(back);
    }
}

/* ---- coroutines: the resume wrappers ----------------------------------- */

/* Coroutines that died while the budget was spent. One killed by the budget
** hook keeps hooks disabled for good, so its pending __close handlers must
** never run: they could loop unstopped. A weak-keyed registry table. */
static const char stopped_key = 0;

static int is_stopped(lua_State *L, int coidx) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &stopped_key);
    lua_pushvalue(L, coidx);
    int stopped = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return stopped;
}

/* As lcorolib.c's auxresume, publishing `co` to the watchdog meanwhile.
** coidx: where the coroutine value is (a stack index or an upvalue). */
static int auxresume(lua_State *L, lua_State *co, int coidx, int narg) {
    ihl_state *S = ihl_from(L);
    int status, nres;
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    enter_thread(S, co);
    status = lua_resume(co, L, narg, &nres);
    leave_thread(S, L);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    if (atomic_load(&S->expired)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &stopped_key);
        lua_pushvalue(L, coidx);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }
    lua_xmove(co, L, 1);
    return -1;
}

static lua_State *getco(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    return co;
}

static int sb_resume(lua_State *L) {
    lua_State *co = getco(L);
    int r = auxresume(L, co, 1, lua_gettop(L) - 1);
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

/* Closing a thread runs its pending __close handlers on that thread. */
static int close_thread(lua_State *L, lua_State *co) {
    ihl_state *S = ihl_from(L);
    enter_thread(S, co);
#if LUA_VERSION_RELEASE_NUM >= 50406
    int status = lua_closethread(co, L);
#else
    int status = lua_resetthread(co);
#endif
    leave_thread(S, L);
    return status;
}

static int sb_wrapped(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int r = auxresume(L, co, lua_upvalueindex(1), lua_gettop(L));
    if (r < 0) {
        int stat = lua_status(co);
        if (stat != LUA_OK && stat != LUA_YIELD && !is_stopped(L, lua_upvalueindex(1))) {
            stat = close_thread(L, co);
            lua_xmove(co, L, 1);
        }
        if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
            /* As lcorolib.c, but once: through nested wraps the same
            ** position would be repeated at every level. */
            luaL_where(L, 1);
            size_t n, m;
            const char *where = lua_tolstring(L, -1, &n);
            const char *msg = lua_tolstring(L, -2, &m);
            if (n > 0 && m >= n && memcmp(msg, where, n) == 0) {
                lua_pop(L, 1);
            } else {
                lua_insert(L, -2);
                lua_concat(L, 2);
            }
        }
        return lua_error(L);
    }
    return r;
}

static int sb_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, sb_wrapped, 1);
    return 1;
}

static int sb_close(lua_State *L) {
    lua_State *co = getco(L);
    lua_Debug ar;
    int status = lua_status(co);
    /* only dead or suspended coroutines, as in lcorolib.c */
    if (co == L || (status == LUA_OK && lua_getstack(co, 0, &ar)))
        return luaL_error(L, "cannot close a %s coroutine",
                          co == L ? "running" : "normal");
    if (is_stopped(L, 1)) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "the coroutine was stopped by the time limit; its "
                        "to-be-closed variables are not closed");
        return 2;
    }
    status = close_thread(L, co);
    if (status == LUA_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_xmove(co, L, 1);
    return 2;
}

/* Replaces resume, wrap and close in the coroutine table on top. */
void ihl_wrap_coroutines(lua_State *L) {
    lua_pushcfunction(L, sb_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, sb_wrap);
    lua_setfield(L, -2, "wrap");
    lua_pushcfunction(L, sb_close);
    lua_setfield(L, -2, "close");
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &stopped_key);
}
