/*
** patterns.c — string.find/match/gmatch/gsub with an interruptible matcher.
**
** Stock Lua runs its backtracking matcher in C, where no hook fires, so a
** pattern like ".-.-.-.-b" on a long subject hangs the host. This is a
** reimplementation of Lua 5.4's pattern semantics (manual §6.4.1) whose
** matcher counts its steps and calls ihl_check_budget every CHECK_EVERY of
** them. The recursion structure mirrors the reference matcher on purpose:
** "pattern too complex" (depth MAXDEPTH) must trigger on the same patterns.
*/
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "sandbox_internal.h"

#define MAXCAP      32      /* LUA_MAXCAPTURES of the stock library */
#define MAXDEPTH    200     /* MAXCCALLS of the stock library */
#define ESC         '%'
#define SPECIALS    "^$*+?.([%-"
#define CAP_OPEN    (-1)    /* capture started, not yet closed */
#define CAP_POS     (-2)    /* position capture "()" */

/* Steps between budget checks: small enough that a check happens every few
** microseconds, large enough that the atomic load is noise. */
#define CHECK_EVERY 4096
/* Backstop if no deadline is armed: 2^38 steps is minutes of matching, far
** beyond any time budget (admin: 60 s), so real use never reaches it. */
#define MAX_CHUNKS  ((1ULL << 38) / CHECK_EVERY)

typedef struct {
    const char *src, *src_end;  /* subject */
    const char *pat_end;        /* end of pattern (may contain '\0') */
    lua_State *L;
    long left;                  /* steps until the next budget check */
    unsigned long long chunks;  /* budget checks done in this call */
    int depth;                  /* recursion left before "too complex" */
    int level;                  /* captures in use */
    struct { const char *init; ptrdiff_t len; } cap[MAXCAP];
} Matcher;

static void init_matcher(Matcher *m, lua_State *L, const char *s, size_t ls,
                         const char *p, size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat_end = p + lp;
    m->left = CHECK_EVERY;
    m->chunks = 0;
}

/* Per attempt at a new subject position: captures and depth start over,
** the step count does not (it bounds the whole call). */
static void restart(Matcher *m) {
    m->level = 0;
    m->depth = MAXDEPTH;
}

static void budget_slow(Matcher *m) {
    m->left = CHECK_EVERY;
    if (++m->chunks > MAX_CHUNKS)
        luaL_error(m->L, "pattern too complex (step limit reached)");
    ihl_check_budget(m->L);   /* raises when the deadline has passed */
}

/* Charge n steps; the common case is one decrement and a compare. */
static inline void spend(Matcher *m, long n) {
    m->left -= n;
    if (m->left <= 0) budget_slow(m);
}

/* ---- single characters and classes ---- */

static int class_has(int c, int cl) {
    int r;
    switch (tolower(cl)) {
        case 'a': r = isalpha(c); break;
        case 'c': r = iscntrl(c); break;
        case 'd': r = isdigit(c); break;
        case 'g': r = isgraph(c); break;
        case 'l': r = islower(c); break;
        case 'p': r = ispunct(c); break;
        case 's': r = isspace(c); break;
        case 'u': r = isupper(c); break;
        case 'w': r = isalnum(c); break;
        case 'x': r = isxdigit(c); break;
        case 'z': r = (c == 0); break;  /* deprecated, but stock 5.4 has it */
        default: return cl == c;       /* %. escapes a non-letter literally */
    }
    return isupper(cl) ? !r : (r != 0);  /* upper case = complement */
}

