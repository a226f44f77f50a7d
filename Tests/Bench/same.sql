-- same.sql — the equality checks of the bench data, in one place. After a
-- row's runs, every side's store (a SQLite file or a PostgreSQL schema) must
-- hold the counts the run asked for and the same content as the others: ids
-- and timestamps aside, which legitimately differ. Tests/Bench/driver.py runs
-- these (same_data); each statement follows a "-- check: KIND counts|content"
-- line and is portable: SQLite and PostgreSQL run it alike (text compares
-- byte by byte on both; NULLs placed explicitly).

-- check: people counts
-- one hub, its schools, and people, person_roles, memberships: one each per person.
SELECT (SELECT count(*) FROM hubs), (SELECT count(*) FROM schools), (SELECT count(*) FROM people),
       (SELECT count(*) FROM person_roles), (SELECT count(*) FROM memberships);

-- check: people content
SELECT p.code, p.name, p.email, h.code, r.role, r.start_date, r.end_date, s.code, m.start_date, m.end_date
  FROM people p
  JOIN hubs h ON h.id = p.hub_id
  LEFT JOIN person_roles r ON r.person_id = p.id
  LEFT JOIN memberships m ON m.person_id = p.id
  LEFT JOIN schools s ON s.id = m.school_id
 ORDER BY p.code, r.role NULLS FIRST, s.code NULLS FIRST;

-- check: answers counts
-- responses (34 answers each: one per selfie item), answers.
SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM answers);

-- check: answers content
SELECT x.respondent, s.code, x.grp, a.item, a.score, a.status
  FROM answers a
  JOIN responses x ON x.id = a.response_id
  JOIN schools s ON s.id = x.school_id
 ORDER BY x.respondent, a.item;

-- check: xapi counts
-- statements, those that name an activity, those voided.
SELECT (SELECT count(*) FROM xapi_statements), (SELECT count(*) FROM xapi_statements WHERE activity_id IS NOT NULL),
       (SELECT count(*) FROM xapi_statements WHERE voided_by IS NOT NULL);

-- check: xapi content
-- stored_at is the time of the import: it differs.
SELECT x.uuid, h.code, x.actor, x.verb, x.object, x.timestamp, x.statement, x.voided_by
  FROM xapi_statements x
  JOIN hubs h ON h.id = x.hub_id
 ORDER BY x.uuid;
