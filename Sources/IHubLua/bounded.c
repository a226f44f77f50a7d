/*
** bounded.c — library functions whose cost grows with their input, redone
** to check the time budget as they go.
**
** No hook fires inside a C function, so one stock call over a large input
** (string.format("%q", s) of a 40 MB string, load of "a and a and ...")
** would run to its end, seconds past the deadline. These do the same work
** in steps and call ihl_check_budget between them (one atomic load), so the
** call ends a few milliseconds after the deadline: load, string.format,
** rep (libs.c checks its memory first), upper, lower, reverse, pack,
** packsize, unpack, utf8.len, offset, codes, and tonumber with a base.
** Results and messages are Lua 5.4's: the code follows lstrlib.c,
** lutf8lib.c and lbaselib.c of Lua 5.4.4 (Copyright (C) 1994-2022 Lua.org,
** PUC-Rio; MIT license).
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <stddef.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "sandbox_internal.h"

/* Bytes a loop handles between two budget checks: well under a millisecond
** of work for the slowest of these loops. */
#define STEP ((size_t)1 << 16)

#define uchar(c) ((unsigned char)(c))

/* ---- load ----------------------------------------------------------------
** The parser runs in C, and some sources cost more than their length:
** "a and a and ..." walks a growing jump list for every operand, so a few
** megabytes take minutes. The reader hands the text to the parser in pieces
** and checks the budget between them; it sizes the pieces so that each
** takes about a millisecond to parse. */

typedef struct {
    const char *s;
    size_t left, piece;
    struct timespec last;
} text_reader;

static double ms_since(struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
    *t = now;
    return ms;
}

static const char *read_piece(lua_State *L, void *ud, size_t *size) {
    text_reader *r = ud;
    ihl_check_budget(L);  /* an error here ends lua_load; ihl_load_text raises it again */
    if (r->left == 0) return NULL;
    double ms = ms_since(&r->last);
    if (ms > 1.0) r->piece = r->piece > 8 ? r->piece / 8 : 1;
    else if (ms < 0.25 && r->piece < STEP) r->piece *= 2;
    const char *p = r->s;
    *size = r->left < r->piece ? r->left : r->piece;
    r->s += *size;
    r->left -= *size;
    return p;
}

int ihl_load_text(lua_State *L, const char *s, size_t len, const char *name) {
    text_reader r = {s, len, 4096, {0, 0}};
    ms_since(&r.last);
    int status = lua_load(L, read_piece, &r, name, "t");
    ihl_check_budget(L);  /* a spent budget is the time error, not a load error */
    return status;
}

/* ---- string.rep, upper, lower, reverse ------------------------------------ */

/* As lstrlib.c: results are at most INT_MAX bytes. */
#define MAXSIZE ((size_t)INT_MAX)

