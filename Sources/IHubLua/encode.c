/*
** encode.c — Lua values -> JSON text, for results, the parameters of ihub.*
** calls and the checks of hook results (__ihub_json_check).
**
** Conventions as in json.c: ihub.null and nil are null, a table whose keys
** are exactly 1..n (n >= 1) or that carries the array metatable is an array,
** other tables are objects (integer keys written as their decimal text).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox_internal.h"
#include "shim_internal.h"

/* Results are converted inside the evaluation's budget: the loops over
** elements and bytes check it every few thousand steps. */
#define CHECK_MASK 4095
#define STRING_STEP ((size_t)1 << 16)


/* ---- the buffer ------------------------------------------------------- */

void ihl_jbuf_init(lua_State *L, ihl_jbuf *b) {
    b->L = L;
    b->cap = 256;
    b->n = 0;
    b->work = 0;
    b->p = lua_newuserdatauv(L, b->cap, 0);
    b->idx = lua_gettop(L);
}

/* Grows by doubling into a new userdata that replaces the old one in its
** stack slot; the old one is garbage. The allocator counts both. */
static void jbuf_reserve(ihl_jbuf *b, size_t extra) {
    if (b->cap - b->n >= extra) return;
    size_t cap = b->cap;
    while (cap - b->n < extra) {
        if (cap > ((size_t)-1) / 2) luaL_error(b->L, "JSON text too large");
        cap *= 2;
    }
    char *p = lua_newuserdatauv(b->L, cap, 0);
    memcpy(p, b->p, b->n);
    lua_replace(b->L, b->idx);
    b->p = p;
    b->cap = cap;
}

