/// Running a methodology package's `*_test.lua` files (methodology.test,
/// `ihub test`): each test in a fresh in-memory engine, in its admin
/// context, with the globals of the test-file contract
/// (scripts/methodology/engine/test.lua): test, fixture, methodology and
/// the assertions. A test fails on its first failed assertion or error; the
/// others still run.
enum MethodologyTest {
    static let glue = EmbeddedLua.files["engine/test.lua"]!

    struct Failure {
        let line: Int64?
        let message: String
        let expected: String?
        let actual: String?
    }

    struct Outcome {
        let file: String
        let name: String
        let failures: [Failure]
        let ms: Int64
        var ok: Bool { failures.isEmpty }
    }

    /// The tests of `package` whose file or name contains `filter` (all
    /// without one), file by file in name order, each file's in its order.
    static func run(_ engine: Engine, package: MethodologyPackage, filter: String?) throws(IHubError) -> [Outcome] {
        let fixtures = JSON.object(package.tests.filter { MethodologyPackage.role(of: $0.name) == .fixture }
            .map { JSON.Member($0.name, .string($0.source)) })
        var outcomes: [Outcome] = []
        for file in package.tests where MethodologyPackage.role(of: file.name) == .test {
            let runner = FileRunner(engine: engine, package: package, file: file, fixtures: fixtures)
            outcomes += try runner.run(filter: filter)
        }
        return outcomes
    }

    /// The document of methodology.test.
    static func json(_ outcomes: [Outcome]) -> JSON {
        let passed = outcomes.filter(\.ok).count
        return [
            "passed": .int(Int64(passed)), "failed": .int(Int64(outcomes.count - passed)),
            "tests": .array(outcomes.map { o in
                [
                    "file": .string(o.file), "name": .string(o.name), "ok": .bool(o.ok), "ms": .int(o.ms),
                    "failures": .array(o.failures.map { f in
                        [
                            "line": f.line.map(JSON.int) ?? .null, "message": .string(f.message),
                            "expected": f.expected.map(JSON.string) ?? .null, "actual": f.actual.map(JSON.string) ?? .null,
                        ]
                    }),
                ]
            }),
        ]
    }

    /// The line a Lua message names in `file` ("basic_test.lua:12: …").
    static func line(in message: String, file: String) -> Int64? {
        guard message.hasPrefix(file + ":") else { return nil }
        let digits = message.dropFirst(file.count + 1).prefix { $0.isNumber }
        return Int64(digits)
    }
}

/// One test file: its top level is run in each test's engine (it registers
/// the tests), then the one test.
private struct FileRunner {
    let engine: Engine
    let package: MethodologyPackage
    let file: MethodologyPackage.File
    let fixtures: JSON

    func run(filter: String?) throws(IHubError) -> [MethodologyTest.Outcome] {
        let clock = ContinuousClock()
        let started = clock.now
        var spare: (Engine, ScriptContext)? = nil
        let names: [String]
        do {
            let (sandbox, context) = try open()
            names = try register(context)
            spare = (sandbox, context)
        } catch {
            // The file does not compile or its top level fails: one failed entry.
            let failure = MethodologyTest.Failure(line: MethodologyTest.line(in: error.message, file: file.name),
                                                  message: error.message, expected: nil, actual: nil)
            return [.init(file: file.name, name: "(top level)", failures: [failure], ms: Self.ms(clock.now - started))]
        }
        var outcomes: [MethodologyTest.Outcome] = []
        for (i, name) in names.enumerated() {
            if let filter, !filter.isEmpty, !name.contains(filter), !file.name.contains(filter) { continue }
            let begun = clock.now
            let failures = runOne(index: i, name: name, reusing: spare)
            spare?.0.close()
            spare = nil
            outcomes.append(.init(file: file.name, name: name, failures: failures, ms: Self.ms(clock.now - begun)))
        }
        spare?.0.close()
        return outcomes
    }

    private static func ms(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    /// A fresh in-memory engine with the caller's script budgets, and its
    /// admin context with the test globals.
    private func open() throws(IHubError) -> (Engine, ScriptContext) {
        var options = Engine.Options()
        options.scriptTimeMs = engine.options.scriptTimeMs
        options.scriptMemoryMB = engine.options.scriptMemoryMB
        options.adminTimeMs = engine.options.adminTimeMs
        options.adminMemoryMB = engine.options.adminMemoryMB
        let sandbox = try Engine(path: ":memory:", options: options)
        do {
            let context = try sandbox.admin()
            _ = try context.eval(MethodologyTest.glue, chunkname: "ihub-test")
            return (sandbox, context)
        } catch {
            sandbox.close()
            throw error
        }
    }

    private func register(_ context: ScriptContext) throws(IHubError) -> [String] {
        let kinds = JSON.array(ExchangeKind.names.map(JSON.string))
        let values = try context.callGlobal("__ihub_test_load", [.string(file.source), .string(file.name), fixtures, kinds],
                                            label: file.name)
        return (values.first?.array ?? []).map { $0.string ?? "" }
    }

    /// Runs test `index` (0-based) in `reusing` or a fresh engine; its failures.
    private func runOne(index: Int, name: String, reusing: (Engine, ScriptContext)?) -> [MethodologyTest.Failure] {
        var opened: Engine? = nil
        defer { opened?.close() }
        do throws(IHubError) {
            let (sandbox, context): (Engine, ScriptContext)
            if let reusing { (sandbox, context) = reusing } else {
                (sandbox, context) = try open()
                opened = sandbox
                let again = try register(context)
                guard again.count > index, again[index] == name else {
                    throw IHubError(.script, "\(file.name): its top level registers other tests on each run")
                }
            }
            var step = try context.callGlobal("__ihub_test_start", [.int(Int64(index + 1))], label: file.name).first ?? .null
            while let request = step["request"]?.string {
                guard request == "load" else { throw IHubError(.script, "\(file.name): unknown request \(request)") }
                let reply = load(sandbox, hub: step["hub"]?.string ?? "")
                step = try context.callGlobal("__ihub_test_resume", [reply], label: file.name).first ?? .null
            }
            if step["ok"]?.bool == true { return [] }
            return [MethodologyTest.Failure(line: step["line"]?.int, message: step["message"]?.string ?? "failed",
                                            expected: step["expected"]?.string, actual: step["actual"]?.string)]
        } catch {
            // A spent budget or an error outside the test's own code.
            return [MethodologyTest.Failure(line: MethodologyTest.line(in: error.message, file: file.name),
                                            message: error.message, expected: nil, actual: nil)]
        }
    }

    /// methodology(hub): the package put in force for the hub of the test's
    /// database by methodology.load; the reply is its version or the error.
    private func load(_ sandbox: Engine, hub: String) -> JSON {
        let files = JSON.object(package.files.map { JSON.Member($0.name, .string($0.source)) })
        do throws(IHubError) {
            let loaded = try sandbox.call("methodology.load", ["hub": .string(hub), "files": files, "note": "ihub test"])
            return ["version": loaded["version"] ?? .null]
        } catch {
            return ["error": .string("methodology(\(IHubError.quoted(hub, "\""))): \(error.message)")]
        }
    }
}