/* string.rep (libs.c checks its memory first), by copying the part already
** built: a few large copies instead of one per unit, checking between. */
int ihl_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || l + lsep > MAXSIZE / (lua_Unsigned)n)
        return luaL_error(L, "resulting string too large");
    size_t unit = l + lsep;
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, total + lsep);  /* + a last separator */
    memcpy(p, s, l);
    memcpy(p + l, sep, lsep);
    /* The result repeats with period `unit`: a copy from a whole number of
    ** units back continues it. */
    for (size_t done = unit; done < total;) {
        size_t back = done - done % unit;
        size_t k = total - done < back ? total - done : back;
        if (k > STEP) k = STEP;
        memcpy(p + done, p + done - back, k);
        done += k;
        ihl_check_budget(L);
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

/* upper, lower, reverse: as lstrlib.c, one STEP at a time. */
enum { UPPER, LOWER, REVERSE };

static int map_bytes(lua_State *L, int how) {
    size_t l;
    luaL_Buffer b;
    const char *s = luaL_checklstring(L, 1, &l);
    char *p = luaL_buffinitsize(L, &b, l);
    for (size_t i = 0; i < l;) {
        size_t end = l - i > STEP ? i + STEP : l;
        if (i > 0) ihl_check_budget(L);
        if (how == UPPER) for (; i < end; i++) p[i] = (char)toupper(uchar(s[i]));
        else if (how == LOWER) for (; i < end; i++) p[i] = (char)tolower(uchar(s[i]));
        else for (; i < end; i++) p[i] = s[l - i - 1];
    }
    luaL_pushresultsize(&b, l);
    return 1;
}

static int sb_upper(lua_State *L) { return map_bytes(L, UPPER); }
static int sb_lower(lua_State *L) { return map_bytes(L, LOWER); }
static int sb_reverse(lua_State *L) { return map_bytes(L, REVERSE); }

/* ---- string.format (lstrlib.c) ------------------------------------------- */

#define L_ESC '%'
#define MAX_ITEMF (110 + l_floatatt(MAX_10_EXP))
#define MAX_ITEM 120
#define L_FMTFLAGSF "-+#0 "
#define L_FMTFLAGSX "-#0"
#define L_FMTFLAGSI "-+0 "
#define L_FMTFLAGSU "-0"
#define L_FMTFLAGSC "-"
#define MAX_FORMAT 32

static void addquoted(luaL_Buffer *b, const char *s, size_t len) {
    luaL_addchar(b, '"');
    for (size_t i = 1; len--; i++) {
        if (*s == '"' || *s == '\\' || *s == '\n') {
            luaL_addchar(b, '\\');
            luaL_addchar(b, *s);
        } else if (iscntrl(uchar(*s))) {
            char buff[10];
            if (!isdigit(uchar(*(s + 1))))
                l_sprintf(buff, sizeof(buff), "\\%d", (int)uchar(*s));
            else
                l_sprintf(buff, sizeof(buff), "\\%03d", (int)uchar(*s));
            luaL_addstring(b, buff);
        } else {
            luaL_addchar(b, *s);
        }
        s++;
        if ((i & (STEP - 1)) == 0) ihl_check_budget(b->L);
    }
    luaL_addchar(b, '"');
}

static int quotefloat(lua_State *L, char *buff, lua_Number n) {
    const char *s;
    if (n == (lua_Number)HUGE_VAL) s = "1e9999";
    else if (n == -(lua_Number)HUGE_VAL) s = "-1e9999";
    else if (n != n) s = "(0/0)";
    else {
        int nb = lua_number2strx(L, buff, MAX_ITEM, "%" LUA_NUMBER_FRMLEN "a", n);
        if (memchr(buff, '.', nb) == NULL) {
            char point = lua_getlocaledecpoint();
            char *ppoint = (char *)memchr(buff, point, nb);
            if (ppoint) *ppoint = '.';
        }
        return nb;
    }
    return l_sprintf(buff, MAX_ITEM, "%s", s);
}

static void addliteral(lua_State *L, luaL_Buffer *b, int arg) {
    switch (lua_type(L, arg)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, arg, &len);
        addquoted(b, s, len);
        break;
    }
    case LUA_TNUMBER: {
        char *buff = luaL_prepbuffsize(b, MAX_ITEM);
        int nb;
        if (!lua_isinteger(L, arg)) {
            nb = quotefloat(L, buff, lua_tonumber(L, arg));
        } else {
            lua_Integer n = lua_tointeger(L, arg);
            const char *format = (n == LUA_MININTEGER) ? "0x%" LUA_INTEGER_FRMLEN "x"
                                                       : LUA_INTEGER_FMT;
            nb = l_sprintf(buff, MAX_ITEM, format, (LUAI_UACINT)n);
        }
        luaL_addsize(b, nb);
        break;
    }
    case LUA_TNIL: case LUA_TBOOLEAN:
        luaL_tolstring(L, arg, NULL);
        luaL_addvalue(b);
        break;
    default:
        luaL_argerror(L, arg, "value has no literal form");
    }
}

static const char *get2digits(const char *s) {
    if (isdigit(uchar(*s))) {
        s++;
        if (isdigit(uchar(*s))) s++;
    }
    return s;
}

static void checkformat(lua_State *L, const char *form, const char *flags, int precision) {
    const char *spec = form + 1;
    spec += strspn(spec, flags);
    if (*spec != '0') {
        spec = get2digits(spec);
        if (*spec == '.' && precision) {
            spec++;
            spec = get2digits(spec);
        }
    }
    if (!isalpha(uchar(*spec)))
        luaL_error(L, "invalid conversion specification: '%s'", form);
}

static const char *getformat(lua_State *L, const char *strfrmt, char *form) {
    size_t len = strspn(strfrmt, L_FMTFLAGSF "123456789.");
    len++;
    if (len >= MAX_FORMAT - 10) luaL_error(L, "invalid format (too long)");
    *(form++) = '%';
    memcpy(form, strfrmt, len * sizeof(char));
    *(form + len) = '\0';
    return strfrmt + len - 1;
}

static void addlenmod(char *form, const char *lenmod) {
    size_t l = strlen(form);
    size_t lm = strlen(lenmod);
    char spec = form[l - 1];
    strcpy(form + l - 1, lenmod);
    form[l + lm - 1] = spec;
    form[l + lm] = '\0';
}

