/// The schema, as numbered migrations. A shipped migration is never edited:
/// change the schema by appending one. Each is applied in its own
/// transaction and recorded in `ihub_migrations`; `PRAGMA user_version`
/// holds the number of the last one, `PRAGMA application_id` marks the file
/// as ihub's.
enum Migrations {
    /// "IHUB" in ASCII: tells an ihub file from any other SQLite file.
    static let applicationID: Int64 = 0x4948_5542

    static let all: [(description: String, sql: String)] = [
        ("registry: hubs, schools, people, roles, memberships", """
        CREATE TABLE ihub_migrations (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE hubs (
            id         INTEGER PRIMARY KEY,
            code       TEXT NOT NULL UNIQUE,
            name       TEXT NOT NULL,
            country    TEXT NOT NULL,          -- ISO 3166-1 alpha-2
            region     TEXT,
            languages  TEXT NOT NULL DEFAULT '[]', -- JSON array of ISO 639-1 codes
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
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
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX people_hub ON people(hub_id);
        CREATE TABLE person_roles (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            role      TEXT NOT NULL CHECK (role = 'teacher' OR role = 'school_leader' OR role = 'ict_teacher'
                                           OR role = 'mentor' OR role = 'coordinator' OR role = 'researcher'),
            PRIMARY KEY (person_id, role)
        ) WITHOUT ROWID;
        CREATE TABLE memberships (
            id         INTEGER PRIMARY KEY,
            person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            school_id  INTEGER NOT NULL REFERENCES schools(id),
            start_date TEXT,
            end_date   TEXT,
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
        );
        CREATE INDEX memberships_person ON memberships(person_id);
        CREATE INDEX memberships_school ON memberships(school_id);
        """),
    ]

    static var latest: Int64 { Int64(all.count) }

    /// Brings the file to the latest schema, or refuses a file that is not
    /// ihub's or that a newer ihub wrote.
    static func migrate(_ db: Database) throws(IHubError) {
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        let appID = try db.scalarInt("PRAGMA application_id") ?? 0
        if appID != applicationID {
            let tables = try db.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
            if appID != 0 || tables > 0 {
                throw IHubError(.corrupt, "'\(db.path)' is an SQLite database but not an ihub database")
            }
        }
        if version > latest {
            throw IHubError(.version, "'\(db.path)' has schema version \(version), newer than this ihub knows (\(latest)): upgrade ihub to open it")
        }
        guard version < latest else { return }
        for number in (version + 1)...latest {
            let migration = all[Int(number) - 1]
            try db.transaction { () throws(IHubError) in
                try db.execute(migration.sql)
                try db.statement("INSERT INTO ihub_migrations(version, description) VALUES (?, ?)")
                    .run([.int(number), .text(migration.description)])
                try db.execute("PRAGMA user_version = \(number); PRAGMA application_id = \(applicationID)")
            }
        }
    }
}