/* Where the single-char class starting at p ends (its suffix, if any). */
static const char *class_end(Matcher *m, const char *p) {
    char c = *p++;
    if (c == ESC) {
        if (p == m->pat_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (*p == '^') p++;
        /* The first member is taken as is, so "[]]" and "[^]]" hold ']'. */
        do {
            if (p == m->pat_end)
                luaL_error(m->L, "malformed pattern (missing ']')");
            if (*p++ == ESC && p < m->pat_end)
                p++;                    /* "%]" does not close the set */
        } while (*p != ']');
        return p + 1;
    }
    return p;
}

/* Set "[...]" from p ('[') to close (its ']'). */
static int set_has(int c, const char *p, const char *close) {
    int in = 1;
    if (p[1] == '^') { in = 0; p++; }
    while (++p < close) {
        if (*p == ESC) {
            p++;
            if (class_has(c, (unsigned char)*p)) return in;
        } else if (p[1] == '-' && p + 2 < close) {
            /* a range; a '-' first or last in the set is literal */
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
                return in;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return in;
        }
    }
    return !in;
}

/* Does the class p..ep match the subject char at s? */
static int one_char(Matcher *m, const char *s, const char *p, const char *ep) {
    int c;
    spend(m, 1);
    if (s >= m->src_end) return 0;
    c = (unsigned char)*s;
    switch (*p) {
        case '.': return 1;
        case ESC: return class_has(c, (unsigned char)p[1]);
        case '[': return set_has(c, p, ep - 1);
        default: return (unsigned char)*p == c;
    }
}

/* ---- the backtracking matcher ---- */

static const char *do_match(Matcher *m, const char *s, const char *p);

static const char *balance(Matcher *m, const char *s, const char *p) {
    int open, close, n = 1;
    if (p >= m->pat_end - 1)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != *p) return NULL;
    open = *p; close = p[1];
    while (++s < m->src_end) {
        spend(m, 1);                    /* linear per call, so it counts */
        if (*s == close) {
            if (--n == 0) return s + 1;
        } else if (*s == open) {
            n++;
        }
    }
    return NULL;
}

/* Greedy: count how far the class repeats, then back off one at a time. */
static const char *greedy(Matcher *m, const char *s, const char *p,
                          const char *ep) {
    ptrdiff_t n = 0;
    while (one_char(m, s + n, p, ep)) n++;
    for (; n >= 0; n--) {
        const char *r = do_match(m, s + n, ep + 1);
        if (r) return r;
    }
    return NULL;
}

/* Lazy: try the rest first, extend by one class char on failure. */
static const char *lazy(Matcher *m, const char *s, const char *p,
                        const char *ep) {
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r) return r;
        if (!one_char(m, s, p, ep)) return NULL;
        s++;
    }
}

static const char *open_capture(Matcher *m, const char *s, const char *p,
                                ptrdiff_t what) {
    const char *r;
    if (m->level >= MAXCAP) luaL_error(m->L, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = what;
    m->level++;
    if ((r = do_match(m, s, p)) == NULL) m->level--;   /* undo on failure */
    return r;
}

static const char *close_capture(Matcher *m, const char *s, const char *p) {
    int l;
    const char *r;
    for (l = m->level - 1; l >= 0; l--)      /* innermost open capture */
        if (m->cap[l].len == CAP_OPEN) break;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].init;
    if ((r = do_match(m, s, p)) == NULL) m->cap[l].len = CAP_OPEN;
    return r;
}