/* As str_format of lstrlib.c; the budget is checked every STEP bytes of
** format text, every few thousand conversions and every STEP bytes that %q
** quotes. (A %s is one copy.) */
static int sb_format(lua_State *L) {
    int top = lua_gettop(L);
    int arg = 1;
    size_t sfl;
    const char *strfrmt = luaL_checklstring(L, arg, &sfl);
    const char *strfrmt_end = strfrmt + sfl;
    const char *flags;
    size_t steps = 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (strfrmt < strfrmt_end) {
        if (++steps >= STEP) {
            steps = 0;
            ihl_check_budget(L);
        }
        if (*strfrmt != L_ESC) {
            luaL_addchar(&b, *strfrmt++);
        } else if (*++strfrmt == L_ESC) {
            luaL_addchar(&b, *strfrmt++);
        } else {
            char form[MAX_FORMAT];
            int maxitem = MAX_ITEM;
            char *buff = luaL_prepbuffsize(&b, maxitem);
            int nb = 0;
            steps += 16;  /* a conversion costs more than a character */
            if (++arg > top) return luaL_argerror(L, arg, "no value");
            strfrmt = getformat(L, strfrmt, form);
            switch (*strfrmt++) {
            case 'c':
                checkformat(L, form, L_FMTFLAGSC, 0);
                nb = l_sprintf(buff, maxitem, form, (int)luaL_checkinteger(L, arg));
                break;
            case 'd': case 'i':
                flags = L_FMTFLAGSI;
                goto intcase;
            case 'u':
                flags = L_FMTFLAGSU;
                goto intcase;
            case 'o': case 'x': case 'X':
                flags = L_FMTFLAGSX;
            intcase: {
                lua_Integer n = luaL_checkinteger(L, arg);
                checkformat(L, form, flags, 1);
                addlenmod(form, LUA_INTEGER_FRMLEN);
                nb = l_sprintf(buff, maxitem, form, (LUAI_UACINT)n);
                break;
            }
            case 'a': case 'A':
                checkformat(L, form, L_FMTFLAGSF, 1);
                addlenmod(form, LUA_NUMBER_FRMLEN);
                nb = lua_number2strx(L, buff, maxitem, form, luaL_checknumber(L, arg));
                break;
            case 'f':
                maxitem = MAX_ITEMF;
                buff = luaL_prepbuffsize(&b, maxitem);
                /* FALLTHROUGH */
            case 'e': case 'E': case 'g': case 'G': {
                lua_Number n = luaL_checknumber(L, arg);
                checkformat(L, form, L_FMTFLAGSF, 1);
                addlenmod(form, LUA_NUMBER_FRMLEN);
                nb = l_sprintf(buff, maxitem, form, (LUAI_UACNUMBER)n);
                break;
            }
            case 'p': {
                const void *p = lua_topointer(L, arg);
                checkformat(L, form, L_FMTFLAGSC, 0);
                if (p == NULL) {
                    p = "(null)";
                    form[strlen(form) - 1] = 's';
                }
                nb = l_sprintf(buff, maxitem, form, p);
                break;
            }
            case 'q':
                if (form[2] != '\0')
                    return luaL_error(L, "specifier '%%q' cannot have modifiers");
                addliteral(L, &b, arg);
                break;
            case 's': {
                size_t l;
                const char *s = luaL_tolstring(L, arg, &l);
                if (form[2] == '\0') {
                    luaL_addvalue(&b);
                } else {
                    luaL_argcheck(L, l == strlen(s), arg, "string contains zeros");
                    checkformat(L, form, L_FMTFLAGSC, 1);
                    if (strchr(form, '.') == NULL && l >= 100) {
                        luaL_addvalue(&b);
                    } else {
                        nb = l_sprintf(buff, maxitem, form, s);
                        lua_pop(L, 1);
                    }
                }
                break;
            }
            default:
                return luaL_error(L, "invalid conversion '%s' to 'format'", form);
            }
            luaL_addsize(&b, nb);
        }
    }
    luaL_pushresult(&b);
    return 1;
}

/* ---- string.pack, packsize, unpack (lstrlib.c) --------------------------- */

/* As lstrlib.c: a string position, negative from the end, clipped to 1. */
static size_t posrelatI(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    else if (pos == 0) return 1;
    else if (pos < -(lua_Integer)len) return 1;
    else return len + (size_t)pos + 1;
}

/* value used for padding */
#if !defined(LUAL_PACKPADBYTE)
#define LUAL_PACKPADBYTE		0x00
#endif

/* maximum size for the binary representation of an integer */
#define MAXINTSIZE	16

/* number of bits in a character */
#define NB	CHAR_BIT

/* mask for one character (NB 1's) */
#define MC	((1 << NB) - 1)

/* size of a lua_Integer */
#define SZINT	((int)sizeof(lua_Integer))


