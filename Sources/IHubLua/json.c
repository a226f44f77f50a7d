/*
** json.c — Lua values <-> JSON text (RFC 8259), for results, host calls and
** ihl_call_global arguments.
**
** Conventions: JSON null is the light userdata `ihub.null` inside arrays,
** absent in objects, nil at top level. Arrays decode to tables carrying a
** shared, protected metatable, so [] survives a round trip; a plain table
** is an array when its keys are exactly 1..n (n >= 1). Encoding is strict:
** what JSON cannot hold exactly is an error naming its place (see below).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "shim_internal.h"

#define MAX_DEPTH 100

/* Addresses used as unique keys; never written. */
static const char null_tag = 0;
static const char array_mt_key = 0;

void *ihl_json_null(void) { return (void *)&null_tag; }

/* ---- the buffer ------------------------------------------------------- */

void ihl_jbuf_init(lua_State *L, ihl_jbuf *b) {
    b->L = L;
    b->cap = 256;
    b->n = 0;
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

#define jbuf_lit(b, s) ihl_jbuf_add((b), "" s, sizeof(s) - 1)

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is
** invalid: overlong forms, surrogates and code points past U+10FFFF too. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp) {
    unsigned c = s[0];
    size_t len;
    unsigned long v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

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
    const jpath *chain[MAX_DEPTH + 2];
    int n = 0;
    for (; p != NULL && n < MAX_DEPTH + 2; p = p->up) chain[n++] = p;
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

/* The offset of the first invalid UTF-8 byte of s, or n when it is valid. */
size_t ihl_utf8_invalid_at(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    unsigned long cp;
    while (i < n) {
        if (s[i] < 0x80) { i++; continue; }
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) return i;
        i += len;
    }
    return n;
}