void ihl_jbuf_add(ihl_jbuf *b, const char *s, size_t n) {
    jbuf_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void jbuf_char(ihl_jbuf *b, char c) {
    jbuf_reserve(b, 1);
    b->p[b->n++] = c;
}

/* One step of the conversion: a value, or a character that needs escaping.
** One count over the whole value, so a result of many small tables (or one
** table shared many times) is checked as often as one large one. */
static void tick(ihl_jbuf *b) {
    if ((++b->work & CHECK_MASK) == 0) ihl_check_budget(b->L);
}

#define jbuf_lit(b, s) ihl_jbuf_add((b), "" s, sizeof(s) - 1)

/* ---- encoder ----------------------------------------------------------
** Strict: a value JSON cannot hold exactly (a function, NaN, invalid UTF-8,
** keys that collide once converted to strings...) is an error naming its
** place, never a null, a U+FFFD or a dropped member. */

/* Where the encoder is: a chain from the value being encoded up to the
** root, for messages ("params.schools[2].name"). Keys are Lua strings on
** the stack below, alive while their node is. */
typedef struct jpath {
    const struct jpath *up;
    const char *key;       /* a member's key, or NULL for an array element */
    size_t klen;
    lua_Integer index;     /* an element's index in the JSON array, from 0 */
    char num[24];          /* the text of an integer key */
} jpath;

typedef struct {
    ihl_jbuf *b;
    const char *root;      /* what the top-level value is, e.g. "params" */
} jenc;

/* Pushes the root and path of p, e.g. "params.schools[2]". */
static void push_path(lua_State *L, const jenc *e, const jpath *p) {
    const jpath *chain[IHL_JSON_MAX_DEPTH + 2];
    int n = 0;
    for (; p != NULL && n < IHL_JSON_MAX_DEPTH + 2; p = p->up) chain[n++] = p;
    luaL_Buffer B;
    luaL_buffinit(L, &B);
    luaL_addstring(&B, e->root);
    for (int i = n - 1; i >= 0; i--) {
        const jpath *q = chain[i];
        char tmp[48];
        if (n > 10 && i == n - 5) {  /* deep (a cycle?): the ends tell enough */
            luaL_addstring(&B, "...");
            i = 5;
            continue;
        }
        if (q->key == NULL) {
            snprintf(tmp, sizeof tmp, "[" LUA_INTEGER_FMT "]", (LUAI_UACINT)q->index);
            luaL_addstring(&B, tmp);
            continue;
        }
        int ident = q->klen > 0 && q->klen <= 40 &&
                    !(q->key[0] >= '0' && q->key[0] <= '9');
        for (size_t k = 0; ident && k < q->klen; k++) {
            unsigned char c = (unsigned char)q->key[k];
            ident = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');
        }
        if (ident) {
            luaL_addchar(&B, '.');
            luaL_addlstring(&B, q->key, q->klen);
        } else {  /* quoted, cut short, bytes past ASCII printable as \ddd */
            luaL_addstring(&B, "[\"");
            for (size_t k = 0; k < q->klen && k < 40; k++) {
                unsigned char c = (unsigned char)q->key[k];
                if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') luaL_addchar(&B, (char)c);
                else { snprintf(tmp, sizeof tmp, "\\%u", c); luaL_addstring(&B, tmp); }
            }
            luaL_addstring(&B, q->klen > 40 ? "...\"]" : "\"]");
        }
    }
    luaL_pushresult(&B);
}

/* Raises "<root><path> <what>". */
static int enc_fail(const jenc *e, const jpath *p, const char *what) {
    lua_State *L = e->b->L;
    push_path(L, e, p);
    return luaL_error(L, "%s %s", lua_tostring(L, -1), what);
}

/* Appends s as a JSON string; returns the offset of the first invalid
** UTF-8 byte (leaving the buffer half-written) or n when all went in. */
static size_t encode_string(ihl_jbuf *b, const char *str, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    jbuf_char(b, '"');
    while (i < n) {
        size_t run = i, stop = n - i > STRING_STEP ? i + STRING_STEP : n;
        while (run < stop && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
               s[run] != '\\')
            run++;  /* plain ASCII goes in one copy */
        if (run - i == STRING_STEP) ihl_check_budget(b->L);
        if (run > i) { ihl_jbuf_add(b, str + i, run - i); i = run; continue; }
        tick(b);
        unsigned char c = s[i];
        unsigned long cp;
        size_t len;
        switch (c) {
        case '"': jbuf_lit(b, "\\\""); i++; continue;
        case '\\': jbuf_lit(b, "\\\\"); i++; continue;
        case '\b': jbuf_lit(b, "\\b"); i++; continue;
        case '\f': jbuf_lit(b, "\\f"); i++; continue;
        case '\n': jbuf_lit(b, "\\n"); i++; continue;
        case '\r': jbuf_lit(b, "\\r"); i++; continue;
        case '\t': jbuf_lit(b, "\\t"); i++; continue;
        default: break;
        }
        if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ihl_jbuf_add(b, esc, 6);
            i++;
        } else if ((len = ihl_utf8_seq(s + i, n - i, &cp)) > 0) {
            ihl_jbuf_add(b, str + i, len);
            i += len;
        } else {
            return i;
        }
    }
    jbuf_char(b, '"');
    return n;
}

void ihl_json_encode_string(ihl_jbuf *b, const char *s, size_t n) {
    if (encode_string(b, s, n) != n)
        luaL_error(b->L, "cannot convert text to JSON: it is not valid UTF-8");
}

static void string_value(const jenc *e, const jpath *p, const char *s, size_t n) {
    size_t at = encode_string(e->b, s, n);
    if (at != n) {
        char what[96];
        snprintf(what, sizeof what, "is not valid UTF-8 text (byte %zu is 0x%02x); JSON "
                 "strings are Unicode", at + 1, (unsigned)(unsigned char)s[at]);
        enc_fail(e, p, what);
    }
}