/* dummy union to get native endianness */
static const union {
    int dummy;
    char little;  /* true iff machine is little endian */
} nativeendian = {1};


/*
** information to pack/unpack stuff
*/
typedef struct Header {
    lua_State *L;
    int islittle;
    int maxalign;
} Header;


/*
** options for pack/unpack
*/
typedef enum KOption {
    Kint,		/* signed integers */
    Kuint,	/* unsigned integers */
    Kfloat,	/* single-precision floating-point numbers */
    Knumber,	/* Lua "native" floating-point numbers */
    Kdouble,	/* double-precision floating-point numbers */
    Kchar,	/* fixed-length strings */
    Kstring,	/* strings with prefixed length */
    Kzstr,	/* zero-terminated strings */
    Kpadding,	/* padding */
    Kpaddalign,	/* padding for alignment */
    Knop		/* no-op (configuration or spaces) */
} KOption;


/*
** Read an integer numeral from string 'fmt' or return 'df' if
** there is no numeral
*/
static int digit (int c) { return '0' <= c && c <= '9'; }

static int getnum (const char **fmt, int df) {
    if (!digit(**fmt))  /* no number? */
        return df;  /* return default value */
    else {
        int a = 0;
        do {
            a = a*10 + (*((*fmt)++) - '0');
        } while (digit(**fmt) && a <= ((int)MAXSIZE - 9)/10);
        return a;
    }
}


/*
** Read an integer numeral and raises an error if it is larger
** than the maximum size for integers.
*/
static int getnumlimit (Header *h, const char **fmt, int df) {
    int sz = getnum(fmt, df);
    if (sz > MAXINTSIZE || sz <= 0)
        return luaL_error(h->L, "integral size (%d) out of limits [1,%d]",
                          sz, MAXINTSIZE);
    return sz;
}


/*
** Initialize Header
*/
static void initheader (lua_State *L, Header *h) {
    h->L = L;
    h->islittle = nativeendian.little;
    h->maxalign = 1;
}


/*
** Read and classify next option. 'size' is filled with option's size.
*/
static KOption getoption (Header *h, const char **fmt, int *size) {
    /* dummy structure to get native alignment requirements */
    struct cD { char c; union { LUAI_MAXALIGN; } u; };
    int opt = *((*fmt)++);
    *size = 0;  /* default */
    switch (opt) {
        case 'b': *size = sizeof(char); return Kint;
        case 'B': *size = sizeof(char); return Kuint;
        case 'h': *size = sizeof(short); return Kint;
        case 'H': *size = sizeof(short); return Kuint;
        case 'l': *size = sizeof(long); return Kint;
        case 'L': *size = sizeof(long); return Kuint;
        case 'j': *size = sizeof(lua_Integer); return Kint;
        case 'J': *size = sizeof(lua_Integer); return Kuint;
        case 'T': *size = sizeof(size_t); return Kuint;
        case 'f': *size = sizeof(float); return Kfloat;
        case 'n': *size = sizeof(lua_Number); return Knumber;
        case 'd': *size = sizeof(double); return Kdouble;
        case 'i': *size = getnumlimit(h, fmt, sizeof(int)); return Kint;
        case 'I': *size = getnumlimit(h, fmt, sizeof(int)); return Kuint;
        case 's': *size = getnumlimit(h, fmt, sizeof(size_t)); return Kstring;
        case 'c':
            *size = getnum(fmt, -1);
            if (*size == -1)
                luaL_error(h->L, "missing size for format option 'c'");
            return Kchar;
        case 'z': return Kzstr;
        case 'x': *size = 1; return Kpadding;
        case 'X': return Kpaddalign;
        case ' ': break;
        case '<': h->islittle = 1; break;
        case '>': h->islittle = 0; break;
        case '=': h->islittle = nativeendian.little; break;
        case '!': {
            const int maxalign = offsetof(struct cD, u);
            h->maxalign = getnumlimit(h, fmt, maxalign);
            break;
        }
        default: luaL_error(h->L, "invalid format option '%c'", opt);
    }
    return Knop;
}


/*
** Read, classify, and fill other details about the next option.
** 'psize' is filled with option's size, 'notoalign' with its
** alignment requirements.
** Local variable 'size' gets the size to be aligned. (Kpadal option
** always gets its full alignment, other options are limited by
** the maximum alignment ('maxalign'). Kchar option needs no alignment
** despite its size.
*/
static KOption getdetails (Header *h, size_t totalsize,
                           const char **fmt, int *psize, int *ntoalign) {
    KOption opt = getoption(h, fmt, psize);
    int align = *psize;  /* usually, alignment follows size */
    if (opt == Kpaddalign) {  /* 'X' gets alignment from following option */
        if (**fmt == '\0' || getoption(h, fmt, &align) == Kchar || align == 0)
            luaL_argerror(h->L, 1, "invalid next option for option 'X'");
    }
    if (align <= 1 || opt == Kchar)  /* need no alignment? */
        *ntoalign = 0;
    else {
        if (align > h->maxalign)  /* enforce maximum alignment */
            align = h->maxalign;
        if (((align & (align - 1)) != 0))  /* not a power of 2? */
            luaL_argerror(h->L, 1, "format asks for alignment not power of 2");
        *ntoalign = (align - (int)(totalsize & (align - 1))) & (align - 1);
    }
    return opt;
}


