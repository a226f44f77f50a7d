"""people_python.py — rows "bulk people", the peers: Python reading the people
CSV file with its csv module and storing the rows with its database drivers.

    python3 people_python.py sqlite DB CSV
    python3 people_python.py executemany|copy URI SCHEMA CSV

The store (a SQLite file, or SCHEMA on a PostgreSQL server) holds ihub's
tables, hub and schools, made by people_ihub with PEOPLE 0, untimed. Timed,
in one transaction: reading CSV (written by csv_make: the people of bench.h)
with csv.reader and storing each person, their role and their membership
(starting MEMBERSHIP_START, as in the JSON the ihub side gets), a pass per
table, the new people's ids read back with one SELECT. `sqlite` is sqlite3's
executemany; `executemany` is psycopg's (pipelined); `copy` is psycopg's COPY
with write_row. Prints "seconds <s>" and "rows <n>".
"""

import csv
import sys
import time

HUB, MEMBERSHIP_START = "EE-ACC", "2024-09-01"


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        return list(rows)


def parents(cur, ph):
    cur.execute(f"SELECT id FROM hubs WHERE code = {ph}", (HUB,))
    hub = cur.fetchone()[0]
    cur.execute(f"SELECT code, id FROM schools WHERE hub_id = {ph}", (hub,))
    return hub, dict(cur.fetchall())


def new_ids(cur, ph, hub):
    cur.execute(f"SELECT code, id FROM people WHERE hub_id = {ph}", (hub,))
    return dict(cur.fetchall())


def store_executemany(cur, rows, ph):
    """sqlite3 and psycopg alike; `ph` is the driver's parameter marker."""
    hub, schools = parents(cur, ph)
    cur.executemany(f"INSERT INTO people(hub_id, code, name, email) VALUES ({ph}, {ph}, {ph}, {ph})",
                    [(hub, r[1], r[2], r[3] or None) for r in rows])
    ids = new_ids(cur, ph, hub)
    cur.executemany(f"INSERT INTO person_roles(person_id, role) VALUES ({ph}, {ph})",
                    [(ids[r[1]], role) for r in rows for role in r[4].split("|") if role])
    cur.executemany(f"INSERT INTO memberships(person_id, school_id, start_date) VALUES ({ph}, {ph}, {ph})",
                    [(ids[r[1]], schools[s], MEMBERSHIP_START) for r in rows for s in r[5].split("|") if s])


def store_copy(cur, rows):
    hub, schools = parents(cur, "%s")
    with cur.copy("COPY people (hub_id, code, name, email) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((hub, r[1], r[2], r[3] or None))
    ids = new_ids(cur, "%s", hub)
    with cur.copy("COPY person_roles (person_id, role) FROM STDIN") as copy:
        for r in rows:
            for role in r[4].split("|"):
                if role:
                    copy.write_row((ids[r[1]], role))
    with cur.copy("COPY memberships (person_id, school_id, start_date) FROM STDIN") as copy:
        for r in rows:
            for s in r[5].split("|"):
                if s:
                    copy.write_row((ids[r[1]], schools[s], MEMBERSHIP_START))


def main():
    how = sys.argv[1]
    if how == "sqlite" and len(sys.argv) == 4:
        import sqlite3

        path, csv_path = sys.argv[2:4]
        con = sqlite3.connect(path, isolation_level=None)
        # ihub's connection settings (Sources/IHubCore/Store/SQLiteBackend.swift).
        for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
            con.execute(f"PRAGMA {pragma}")
        cur = con.cursor()
        t0 = time.perf_counter()
        cur.execute("BEGIN IMMEDIATE")
        rows = read_rows(csv_path)
        store_executemany(cur, rows, "?")
        cur.execute("COMMIT")
    elif how in ("executemany", "copy") and len(sys.argv) == 5:
        import psycopg

        uri, schema, csv_path = sys.argv[2:5]
        con = psycopg.connect(uri)
        con.execute(f'SET search_path TO "{schema}"')
        con.commit()
        cur = con.cursor()
        t0 = time.perf_counter()
        rows = read_rows(csv_path)
        if how == "copy":
            store_copy(cur, rows)
        else:
            store_executemany(cur, rows, "%s")
        con.commit()
    else:
        sys.exit("usage: people_python.py sqlite DB CSV | executemany|copy URI SCHEMA CSV")
    t1 = time.perf_counter()
    con.close()
    print(f"seconds {t1 - t0:.6f}\nrows {len(rows)}")


if __name__ == "__main__":
    main()
