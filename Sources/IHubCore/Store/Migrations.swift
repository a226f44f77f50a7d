/// The schema, as numbered migrations. A shipped migration is never edited:
/// change the schema by appending one. Each is applied in its own
/// transaction and recorded in `ihub_migrations`, the record of the schema
/// version on both engines. Migrations are written in SQLite's form;
/// `postgresForms` declares, in one place, what PostgreSQL says instead.
enum Migrations {
    static let all: [(description: String, sql: String)] = [
        ("registry: hubs, schools, people, roles, memberships, teams, stakeholders, rounds", """
        CREATE TABLE ihub_migrations (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE hubs (
            id              INTEGER PRIMARY KEY,
            code            TEXT NOT NULL UNIQUE,
            name            TEXT NOT NULL,
            country         TEXT NOT NULL,              -- ISO 3166-1 alpha-2
            region          TEXT,
            languages       TEXT NOT NULL DEFAULT '[]', -- JSON array of ISO 639-1 codes
            target_schools  INTEGER CHECK (target_schools >= 0),
            target_teachers INTEGER CHECK (target_teachers >= 0),
            min_group_size  INTEGER NOT NULL DEFAULT 5 CHECK (min_group_size >= 1), -- k of small-group suppression
            created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE schools (
            id           INTEGER PRIMARY KEY,
            hub_id       INTEGER NOT NULL REFERENCES hubs(id),
            code         TEXT NOT NULL UNIQUE,
            name         TEXT NOT NULL,
            -- Choices are spelled as OR chains, not IN lists: SQLite builds a
            -- temporary b-tree for an IN list on every row it checks.
            level        TEXT CHECK (level = 'primary' OR level = 'lower_secondary' OR level = 'upper_secondary'
                                     OR level = 'vet' OR level = 'other'),
            size         INTEGER CHECK (size >= 0),   -- number of students
            municipality TEXT,
            latitude     REAL CHECK (latitude BETWEEN -90 AND 90),
            longitude    REAL CHECK (longitude BETWEEN -180 AND 180),
            languages    TEXT NOT NULL DEFAULT '[]',
            created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX schools_hub ON schools(hub_id);
        CREATE TABLE people (
            id         INTEGER PRIMARY KEY,
            hub_id     INTEGER NOT NULL REFERENCES hubs(id),
            code       TEXT NOT NULL UNIQUE,
            name       TEXT NOT NULL,
            email      TEXT,
            subjects   TEXT NOT NULL DEFAULT '[]',  -- JSON array of subject names
            languages  TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX people_hub ON people(hub_id);
        -- Roles and memberships keep their history: an update ends a row
        -- (end_date) instead of deleting it. Current rows have no end_date.
        CREATE TABLE person_roles (
            id         INTEGER PRIMARY KEY,
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            role       TEXT NOT NULL CHECK (role = 'teacher' OR role = 'school_leader' OR role = 'ict_teacher'
                                            OR role = 'mentor' OR role = 'coordinator' OR role = 'researcher'),
            start_date TEXT,
            end_date   TEXT
        );
        CREATE INDEX person_roles_person ON person_roles(person_id, role);
        CREATE TABLE memberships (
            id         INTEGER PRIMARY KEY,
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            school_id  INTEGER NOT NULL REFERENCES schools(id),
            start_date TEXT,
            end_date   TEXT,
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
        );
        -- (person, school): a person's current membership of a school is
        -- found without scanning the school's members.
        CREATE INDEX memberships_person ON memberships(person_id, school_id);
        CREATE INDEX memberships_school ON memberships(school_id);
        -- A school's development team: principal plus ICT-support teachers.
        CREATE TABLE team_members (
            id         INTEGER PRIMARY KEY,
            school_id  INTEGER NOT NULL REFERENCES schools(id),
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            position   TEXT NOT NULL DEFAULT 'member',  -- e.g. principal, ict_support, member
            start_date TEXT,
            end_date   TEXT
        );
        CREATE INDEX team_members_school ON team_members(school_id);
        CREATE TABLE stakeholders (
            id         INTEGER PRIMARY KEY,
            hub_id     INTEGER NOT NULL REFERENCES hubs(id),
            code       TEXT NOT NULL UNIQUE,
            name       TEXT NOT NULL,
            kind       TEXT NOT NULL CHECK (kind = 'municipality' OR kind = 'school_board' OR kind = 'teacher_association'
                                            OR kind = 'university' OR kind = 'company' OR kind = 'ministry' OR kind = 'network'),
            contact    TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE engagements (
            id             INTEGER PRIMARY KEY,
            stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,
            date           TEXT NOT NULL,
            kind           TEXT NOT NULL CHECK (kind = 'meeting' OR kind = 'event' OR kind = 'agreement'
                                                OR kind = 'communication' OR kind = 'other'),
            school_id      INTEGER REFERENCES schools(id),
            note           TEXT
        );
        CREATE INDEX engagements_stakeholder ON engagements(stakeholder_id);
        -- Rounds: cohorts / time points of a hub.
        CREATE TABLE rounds (
            id         INTEGER PRIMARY KEY,
            hub_id     INTEGER NOT NULL REFERENCES hubs(id),
            code       TEXT NOT NULL UNIQUE,
            name       TEXT NOT NULL,
            start_date TEXT,
            end_date   TEXT,
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
        );
        CREATE INDEX rounds_hub ON rounds(hub_id);
        """),
        ("assessment: instruments, responses, answers, area results, hub scripts, classifications", """
        -- Instruments: built in (selfie, digcompedu) or declared by a hub in
        -- Lua. `definition` is the JSON of areas, items, scale and levels.
        CREATE TABLE instruments (
            id          INTEGER PRIMARY KEY,
            code        TEXT NOT NULL UNIQUE,
            name        TEXT NOT NULL,
            subject     TEXT NOT NULL CHECK (subject = 'school' OR subject = 'teacher'),
            definition  TEXT NOT NULL,
            source      TEXT,               -- the Lua declaration of a hub-defined instrument
            source_hash TEXT,
            hub_id      INTEGER REFERENCES hubs(id),  -- NULL: available to every hub
            created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        -- One respondent's answers to one instrument in one round, about a
        -- school (school instruments) or a teacher (teacher instruments).
        CREATE TABLE responses (
            id            INTEGER PRIMARY KEY,
            round_id      INTEGER NOT NULL REFERENCES rounds(id),
            instrument_id INTEGER NOT NULL REFERENCES instruments(id),
            school_id     INTEGER NOT NULL REFERENCES schools(id),
            person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL, -- the teacher assessed (teacher instruments)
            respondent    TEXT NOT NULL,  -- pseudonymous respondent code, unique per round and instrument
            grp           TEXT NOT NULL CHECK (grp = 'leaders' OR grp = 'teachers' OR grp = 'students'),
            submitted_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            UNIQUE (round_id, instrument_id, respondent)
        );
        CREATE INDEX responses_school ON responses(school_id, round_id);
        CREATE INDEX responses_person ON responses(person_id, round_id);
        -- One answer: a score on the instrument's scale, or not applicable
        -- (na), or prefer not to say (pnts) — neither of which is a score.
        CREATE TABLE answers (
            response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            item        TEXT NOT NULL,
            score       REAL,
            status      TEXT NOT NULL DEFAULT 'score' CHECK (status = 'score' OR status = 'na' OR status = 'pnts'),
            CHECK ((status = 'score') = (score IS NOT NULL)),
            PRIMARY KEY (response_id, item)
        ) WITHOUT ROWID;
        -- Results that arrive only as reports: an area mean per school,
        -- round and respondent group, with the number of respondents.
        CREATE TABLE area_results (
            round_id      INTEGER NOT NULL REFERENCES rounds(id),
            instrument_id INTEGER NOT NULL REFERENCES instruments(id),
            school_id     INTEGER NOT NULL REFERENCES schools(id),
            grp           TEXT NOT NULL CHECK (grp = 'leaders' OR grp = 'teachers' OR grp = 'students'),
            area          TEXT NOT NULL,
            mean          REAL NOT NULL,
            sd            REAL,
            n             INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (round_id, instrument_id, school_id, grp, area)
        ) WITHOUT ROWID;
        -- A hub's methodology scripts (e.g. "classify"), versioned by hash.
        CREATE TABLE hub_scripts (
            hub_id     INTEGER NOT NULL REFERENCES hubs(id),
            name       TEXT NOT NULL,
            source     TEXT NOT NULL,
            hash       TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (hub_id, name)
        );
        -- A maturity class per subject and round, with its reasons and the
        -- rule (default or a hub script, by hash) that produced it.
        CREATE TABLE classifications (
            id          INTEGER PRIMARY KEY,
            round_id    INTEGER NOT NULL REFERENCES rounds(id),
            school_id   INTEGER REFERENCES schools(id),
            person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
            class       TEXT NOT NULL,
            reasons     TEXT NOT NULL,  -- JSON array of sentences
            rule        TEXT NOT NULL,  -- "default" or "script:<hash>"
            inputs      TEXT NOT NULL,  -- hash of what the rule saw: the subject, its scores, the thresholds
            created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            CHECK ((school_id IS NULL) != (person_id IS NULL))
        );
        CREATE UNIQUE INDEX classifications_school ON classifications(round_id, school_id) WHERE school_id IS NOT NULL;
        CREATE UNIQUE INDEX classifications_person ON classifications(round_id, person_id) WHERE person_id IS NOT NULL;
        """),
        ("pairing: runs with their pairs and unmatched people, confirmed mentorships with their history", """
        -- A pairing run: a proposal, stored whole, that changes nobody's pairs
        -- until it is confirmed. Pairs and unmatched records name schools or
        -- people by code: a run is the record of a decision.
        CREATE TABLE pairing_runs (
            id           INTEGER PRIMARY KEY,
            hub_id       INTEGER NOT NULL REFERENCES hubs(id),
            round_id     INTEGER NOT NULL REFERENCES rounds(id),
            level        TEXT NOT NULL CHECK (level = 'school' OR level = 'teacher'),
            objective    TEXT NOT NULL,
            mode         TEXT NOT NULL,  -- optimal or stable
            inputs_hash  TEXT NOT NULL,  -- hash of the records, pins, bans and history the policy saw
            policy_hash  TEXT NOT NULL,  -- hash of the default policy and the hub's script
            params       TEXT NOT NULL,  -- JSON: pins, bans, the run it re-runs
            capacity     TEXT NOT NULL,  -- JSON: the loads the policy set
            total        REAL NOT NULL,
            candidates   INTEGER NOT NULL,
            created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            confirmed_at TEXT
        );
        CREATE INDEX pairing_runs_round ON pairing_runs(round_id, level);
        CREATE TABLE run_pairs (
            run_id  INTEGER NOT NULL REFERENCES pairing_runs(id) ON DELETE CASCADE,
            mentee  TEXT NOT NULL,
            mentor  TEXT NOT NULL,
            score   REAL NOT NULL,
            pinned  INTEGER NOT NULL DEFAULT 0 CHECK (pinned = 0 OR pinned = 1),
            PRIMARY KEY (run_id, mentee, mentor)
        ) WITHOUT ROWID;
        CREATE TABLE run_unmatched (
            run_id  INTEGER NOT NULL REFERENCES pairing_runs(id) ON DELETE CASCADE,
            code    TEXT NOT NULL,
            side    TEXT NOT NULL CHECK (side = 'mentee' OR side = 'mentor' OR side = 'none'),
            reason  TEXT NOT NULL,
            PRIMARY KEY (run_id, code)
        ) WITHOUT ROWID;
        -- Confirmed pairs, school with school or teacher with teacher, per
        -- round; an ended one keeps its dates (history: no repeat of a pair).
        CREATE TABLE mentorships (
            id               INTEGER PRIMARY KEY,
            hub_id           INTEGER NOT NULL REFERENCES hubs(id),
            round_id         INTEGER NOT NULL REFERENCES rounds(id),
            level            TEXT NOT NULL CHECK (level = 'school' OR level = 'teacher'),
            mentor_school_id INTEGER REFERENCES schools(id),
            mentee_school_id INTEGER REFERENCES schools(id),
            mentor_person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            mentee_person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            run_id           INTEGER REFERENCES pairing_runs(id),
            score            REAL,
            start_date       TEXT NOT NULL DEFAULT (date('now')),
            end_date         TEXT,
            CHECK ((level = 'school') = (mentor_school_id IS NOT NULL AND mentee_school_id IS NOT NULL)),
            CHECK ((level = 'teacher') = (mentor_person_id IS NOT NULL AND mentee_person_id IS NOT NULL)),
            CHECK (mentor_school_id IS NULL OR mentor_person_id IS NULL)
        );
        CREATE UNIQUE INDEX mentorships_schools ON mentorships(round_id, mentee_school_id, mentor_school_id)
            WHERE level = 'school' AND end_date IS NULL;
        CREATE UNIQUE INDEX mentorships_people ON mentorships(round_id, mentee_person_id, mentor_person_id)
            WHERE level = 'teacher' AND end_date IS NULL;
        CREATE INDEX mentorships_mentor_school ON mentorships(mentor_school_id) WHERE mentor_school_id IS NOT NULL;
        CREATE INDEX mentorships_mentor_person ON mentorships(mentor_person_id) WHERE mentor_person_id IS NOT NULL;
        """),
        ("registry: at most one current role, membership and team place per person", """
        -- What the code kept true by looking first is now a constraint of the
        -- schema, so writers beside each other (PostgreSQL) cannot both add it.
        CREATE UNIQUE INDEX person_roles_current ON person_roles(person_id, role) WHERE end_date IS NULL;
        CREATE UNIQUE INDEX memberships_current ON memberships(person_id, school_id) WHERE end_date IS NULL;
        CREATE UNIQUE INDEX team_members_current ON team_members(school_id, person_id) WHERE end_date IS NULL;
        """),
        ("process: methods toolbox, process instances with their history, action plans, activity log, xAPI statements", """
        -- How a mentorship ended (mentorship.end).
        ALTER TABLE mentorships ADD COLUMN end_reason TEXT;
        -- xAPI: the hub's home page names its people's accounts; a hub may
        -- opt in to identify them by mbox_sha1sum instead.
        ALTER TABLE hubs ADD COLUMN home_page TEXT;
        ALTER TABLE hubs ADD COLUMN xapi_identity TEXT NOT NULL DEFAULT 'account'
            CHECK (xapi_identity = 'account' OR xapi_identity = 'mbox_sha1sum');
        -- The methods toolbox: built in (hub_id NULL) or a hub's own.
        CREATE TABLE toolbox_methods (
            id          INTEGER PRIMARY KEY,
            hub_id      INTEGER REFERENCES hubs(id),
            code        TEXT NOT NULL,
            name        TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            level       TEXT NOT NULL CHECK (level = 'intra_school' OR level = 'inter_school' OR level = 'whole_school'),
            typical_minutes INTEGER CHECK (typical_minutes > 0),
            steps       TEXT NOT NULL DEFAULT '[]',  -- JSON array of the step codes it suits
            created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE UNIQUE INDEX toolbox_methods_builtin ON toolbox_methods(code) WHERE hub_id IS NULL;
        CREATE UNIQUE INDEX toolbox_methods_hub ON toolbox_methods(hub_id, code) WHERE hub_id IS NOT NULL;
        -- A mentoring process: of a school, a mentorship (school pair or
        -- teacher pair) or a school's development team. At most one open
        -- instance per subject; closed ones keep their history.
        CREATE TABLE process_instances (
            id            INTEGER PRIMARY KEY,
            hub_id        INTEGER NOT NULL REFERENCES hubs(id),
            subject       TEXT NOT NULL CHECK (subject = 'school' OR subject = 'mentorship' OR subject = 'team'),
            school_id     INTEGER REFERENCES schools(id),
            mentorship_id INTEGER REFERENCES mentorships(id),
            step          TEXT,               -- the current step; NULL before the first move
            cycle         INTEGER NOT NULL DEFAULT 1 CHECK (cycle >= 1),
            model_hash    TEXT NOT NULL,      -- the process model (default or the hub's script) it started under
            started_at    TEXT NOT NULL,
            closed_at     TEXT,
            close_reason  TEXT,
            CHECK ((subject = 'mentorship') = (mentorship_id IS NOT NULL)),
            CHECK ((subject = 'mentorship') = (school_id IS NULL))
        );
        CREATE UNIQUE INDEX process_instances_open_school ON process_instances(subject, school_id)
            WHERE closed_at IS NULL AND school_id IS NOT NULL;
        CREATE UNIQUE INDEX process_instances_open_mentorship ON process_instances(mentorship_id)
            WHERE closed_at IS NULL AND mentorship_id IS NOT NULL;
        CREATE INDEX process_instances_hub ON process_instances(hub_id);
        -- Every move of an instance: who, when, from which step to which,
        -- under which version of the process model.
        CREATE TABLE process_transitions (
            id          INTEGER PRIMARY KEY,
            instance_id INTEGER NOT NULL REFERENCES process_instances(id) ON DELETE CASCADE,
            from_step   TEXT,
            to_step     TEXT NOT NULL,
            cycle       INTEGER NOT NULL,
            moved_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
            moved_at    TEXT NOT NULL,
            model_hash  TEXT NOT NULL,
            note        TEXT
        );
        CREATE INDEX process_transitions_instance ON process_transitions(instance_id, id);
        -- Methods chosen for an instance (by mentor and school), per step.
        CREATE TABLE process_methods (
            instance_id INTEGER NOT NULL REFERENCES process_instances(id) ON DELETE CASCADE,
            method_id   INTEGER NOT NULL REFERENCES toolbox_methods(id),
            step        TEXT NOT NULL DEFAULT '',   -- '' for the whole process
            chosen_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            chosen_at   TEXT NOT NULL,
            PRIMARY KEY (instance_id, method_id, step)
        ) WITHOUT ROWID;
        -- Action plans of a school (or of a teacher), optionally within a
        -- process instance.
        CREATE TABLE action_plans (
            id          INTEGER PRIMARY KEY,
            hub_id      INTEGER NOT NULL REFERENCES hubs(id),
            school_id   INTEGER REFERENCES schools(id),
            person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
            instance_id INTEGER REFERENCES process_instances(id),
            round_id    INTEGER REFERENCES rounds(id),
            title       TEXT NOT NULL,
            status      TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status = 'draft' OR status = 'active' OR status = 'done' OR status = 'dropped'),
            created_at  TEXT NOT NULL,
            CHECK ((school_id IS NULL) != (person_id IS NULL))
        );
        CREATE INDEX action_plans_school ON action_plans(school_id);
        CREATE INDEX action_plans_instance ON action_plans(instance_id);
        -- Focus areas: suggested from an assessment (with the figures that
        -- led to the suggestion) or chosen, and confirmed by a person.
        CREATE TABLE plan_focus_areas (
            id            INTEGER PRIMARY KEY,
            plan_id       INTEGER NOT NULL REFERENCES action_plans(id) ON DELETE CASCADE,
            instrument_id INTEGER NOT NULL REFERENCES instruments(id),
            area          TEXT NOT NULL,
            evidence      TEXT NOT NULL DEFAULT '{}',  -- JSON: the figures behind a suggestion
            suggested     INTEGER NOT NULL DEFAULT 0 CHECK (suggested = 0 OR suggested = 1),
            confirmed_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            confirmed_at  TEXT,
            UNIQUE (plan_id, instrument_id, area)
        );
        -- Goals, each tied to an instrument area with a target level and date.
        CREATE TABLE plan_goals (
            id            INTEGER PRIMARY KEY,
            plan_id       INTEGER NOT NULL REFERENCES action_plans(id) ON DELETE CASCADE,
            instrument_id INTEGER NOT NULL REFERENCES instruments(id),
            area          TEXT NOT NULL,
            description   TEXT NOT NULL,
            baseline      REAL,
            target_level  REAL NOT NULL,
            target_date   TEXT NOT NULL,
            status        TEXT NOT NULL DEFAULT 'open'
                          CHECK (status = 'open' OR status = 'achieved' OR status = 'missed' OR status = 'dropped')
        );
        CREATE INDEX plan_goals_plan ON plan_goals(plan_id);
        CREATE TABLE plan_tasks (
            id        INTEGER PRIMARY KEY,
            goal_id   INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
            title     TEXT NOT NULL,
            owner_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            due_date  TEXT,
            status    TEXT NOT NULL DEFAULT 'open'
                      CHECK (status = 'open' OR status = 'in_progress' OR status = 'done' OR status = 'dropped')
        );
        CREATE INDEX plan_tasks_goal ON plan_tasks(goal_id);
        -- Status over time of plans, goals and tasks.
        CREATE TABLE plan_status_changes (
            id         INTEGER PRIMARY KEY,
            plan_id    INTEGER NOT NULL REFERENCES action_plans(id) ON DELETE CASCADE,
            item       TEXT NOT NULL CHECK (item = 'plan' OR item = 'goal' OR item = 'task'),
            item_id    INTEGER NOT NULL,
            status     TEXT NOT NULL,
            changed_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            changed_at TEXT NOT NULL,
            note       TEXT
        );
        CREATE INDEX plan_status_changes_plan ON plan_status_changes(plan_id, id);
        -- The activity log. `uuid` is stable: it is the statement id of the
        -- activity in xAPI, so exports and imports are idempotent.
        CREATE TABLE activities (
            id          INTEGER PRIMARY KEY,
            uuid        TEXT NOT NULL UNIQUE,
            hub_id      INTEGER NOT NULL REFERENCES hubs(id),
            kind        TEXT NOT NULL CHECK (kind = 'session' OR kind = 'workshop' OR kind = 'observation'
                                             OR kind = 'co_planning' OR kind = 'reflection'),
            date        TEXT NOT NULL,
            minutes     INTEGER NOT NULL CHECK (minutes >= 0 AND minutes <= 100000),
            method_id   INTEGER REFERENCES toolbox_methods(id),
            instance_id INTEGER REFERENCES process_instances(id),
            step        TEXT,
            notes       TEXT,
            outcome     TEXT,
            recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at  TEXT NOT NULL,
            voided_at   TEXT,               -- a voided activity is kept but never counted
            void_reason TEXT
        );
        CREATE INDEX activities_hub_date ON activities(hub_id, date);
        CREATE INDEX activities_instance ON activities(instance_id);
        -- Who took part: people, schools or mentorships (one per row).
        CREATE TABLE activity_participants (
            id            INTEGER PRIMARY KEY,
            activity_id   INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
            person_id     INTEGER REFERENCES people(id) ON DELETE CASCADE,
            school_id     INTEGER REFERENCES schools(id),
            mentorship_id INTEGER REFERENCES mentorships(id),
            role          TEXT NOT NULL DEFAULT 'participant'
                          CHECK (role = 'participant' OR role = 'mentor' OR role = 'mentee' OR role = 'facilitator'),
            CHECK ((CASE WHEN person_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN school_id IS NULL THEN 0 ELSE 1 END)
                   + (CASE WHEN mentorship_id IS NULL THEN 0 ELSE 1 END) = 1)
        );
        CREATE INDEX activity_participants_activity ON activity_participants(activity_id);
        CREATE INDEX activity_participants_person ON activity_participants(person_id) WHERE person_id IS NOT NULL;
        CREATE INDEX activity_participants_school ON activity_participants(school_id) WHERE school_id IS NOT NULL;
        CREATE INDEX activity_participants_mentorship ON activity_participants(mentorship_id) WHERE mentorship_id IS NOT NULL;
        -- Imported xAPI statements, kept whole. One that maps to an ihub
        -- activity names it; the rest are events that indicators read.
        CREATE TABLE xapi_statements (
            id          INTEGER PRIMARY KEY,
            uuid        TEXT NOT NULL UNIQUE,   -- the statement id, lower case
            hub_id      INTEGER NOT NULL REFERENCES hubs(id),
            actor       TEXT NOT NULL,          -- the actor's identifier, e.g. mbox:mailto:a@b.org
            verb        TEXT NOT NULL,          -- the verb IRI
            object      TEXT NOT NULL,          -- the object's id (activity IRI, agent or statement id)
            timestamp   TEXT NOT NULL,
            stored_at   TEXT NOT NULL,
            statement   TEXT NOT NULL,          -- the statement's JSON
            activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            voided_by   TEXT                    -- the id of the voiding statement
        );
        CREATE INDEX xapi_statements_hub ON xapi_statements(hub_id, timestamp);
        CREATE INDEX xapi_statements_verb ON xapi_statements(verb);
        """),
        ("analytics: indicator snapshots, insights with their feedback, the pseudonym key, erasure", """
        -- == indicators ==
        -- Indicator values per time window: the hub's time series. Computing
        -- a window again replaces its rows (recomputation is idempotent).
        -- Subjects are kept by id, so an erasure leaves the series intact.
        CREATE TABLE indicator_snapshots (
            id          INTEGER PRIMARY KEY,
            hub_id      INTEGER REFERENCES hubs(id),   -- NULL: the consortium (every hub)
            indicator   TEXT NOT NULL,
            level       TEXT NOT NULL CHECK (level = 'person' OR level = 'school' OR level = 'mentorship'
                                             OR level = 'hub' OR level = 'consortium'),
            subject_id  INTEGER,                       -- the person, school or mentorship; NULL for a hub or the consortium
            part        TEXT NOT NULL DEFAULT '',      -- a breakdown (area, step, kind, month); '' for none
            window_kind TEXT NOT NULL,
            window_from TEXT NOT NULL DEFAULT '',      -- '': from the beginning
            window_to   TEXT NOT NULL,
            value       REAL,                          -- NULL when suppressed or undefined
            n           INTEGER,                       -- the people behind the figure, where it summarises people
            suppressed  INTEGER NOT NULL DEFAULT 0 CHECK (suppressed = 0 OR suppressed = 1),
            detail      TEXT NOT NULL DEFAULT '{}',    -- JSON object: the row's other facts
            source      TEXT NOT NULL,                 -- 'builtin' or 'script:<hash>' of the hub's indicators script
            computed_at TEXT NOT NULL
        );
        CREATE INDEX indicator_snapshots_series ON indicator_snapshots(hub_id, indicator, window_to);
        -- A person's or school's activities (activity.hours' rule, risk.dropouts)
        -- look up mentorships by mentee as well as by mentor: without these,
        -- every lookup scanned the mentorships.
        CREATE INDEX mentorships_mentee_person ON mentorships(mentee_person_id) WHERE mentee_person_id IS NOT NULL;
        CREATE INDEX mentorships_mentee_school ON mentorships(mentee_school_id) WHERE mentee_school_id IS NOT NULL;
        -- == insights ==
        -- An insight: a rule's reading of indicator values, for a role, with
        -- its reason and a suggested action. `key` (rule, subject, window)
        -- raises it once: generating again keeps its status and feedback.
        CREATE TABLE insights (
            id          INTEGER PRIMARY KEY,
            hub_id      INTEGER NOT NULL REFERENCES hubs(id),
            key         TEXT NOT NULL,
            rule        TEXT NOT NULL,
            source      TEXT NOT NULL,                 -- 'builtin' or 'script:<hash>'
            role        TEXT NOT NULL CHECK (role = 'coordinator' OR role = 'school_leader' OR role = 'mentor'),
            severity    TEXT NOT NULL CHECK (severity = 'info' OR severity = 'warning' OR severity = 'alert'),
            level       TEXT NOT NULL,
            subject_id  INTEGER,
            indicator   TEXT,
            value       REAL,
            window_kind TEXT NOT NULL,
            window_from TEXT NOT NULL DEFAULT '',
            window_to   TEXT NOT NULL,
            title       TEXT NOT NULL,
            reason      TEXT NOT NULL,
            action      TEXT NOT NULL,
            status      TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'acknowledged' OR status = 'dismissed'),
            created_at  TEXT NOT NULL,
            UNIQUE (hub_id, key)
        );
        CREATE INDEX insights_hub_status ON insights(hub_id, status);
        -- What people said of an insight: acknowledged, dismissed (why), reopened.
        CREATE TABLE insight_feedback (
            id         INTEGER PRIMARY KEY,
            insight_id INTEGER NOT NULL REFERENCES insights(id) ON DELETE CASCADE,
            action     TEXT NOT NULL CHECK (action = 'ack' OR action = 'dismiss' OR action = 'reopen'),
            person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
            at         TEXT NOT NULL,
            note       TEXT
        );
        CREATE INDEX insight_feedback_insight ON insight_feedback(insight_id, id);
        -- == privacy ==
        -- Secrets of this database, e.g. the key of pseudonymous exports
        -- (created at first use; never exported).
        CREATE TABLE ihub_secrets (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- An erased person keeps their row (ids behind anonymous aggregates)
        -- without personal data; erased_at says when, erasure_reason why.
        ALTER TABLE people ADD COLUMN erased_at TEXT;
        ALTER TABLE people ADD COLUMN erasure_reason TEXT;
        """),
        ("methodology: package versions with their files, the decision log", """
        -- == methodology packages ==
        -- A version of a hub's methodology: the package's files, by content
        -- hash (MethodologyPackage.hash). Loading the same files again finds
        -- the same version; older versions stay readable.
        CREATE TABLE methodology_versions (
            id         INTEGER PRIMARY KEY,
            hub_id     INTEGER NOT NULL REFERENCES hubs(id),
            hash       TEXT NOT NULL,
            loaded_at  TEXT NOT NULL,
            note       TEXT,
            UNIQUE (hub_id, hash)
        );
        CREATE TABLE methodology_files (
            version_id INTEGER NOT NULL REFERENCES methodology_versions(id) ON DELETE CASCADE,
            name       TEXT NOT NULL,   -- the path in the package, e.g. pairing.lua
            source     TEXT NOT NULL,
            hash       TEXT NOT NULL,
            PRIMARY KEY (version_id, name)
        ) WITHOUT ROWID;
        -- The version in force per hub (no row: the default methodology and
        -- any scripts stored one by one with script.set). A table of its own,
        -- not a column of hubs: references stay acyclic (store.copy).
        CREATE TABLE hub_methodology (
            hub_id     INTEGER PRIMARY KEY REFERENCES hubs(id),
            version_id INTEGER NOT NULL REFERENCES methodology_versions(id)
        );
        -- == decision log ==
        -- Every decision the engine takes for users: a pairing run, a
        -- classification, a refused transition, an insight; with what it
        -- saw (inputs_hash), the methodology it ran (methodology: a version
        -- hash or 'default') and the reason in words. Subjects by id, so
        -- that an erasure leaves the log intact without the person's data.
        CREATE TABLE decisions (
            id           INTEGER PRIMARY KEY,
            hub_id       INTEGER NOT NULL REFERENCES hubs(id),
            kind         TEXT NOT NULL CHECK (kind = 'pairing' OR kind = 'classification'
                                             OR kind = 'transition_refused' OR kind = 'insight'),
            subject_kind TEXT NOT NULL,   -- school, person, mentorship, process, run, hub
            subject_id   INTEGER,
            ref_id       INTEGER,         -- the row the decision made (run, classification, insight), if any
            inputs_hash  TEXT NOT NULL,
            methodology  TEXT NOT NULL,
            reason       TEXT NOT NULL,
            detail       TEXT NOT NULL DEFAULT '{}',  -- JSON object: the decision's other facts
            created_at   TEXT NOT NULL
        );
        CREATE INDEX decisions_hub ON decisions(hub_id, kind, id);
        CREATE INDEX decisions_subject ON decisions(subject_kind, subject_id, id);
        """),
    ]