/*
** Pack integer 'n' with 'size' bytes and 'islittle' endianness.
** The final 'if' handles the case when 'size' is larger than
** the size of a Lua integer, correcting the extra sign-extension
** bytes if necessary (by default they would be zeros).
*/
static void packint (luaL_Buffer *b, lua_Unsigned n,
                     int islittle, int size, int neg) {
    char *buff = luaL_prepbuffsize(b, size);
    int i;
    buff[islittle ? 0 : size - 1] = (char)(n & MC);  /* first byte */
    for (i = 1; i < size; i++) {
        n >>= NB;
        buff[islittle ? i : size - 1 - i] = (char)(n & MC);
    }
    if (neg && size > SZINT) {  /* negative number need sign extension? */
        for (i = SZINT; i < size; i++)  /* correct extra bytes */
            buff[islittle ? i : size - 1 - i] = (char)MC;
    }
    luaL_addsize(b, size);  /* add result to buffer */
}


/*
** Copy 'size' bytes from 'src' to 'dest', correcting endianness if
** given 'islittle' is different from native endianness.
*/
static void copywithendian (char *dest, const char *src,
                            int size, int islittle) {
    if (islittle == nativeendian.little)
        memcpy(dest, src, size);
    else {
        dest += size - 1;
        while (size-- != 0)
            *(dest--) = *(src++);
    }
}


static int sb_pack (lua_State *L) {
    luaL_Buffer b;
    Header h;
    const char *fmt = luaL_checkstring(L, 1);  /* format string */
    int arg = 1;  /* current argument to pack */
    size_t totalsize = 0;  /* accumulate total size of result */
    size_t steps = 0;
    initheader(L, &h);
    lua_pushnil(L);  /* mark to separate arguments from string buffer */
    luaL_buffinit(L, &b);
    while (*fmt != '\0') {
        int size, ntoalign;
        if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
        KOption opt = getdetails(&h, totalsize, &fmt, &size, &ntoalign);
        totalsize += ntoalign + size;
        while (ntoalign-- > 0)
            luaL_addchar(&b, LUAL_PACKPADBYTE);  /* fill alignment */
        arg++;
        switch (opt) {
            case Kint: {  /* signed integers */
                lua_Integer n = luaL_checkinteger(L, arg);
                if (size < SZINT) {  /* need overflow check? */
                    lua_Integer lim = (lua_Integer)1 << ((size * NB) - 1);
                    luaL_argcheck(L, -lim <= n && n < lim, arg, "integer overflow");
                }
                packint(&b, (lua_Unsigned)n, h.islittle, size, (n < 0));
                break;
            }
            case Kuint: {  /* unsigned integers */
                lua_Integer n = luaL_checkinteger(L, arg);
                if (size < SZINT)  /* need overflow check? */
                    luaL_argcheck(L, (lua_Unsigned)n < ((lua_Unsigned)1 << (size * NB)),
                                  arg, "unsigned overflow");
                packint(&b, (lua_Unsigned)n, h.islittle, size, 0);
                break;
            }
            case Kfloat: {  /* C float */
                float f = (float)luaL_checknumber(L, arg);  /* get argument */
                char *buff = luaL_prepbuffsize(&b, sizeof(f));
                /* move 'f' to final result, correcting endianness if needed */
                copywithendian(buff, (char *)&f, sizeof(f), h.islittle);
                luaL_addsize(&b, size);
                break;
            }
            case Knumber: {  /* Lua float */
                lua_Number f = luaL_checknumber(L, arg);  /* get argument */
                char *buff = luaL_prepbuffsize(&b, sizeof(f));
                /* move 'f' to final result, correcting endianness if needed */
                copywithendian(buff, (char *)&f, sizeof(f), h.islittle);
                luaL_addsize(&b, size);
                break;
            }
            case Kdouble: {  /* C double */
                double f = (double)luaL_checknumber(L, arg);  /* get argument */
                char *buff = luaL_prepbuffsize(&b, sizeof(f));
                /* move 'f' to final result, correcting endianness if needed */
                copywithendian(buff, (char *)&f, sizeof(f), h.islittle);
                luaL_addsize(&b, size);
                break;
            }
            case Kchar: {  /* fixed-size string */
                size_t len;
                const char *s = luaL_checklstring(L, arg, &len);
                luaL_argcheck(L, len <= (size_t)size, arg,
                              "string longer than given size");
                luaL_addlstring(&b, s, len);  /* add string */
                while (len++ < (size_t)size) {  /* pad extra space */
                    luaL_addchar(&b, LUAL_PACKPADBYTE);
                    if ((len & (STEP - 1)) == 0) ihl_check_budget(L);
                }
                break;
            }
            case Kstring: {  /* strings with length count */
                size_t len;
                const char *s = luaL_checklstring(L, arg, &len);
                luaL_argcheck(L, size >= (int)sizeof(size_t) ||
                              len < ((size_t)1 << (size * NB)),
                              arg, "string length does not fit in given size");
                packint(&b, (lua_Unsigned)len, h.islittle, size, 0);  /* pack length */
                luaL_addlstring(&b, s, len);
                totalsize += len;
                break;
            }
            case Kzstr: {  /* zero-terminated string */
                size_t len;
                const char *s = luaL_checklstring(L, arg, &len);
                luaL_argcheck(L, strlen(s) == len, arg, "string contains zeros");
                luaL_addlstring(&b, s, len);
                luaL_addchar(&b, '\0');  /* add zero at the end */
                totalsize += len + 1;
                break;
            }
            case Kpadding: luaL_addchar(&b, LUAL_PACKPADBYTE);  /* FALLTHROUGH */
            case Kpaddalign: case Knop:
                arg--;  /* undo increment */
                break;
        }
    }
    luaL_pushresult(&b);
    return 1;
}


