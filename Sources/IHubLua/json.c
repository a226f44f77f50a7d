/*
** json.c — Lua values <-> JSON text (RFC 8259), for results, host calls and
** ihl_call_global arguments.
**
** Conventions: JSON null is the light userdata `ihub.null` inside arrays,
** absent in objects, nil at top level. Arrays decode to tables carrying a
** shared, protected metatable, so [] survives a round trip; a plain table
** is an array when its keys are exactly 1..n (n >= 1). Strings are encoded
** as UTF-8; invalid bytes become U+FFFD rather than failing the result.
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

/* ---- encoder ---------------------------------------------------------- */

void ihl_json_encode_string(ihl_jbuf *b, const char *str, size_t n) {
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
            jbuf_lit(b, "\xEF\xBF\xBD");  /* U+FFFD for each invalid byte */
            i++;
        }
    }
    jbuf_char(b, '"');
}

static void encode_number(ihl_jbuf *b, lua_State *L, int idx) {
    char tmp[64];
    int len;
    if (lua_isinteger(L, idx)) {
        len = snprintf(tmp, sizeof tmp, LUA_INTEGER_FMT,
                       (LUAI_UACINT)lua_tointeger(L, idx));
    } else {
        lua_Number x = lua_tonumber(L, idx);
        if (x != x || x - x != 0) { jbuf_lit(b, "null"); return; }  /* NaN, inf */
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

/* 0 if the table at idx is not an array, else its length: keys exactly
** the integers 1..n. */
static lua_Integer array_length(lua_State *L, int idx) {
    lua_Integer count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1)) { lua_pop(L, 1); return 0; }
        lua_Integer k = lua_tointeger(L, -1);
        if (k < 1) { lua_pop(L, 1); return 0; }
        if (k > max) max = k;
        count++;
    }
    return count == max ? count : 0;
}

static void encode_value(ihl_jbuf *b, int idx, int depth);

static void encode_table(ihl_jbuf *b, int idx, int depth) {
    lua_State *L = b->L;
    if (depth > MAX_DEPTH)
        luaL_error(L, "cannot encode a table nested too deeply (more than %d "
                   "levels, or a cycle)", MAX_DEPTH);
    luaL_checkstack(L, 4, "cannot encode: nested too deeply");
    lua_Integer n = 0;
    int marked = ihl_json_is_array(L, idx);
    if (marked) n = (lua_Integer)lua_rawlen(L, idx);
    else n = array_length(L, idx);
    if (marked || n > 0) {
        jbuf_char(b, '[');
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) jbuf_char(b, ',');
            lua_rawgeti(L, idx, i);
            encode_value(b, lua_gettop(L), depth + 1);
            lua_pop(L, 1);
        }
        jbuf_char(b, ']');
        return;
    }
    int first = 1;
    jbuf_char(b, '{');
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (!first) jbuf_char(b, ',');
        first = 0;
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t len;
            const char *k = lua_tolstring(L, -2, &len);
            ihl_json_encode_string(b, k, len);
        } else if (lua_isinteger(L, -2)) {
            /* never lua_tolstring on the key: it would confuse lua_next */
            char tmp[32];
            int len = snprintf(tmp, sizeof tmp, "\"" LUA_INTEGER_FMT "\"",
                               (LUAI_UACINT)lua_tointeger(L, -2));
            ihl_jbuf_add(b, tmp, (size_t)len);
        } else {
            luaL_error(L, "cannot encode a table key of type %s",
                       luaL_typename(L, -2));
        }
        jbuf_char(b, ':');
        encode_value(b, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    jbuf_char(b, '}');
}

static void encode_value(ihl_jbuf *b, int idx, int depth) {
    lua_State *L = b->L;
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TNONE: jbuf_lit(b, "null"); break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx)) jbuf_lit(b, "true");
        else jbuf_lit(b, "false");
        break;
    case LUA_TNUMBER: encode_number(b, L, idx); break;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        ihl_json_encode_string(b, s, len);
        break;
    case LUA_TTABLE: encode_table(b, idx, depth); break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == ihl_json_null()) { jbuf_lit(b, "null"); break; }
        /* FALLTHROUGH */
    default:  /* functions, userdata, threads: their tostring text */
        s = luaL_tolstring(L, idx, &len);
        ihl_json_encode_string(b, s, len);
        lua_pop(L, 1);
        break;
    }
}

void ihl_json_encode(ihl_jbuf *b, int idx) {
    encode_value(b, lua_absindex(b->L, idx), 0);
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