static void encode_number(const jenc *e, const jpath *p, int idx) {
    ihl_jbuf *b = e->b;
    lua_State *L = b->L;
    char tmp[64];
    int len;
    if (lua_isinteger(L, idx)) {
        len = snprintf(tmp, sizeof tmp, LUA_INTEGER_FMT,
                       (LUAI_UACINT)lua_tointeger(L, idx));
    } else {
        lua_Number x = lua_tonumber(L, idx);
        if (x != x) enc_fail(e, p, "is NaN; JSON has no NaN (use nil to leave a value out)");
        if (x - x != 0)
            enc_fail(e, p, x > 0 ? "is inf (infinity); JSON has no infinities"
                                 : "is -inf (minus infinity); JSON has no infinities");
        /* the shortest of %.15g..%.17g that reads back exactly */
        for (int prec = 15; prec <= 17; prec++) {
            len = snprintf(tmp, sizeof tmp, "%.*g", prec, (double)x);
            if (strtod(tmp, NULL) == (double)x) break;
        }
        for (int i = 0; i < len; i++)  /* a locale with a decimal comma */
            if (tmp[i] == ',') tmp[i] = '.';
    }
    ihl_jbuf_add(b, tmp, (size_t)len);
}

/* The largest key of the table at idx when all its keys are positive
** integers, else 0; *count receives how many keys it has. */
static lua_Integer max_index(lua_State *L, int idx, lua_Integer *count) {
    lua_Integer max = 0;
    *count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if ((++*count & CHECK_MASK) == 0) ihl_check_budget(L);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return 0;
        }
        lua_Integer k = lua_tointeger(L, -1);
        if (k > max) max = k;
    }
    return max;
}

static void encode_value(const jenc *e, const jpath *p, int idx, int depth);

/* An ihub.array (marked): elements 1..n, where n is its largest key, so a
** nil inside (a hole) is a null and never cuts the rest off. Other keys
** would be lost: an error. */
static void encode_marked(const jenc *e, const jpath *p, int idx, int depth) {
    lua_State *L = e->b->L;
    lua_Integer count;
    lua_Integer n = max_index(L, idx, &count);
    if (n == 0 && count > 0)
        enc_fail(e, p, "is an ihub.array with a key that is not a positive integer; "
                 "arrays have only the keys 1..n");
    if (n > count && n - count > (lua_Integer)1 << 20)
        enc_fail(e, p, "is an ihub.array too sparse to write out (over a million holes)");
    jbuf_char(e->b, '[');
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) jbuf_char(e->b, ',');
        jpath here = {p, NULL, 0, i - 1, ""};
        lua_rawgeti(L, idx, i);
        if (lua_isnil(L, -1)) jbuf_lit(e->b, "null");
        else encode_value(e, &here, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    jbuf_char(e->b, ']');
}

/* One member key: a string, or an integer written as its decimal text,
** which must not be a string key of the same table too ({[1]=.., ["1"]=..}
** would keep only one of them). */
static void encode_key(const jenc *e, const jpath *p, int idx, jpath *here) {
    lua_State *L = e->b->L;
    if (lua_type(L, -2) == LUA_TSTRING) {
        size_t len;
        const char *k = lua_tolstring(L, -2, &len);
        here->key = k;
        here->klen = len;
        if (encode_string(e->b, k, len) != len)
            enc_fail(e, p, "has a key that is not valid UTF-8 text; JSON keys are Unicode");
    } else if (lua_isinteger(L, -2)) {
        /* never lua_tolstring on the key: it would confuse lua_next */
        char *tmp = here->num;
        lua_Integer k = lua_tointeger(L, -2);
        int len = snprintf(tmp, sizeof here->num, LUA_INTEGER_FMT, (LUAI_UACINT)k);
        here->key = tmp;
        here->klen = (size_t)len;
        lua_pushlstring(L, tmp, (size_t)len);
        if (lua_rawget(L, idx) != LUA_TNIL) {
            char what[120];
            snprintf(what, sizeof what, "has the keys %s and \"%s\", which are one key in "
                     "JSON; use one of them", tmp, tmp);
            enc_fail(e, p, what);
        }
        lua_pop(L, 1);
        jbuf_char(e->b, '"');
        ihl_jbuf_add(e->b, tmp, (size_t)len);
        jbuf_char(e->b, '"');
    } else {
        char what[120];
        if (lua_type(L, -2) == LUA_TNUMBER)
            snprintf(what, sizeof what, "has the key %.14g; JSON keys are strings (or "
                     "integers, written as text)", (double)lua_tonumber(L, -2));
        else
            snprintf(what, sizeof what, "has a key of type %s; JSON keys are strings",
                     luaL_typename(L, -2));
        enc_fail(e, p, what);
    }
}