static int sb_packsize (lua_State *L) {
    Header h;
    const char *fmt = luaL_checkstring(L, 1);  /* format string */
    size_t totalsize = 0;  /* accumulate total size of result */
    size_t steps = 0;
    initheader(L, &h);
    while (*fmt != '\0') {
        int size, ntoalign;
        if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
        KOption opt = getdetails(&h, totalsize, &fmt, &size, &ntoalign);
        luaL_argcheck(L, opt != Kstring && opt != Kzstr, 1,
                      "variable-length format");
        size += ntoalign;  /* total space used by option */
        luaL_argcheck(L, totalsize <= MAXSIZE - size, 1,
                      "format result too large");
        totalsize += size;
    }
    lua_pushinteger(L, (lua_Integer)totalsize);
    return 1;
}


/*
** Unpack an integer with 'size' bytes and 'islittle' endianness.
** If size is smaller than the size of a Lua integer and integer
** is signed, must do sign extension (propagating the sign to the
** higher bits); if size is larger than the size of a Lua integer,
** it must check the unread bytes to see whether they do not cause an
** overflow.
*/
static lua_Integer unpackint (lua_State *L, const char *str,
                              int islittle, int size, int issigned) {
    lua_Unsigned res = 0;
    int i;
    int limit = (size  <= SZINT) ? size : SZINT;
    for (i = limit - 1; i >= 0; i--) {
        res <<= NB;
        res |= (lua_Unsigned)(unsigned char)str[islittle ? i : size - 1 - i];
    }
    if (size < SZINT) {  /* real size smaller than lua_Integer? */
        if (issigned) {  /* needs sign extension? */
            lua_Unsigned mask = (lua_Unsigned)1 << (size*NB - 1);
            res = ((res ^ mask) - mask);  /* do sign extension */
        }
    }
    else if (size > SZINT) {  /* must check unread bytes */
        int mask = (!issigned || (lua_Integer)res >= 0) ? 0 : MC;
        for (i = limit; i < size; i++) {
            if (((unsigned char)str[islittle ? i : size - 1 - i] != mask))
                luaL_error(L, "%d-byte integer does not fit into Lua Integer", size);
        }
    }
    return (lua_Integer)res;
}