/* %1-%9 inside a pattern: the captured text must occur again here. */
static const char *back_ref(Matcher *m, const char *s, int digit) {
    int l = digit - '1';
    size_t len;
    if (l < 0 || l >= m->level || m->cap[l].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    len = (size_t)m->cap[l].len;  /* a position capture turns huge: no match */
    if ((size_t)(m->src_end - s) < len) return NULL;
    spend(m, (long)(len / 64));         /* the compare is linear in len */
    return memcmp(m->cap[l].init, s, len) == 0 ? s + len : NULL;
}

/* Tail positions loop (goto again) instead of recursing, exactly where the
** reference does, so the depth limit is hit on the same patterns. */
static const char *do_match(Matcher *m, const char *s, const char *p) {
    if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
again:
    spend(m, 1);
    if (p == m->pat_end) goto done;
    switch (*p) {
        case '(':
            if (p[1] == ')') s = open_capture(m, s, p + 2, CAP_POS);
            else s = open_capture(m, s, p + 1, CAP_OPEN);
            goto done;
        case ')':
            s = close_capture(m, s, p + 1);
            goto done;
        case '$':
            if (p + 1 != m->pat_end) break;   /* not last: a literal '$' */
            if (s != m->src_end) s = NULL;
            goto done;
        case ESC:
            switch (p[1]) {
                case 'b':
                    if ((s = balance(m, s, p + 2)) == NULL) goto done;
                    p += 4;
                    goto again;
                case 'f': {
                    const char *ep;
                    int prev, cur;
                    p += 2;
                    if (*p != '[')
                        luaL_error(m->L, "missing '[' after '%%f' in pattern");
                    ep = class_end(m, p);
                    prev = (s == m->src) ? 0 : (unsigned char)s[-1];
                    cur = (s < m->src_end) ? (unsigned char)*s : 0;
                    if (!set_has(prev, p, ep - 1) && set_has(cur, p, ep - 1)) {
                        p = ep;
                        goto again;
                    }
                    s = NULL;
                    goto done;
                }
                case '0': case '1': case '2': case '3': case '4':
                case '5': case '6': case '7': case '8': case '9':
                    if ((s = back_ref(m, s, (unsigned char)p[1])) == NULL)
                        goto done;
                    p += 2;
                    goto again;
                default:
                    break;                    /* a class like %a */
            }
            break;
        default:
            break;
    }
    /* A single-char class with an optional quantifier. */
    {
        const char *ep = class_end(m, p);
        if (!one_char(m, s, p, ep)) {
            if (*ep == '*' || *ep == '?' || *ep == '-') {
                p = ep + 1;                   /* zero repetitions is fine */
                goto again;
            }
            s = NULL;
            goto done;
        }
        switch (*ep) {
            case '?': {
                const char *r = do_match(m, s + 1, ep + 1);
                if (r) { s = r; goto done; }
                p = ep + 1;
                goto again;
            }
            case '+': s = greedy(m, s + 1, p, ep); goto done;
            case '*': s = greedy(m, s, p, ep); goto done;
            case '-': s = lazy(m, s, p, ep); goto done;
            default: s++; p = ep; goto again;
        }
    }
done:
    m->depth++;
    return s;
}

/* ---- results ---- */

/* Capture i as a string or position; with no captures, %1 means the whole
** match. Returns its length, or CAP_POS after pushing the position. */
static ptrdiff_t get_capture(Matcher *m, int i, const char *s, const char *e,
                             const char **out) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *out = s;
        return e - s;
    }
    *out = m->cap[i].init;
    if (m->cap[i].len == CAP_OPEN) luaL_error(m->L, "unfinished capture");
    if (m->cap[i].len == CAP_POS)
        lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
    return m->cap[i].len;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e) {
    const char *c;
    ptrdiff_t len = get_capture(m, i, s, e, &c);
    if (len != CAP_POS) lua_pushlstring(m->L, c, (size_t)len);
}

/* s == NULL (find): push only explicit captures, not the whole match. */
static int push_captures(Matcher *m, const char *s, const char *e) {
    int i, n = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (i = 0; i < n; i++) push_capture(m, i, s, e);
    return n;
}

/* 1-based start position from a possibly negative init. */
static size_t start_pos(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp) {
    size_t i;
    for (i = 0; i < lp; i++)
        if (p[i] != '\0' && strchr(SPECIALS, p[i])) return 1;
    return 0;
}

/* Naive substring search, compared in slices so that the work is charged
** as it is done (a long needle over a repetitive subject is quadratic). */
#define SLICE 256
static const char *plain_find(Matcher *m, const char *s, size_t ls,
                              const char *p, size_t lp) {
    const char *end;
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    end = s + (ls - lp) + 1;                  /* last start + 1 */
    while (s < end) {
        size_t i, k;
        const char *hit = memchr(s, *p, (size_t)(end - s));
        if (hit == NULL) return NULL;
        spend(m, 1 + (long)((size_t)(hit - s) / SLICE));
        for (i = 1; i < lp; i += k) {
            k = (lp - i < SLICE) ? lp - i : SLICE;
            if (memcmp(hit + i, p + i, k) != 0) break;
            spend(m, 1);
        }
        if (i >= lp) return hit;
        s = hit + 1;
    }
    return NULL;
}

static int find_aux(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    Matcher m;
    if (init > ls) {                          /* starts after the end */
        luaL_pushfail(L);
        return 1;
    }
    init_matcher(&m, L, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit = plain_find(&m, s + init, ls - init, p, lp);
        if (hit) {
            lua_pushinteger(L, (hit - s) + 1);
            lua_pushinteger(L, (hit - s) + (lua_Integer)lp);
            return 2;
        }
    } else {
        const char *at = s + init;
        int anchor = (*p == '^');
        if (anchor) { p++; lp--; m.pat_end = p + lp; }
        do {
            const char *e;
            restart(&m);
            if ((e = do_match(&m, at, p)) != NULL) {
                if (find) {
                    lua_pushinteger(L, (at - s) + 1);
                    lua_pushinteger(L, e - s);
                    return push_captures(&m, NULL, 0) + 2;
                }
                return push_captures(&m, at, e);
            }
        } while (at++ < m.src_end && !anchor);
    }
    luaL_pushfail(L);
    return 1;
}

