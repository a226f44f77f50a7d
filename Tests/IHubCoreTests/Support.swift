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

/// An in-memory engine with one hub and two schools.
func engineWithHub() throws -> Engine {
    let e = try Engine(path: ":memory:")
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
