import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory for one test's files.
func temporaryDirectory() -> String {
    var template = Array("/tmp/ihub-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func writeFile(_ path: String, _ contents: [UInt8]) {
    let f = fopen(path, "wb")!
    _ = contents.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

/// The PostgreSQL database the tests run on instead of SQLite, when
/// `scripts/test` started one (each engine gets a schema of its own).
let testPostgres: String? = getenv("IHUB_TEST_POSTGRES").map { String(cString: $0) }

/// A new, empty engine: in memory, or in a new schema of the PostgreSQL
/// database of IHUB_TEST_POSTGRES.
func freshEngine(options: Engine.Options = Engine.Options()) throws -> Engine {
    guard testPostgres != nil else { return try Engine(path: ":memory:", options: options) }
    let store = reopenableStore()
    var options = options
    options.schema = store.options.schema
    return try Engine(path: store.location, options: options)
}

/// Where a test can open an engine, close it and open it again: a new
/// SQLite file, or a new schema of the test PostgreSQL database.
func reopenableStore() -> (location: String, options: Engine.Options) {
    var options = Engine.Options()
    guard let testPostgres else { return (temporaryDirectory() + "/hub.db", options) }
    options.schema = "swift_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    return (testPostgres, options)
}

/// An engine with one hub and two schools.
func engineWithHub() throws -> Engine {
    let e = try freshEngine()
    _ = try e.call("hub.add", ["code": "EE-ACC", "name": "Accelerator", "country": "EE", "languages": ["et"]])
    _ = try e.call("school.add_many", ["schools": [
        ["hub": "EE-ACC", "code": "S1", "name": "Tartu School", "level": "primary", "size": 400],
        ["hub": "EE-ACC", "code": "S2", "name": "Elva School", "level": "vet"],
    ]])
    return e
}

/// The error a throwing expression raises (nil if none).
func failure(_ body: () throws -> Any) -> IHubError? {
    do {
        _ = try body()
        return nil
    } catch let e as IHubError {
        return e
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
