"""xapi_python.py — rows "xAPI import", the peers: Python's json module
reading the statements and its database drivers storing them.

    python3 xapi_python.py sqlite DB NDJSON
    python3 xapi_python.py executemany URI SCHEMA NDJSON

The store (a SQLite file, or SCHEMA on a PostgreSQL server) holds ihub's
tables and hub, made by xapi_ihub with `-`, untimed. Timed, in one
transaction: each line parsed with json.loads, its indexed columns taken
from the parsed statement as ihub takes them (XAPIFacts.swift: id, actor
identifier, verb, object id, timestamp) and the row stored with the line
as the statement text — no validation — streamed through executemany
(sqlite3's, or psycopg's pipelined one). Prints "seconds <s>" and "rows <n>".
"""

import json
import sys
import time

HUB = "EE-ACC"


def identifier(a):
    if "mbox" in a:
        return "mbox:" + a["mbox"]
    if "mbox_sha1sum" in a:
        return "mbox_sha1sum:" + a["mbox_sha1sum"].lower()
    if "openid" in a:
        return "openid:" + a["openid"]
    if "account" in a:
        return "account:" + a["account"].get("homePage", "") + "|" + a["account"].get("name", "")
    return "group"


def rows(path, hub, stamp, count):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            s = json.loads(line)
            count[0] += 1
            yield (s["id"].lower(), hub, identifier(s["actor"]), s["verb"]["id"], s["object"]["id"],
                   s.get("timestamp") or stamp, stamp, line)


SQL = "INSERT INTO xapi_statements(uuid, hub_id, actor, verb, object, timestamp, stored_at, statement) VALUES ({})"


def main():
    how = sys.argv[1] if len(sys.argv) > 1 else ""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    count = [0]
    if how == "sqlite" and len(sys.argv) == 4:
        import sqlite3

        path, ndjson = sys.argv[2:4]
        con = sqlite3.connect(path, isolation_level=None)
        for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
            con.execute(f"PRAGMA {pragma}")
        cur = con.cursor()
        hub = cur.execute("SELECT id FROM hubs WHERE code = ?", (HUB,)).fetchone()[0]
        t0 = time.perf_counter()
        cur.execute("BEGIN IMMEDIATE")
        cur.executemany(SQL.format(", ".join("?" * 8)), rows(ndjson, hub, stamp, count))
        cur.execute("COMMIT")
    elif how == "executemany" and len(sys.argv) == 5:
        import psycopg

        uri, schema, ndjson = sys.argv[2:5]
        con = psycopg.connect(uri)
        con.execute(f'SET search_path TO "{schema}"')
        con.commit()
        cur = con.cursor()
        hub = cur.execute("SELECT id FROM hubs WHERE code = %s", (HUB,)).fetchone()[0]
        t0 = time.perf_counter()
        cur.executemany(SQL.format(", ".join(["%s"] * 8)), rows(ndjson, hub, stamp, count))
        con.commit()
    else:
        sys.exit("usage: xapi_python.py sqlite DB NDJSON | executemany URI SCHEMA NDJSON")
    t1 = time.perf_counter()
    con.close()
    print(f"seconds {t1 - t0:.6f}\nrows {count[0]}")


if __name__ == "__main__":
    main()