static void encode_table(const jenc *e, const jpath *p, int idx, int depth) {
    lua_State *L = e->b->L;
    if (depth > IHL_JSON_MAX_DEPTH)
        enc_fail(e, p, "is nested too deeply (more than 100 levels, or a cycle)");
    luaL_checkstack(L, 6, "cannot encode: nested too deeply");
    if (ihl_json_is_array(L, idx)) { encode_marked(e, p, idx, depth); return; }
    lua_Integer count;
    lua_Integer n = max_index(L, idx, &count);
    if (n > 0 && n == count) {  /* keys exactly 1..n: an array */
        jbuf_char(e->b, '[');
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) jbuf_char(e->b, ',');
            jpath here = {p, NULL, 0, i - 1, ""};
            lua_rawgeti(L, idx, i);
            encode_value(e, &here, lua_gettop(L), depth + 1);
            lua_pop(L, 1);
        }
        jbuf_char(e->b, ']');
        return;
    }
    lua_Integer members = 0;
    jbuf_char(e->b, '{');
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (members > 0) jbuf_char(e->b, ',');
        members++;
        jpath here = {p, NULL, 0, 0, ""};
        encode_key(e, p, idx, &here);
        jbuf_char(e->b, ':');
        encode_value(e, &here, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    jbuf_char(e->b, '}');
}

static void encode_value(const jenc *e, const jpath *p, int idx, int depth) {
    lua_State *L = e->b->L;
    size_t len;
    const char *s;
    tick(e->b);
    switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TNONE: jbuf_lit(e->b, "null"); break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx)) jbuf_lit(e->b, "true");
        else jbuf_lit(e->b, "false");
        break;
    case LUA_TNUMBER: encode_number(e, p, idx); break;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        string_value(e, p, s, len);
        break;
    case LUA_TTABLE: encode_table(e, p, idx, depth); break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == ihl_json_null()) { jbuf_lit(e->b, "null"); break; }
        /* FALLTHROUGH */
    default: {  /* functions, userdata, threads */
        char what[80];
        snprintf(what, sizeof what, "is a %s; JSON holds only nil, booleans, numbers, "
                 "strings and tables", luaL_typename(L, idx));
        enc_fail(e, p, what);
    }
    }
}

void ihl_json_encode(ihl_jbuf *b, int idx, const char *root) {
    jenc e = {b, root != NULL ? root : "the value"};
    encode_value(&e, NULL, lua_absindex(b->L, idx), 0);
}

/* __ihub_json_check(value, root): nil when the value converts to JSON,
** else the message ("<root>.x[2] is NaN; ..."). For ihub's own helpers,
** which name the hook and the subject around it. */
static int p_check(lua_State *L) {
    ihl_jbuf b;
    ihl_jbuf_init(L, &b);
    ihl_json_encode(&b, 1, lua_tostring(L, 2));
    return 0;
}

int ihl_json_check(lua_State *L) {
    luaL_checkany(L, 1);
    lua_settop(L, 2);
    if (!lua_isstring(L, 2)) {
        lua_pushliteral(L, "the value");
        lua_replace(L, 2);
    }
    lua_pushcfunction(L, p_check);
    lua_insert(L, 1);
    int st = lua_pcall(L, 2, 0, 0);
    if (st == LUA_OK) return 0;
    /* memory or time: not the value's fault, and not to be swallowed */
    if (st != LUA_ERRRUN || atomic_load(&ihl_from(L)->expired)) return lua_error(L);
    return 1;
}