/* Appends s as a JSON string; returns the offset of the first invalid
** UTF-8 byte (leaving the buffer half-written) or n when all went in. */
static size_t encode_string(ihl_jbuf *b, const char *str, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    jbuf_char(b, '"');
    while (i < n) {
        size_t run = i;  /* copy plain ASCII in one go */
        while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
               s[run] != '\\')
            run++;
        if (run > i) { ihl_jbuf_add(b, str + i, run - i); i = run; continue; }
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
        } else if ((len = utf8_seq(s + i, n - i, &cp)) > 0) {
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

int ihl_json_is_array(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

/* The largest key of the table at idx when all its keys are positive
** integers, else 0; *count receives how many keys it has. */
static lua_Integer max_index(lua_State *L, int idx, lua_Integer *count) {
    lua_Integer max = 0;
    *count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        (*count)++;
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
    if (depth > MAX_DEPTH)
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
    int first = 1;
    jbuf_char(e->b, '{');
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (!first) jbuf_char(e->b, ',');
        first = 0;
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

/* ---- decoder ---------------------------------------------------------- */

typedef struct {
    lua_State *L;
    const char *s, *p, *end;
    int depth;
} jdec;

static int dec_fail(jdec *d, const char *at, const char *what) {
    int line = 1;
    const char *bol = d->s;
    for (const char *q = d->s; q < at; q++)
        if (*q == '\n') { line++; bol = q + 1; }
    return luaL_error(d->L, "JSON at line %d column %d: %s", line,
                      (int)(at - bol) + 1, what);
}

static void skip_ws(jdec *d) {
    while (d->p < d->end &&
           (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r'))
        d->p++;
}

static void dec_value(jdec *d);

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static unsigned long dec_u4(jdec *d, const char *at) {
    unsigned long v = 0;
    if (d->end - d->p < 4) dec_fail(d, at, "invalid \\u escape");
    for (int i = 0; i < 4; i++) {
        int h = hexval((unsigned char)d->p[i]);
        if (h < 0) dec_fail(d, at, "invalid \\u escape");
        v = (v << 4) | (unsigned long)h;
    }
    d->p += 4;
    return v;
}

static void add_utf8(luaL_Buffer *B, unsigned long cp) {
    static const unsigned char lead[] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    char u[4];
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (int i = n - 1; i > 0; i--) {
        u[i] = (char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    u[0] = (char)(lead[n] | cp);
    luaL_addlstring(B, u, (size_t)n);
}

/* Pushes the string starting after the opening quote at d->p. The buffer
** is used in one balanced stretch, as luaL_Buffer requires. */
static void dec_string(jdec *d) {
    const char *start = d->p;
    const char *q = d->p;
    /* fast path: no escapes */
    while (q < d->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
           (unsigned char)*q < 0x80)
        q++;
    if (q < d->end && *q == '"') {
        lua_pushlstring(d->L, start, (size_t)(q - start));
        d->p = q + 1;
        return;
    }
    luaL_Buffer B;
    luaL_buffinit(d->L, &B);
    for (;;) {
        if (d->p >= d->end) dec_fail(d, d->p, "unterminated string");
        unsigned char c = (unsigned char)*d->p;
        if (c == '"') { d->p++; break; }
        if (c < 0x20) dec_fail(d, d->p, "control character in string");
        if (c >= 0x80) {
            unsigned long cp;
            size_t len = utf8_seq((const unsigned char *)d->p,
                                  (size_t)(d->end - d->p), &cp);
            if (len == 0) dec_fail(d, d->p, "invalid UTF-8 in string");
            luaL_addlstring(&B, d->p, len);
            d->p += len;
            continue;
        }
        if (c != '\\') { luaL_addchar(&B, (char)c); d->p++; continue; }
        const char *esc = d->p++;
        if (d->p >= d->end) dec_fail(d, esc, "unterminated string");
        switch (*d->p++) {
        case '"': luaL_addchar(&B, '"'); break;
        case '\\': luaL_addchar(&B, '\\'); break;
        case '/': luaL_addchar(&B, '/'); break;
        case 'b': luaL_addchar(&B, '\b'); break;
        case 'f': luaL_addchar(&B, '\f'); break;
        case 'n': luaL_addchar(&B, '\n'); break;
        case 'r': luaL_addchar(&B, '\r'); break;
        case 't': luaL_addchar(&B, '\t'); break;
        case 'u': {
            unsigned long cp = dec_u4(d, esc);
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                dec_fail(d, esc, "lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (d->end - d->p < 2 || d->p[0] != '\\' || d->p[1] != 'u')
                    dec_fail(d, esc, "lone high surrogate in \\u escape");
                d->p += 2;
                unsigned long lo = dec_u4(d, esc);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    dec_fail(d, esc, "lone high surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            add_utf8(&B, cp);
            break;
        }
        default: dec_fail(d, esc, "invalid escape in string");
        }
    }
    luaL_pushresult(&B);
}

static void dec_number(jdec *d) {
    const char *start = d->p, *p = d->p;
#define DIGITS(p) while (p < d->end && *p >= '0' && *p <= '9') p++
    if (p < d->end && *p == '-') p++;
    if (p < d->end && *p == '0') p++;
    else if (p < d->end && *p >= '1' && *p <= '9') { DIGITS(p); }
    else dec_fail(d, start, "invalid number");
    if (p < d->end && *p == '.') {
        const char *f = ++p;
        DIGITS(p);
        if (p == f) dec_fail(d, start, "invalid number");
    }
    if (p < d->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < d->end && (*p == '+' || *p == '-')) p++;
        const char *e = p;
        DIGITS(p);
        if (p == e) dec_fail(d, start, "invalid number");
    }
#undef DIGITS
    /* lua_stringtonumber gives integers when they fit, floats otherwise,
    ** and copes with the locale; it needs a NUL-terminated copy. */
    size_t len = (size_t)(p - start);
    char tmp[64];
    const char *text = tmp;
    if (len < sizeof tmp) {
        memcpy(tmp, start, len);
        tmp[len] = '\0';
    } else {
        text = lua_pushlstring(d->L, start, len);
    }
    if (lua_stringtonumber(d->L, text) == 0) dec_fail(d, start, "invalid number");
    if (text != tmp) lua_remove(d->L, -2);
    d->p = p;
}

static void dec_literal(jdec *d, const char *word, size_t n) {
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0)
        dec_fail(d, d->p, "unexpected character");
    d->p += n;
}

static void dec_array(jdec *d) {
    lua_State *L = d->L;
    lua_Integer i = 0;
    lua_newtable(L);
    ihl_json_mark_array(L, -1);
    skip_ws(d);
    if (d->p < d->end && *d->p == ']') { d->p++; return; }
    for (;;) {
        dec_value(d);
        if (lua_isnil(L, -1)) {  /* null inside an array: keep the slot */
            lua_pop(L, 1);
            lua_pushlightuserdata(L, ihl_json_null());
        }
        lua_rawseti(L, -2, ++i);
        skip_ws(d);
        if (d->p >= d->end) dec_fail(d, d->p, "unexpected end of input in array");
        if (*d->p == ',') { d->p++; continue; }
        if (*d->p == ']') { d->p++; return; }
        dec_fail(d, d->p, "expected ',' or ']'");
    }
}

static void dec_object(jdec *d) {
    lua_State *L = d->L;
    lua_newtable(L);
    skip_ws(d);
    if (d->p < d->end && *d->p == '}') { d->p++; return; }
    for (;;) {
        skip_ws(d);
        if (d->p >= d->end) dec_fail(d, d->p, "unexpected end of input in object");
        if (*d->p != '"') dec_fail(d, d->p, "expected a string key");
        d->p++;
        dec_string(d);
        skip_ws(d);
        if (d->p >= d->end || *d->p != ':') dec_fail(d, d->p, "expected ':'");
        d->p++;
        dec_value(d);
        if (lua_isnil(L, -1)) lua_pop(L, 2);  /* null member: absent */
        else lua_rawset(L, -3);
        skip_ws(d);
        if (d->p >= d->end) dec_fail(d, d->p, "unexpected end of input in object");
        if (*d->p == ',') { d->p++; continue; }
        if (*d->p == '}') { d->p++; return; }
        dec_fail(d, d->p, "expected ',' or '}'");
    }
}

/* Pushes one value; null pushes nil (the caller decides what it means). */
static void dec_value(jdec *d) {
    skip_ws(d);
    if (d->p >= d->end) dec_fail(d, d->p, "unexpected end of input");
    switch (*d->p) {
    case '{': case '[': {
        int arr = *d->p == '[';
        if (++d->depth > MAX_DEPTH) dec_fail(d, d->p, "nested too deeply");
        luaL_checkstack(d->L, 4, "JSON nested too deeply");
        d->p++;
        if (arr) dec_array(d); else dec_object(d);
        d->depth--;
        break;
    }
    case '"': d->p++; dec_string(d); break;
    case 't': dec_literal(d, "true", 4); lua_pushboolean(d->L, 1); break;
    case 'f': dec_literal(d, "false", 5); lua_pushboolean(d->L, 0); break;
    case 'n': dec_literal(d, "null", 4); lua_pushnil(d->L); break;
    default:
        if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) dec_number(d);
        else dec_fail(d, d->p, "unexpected character");
    }
}

void ihl_json_decode(lua_State *L, const char *s, size_t n) {
    jdec d = {L, s, s, s + n, 0};
    dec_value(&d);
    skip_ws(&d);
    if (d.p < d.end) dec_fail(&d, d.p, "unexpected text after the value");
}

/* ---- the array metatable ---------------------------------------------- */

void ihl_json_open(lua_State *L) {
    lua_createtable(L, 0, 1);
    /* Protected, so scripts can neither edit it (a __gc added later would
    ** mark every new array for finalization) nor detach it. */
    lua_pushliteral(L, "ihub.array");
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &array_mt_key);
}

void ihl_json_mark_array(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
    lua_setmetatable(L, idx);
}