static int sb_unpack (lua_State *L) {
    Header h;
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    size_t pos = posrelatI(luaL_optinteger(L, 3, 1), ld) - 1;
    int n = 0;  /* number of results */
    size_t steps = 0;
    luaL_argcheck(L, pos <= ld, 3, "initial position out of string");
    initheader(L, &h);
    while (*fmt != '\0') {
        int size, ntoalign;
        if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
        KOption opt = getdetails(&h, pos, &fmt, &size, &ntoalign);
        luaL_argcheck(L, (size_t)ntoalign + size <= ld - pos, 2,
                      "data string too short");
        pos += ntoalign;  /* skip alignment */
        /* stack space for item + next position */
        luaL_checkstack(L, 2, "too many results");
        n++;
        switch (opt) {
            case Kint:
            case Kuint: {
                lua_Integer res = unpackint(L, data + pos, h.islittle, size,
                                            (opt == Kint));
                lua_pushinteger(L, res);
                break;
            }
            case Kfloat: {
                float f;
                copywithendian((char *)&f, data + pos, sizeof(f), h.islittle);
                lua_pushnumber(L, (lua_Number)f);
                break;
            }
            case Knumber: {
                lua_Number f;
                copywithendian((char *)&f, data + pos, sizeof(f), h.islittle);
                lua_pushnumber(L, f);
                break;
            }
            case Kdouble: {
                double f;
                copywithendian((char *)&f, data + pos, sizeof(f), h.islittle);
                lua_pushnumber(L, (lua_Number)f);
                break;
            }
            case Kchar: {
                lua_pushlstring(L, data + pos, size);
                break;
            }
            case Kstring: {
                size_t len = (size_t)unpackint(L, data + pos, h.islittle, size, 0);
                luaL_argcheck(L, len <= ld - pos - size, 2, "data string too short");
                lua_pushlstring(L, data + pos + size, len);
                pos += len;  /* skip string */
                break;
            }
            case Kzstr: {
                size_t len = strlen(data + pos);
                luaL_argcheck(L, pos + len < ld, 2,
                              "unfinished string for format 'z'");
                lua_pushlstring(L, data + pos, len);
                pos += len + 1;  /* skip string plus final '\0' */
                break;
            }
            case Kpaddalign: case Kpadding: case Knop:
                n--;  /* undo increment */
                break;
        }
        pos += size;
    }
    lua_pushinteger(L, pos + 1);  /* next position */
    return n + 1;
}

/* ---- utf8.len, offset, codes (lutf8lib.c) ---------------------------------- */

#define MAXUNICODE 0x10FFFFu
#define MAXUTF 0x7FFFFFFFu
typedef unsigned int utfint;

static lua_Integer u_posrelat(lua_Integer pos, size_t len) {
    if (pos >= 0) return pos;
    else if (0u - (size_t)pos > len) return 0;
    else return (lua_Integer)len + pos + 1;
}

static const char *utf8_decode(const char *s, utfint *val, int strict) {
    static const utfint limits[] = {~(utfint)0, 0x80, 0x800, 0x10000u, 0x200000u, 0x4000000u};
    unsigned int c = (unsigned char)s[0];
    utfint res = 0;
    if (c < 0x80) {
        res = c;
    } else {
        int count = 0;
        for (; c & 0x40; c <<= 1) {
            unsigned int cc = (unsigned char)s[++count];
            if ((cc & 0xC0) != 0x80) return NULL;
            res = (res << 6) | (cc & 0x3F);
        }
        res |= ((utfint)(c & 0x7F) << (count * 5));
        if (count > 5 || res > MAXUTF || res < limits[count]) return NULL;
        s += count;
    }
    if (strict && (res > MAXUNICODE || (0xD800u <= res && res <= 0xDFFFu))) return NULL;
    if (val) *val = res;
    return s + 1;
}

static int sb_utflen(lua_State *L) {
    lua_Integer n = 0;
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer posi = u_posrelat(luaL_optinteger(L, 2, 1), len);
    lua_Integer posj = u_posrelat(luaL_optinteger(L, 3, -1), len);
    int lax = lua_toboolean(L, 4);
    luaL_argcheck(L, 1 <= posi && --posi <= (lua_Integer)len, 2,
                  "initial position out of bounds");
    luaL_argcheck(L, --posj < (lua_Integer)len, 3, "final position out of bounds");
    for (lua_Integer check = posi + (lua_Integer)STEP; posi <= posj; n++) {
        const char *s1 = utf8_decode(s + posi, NULL, !lax);
        if (s1 == NULL) {
            luaL_pushfail(L);
            lua_pushinteger(L, posi + 1);
            return 2;
        }
        posi = s1 - s;
        if (posi >= check) {
            ihl_check_budget(L);
            check = posi + (lua_Integer)STEP;
        }
    }
    lua_pushinteger(L, n);
    return 1;
}

#define iscont(p) ((*(p) & 0xC0) == 0x80)

