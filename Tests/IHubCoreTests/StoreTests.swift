import Testing
@testable import IHubCore

@Suite struct StoreTests {
    @Test func migrationsAreRecordedAndReopeningKeepsData() throws {
        let path = temporaryDirectory() + "/hub.db"
        do {
            let e = try Engine(path: path)
            _ = try e.call("hub.add", ["code": "FI-TRE", "name": "Tampere", "country": "FI"])
            #expect(try e.db.scalarInt("SELECT count(*) FROM ihub_migrations") == Migrations.latest)
            #expect(try e.db.scalarText("PRAGMA journal_mode") == "wal")
            #expect(try e.db.scalarInt("PRAGMA foreign_keys") == 1)
            e.close()
        }
        let again = try Engine(path: path)
        #expect(try again.call("hub.get", ["code": "FI-TRE"])["name"] == "Tampere")
    }

    @Test func newerSchemaIsRefused() throws {
        let path = temporaryDirectory() + "/new.db"
        let e = try Engine(path: path)
        try e.db.execute("PRAGMA user_version = \(Migrations.latest + 1)")
        e.close()
        let error = failure { try Engine(path: path) }
        #expect(error?.status == .version)
        #expect(error?.message.contains("newer than this ihub knows") == true)
    }

    /// The migrations table is the record on both engines.
    @Test func newerMigrationRecordIsRefused() throws {
        let (location, options) = reopenableStore()
        let e = try Engine(path: location, options: options)
        try e.db.statement("INSERT INTO ihub_migrations(version, description, applied_at) VALUES (?, 'from the future', '2030-01-01T00:00:00Z')")
            .run([.int(Migrations.latest + 1)])
        e.close()
        let error = failure { try Engine(path: location, options: options) }
        #expect(error?.status == .version)
        #expect(error?.message.contains("newer than this ihub knows") == true)
    }

    @Test func nonDatabaseFileIsRefusedCleanly() {
        let path = temporaryDirectory() + "/notes.txt"
        writeFile(path, Array(String(repeating: "not a database at all\n", count: 200).utf8))
        let error = failure { try Engine(path: path) }
        #expect(error?.status == .corrupt)
    }

    @Test func foreignSQLiteFileIsRefused() throws {
        let path = temporaryDirectory() + "/other.db"
        let db = try Database(location: path, create: true, busyTimeoutMs: 100)
        try db.execute("CREATE TABLE invoices(id INTEGER)")
        db.close()
        let error = failure { try Engine(path: path) }
        #expect(error?.status == .corrupt)
        #expect(error?.message.contains("not an ihub database") == true)
    }

    @Test func unwritablePathIsAnIOError() {
        let error = failure { try Engine(path: "/proc/no-such-dir/hub.db") }
        #expect(error?.status == .io)
        #expect(error?.message.contains("/proc/no-such-dir/hub.db") == true)
    }

    @Test func missingFileWithoutCreateIsNotFound() throws {
        var options = Engine.Options()
        options = try Engine.Options(json: ["create": false])
        let error = failure { try Engine(path: temporaryDirectory() + "/absent.db", options: options) }
        #expect(error?.status == .notFound)
    }

    @Test func optionsAreValidated() {
        #expect(failure { try Engine.Options(json: ["script_time_ms": "fast"]) }?.message
                == "options.script_time_ms: expected an integer, got a string")
        #expect(failure { try Engine.Options(json: ["colour": 1]) }?.status == .invalid)
    }
}

@Suite struct PostgresTextTests {
    @Test func parametersAreNumberedOutsideQuotesAndComments() {
        #expect(PostgresBackend.numberParameters("SELECT a FROM t WHERE b = ? AND c = '?' AND \"d?\" = ?") ==
                ("SELECT a FROM t WHERE b = $1 AND c = '?' AND \"d?\" = $2", 2))
        #expect(PostgresBackend.numberParameters("SELECT ? -- what?\n, /* a ? */ ?").1 == 2)
        #expect(PostgresBackend.numberParameters("SELECT 1").1 == 0)
    }

    @Test func messagesNeverRepeatAPassword() {
        #expect(PostgresBackend.redacted("postgresql://u:secret@db.example.org/ihub") == "postgresql://u:***@db.example.org/ihub")
        #expect(PostgresBackend.redacted("postgresql://u:se/cret@h/db") == "postgresql://u:***@h/db")
        let both = PostgresBackend.redacted("postgresql:///ihub?host=/tmp&sslpassword=a&password=secret")
        #expect(!both.contains("secret") && !both.contains("=a&"))
        #expect(PostgresBackend.redacted("postgresql:///ihub?host=/tmp&user=me") == "postgresql:///ihub?host=/tmp&user=me")
    }
}
