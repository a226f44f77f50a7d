/*
** ihub.h — the C interface of libihub, the engine of a Regional Innovation Hub.
**
** libihub keeps a hub's schools, people and mentoring in one SQLite file and
** runs the hub's own rules as sandboxed Lua. Everything it does is one named
** operation of a single method table, reached through ihub_call() with JSON in
** and JSON out; ihub_call(h, "api.describe", NULL, &out) lists them all.
**
** Conventions (the same for every function below):
**   - Every fallible function returns an int status: IHUB_OK (0) or one of the
**     IHUB_* codes. The message that goes with a failure is one line naming the
**     cause and the place ("params.schools[3].code: expected a string").
**   - Text is UTF-8 and NUL-terminated, in both directions.
**   - Memory that libihub hands out is released with ihub_free(), never with
**     the caller's free(). Pointers passed in stay owned by the caller.
**   - A handle may be used from any thread; calls on one handle are serialized
**     inside the library. Several handles may open one database file.
**   - Input is bounded and checked the same way from C, Python, Lua and CSV
**     (see "Limits" below): text fields refuse control characters (C0, DEL,
**     C1); fields that are multi-line by nature (notes, addresses, script
**     source) allow tab, line feed and carriage return. A JSON object may not
**     repeat a key ("params.schools[0]: duplicate key 'code' (JSON at line 1
**     column 40)"). An integer parameter takes every way JSON writes an
**     integer in the 64-bit range: 7, 7.0, 7e0, 1e18; 1.5 or 1e19 are refused.
**   - A message quotes what it was given cut to IHUB_LIMIT_QUOTE_CHARS
**     characters and "…", with control characters escaped (\u{1B}), and is
**     never longer than IHUB_LIMIT_MESSAGE_BYTES.
*/
#ifndef IHUB_H
#define IHUB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface. It grows by one whenever a function is
** added or changed; compare it with ihub_abi_version() at run time to make
** sure the library you loaded is the one you compiled against. */
#define IHUB_ABI_VERSION 1

/* Status codes. */
#define IHUB_OK          0   /* success */
#define IHUB_ERROR       1   /* an error that fits no other code */
#define IHUB_INVALID     2   /* a parameter is missing, malformed or of the wrong type */
#define IHUB_NOTFOUND    3   /* an id, code or method that does not exist */
#define IHUB_CONFLICT    4   /* the thing already exists (e.g. a duplicate code) */
#define IHUB_CONSTRAINT  5   /* a rule of the data model would be broken */
#define IHUB_SCRIPT      6   /* a Lua script raised an error */
#define IHUB_LIMIT       7   /* a script ran past its time or memory budget, or
                                 input past one of the limits below */
#define IHUB_NOMEM       8   /* the library ran out of memory */
#define IHUB_IO          9   /* the database (file or server) could not be read or written */
#define IHUB_CORRUPT    10   /* the file is not an ihub database, or is damaged */
#define IHUB_BUSY       11   /* the database stayed locked past the busy timeout, or
                                ** a PostgreSQL transaction kept conflicting */
#define IHUB_MISUSE     12   /* the interface was used wrongly: NULL or closed handle */
#define IHUB_VERSION    13   /* the file was written by a newer ihub */

