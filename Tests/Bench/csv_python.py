"""csv_python.py — rows "CSV import", the peer: Python's csv module and
sqlite3 loading the same CSV file into the same schema.

    python3 csv_python.py DB SCHEMA_FROM people|answers|wide CSV SCHOOLS

Like csv_sqlite: the fresh file DB gets the schema of the ihub database
SCHEMA_FROM, ihub's pragmas, the same hub, schools (and round and instrument
row), untimed. Timed: reading CSV with csv.reader and storing its rows in
one transaction with executemany, the idiomatic bulk path (a pass per table,
ids of the new parent rows read back with one SELECT). Prints "seconds <s>"
and "rows <n>" (answers for wide files: one row per respondent, a column per item).
"""

import csv
import sqlite3
import sys
import time

HUB, ROUND, INSTRUMENT = "EE-ACC", "R1", "selfie"


def setup(con, schema_from, schools, answers):
    src = sqlite3.connect(schema_from)
    ddl = [row[0] for row in src.execute("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid")]
    src.close()
    con.execute("BEGIN")
    for statement in ddl:
        con.execute(statement)
    con.execute("INSERT INTO hubs(code, name, country) VALUES (?, 'Digital Accelerator', 'EE')", (HUB,))
    hub = con.execute("SELECT id FROM hubs WHERE code = ?", (HUB,)).fetchone()[0]
    con.executemany("INSERT INTO schools(hub_id, code, name) VALUES (?, ?, ?)",
                    ((hub, f"S{k + 1:03d}", f"School {k + 1:03d}") for k in range(schools)))
    if answers:
        con.execute("INSERT INTO rounds(hub_id, code, name, start_date) VALUES (?, ?, 'Round 1', '2024-09-01')", (hub, ROUND))
        con.execute("INSERT INTO instruments(code, name, subject, definition) VALUES (?, 'SELFIE', 'school', '{}')", (INSTRUMENT,))
    con.execute("COMMIT")


def load_people(con, f):
    rows = csv.reader(f)
    next(rows)
    rows = list(rows)
    hub = con.execute("SELECT id FROM hubs WHERE code = ?", (HUB,)).fetchone()[0]
    schools = dict(con.execute("SELECT code, id FROM schools"))
    con.executemany("INSERT INTO people(hub_id, code, name, email) VALUES (?, ?, ?, ?)",
                    ((hub, r[1], r[2], r[3] or None) for r in rows))
    ids = dict(con.execute("SELECT code, id FROM people"))
    con.executemany("INSERT INTO person_roles(person_id, role) VALUES (?, ?)",
                    ((ids[r[1]], role) for r in rows for role in r[4].split("|") if role))
    con.executemany("INSERT INTO memberships(person_id, school_id) VALUES (?, ?)",
                    ((ids[r[1]], schools[s]) for r in rows for s in r[5].split("|") if s))
    return len(rows)


def load_answers(con, f):
    rows = csv.reader(f)
    next(rows)
    rows = list(rows)
    rnd = con.execute("SELECT id FROM rounds WHERE code = ?", (ROUND,)).fetchone()[0]
    instrument = con.execute("SELECT id FROM instruments WHERE code = ?", (INSTRUMENT,)).fetchone()[0]
    schools = dict(con.execute("SELECT code, id FROM schools"))
    respondents = {}
    for r in rows:
        if r[2] not in respondents:
            respondents[r[2]] = (rnd, instrument, schools[r[3]], r[2], r[5])
    con.executemany("INSERT INTO responses(round_id, instrument_id, school_id, respondent, grp) VALUES (?, ?, ?, ?, ?)",
                    respondents.values())
    ids = dict(con.execute("SELECT respondent, id FROM responses WHERE round_id = ? AND instrument_id = ?", (rnd, instrument)))
    con.executemany("INSERT INTO answers(response_id, item, score, status) VALUES (?, ?, ?, ?)",
                    ((ids[r[2]], r[6], None, r[7]) if r[7] in ("na", "pnts") else (ids[r[2]], r[6], float(r[7]), "score")
                     for r in rows))
    return len(rows)


def answer_row(response, item, text):
    return (response, item, None, text) if text in ("na", "pnts") else (response, item, float(text), "score")


def load_wide(con, f):
    rows = csv.reader(f)
    header = next(rows)
    items = header[5:]
    rows = list(rows)
    rnd = con.execute("SELECT id FROM rounds WHERE code = ?", (ROUND,)).fetchone()[0]
    instrument = con.execute("SELECT id FROM instruments WHERE code = ?", (INSTRUMENT,)).fetchone()[0]
    schools = dict(con.execute("SELECT code, id FROM schools"))
    con.executemany("INSERT INTO responses(round_id, instrument_id, school_id, respondent, grp) VALUES (?, ?, ?, ?, ?)",
                    ((rnd, instrument, schools[r[3]], r[2], r[4]) for r in rows))
    ids = dict(con.execute("SELECT respondent, id FROM responses WHERE round_id = ? AND instrument_id = ?", (rnd, instrument)))
    con.executemany("INSERT INTO answers(response_id, item, score, status) VALUES (?, ?, ?, ?)",
                    (answer_row(ids[r[2]], item, text) for r in rows for item, text in zip(items, r[5:]) if text))
    return len(rows) * len(items)


def main():
    path, schema_from, kind, csv_path, schools = sys.argv[1:6]
    answers = kind in ("answers", "wide")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA cache_size = -65536")
    setup(con, schema_from, int(schools), answers)
    t0 = time.perf_counter()
    with open(csv_path, newline="", encoding="utf-8") as f:
        con.execute("BEGIN IMMEDIATE")
        n = load_wide(con, f) if kind == "wide" else load_answers(con, f) if answers else load_people(con, f)
        con.execute("COMMIT")
    t1 = time.perf_counter()
    con.close()
    print(f"seconds {t1 - t0:.6f}\nrows {n}")


if __name__ == "__main__":
    main()
