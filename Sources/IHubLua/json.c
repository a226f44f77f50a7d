/*
** json.c — JSON text -> Lua values (RFC 8259), for host results and
** ihl_call_global arguments; UTF-8 checks, ihub.null and the array
** metatable. The other direction is encode.c.
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

#include "sandbox_internal.h"
#include "shim_internal.h"

/* Arguments are decoded inside the evaluation's budget: it is checked every
** few thousand values (one count over the whole document) and per 64 KiB
** of a string. */
#define CHECK_MASK 4095
#define STRING_STEP ((size_t)1 << 16)


/* Addresses used as unique keys; never written. */
static const char null_tag = 0;
static const char array_mt_key = 0;

void *ihl_json_null(void) { return (void *)&null_tag; }

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is
** invalid: overlong forms, surrogates and code points past U+10FFFF too. */
size_t ihl_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp) {
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

/* The offset of the first invalid UTF-8 byte of s, or n when it is valid. */
size_t ihl_utf8_invalid_at(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    unsigned long cp;
    while (i < n) {
        if (s[i] < 0x80) { i++; continue; }
        size_t len = ihl_utf8_seq(s + i, n - i, &cp);
        if (len == 0) return i;
        i += len;
    }
    return n;
}

/* ---- decoder ---------------------------------------------------------- */

typedef struct {
    lua_State *L;
    const char *s, *p, *end;
    int depth;
    size_t work;  /* values read: the budget is checked on this one count */
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
    for (;;) {
        const char *stop = (size_t)(d->end - q) > STRING_STEP ? q + STRING_STEP : d->end;
        while (q < stop && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
               (unsigned char)*q < 0x80)
            q++;
        if (q < stop || q == d->end) break;
        ihl_check_budget(d->L);
    }
    if (q < d->end && *q == '"') {
        lua_pushlstring(d->L, start, (size_t)(q - start));
        d->p = q + 1;
        return;
    }
    luaL_Buffer B;
    luaL_buffinit(d->L, &B);
    for (size_t steps = 1;; steps++) {
        if ((steps & (STRING_STEP - 1)) == 0) ihl_check_budget(d->L);
        if (d->p >= d->end) dec_fail(d, d->p, "unterminated string");
        unsigned char c = (unsigned char)*d->p;
        if (c == '"') { d->p++; break; }
        if (c < 0x20) dec_fail(d, d->p, "control character in string");
        if (c >= 0x80) {
            unsigned long cp;
            size_t len = ihl_utf8_seq((const unsigned char *)d->p,
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
    if ((++d->work & CHECK_MASK) == 0) ihl_check_budget(d->L);
    skip_ws(d);
    if (d->p >= d->end) dec_fail(d, d->p, "unexpected end of input");
    switch (*d->p) {
    case '{': case '[': {
        int arr = *d->p == '[';
        if (++d->depth > IHL_JSON_MAX_DEPTH) dec_fail(d, d->p, "nested too deeply");
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
    jdec d = {L, s, s, s + n, 0, 0};
    dec_value(&d);
    skip_ws(&d);
    if (d.p < d.end) dec_fail(&d, d.p, "unexpected text after the value");
}

/* ---- the array metatable ---------------------------------------------- */

int ihl_json_is_array(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}


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
