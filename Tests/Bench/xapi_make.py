"""xapi_make.py — the statements of rows "xAPI import": N realistic xAPI
1.0.3 statements as an LMS or LRS exports them, as NDJSON, one compact
statement a line (keys in a fixed order, as json.dumps writes them; the
limit's minimal extraction relies on that order).

    python3 xapi_make.py N PATH

10,000 learners (three in four by mbox, one in four by an account on the
LMS), six verbs, 500 course modules, scores, durations, a registration and
a parent course in the context, timestamps over 2026. Deterministic: the
same N gives the same file.
"""

import random
import sys
import uuid

FIRST = ["Mari", "Jüri", "Kadri", "Tõnu", "Liis", "Märt", "Anu", "Priit", "Ülle", "Rein", "Kärt", "Olev"]
LAST = ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Õunapuu"]
VERBS = ["completed", "attempted", "experienced", "answered", "passed", "failed"]
LMS = "https://lms.example.ee"


def statement(rng, i):
    sid = uuid.UUID(int=rng.getrandbits(128), version=4)
    reg = uuid.UUID(int=rng.getrandbits(128), version=4)
    learner = rng.randrange(10_000)
    name = f"{FIRST[learner % len(FIRST)]} {LAST[(learner // len(FIRST)) % len(LAST)]}"
    if learner % 4 == 3:
        actor = f'{{"objectType":"Agent","account":{{"homePage":"{LMS}","name":"l{learner:06d}"}}}}'
    else:
        actor = f'{{"objectType":"Agent","name":"{name}","mbox":"mailto:l{learner:06d}@school.example.ee"}}'
    verb = VERBS[rng.randrange(len(VERBS))]
    course, module = rng.randrange(50), rng.randrange(10)
    raw = rng.randrange(101)
    scaled = repr(raw / 100)
    success = "true" if raw >= 50 else "false"
    minutes, seconds = rng.randrange(90), rng.randrange(60)
    day = 1 + rng.randrange(365)
    month, mday = 1, day
    for m, days in enumerate([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], 1):
        if mday <= days:
            month = m
            break
        mday -= days
    hour, minute = 8 + rng.randrange(10), rng.randrange(60)
    return (f'{{"id":"{sid}","actor":{actor},'
            f'"verb":{{"id":"http://adlnet.gov/expapi/verbs/{verb}","display":{{"en-US":"{verb}"}}}},'
            f'"object":{{"objectType":"Activity","id":"{LMS}/course/{course}/module/{module}",'
            f'"definition":{{"name":{{"en-US":"Module {module} of course {course}"}},'
            f'"type":"http://adlnet.gov/expapi/activities/module"}}}},'
            f'"result":{{"score":{{"scaled":{scaled},"raw":{raw},"min":0,"max":100}},"success":{success},'
            f'"completion":true,"duration":"PT{minutes}M{seconds}S"}},'
            f'"context":{{"registration":"{reg}","platform":"Moodle","language":"et-EE",'
            f'"contextActivities":{{"parent":[{{"id":"{LMS}/course/{course}","objectType":"Activity"}}]}}}},'
            f'"timestamp":"2026-{month:02d}-{mday:02d}T{hour:02d}:{minute:02d}:00Z"}}')


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: xapi_make.py N PATH")
    n, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20260301)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(statement(rng, i))
            f.write("\n")


if __name__ == "__main__":
    main()
