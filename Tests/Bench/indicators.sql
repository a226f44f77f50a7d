-- indicators.sql — the limit of the indicator benchmark: the built-in
-- indicators written by hand in SQL and run by the sqlite3 shell on ihub's
-- file, nothing in between. Parameters (set by the driver before this file):
--   @hub (the hub's id), @from, @to (the window), @asof (min(window end, today)),
--   @inactive_days (risk.inactive_mentorships), @stalled_days (process.stalled).
-- Output: one tab-separated line per indicator row,
--   indicator  subject  part  value  detail...
-- subject: a person's or school's code, a mentorship's id, '' for the hub.
-- The definitions are those of the brief of the indicators; the activity
-- rules are activity.hours' (ActivityStore+Hours.swift): an activity counts
-- for a person listed or mentor/mentee of a listed mentorship, for a school
-- listed, mentor/mentee school of a listed school mentorship, or through a
-- person who took part and was a member of it on the activity's date.
.mode tabs
.headers off
PRAGMA cache_size = -65536;  -- ihub's page cache (SQLiteBackend)

-- The window's activities with their participants, once.
CREATE TEMP TABLE wp AS
SELECT a.id AS act, a.date, a.minutes, a.kind, p.person_id, p.school_id, p.mentorship_id
FROM activities a JOIN activity_participants p ON p.activity_id = a.id
WHERE a.hub_id = @hub AND a.voided_at IS NULL AND a.date BETWEEN @from AND @to;

-- (person, activity) and (school, activity), each pair once.
CREATE TEMP TABLE pa AS
SELECT person_id AS person, act, minutes FROM wp WHERE person_id IS NOT NULL
UNION SELECT m.mentor_person_id, wp.act, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
      WHERE m.mentor_person_id IS NOT NULL
UNION SELECT m.mentee_person_id, wp.act, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
      WHERE m.mentee_person_id IS NOT NULL;

CREATE TEMP TABLE sa AS
WITH people_on AS (  -- people who took part, with the activity's date
    SELECT person_id AS person, act, date, minutes FROM wp WHERE person_id IS NOT NULL
    UNION ALL SELECT m.mentor_person_id, wp.act, wp.date, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
          WHERE m.mentor_person_id IS NOT NULL
    UNION ALL SELECT m.mentee_person_id, wp.act, wp.date, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
          WHERE m.mentee_person_id IS NOT NULL)
SELECT school_id AS school, act, minutes FROM wp WHERE school_id IS NOT NULL
UNION SELECT m.mentor_school_id, wp.act, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
      WHERE m.mentor_school_id IS NOT NULL
UNION SELECT m.mentee_school_id, wp.act, wp.minutes FROM wp JOIN mentorships m ON m.id = wp.mentorship_id
      WHERE m.mentee_school_id IS NOT NULL
UNION SELECT ms.school_id, o.act, o.minutes FROM people_on o JOIN memberships ms ON ms.person_id = o.person
      WHERE (ms.start_date IS NULL OR ms.start_date <= o.date) AND (ms.end_date IS NULL OR ms.end_date >= o.date);

-- Mentorships of the hub active in the window.
CREATE TEMP TABLE active_m AS
SELECT * FROM mentorships WHERE hub_id = @hub AND start_date <= @to AND (end_date IS NULL OR end_date >= @from);

-- participation.activities: per kind, count and hours.
SELECT 'participation.activities', '', kind, count(*), printf('%.2f', sum(minutes) / 60.0)
FROM activities WHERE hub_id = @hub AND voided_at IS NULL AND date BETWEEN @from AND @to
GROUP BY kind ORDER BY kind;

-- participation.person_hours / school_hours: hours > 0 only.
SELECT 'participation.person_hours', pe.code, '', sum(pa.minutes) / 60.0, count(*), sum(pa.minutes)
FROM pa JOIN people pe ON pe.id = pa.person WHERE pe.hub_id = @hub
GROUP BY pa.person HAVING sum(pa.minutes) > 0 ORDER BY pe.code;

SELECT 'participation.school_hours', s.code, '', sum(sa.minutes) / 60.0, count(*), sum(sa.minutes)
FROM sa JOIN schools s ON s.id = sa.school WHERE s.hub_id = @hub
GROUP BY sa.school HAVING sum(sa.minutes) > 0 ORDER BY s.code;

-- participation.active_mentorships: active and listed in an activity of the window.
SELECT 'participation.active_mentorships', '', '', count(x.id), count(*),
       CASE WHEN count(*) = 0 THEN '' ELSE count(x.id) * 1.0 / count(*) END
FROM active_m m LEFT JOIN (SELECT DISTINCT mentorship_id AS id FROM wp WHERE mentorship_id IS NOT NULL) x ON x.id = m.id;

-- participation.sessions_per_month: sessions listed in the window per month of overlap.
WITH o AS (
    SELECT id, julianday(min(@to, COALESCE(end_date, @to), @asof)) - julianday(max(@from, start_date)) + 1 AS days
    FROM mentorships WHERE hub_id = @hub),
s AS (SELECT mentorship_id AS id, count(DISTINCT act) AS n FROM wp WHERE kind = 'session' AND mentorship_id IS NOT NULL
      GROUP BY mentorship_id)
SELECT 'participation.sessions_per_month', o.id, '', COALESCE(s.n, 0) / (o.days / 30.4375), COALESCE(s.n, 0),
       printf('%.2f', o.days / 30.4375)
FROM o LEFT JOIN s ON s.id = o.id WHERE o.days >= 1 ORDER BY o.id;

-- reach.schools: took part, or in a school mentorship active in the window,
-- or with a member (membership overlapping the window) in an active teacher mentorship.
WITH engaged AS (
    SELECT school FROM sa
    UNION SELECT mentor_school_id FROM active_m WHERE level = 'school'
    UNION SELECT mentee_school_id FROM active_m WHERE level = 'school'
    UNION SELECT ms.school_id FROM memberships ms
          JOIN (SELECT mentor_person_id AS p FROM active_m WHERE level = 'teacher'
                UNION SELECT mentee_person_id FROM active_m WHERE level = 'teacher') t ON t.p = ms.person_id
          WHERE (ms.start_date IS NULL OR ms.start_date <= @to) AND (ms.end_date IS NULL OR ms.end_date >= @from))
SELECT 'reach.schools', '', '', (SELECT count(*) FROM schools WHERE hub_id = @hub AND id IN (SELECT school FROM engaged)),
       (SELECT target_schools FROM hubs WHERE id = @hub), (SELECT count(*) FROM schools WHERE hub_id = @hub);

-- reach.teachers: members in the window who took part or are in an active teacher mentorship.
WITH members AS (
    SELECT DISTINCT ms.person_id AS person FROM memberships ms JOIN people pe ON pe.id = ms.person_id
    WHERE pe.hub_id = @hub AND (ms.start_date IS NULL OR ms.start_date <= @to) AND (ms.end_date IS NULL OR ms.end_date >= @from)),
engaged AS (
    SELECT person FROM pa
    UNION SELECT mentor_person_id FROM active_m WHERE level = 'teacher'
    UNION SELECT mentee_person_id FROM active_m WHERE level = 'teacher')
SELECT 'reach.teachers', '', '', (SELECT count(*) FROM members WHERE person IN (SELECT person FROM engaged)),
       (SELECT target_teachers FROM hubs WHERE id = @hub), (SELECT count(*) FROM members);

-- engagement.stakeholders: engagements in the window per kind of stakeholder.
SELECT 'engagement.stakeholders', '', k.kind, count(*), count(DISTINCT k.id)
FROM engagements e JOIN stakeholders k ON k.id = e.stakeholder_id
WHERE k.hub_id = @hub AND e.date BETWEEN @from AND @to GROUP BY k.kind ORDER BY k.kind;

-- risk.inactive_mentorships: active as of @asof, last listed activity (dated <= @asof)
-- @inactive_days or more before, or none and started that long before.
WITH last AS (
    SELECT p.mentorship_id AS id, max(a.date) AS date
    FROM activity_participants p JOIN activities a ON a.id = p.activity_id
    WHERE p.mentorship_id IS NOT NULL AND a.voided_at IS NULL AND a.date <= @asof GROUP BY p.mentorship_id),
m AS (
    SELECT m.id, l.date AS last, CAST(julianday(@asof) - julianday(COALESCE(l.date, m.start_date)) AS INTEGER) AS days
    FROM mentorships m LEFT JOIN last l ON l.id = m.id
    WHERE m.hub_id = @hub AND m.start_date <= @asof AND (m.end_date IS NULL OR m.end_date > @asof))
SELECT 'risk.inactive_mentorships', id, '', days, COALESCE(last, '') FROM m WHERE days >= @inactive_days ORDER BY id;

-- risk.dropouts: a teacher mentorship of theirs ended in the window with a
-- reason, or a membership ended in the window with no other as of its end;
-- value: days since their last activity as of @asof.
CREATE TEMP TABLE out AS
SELECT mentor_person_id AS person FROM mentorships
WHERE hub_id = @hub AND level = 'teacher' AND end_reason IS NOT NULL AND end_date BETWEEN @from AND @to
UNION SELECT mentee_person_id FROM mentorships
WHERE hub_id = @hub AND level = 'teacher' AND end_reason IS NOT NULL AND end_date BETWEEN @from AND @to
UNION SELECT ms.person_id FROM memberships ms JOIN people pe ON pe.id = ms.person_id
WHERE pe.hub_id = @hub AND ms.end_date BETWEEN @from AND @to AND NOT EXISTS (
    SELECT 1 FROM memberships o WHERE o.person_id = ms.person_id AND o.id <> ms.id
    AND (o.start_date IS NULL OR o.start_date <= ms.end_date) AND (o.end_date IS NULL OR o.end_date > ms.end_date));
-- CROSS JOIN: from the people out to their activities (not the whole log by date).
WITH acts AS (
    SELECT p.person_id AS person, a.date FROM out CROSS JOIN activity_participants p ON p.person_id = out.person
    CROSS JOIN activities a ON a.id = p.activity_id WHERE a.voided_at IS NULL AND a.date <= @asof
    UNION ALL SELECT m.mentor_person_id, a.date FROM out CROSS JOIN mentorships m ON m.mentor_person_id = out.person
    CROSS JOIN activity_participants p ON p.mentorship_id = m.id CROSS JOIN activities a ON a.id = p.activity_id
    WHERE a.voided_at IS NULL AND a.date <= @asof
    UNION ALL SELECT m.mentee_person_id, a.date FROM out CROSS JOIN mentorships m ON m.mentee_person_id = out.person
    CROSS JOIN activity_participants p ON p.mentorship_id = m.id CROSS JOIN activities a ON a.id = p.activity_id
    WHERE a.voided_at IS NULL AND a.date <= @asof),
last AS (SELECT person, max(date) AS date FROM acts GROUP BY person)
SELECT 'risk.dropouts', pe.code, '', COALESCE(CAST(julianday(@asof) - julianday(last.date) AS INTEGER), '')
FROM out JOIN people pe ON pe.id = out.person LEFT JOIN last ON last.person = out.person ORDER BY pe.code;

-- Process: the hub's instances and their moves, dated.
CREATE TEMP TABLE mv AS
SELECT t.id, t.instance_id, t.to_step, t.cycle, substr(t.moved_at, 1, 10) AS date,
       lag(t.cycle) OVER (PARTITION BY t.instance_id ORDER BY t.moved_at, t.id) AS prev_cycle,
       row_number() OVER (PARTITION BY t.instance_id ORDER BY t.moved_at DESC, t.id DESC) AS last_first
FROM process_transitions t JOIN process_instances i ON i.id = t.instance_id
WHERE i.hub_id = @hub AND substr(t.moved_at, 1, 10) <= @asof;

-- process.steps_reached: distinct instances moved into the step in the window.
SELECT 'process.steps_reached', '', t.to_step, count(DISTINCT t.instance_id)
FROM process_transitions t JOIN process_instances i ON i.id = t.instance_id
WHERE i.hub_id = @hub AND substr(t.moved_at, 1, 10) BETWEEN @from AND @to GROUP BY t.to_step ORDER BY t.to_step;

-- process.cycles_completed: moves in the window whose cycle is above the previous move's.
WITH m AS (
    SELECT t.cycle, substr(t.moved_at, 1, 10) AS date,
           lag(t.cycle) OVER (PARTITION BY t.instance_id ORDER BY t.moved_at, t.id) AS prev
    FROM process_transitions t JOIN process_instances i ON i.id = t.instance_id WHERE i.hub_id = @hub)
SELECT 'process.cycles_completed', '', '', count(*) FROM m WHERE date BETWEEN @from AND @to AND cycle > prev;

-- Instances open as of @asof, with their step and the days since their last move (or start).
CREATE TEMP TABLE open_i AS
SELECT i.id, mv.to_step AS step, mv.date AS moved,
       CAST(julianday(@asof) - julianday(COALESCE(mv.date, substr(i.started_at, 1, 10))) AS INTEGER) AS days
FROM process_instances i LEFT JOIN mv ON mv.instance_id = i.id AND mv.last_first = 1
WHERE i.hub_id = @hub AND substr(i.started_at, 1, 10) <= @asof AND (i.closed_at IS NULL OR substr(i.closed_at, 1, 10) > @asof);

SELECT 'process.time_in_step', '', step, avg(days), count(*), max(days) FROM open_i WHERE moved IS NOT NULL
GROUP BY step ORDER BY step;

SELECT 'process.stalled', '', '', sum(days >= @stalled_days), count(*) FROM open_i;

SELECT 'risk.stalled_instances', '', 'instance:' || id, days FROM open_i WHERE days >= @stalled_days ORDER BY id;

-- risk.overdue_plans: draft or active plans with an open goal or an open /
-- in-progress task past its date; value: days overdue of the oldest.
WITH late AS (
    SELECT plan_id AS plan, target_date AS date, 1 AS goal, 0 AS task FROM plan_goals
    WHERE status = 'open' AND target_date < @asof
    UNION ALL SELECT g.plan_id, t.due_date, 0, 1 FROM plan_tasks t JOIN plan_goals g ON g.id = t.goal_id
    WHERE (t.status = 'open' OR t.status = 'in_progress') AND t.due_date < @asof)
SELECT 'risk.overdue_plans', '', 'plan:' || p.id, CAST(julianday(@asof) - julianday(min(l.date)) AS INTEGER),
       sum(l.goal), sum(l.task)
FROM action_plans p JOIN late l ON l.plan = p.id
WHERE p.hub_id = @hub AND (p.status = 'draft' OR p.status = 'active') GROUP BY p.id ORDER BY p.id;

-- Maturity: the teacher instrument of the two latest rounds of the hub (by
-- start date); a respondent's area mean is the mean of their scored items,
-- their overall the mean of their area means.
CREATE TEMP TABLE rr AS
SELECT id, row_number() OVER (ORDER BY start_date DESC, id DESC) AS latest FROM rounds WHERE hub_id = @hub;
CREATE TEMP TABLE items AS
SELECT i.id AS instrument, json_extract(a.value, '$.code') AS area, json_extract(t.value, '$.code') AS item
FROM instruments i, json_each(i.definition, '$.areas') a, json_each(a.value, '$.items') t WHERE i.code = 'digcompedu';
CREATE TEMP TABLE levels AS
SELECT json_extract(l.value, '$.min') AS min FROM instruments i, json_each(i.definition, '$.levels') l
WHERE i.code = 'digcompedu';
CREATE TEMP TABLE ra AS
WITH areas AS (
    SELECT CASE rr.latest WHEN 2 THEN 'from' ELSE 'to' END AS side, r.person_id AS person, r.id, x.area, avg(a.score) AS mean
    FROM responses r JOIN rr ON rr.id = r.round_id AND rr.latest <= 2 JOIN schools s ON s.id = r.school_id AND s.hub_id = @hub
    JOIN answers a ON a.response_id = r.id AND a.status = 'score' JOIN items x ON x.instrument = r.instrument_id AND x.item = a.item
    WHERE r.grp = 'teachers' GROUP BY r.id, x.area)
SELECT side, person, id, area, mean FROM areas
UNION ALL SELECT side, person, id, 'overall', avg(mean) FROM areas GROUP BY id;

-- maturity.change: per area, mean(to) - mean(from), Hedges' g and its 95% CI.
WITH s AS (
    SELECT area, side, count(*) AS n, avg(mean) AS mean,
           sqrt((sum(mean * mean) - count(*) * avg(mean) * avg(mean)) / (count(*) - 1)) AS sd
    FROM ra GROUP BY area, side),
c AS (
    SELECT f.area, f.n AS n1, t.n AS n2, f.mean AS m1, t.mean AS m2,
           sqrt(((f.n - 1) * f.sd * f.sd + (t.n - 1) * t.sd * t.sd) / (f.n + t.n - 2)) AS pooled
    FROM s f JOIN s t ON t.area = f.area AND t.side = 'to' WHERE f.side = 'from'),
g AS (SELECT *, (1 - 3.0 / (4 * (n1 + n2) - 9)) * (m2 - m1) / pooled AS g FROM c),
e AS (SELECT *, sqrt((n1 + n2) * 1.0 / (n1 * n2) + g * g / (2.0 * (n1 + n2))) AS se FROM g)
SELECT 'maturity.change', '', 'teachers:' || area, m2 - m1, m1, m2, n1, n2, g, g - 1.959963984540054 * se,
       g + 1.959963984540054 * se
FROM e ORDER BY area;

-- maturity.moved_up: teachers assessed in both rounds whose level (the
-- highest whose minimum their mean reaches) is higher in the later one.
WITH lv AS (SELECT side, person, area, (SELECT count(*) FROM levels WHERE min <= mean) AS level FROM ra),
both AS (SELECT f.area, f.person, t.level > f.level AS up FROM lv f JOIN lv t ON t.person = f.person AND t.area = f.area
         AND t.side = 'to' WHERE f.side = 'from')
SELECT 'maturity.moved_up', '', area, avg(up), count(*) FROM both GROUP BY area ORDER BY area;