/* Limits. Every bound ihub sets, and the status a breach returns. The
** message names the place: the field path, the file's line and column, or
** the script and line. ihub_call(h, "api.limits", NULL, &out) returns the
** same values (the script budgets as this handle has them); api.describe
** gives each text field's max_bytes.
**
** Input                                    past it
**   one-line text field (name, code)       IHUB_LIMIT "params.name: 65537 bytes is over the limit of 65536 bytes"
**   multi-line text (note, script source)  IHUB_LIMIT, the same way
**   one JSON document (params_json)        IHUB_LIMIT "params: the JSON document is N bytes, over ..."
**   JSON nesting                           IHUB_INVALID "params: JSON at line L column C: nested more than 100 levels deep"
**   a path                                 IHUB_LIMIT naming the parameter
**   one CSV record                         IHUB_LIMIT with line and column; nothing of the file is stored
**   one NDJSON / xAPI line                 a problem of that line (its number), handled as a
**                                          statement that does not validate
**   one activity import line               the import is refused naming that line; nothing is stored
**   a batch (..._many, imports)            only the document or file bounds above; all or nothing
** Scripts (per evaluation, options of ihub_open)
**   time    script_time_ms, admin_time_ms  IHUB_LIMIT "name:line: time limit of N ms exceeded
**                                          (traceback: ...)";
**                                          the error comes within IHUB_LIMIT_BUDGET_MARGIN_MS of the
**                                          deadline, also inside one long library call (string.format,
**                                          rep, concat, load, patterns, results turned to JSON; see
**                                          ihub_eval for the one exception)
**   memory  script_memory_mb,              IHUB_LIMIT "name: not enough memory (limit of N bytes)",
**                                          or "name:line: not enough memory (what was refused)"
**           admin_memory_mb
**   what a script returns                  IHUB_SCRIPT naming the JSON path; nested past
**                                          IHUB_LIMIT_JSON_DEPTH is IHUB_SCRIPT too
**   what a script prints                   cut at IHUB_LIMIT_SCRIPT_OUTPUT_BYTES, "...(output truncated)"
** A budget cannot be caught by pcall; a breach stores nothing, and the
** handle stays usable.
*/
#define IHUB_LIMIT_TEXT_BYTES      65536      /* a one-line text field: name, code */
#define IHUB_LIMIT_LONG_TEXT_BYTES 1048576    /* multi-line: note, script source */
#define IHUB_LIMIT_DOCUMENT_BYTES  268435456  /* one JSON document (params_json) */
#define IHUB_LIMIT_JSON_DEPTH      100        /* nesting of arrays and objects */
#define IHUB_LIMIT_PATH_BYTES      4096       /* a database or file path */
#define IHUB_LIMIT_QUOTE_CHARS     80         /* of an input a message quotes */
#define IHUB_LIMIT_MESSAGE_BYTES   16384      /* of a message, at most */
#define IHUB_LIMIT_CSV_RECORD_BYTES    1048576  /* one CSV record, quoted newlines included */
#define IHUB_LIMIT_LINE_BYTES          1048576  /* one NDJSON or xAPI line */
#define IHUB_LIMIT_ACTIVITY_LINE_BYTES 4194304  /* one line of an activity import */
#define IHUB_LIMIT_SCRIPT_OUTPUT_BYTES 1048576  /* what one evaluation prints */
#define IHUB_LIMIT_BUDGET_MARGIN_MS    50       /* how late a spent time budget may stop a script */
/* The default script budgets (options of ihub_open). */
#define IHUB_LIMIT_SCRIPT_TIME_MS      1000     /* "script_time_ms": a methodology evaluation */
#define IHUB_LIMIT_SCRIPT_MEMORY_MB    64       /* "script_memory_mb": the methodology Lua state */
#define IHUB_LIMIT_ADMIN_TIME_MS       60000    /* "admin_time_ms": an ihub_eval or REPL chunk */
#define IHUB_LIMIT_ADMIN_MEMORY_MB     512      /* "admin_memory_mb": the admin Lua state */

/* The opaque handle on one open database. */
typedef struct ihub ihub;

/* ihub_abi_version — the IHUB_ABI_VERSION the library was built with.
**
** Never fails. Thread: any.
*/
int ihub_abi_version(void);

/* ihub_version — the library's release as text, e.g. "0.1.0".
**
** Returns a static string; do not free it. Never fails. Thread: any.
*/
const char *ihub_version(void);

/* ihub_status_name — the name of a status code, e.g. "IHUB_NOTFOUND".
**
** Returns a static string ("IHUB_UNKNOWN" for a code that is not one of the
** above); do not free it. Never fails. Thread: any.
*/
const char *ihub_status_name(int status);