static int sb_offset(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    lua_Integer posi = (n >= 0) ? 1 : (lua_Integer)len + 1;
    size_t steps = 0;
    posi = u_posrelat(luaL_optinteger(L, 3, posi), len);
    luaL_argcheck(L, 1 <= posi && --posi <= (lua_Integer)len, 3, "position out of bounds");
    if (n == 0) {
        while (posi > 0 && iscont(s + posi)) {
            posi--;
            if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
        }
    } else {
        if (iscont(s + posi)) return luaL_error(L, "initial position is a continuation byte");
        if (n < 0) {
            while (n < 0 && posi > 0) {
                do {
                    posi--;
                    if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
                } while (posi > 0 && iscont(s + posi));
                n++;
            }
        } else {
            n--;
            while (n > 0 && posi < (lua_Integer)len) {
                do {
                    posi++;
                    if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
                } while (iscont(s + posi));  /* (cannot pass final '\0') */
                n--;
            }
        }
    }
    if (n == 0) lua_pushinteger(L, posi + 1);
    else luaL_pushfail(L);
    return 1;
}

static int iter_aux(lua_State *L, int strict) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Unsigned n = (lua_Unsigned)lua_tointeger(L, 2);
    if (n < len) {
        while (iscont(s + n)) {
            n++;
            if ((n & (STEP - 1)) == 0) ihl_check_budget(L);
        }
    }
    if (n >= len) return 0;
    utfint code;
    const char *next = utf8_decode(s + n, &code, strict);
    if (next == NULL) return luaL_error(L, "invalid UTF-8 code");
    lua_pushinteger(L, (lua_Integer)n + 1);
    lua_pushinteger(L, code);
    return 2;
}

static int iter_auxstrict(lua_State *L) { return iter_aux(L, 1); }
static int iter_auxlax(lua_State *L) { return iter_aux(L, 0); }

static int sb_codes(lua_State *L) {
    int lax = lua_toboolean(L, 2);
    luaL_checkstring(L, 1);
    lua_pushcfunction(L, lax ? iter_auxlax : iter_auxstrict);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* ---- tonumber (lbaselib.c) -----------------------------------------------
** With a base, the digits are read here, a STEP at a time. (Without one,
** lua_stringtonumber reads them: a linear pass at about memory speed.) */

#define SPACECHARS " \f\n\r\t\v"

static const char *b_str2int(lua_State *L, const char *s, int base, lua_Integer *pn) {
    lua_Unsigned n = 0;
    int neg = 0;
    size_t steps = 0;
    s += strspn(s, SPACECHARS);
    if (*s == '-') { s++; neg = 1; }
    else if (*s == '+') s++;
    if (!isalnum((unsigned char)*s)) return NULL;
    do {
        int digit = (isdigit((unsigned char)*s)) ? *s - '0'
                                                 : (toupper((unsigned char)*s) - 'A') + 10;
        if (digit >= base) return NULL;
        n = n * base + digit;
        s++;
        if ((++steps & (STEP - 1)) == 0) ihl_check_budget(L);
    } while (isalnum((unsigned char)*s));
    s += strspn(s, SPACECHARS);
    *pn = (lua_Integer)((neg) ? (0u - n) : n);
    return s;
}

static int sb_tonumber(lua_State *L) {
    if (lua_isnoneornil(L, 2)) {
        if (lua_type(L, 1) == LUA_TNUMBER) {
            lua_settop(L, 1);
            return 1;
        }
        size_t l;
        const char *s = lua_tolstring(L, 1, &l);
        if (s != NULL && lua_stringtonumber(L, s) == l + 1) return 1;
        luaL_checkany(L, 1);
    } else {
        size_t l;
        const char *s;
        lua_Integer n = 0;
        lua_Integer base = luaL_checkinteger(L, 2);
        luaL_checktype(L, 1, LUA_TSTRING);
        s = lua_tolstring(L, 1, &l);
        luaL_argcheck(L, 2 <= base && base <= 36, 2, "base out of range");
        if (b_str2int(L, s, (int)base, &n) == s + l) {
            lua_pushinteger(L, n);
            return 1;
        }
    }
    luaL_pushfail(L);
    return 1;
}

/* ---- installing ---------------------------------------------------------- */

static void set_funcs(lua_State *L, int t, const luaL_Reg *r) {
    for (; r->name != NULL; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, t, r->name);
    }
}

void ihl_install_bounded(lua_State *L, int globals, int string, int utf8) {
    static const luaL_Reg strings[] = {
        {"format", sb_format}, {"upper", sb_upper}, {"lower", sb_lower},
        {"reverse", sb_reverse}, {"pack", sb_pack}, {"packsize", sb_packsize},
        {"unpack", sb_unpack}, {NULL, NULL}};
    set_funcs(L, string, strings);
    static const luaL_Reg utf8s[] = {
        {"len", sb_utflen}, {"offset", sb_offset}, {"codes", sb_codes}, {NULL, NULL}};
    set_funcs(L, utf8, utf8s);
    lua_pushcfunction(L, sb_tonumber);
    lua_setfield(L, globals, "tonumber");
}