    static var latest: Int64 { Int64(all.count) }

    /// Where the engines' DDL differs, SQLite's form → PostgreSQL's, applied
    /// to whole words in this order (comments are dropped first). Integers
    /// are 64-bit and text compares byte by byte on both, as SQLite does.
    static let postgresForms: [(sqlite: String, postgres: String)] = [
        ("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
        ("INTEGER", "BIGINT"),
        ("REAL", "DOUBLE PRECISION"),
        ("TEXT", "TEXT COLLATE \"C\""),
        ("WITHOUT ROWID", ""),
        ("(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"),
        ("(date('now'))", "(CAST(CURRENT_DATE AS TEXT))"),
    ]

    /// A migration's SQL as `engine` runs it.
    static func sql(_ migration: String, for engine: StoreEngine) -> String {
        guard engine == .postgresql else { return migration }
        var text = migration.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.firstRange(of: "--").map { line[..<$0.lowerBound] } ?? line) }
            .joined(separator: "\n")
        for form in postgresForms { text = replacingWords(form.sqlite, with: form.postgres, in: text) }
        return text
    }

    /// `text` with each whole-word `word` replaced; a replacement is not
    /// looked at again.
    private static func replacingWords(_ word: String, with replacement: String, in text: String) -> String {
        func isWordByte(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") || (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) }
        let source = Array(text.utf8), target = Array(word.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == target[0], i + target.count <= source.count, Array(source[i..<(i + target.count)]) == target,
               i == 0 || !isWordByte(source[i - 1]) || !isWordByte(target[0]),
               i + target.count == source.count || !isWordByte(source[i + target.count]) || !isWordByte(target[target.count - 1]) {
                out += replacement.utf8
                i += target.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Brings the database to the latest schema, or refuses one that is not
    /// ihub's or that a newer ihub wrote.
    static func migrate(_ db: Database) throws(IHubError) {
        let version = try db.schemaVersion()
        if version > latest {
            throw IHubError(.version, "\(IHubError.quoted(db.location, limit: Limits.path)) has schema version \(version), newer than this ihub knows (\(latest)): upgrade ihub to open it")
        }
        guard version < latest else { return }
        for number in (version + 1)...latest {
            let migration = all[Int(number) - 1]
            // Read committed, so that after the lock the version read is what
            // another process that migrated meanwhile committed.
            try db.transaction(.readCommitted) { () throws(IHubError) in
                try db.lockSchema()
                guard try db.schemaVersion() < number else { return }
                try db.execute(sql(migration.sql, for: db.engine))
                try db.statement("INSERT INTO ihub_migrations(version, description, applied_at) VALUES (?, ?, ?)")
                    .run([.int(number), .text(migration.description), .text(Timestamp.now())])
                try db.recordSchemaVersion(number)
            }
        }
    }
}