/* ihub_open — open (or create) an ihub database.
**
**   path          a PostgreSQL database as a "postgresql://" or "postgres://"
**                 URI (libpq's connection string rules: host, port, user,
**                 dbname, sslmode, ...; a password is better kept in
**                 ~/.pgpass or PGPASSWORD, and is never repeated in messages);
**                 or the SQLite database file, UTF-8; ":memory:" for a private
**                 in-memory database. A file is created if it does not exist (unless
**                 "create" is false). NULL is IHUB_MISUSE; "" is IHUB_INVALID
**                 (SQLite would open a temporary database that keeps
**                 nothing). "file:" URIs are refused with IHUB_INVALID: their
**                 parameters (mode=, immutable=, nolock=, vfs=) would bypass
**                 what ihub promises (WAL, locking, migrations); say how to
**                 open in options_json instead. A path is at most
**                 IHUB_LIMIT_PATH_BYTES.
**   options_json  NULL, or a JSON object of options:
**                   "create"           false: fail with IHUB_NOTFOUND (the
**                                      message names the path) instead of
**                                      creating a missing file (default true;
**                                      the ihub CLI opens with false except
**                                      for demo, import and --create)
**                   "schema"           PostgreSQL only: the schema that holds
**                                      this deployment's tables (a-z, 0-9, _;
**                                      created if missing unless "create" is
**                                      false); default: the server's
**                                      search_path
**                   "busy_timeout_ms"  how long to wait for a lock (5000)
**                   "script_time_ms"   time budget of one methodology script
**                                      evaluation (1000)
**                   "script_memory_mb" memory budget of the methodology Lua
**                                      state (64)
**                   "admin_time_ms"    time budget of one ihub_eval (60000)
**                   "admin_memory_mb"  memory budget of the admin Lua state (512)
**   out           receives the new handle on IHUB_OK, NULL otherwise.
**
** The database is brought up to the current schema (migrations are recorded
** in it). On PostgreSQL a write runs SERIALIZABLE (adds of new records, whose
** rules are all constraints, at read committed); a transaction the server
** aborts to keep it serializable is run again (10 tries), then IHUB_BUSY. A
** database written by a newer ihub fails with IHUB_VERSION, a file that is
** not an SQLite database (or a schema holding other tables) with
** IHUB_CORRUPT, an unreadable or unwritable path or an unreachable server
** with IHUB_IO. On failure ihub_last_error() holds the message, which names
** the path and what failed ("cannot open '/x/hub.db': unable to open
** database file (Permission denied)").
** The handle is released with ihub_close().
** Thread: any.
*/
int ihub_open(const char *path, const char *options_json, ihub **out);

/* ihub_close — close a handle and release everything it holds.
**
** NULL is allowed and does nothing. Closing a handle that another thread is
** using waits for that call to finish. After it returns, the handle must not
** be used; a later call with it returns IHUB_MISUSE where the library can
** still tell (it remembers which handles are open), but that is a safety net,
** not a licence. Never fails. Thread: any.
*/
void ihub_close(ihub *h);

/* ihub_call — run one named operation of the method table.
**
**   method       the operation, e.g. "school.add" (UTF-8, NUL-terminated).
**   params_json  its parameters as a JSON object; NULL means {}.
**   result_json  on IHUB_OK receives a JSON document that the caller owns
**                and releases with ihub_free(); set to NULL otherwise.
**
** Write operations run in one transaction: they succeed whole or change
** nothing. Returns IHUB_OK or a status; ihub_errmsg(h) then names the cause
** and the place, e.g. "params.schools[3].code: expected a string".
** params_json longer than IHUB_LIMIT_DOCUMENT_BYTES is IHUB_LIMIT. An
** operation that writes a file (export.csv, export.json with "path") refuses
** an existing file with IHUB_CONFLICT unless "overwrite": true is given.
** Thread: any thread; calls on one handle are serialized.
*/
int ihub_call(ihub *h, const char *method, const char *params_json,
              char **result_json);