static int p_find(lua_State *L) { return find_aux(L, 1); }
static int p_match(lua_State *L) { return find_aux(L, 0); }

/* ---- gmatch ---- */

typedef struct {
    Matcher m;
    const char *at;        /* where the next search starts */
    const char *pat;
    const char *last;      /* end of the last match: no empty match there */
} GMatch;

static int gmatch_next(lua_State *L) {
    GMatch *g = (GMatch *)lua_touserdata(L, lua_upvalueindex(3));
    const char *at;
    g->m.L = L;                               /* may resume in a coroutine */
    g->m.left = CHECK_EVERY;                  /* each call is bounded anew */
    g->m.chunks = 0;
    for (at = g->at; at <= g->m.src_end; at++) {
        const char *e;
        restart(&g->m);
        if ((e = do_match(&g->m, at, g->pat)) != NULL && e != g->last) {
            g->at = g->last = e;
            return push_captures(&g->m, at, e);
        }
    }
    return 0;
}

/* No anchor here: a leading '^' would stop the iteration, so it is matched
** literally, as in stock 5.4. */
static int p_gmatch(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    GMatch *g;
    lua_settop(L, 2);                         /* upvalues keep s and p alive */
    g = (GMatch *)lua_newuserdatauv(L, sizeof(GMatch), 0);
    if (init > ls) init = ls + 1;             /* no overflow in s + init */
    init_matcher(&g->m, L, s, ls, p, lp);
    g->at = s + init;
    g->pat = p;
    g->last = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* ---- gsub ---- */

/* Append the replacement string (arg 3) with %0-%9 and %% expanded. Its
** work is charged too: a long template of empty captures adds nothing to
** the result, but costs its length at every match. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s,
                         const char *e) {
    lua_State *L = m->L;
    size_t l;
    const char *r = lua_tolstring(L, 3, &l);
    const char *pc;
    spend(m, 1 + (long)(l / SLICE));
    while ((pc = memchr(r, ESC, l)) != NULL) {
        spend(m, 1);
        luaL_addlstring(b, r, (size_t)(pc - r));
        pc++;                                 /* '\0' ends every Lua string */
        if (*pc == ESC) {
            luaL_addchar(b, ESC);
        } else if (*pc == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)*pc)) {
            const char *c;
            ptrdiff_t len = get_capture(m, *pc - '1', s, e, &c);
            if (len == CAP_POS) luaL_addvalue(b);   /* pushed integer */
            else luaL_addlstring(b, c, (size_t)len);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(pc + 1 - r);
        r = pc + 1;
    }
    luaL_addlstring(b, r, l);
}

/* Append the replacement for match s..e; returns whether it changed text. */
static int add_value(Matcher *m, luaL_Buffer *b, const char *s, const char *e,
                     int tr) {
    lua_State *L = m->L;
    if (tr == LUA_TFUNCTION) {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {              /* nil/false: keep the match */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)",
                          luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int p_gsub(lua_State *L) {
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last = NULL;
    int tr = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    int anchor = (*p == '^');
    lua_Integer n = 0;
    int changed = 0;
    Matcher m;
    luaL_Buffer b;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
                     tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_buffinit(L, &b);
    if (anchor) { p++; lp--; }
    init_matcher(&m, L, src, ls, p, lp);
    while (n < max_n) {
        const char *e;
        restart(&m);
        if ((e = do_match(&m, src, p)) != NULL && e != last) {
            n++;
            changed = add_value(&m, &b, src, e, tr) | changed;
            src = last = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);                  /* unchanged: the same string */
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void ihl_install_patterns(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"find", p_find}, {"match", p_match},
        {"gmatch", p_gmatch}, {"gsub", p_gsub},
        {NULL, NULL}
    };
    luaL_checktype(L, -1, LUA_TTABLE);
    luaL_setfuncs(L, fns, 0);
}
