import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ihub test DIR`: a methodology package's `*_test.lua` files run
/// (methodology.test), readable by people, or as TAP 13 (--tap) and JUnit
/// XML (--junit FILE) for CI.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a methodology package's *_test.lua files, each test in a fresh in-memory database.",
        discussion: """
            A test file calls test(NAME, FN); inside, fixture("demo") or fixture(NAME) (the \
            package's fixtures/NAME.lua or fixtures/NAME/<kind>.csv) fills the test's database, methodology(HUB) \
            loads the package for a hub, and assert_eq, assert_near, assert_true, assert_match, assert_error check.
            Exit status: 0 every test passed, 1 a test failed, 2 invalid package, 3 folder not found, 9 I/O \
            (e.g. the --junit file), 64 usage.
            Example: ihub test scripts/hubs/accelerator --junit report.xml
            """)

    @Argument(help: "The package's folder.") var dir: String
    @Flag(name: .long, help: "Print TAP version 13 instead of the readable report.") var tap = false
    @Option(name: .long, help: "Also write a JUnit XML report to this file.") var junit: String?
    @Option(name: .long, help: "Only the tests whose name or file contains this text.") var filter: String?
    @Flag(name: .long, help: "Print the operation's JSON document.") var json = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if tap && json { throw ValidationError("--tap and --json: choose one") }
    }

    func run() throws {
        var params: [JSON.Member] = [.init("path", .string(dir))]
        if let filter { params.append(.init("filter", .string(filter))) }
        let result: JSON
        do throws(IHubError) {
            let engine = try database.open(":memory:")
            result = try engine.call("methodology.test", .object(params))
            if let junit { try TestReport.write(TestReport.junit(result, dir: dir), to: junit) }
        } catch {
            throw error.exit()
        }
        if json {
            print(result.serialized(pretty: true))
        } else if tap {
            print(TestReport.tap(result, dir: dir), terminator: "")
        } else {
            print(TestReport.readable(result, dir: dir), terminator: "")
        }
        if (result["failed"]?.int ?? 0) > 0 { throw ExitCode(1) }
    }
}

/// The reports of a methodology.test document.
enum TestReport {
    static func readable(_ r: JSON, dir: String) -> String {
        var out = ""
        let tests = r["tests"]?.array ?? []
        for t in tests {
            let ok = t["ok"]?.bool == true
            out += "\(ok ? "ok  " : "FAIL") \(t["file"]?.string ?? ""): \(t["name"]?.string ?? "") (\(t["ms"]?.int ?? 0) ms)\n"
            for f in t["failures"]?.array ?? [] {
                out += "     \(place(t, f, dir: dir)): \(f["message"]?.string ?? "")\n"
                if let e = f["expected"]?.string { out += "       expected: \(e)\n" }
                if let a = f["actual"]?.string { out += "       actual:   \(a)\n" }
            }
        }
        let passed = r["passed"]?.int ?? 0, failed = r["failed"]?.int ?? 0
        out += tests.isEmpty ? "\(dir): no tests (*_test.lua)\n" : "\(passed + failed) tests: \(passed) passed, \(failed) failed\n"
        return out
    }

    /// TAP version 13, a YAML block with the failure under each `not ok`.
    static func tap(_ r: JSON, dir: String) -> String {
        let tests = r["tests"]?.array ?? []
        var out = "TAP version 13\n1..\(tests.count)\n"
        for (i, t) in tests.enumerated() {
            let title: [Character] = "\(t["file"]?.string ?? ""): \(t["name"]?.string ?? "")".flatMap { $0 == "#" ? ["\\", "#"] : [$0] }
            out += "\(t["ok"]?.bool == true ? "ok" : "not ok") \(i + 1) - \(oneLine(String(title)))\n"
            guard let f = t["failures"]?.array?.first else { continue }
            out += "  ---\n"
            out += "  message: \(JSON.string(f["message"]?.string ?? "").serialized())\n"
            out += "  file: \(JSON.string(dir + "/" + (t["file"]?.string ?? "")).serialized())\n"
            if let line = f["line"]?.int { out += "  line: \(line)\n" }
            if let e = f["expected"]?.string { out += "  expected: \(JSON.string(e).serialized())\n" }
            if let a = f["actual"]?.string { out += "  actual: \(JSON.string(a).serialized())\n" }
            out += "  ...\n"
        }
        return out
    }

    /// JUnit XML: one testsuite per test file.
    static func junit(_ r: JSON, dir: String) -> String {
        let tests = r["tests"]?.array ?? []
        var files: [String] = []
        for t in tests where !files.contains(t["file"]?.string ?? "") { files.append(t["file"]?.string ?? "") }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\(attr(dir)) tests=\"\(tests.count)\" failures=\"\(r["failed"]?.int ?? 0)\">\n"
        for file in files {
            let mine = tests.filter { $0["file"]?.string == file }
            let failures = mine.filter { $0["ok"]?.bool != true }.count
            let ms = mine.reduce(0) { $0 + ($1["ms"]?.int ?? 0) }
            out += "  <testsuite name=\(attr(file)) tests=\"\(mine.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(ms))\">\n"
            for t in mine {
                let classname = file.hasSuffix(".lua") ? String(file.dropLast(4)) : file
                out += "    <testcase classname=\(attr(classname)) name=\(attr(t["name"]?.string ?? "")) "
                    + "file=\(attr(dir + "/" + file)) time=\"\(seconds(t["ms"]?.int ?? 0))\""
                guard let f = t["failures"]?.array?.first else { out += "/>\n"; continue }
                var body = "\(place(t, f, dir: dir)): \(f["message"]?.string ?? "")"
                if let e = f["expected"]?.string { body += "\nexpected: \(e)" }
                if let a = f["actual"]?.string { body += "\nactual:   \(a)" }
                out += ">\n      <failure message=\(attr(f["message"]?.string ?? "")) type=\"failure\">\(text(body))</failure>\n    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    static func write(_ text: String, to path: String) throws(IHubError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IHubError(.io, "--junit: cannot create \(path): \(String(cString: strerror(errno)))") }
        var copy = text
        let ok = copy.withUTF8 { b in Glibc.write(fd, b.baseAddress, b.count) == b.count }
        close(fd)
        if !ok { throw IHubError(.io, "--junit: cannot write \(path)") }
    }

    private static func place(_ t: JSON, _ f: JSON, dir: String) -> String {
        dir + "/" + (t["file"]?.string ?? "") + (f["line"]?.int.map { ":\($0)" } ?? "")
    }

    private static func seconds(_ ms: Int64) -> String {
        let s = String(ms / 1000), frac = String(ms % 1000)
        return s + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    private static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// XML character data: markup escaped, control characters XML 1.0 cannot hold dropped.
    private static func text(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    private static func attr(_ s: String) -> String { "\"" + String(text(s).flatMap { $0 == "\n" ? Array("&#10;") : [$0] }) + "\"" }
}