/* ihub_eval — run trusted administrative Lua against the database.
**
**   lua_source   a Lua chunk (text, UTF-8). It sees the sandboxed standard
**                library and the `ihub` table, through which it may call
**                every operation, writes included: ihub.school.add{...}.
**   result_json  on IHUB_OK receives a JSON object the caller owns and
**                releases with ihub_free():
**                  {"values": [...the chunk's return values...],
**                   "output": "...what the chunk printed..."}
**                A value JSON cannot hold exactly (a function, thread or
**                userdata, NaN, an infinity, invalid UTF-8, a table with
**                both the keys 1 and "1", a key that is not a string or an
**                integer) is IHUB_SCRIPT naming it as a JSON path, e.g.
**                "eval: returned value 1.x[0] is NaN; ..."; never null or
**                U+FFFD. Set to NULL on failure.
**
** The chunk runs in the handle's admin Lua state, which keeps its globals
** between calls (as a REPL does), under the admin time and memory budgets.
** It also has ihub.transaction(fn, ...): fn runs in a transaction of its own
** (a savepoint inside another); when fn raises, every write it made is rolled
** back and the error goes on; otherwise its results are returned.
** A Lua error returns IHUB_SCRIPT, a spent budget IHUB_LIMIT; the message
** names the chunk and line, with a short traceback. The handle stays usable.
** The time budget holds inside library calls too (string.format, load, the
** JSON conversion of the result...): the error comes within about 50 ms of
** the deadline on an idle machine, later only by one Lua operation over a
** string or table as large as the memory budget (a copy, a hash, a numeral's
** conversion: 20-150 ms per 100 MB). Once the script is done, the engine
** reads its result back, outside the budget, in time that grows with the
** result's size (about 15 ms per MB of JSON text).
**
** A failing ihub.* call raises an error value in Lua: a table
**   {status = "IHUB_NOTFOUND", code = 3, method = "school.get",
**    message = "school.get: school 'NOPE' not found"}
** with a protected metatable whose __tostring gives the script position and
** the message on one line ("eval:1: school.get: ...") and whose __concat
** joins that text, so print(err) and "failed: " .. err read well. pcall
** returns it as it is; if the chunk lets it escape, ihub_eval returns that
** status (IHUB_NOTFOUND here, not IHUB_SCRIPT) with the one-line message.
** The same holds for script.eval and a hub's methodology scripts. Budgets
** stay uncatchable: a spent budget is IHUB_LIMIT whatever the script does.
** Thread: any thread; calls on one handle are serialized.
*/
int ihub_eval(ihub *h, const char *lua_source, char **result_json);

/* ihub_errcode — the status of the most recent call on h.
**
** IHUB_OK after a call that succeeded; IHUB_MISUSE for a NULL or closed
** handle. Thread: any; with several threads on one handle, prefer
** ihub_last_error(), which is per thread.
*/
int ihub_errcode(ihub *h);

/* ihub_errmsg — the message of the most recent call on h.
**
** "not an error" after a call that succeeded. The string is owned by the
** handle and stays valid until the next call on h (or its close); copy it to
** keep it. For a NULL or closed handle, a static message. Never NULL.
** Thread: any; with several threads on one handle, prefer ihub_last_error().
*/
const char *ihub_errmsg(ihub *h);

/* ihub_last_error — the message of the most recent failed call made by the
** calling thread, on any handle or before any handle existed (ihub_open).
**
** The string belongs to the calling thread and stays valid until that
** thread's next failing call. "not an error" if the thread has had no
** failure yet. Never NULL. Thread: per thread by design.
*/
const char *ihub_last_error(void);

/* ihub_last_error_json — the same failure as ihub_last_error(), as a JSON
** object, for bindings that turn it into an exception of their language:
**
**   {"status": "IHUB_INVALID", "code": 2,
**    "message": "params.schools[3].code: expected a string, got number",
**    "path": "params.schools[3].code",
**    "problems": [...]}
**
** "path" is the place the message starts with (a field path, a file, a line
** and column, a script position) or null. "problems" is present when a
** rejected import had several: each {"line", "column", "field", "message",
** ...} as the import's dry run lists them. Before any failure, an object
** with "status": "IHUB_OK". The string belongs to the calling thread and
** stays valid until that thread's next failing call. Never NULL.
** Thread: per thread by design.
*/
const char *ihub_last_error_json(void);

/* ihub_free — release memory that libihub handed out (result documents).
**
** NULL is allowed and does nothing. Thread: any.
*/
void ihub_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* IHUB_H */
