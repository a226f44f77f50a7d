/// Checking a methodology package before it is loaded (methodology.check,
/// `ihub check`): names that are no file of a package, compile errors by
/// file and line, globals a hook does not know (a misspelt `scroe`), and
/// what running each hook once shows (wrong return shapes, runtime errors),
/// against the caller's database in a transaction rolled back at the end,
/// or against the demo region in a throwaway in-memory database.
enum MethodologyCheck {
    struct Finding: Equatable {
        enum Severity: String { case error, warning }
        let file: String
        let line: Int64?
        let severity: Severity
        let message: String
    }

    /// Where the hooks run: the caller's database (rolled back) or the demo.
    enum Target {
        case database(hub: String)
        case demo(hub: String)
    }

    static func check(_ engine: Engine, files: [String: String], target: Target) throws(IHubError) -> [Finding] {
        var findings: [Finding] = []
        var known: [String: String] = [:]
        for (name, source) in files.sorted(by: { $0.key < $1.key }) where MethodologyPackage.role(of: name) != .documentation {
            if MethodologyPackage.role(of: name) != nil { known[name] = source; continue }
            findings.append(Finding(file: name, line: nil, severity: .error, message: unknownFile(name)))
        }
        let package = try MethodologyPackage(files: known, at: "params.files")
        var compiled = true
        for file in package.files + package.tests where file.name.hasSuffix(".lua") {
            do {
                try HubScriptMethods.compiles(engine, file.source, chunkname: file.name)
            } catch {
                if MethodologyPackage.role(of: file.name) == .hook || MethodologyPackage.role(of: file.name) == .instrument { compiled = false }
                findings.append(Finding(file: file.name, line: MethodologyTest.line(in: error.message, file: file.name),
                                        severity: .error, message: error.message))
            }
        }
        for file in package.files { findings += MethodologyGlobals.unknown(file) }
        if compiled { findings += try dryRun(engine, package, target) }
        return findings
    }

    static func json(_ findings: [Finding], target: Target) -> JSON {
        let (mode, hub): (String, String) = switch target {
        case .database(let hub): ("database", hub)
        case .demo(let hub): ("demo", hub)
        }
        return [
            "ok": .bool(!findings.contains { $0.severity == .error }),
            "hub": .string(hub), "dry_run": .string(mode),
            "findings": .array(findings.map { f in
                ["file": .string(f.file), "line": f.line.map(JSON.int) ?? .null,
                 "severity": .string(f.severity.rawValue), "message": .string(f.message)]
            }),
        ]
    }

    private static func unknownFile(_ name: String) -> String {
        let hooks = MethodologyPackage.hooks.map(\.file)
        let base = name.split(separator: "/").last.map(String.init) ?? name
        if !name.contains("/"), let near = hooks.first(where: { MethodologyGlobals.distance($0, base) <= 2 }) {
            return "not a hook file of a methodology package; did you mean \(near)? (hooks: \(hooks.joined(separator: ", ")))"
        }
        return "not a file of a methodology package (hooks: \(hooks.joined(separator: ", ")); instruments/<code>.lua; *_test.lua; fixtures/…)"
    }

    /// Loads the package for the hub and runs each of its hooks once. On the
    /// caller's database all of it is rolled back (each run is a savepoint of
    /// the one transaction, so a failed one leaves the others going on).
    private static func dryRun(_ engine: Engine, _ package: MethodologyPackage, _ target: Target) throws(IHubError) -> [Finding] {
        switch target {
        case .demo(let hub):
            var options = Engine.Options()
            options.scriptTimeMs = engine.options.scriptTimeMs
            options.scriptMemoryMB = engine.options.scriptMemoryMB
            let sandbox = try Engine(path: ":memory:", options: options)
            defer { sandbox.close() }
            _ = try sandbox.call("demo.populate", ["seed": 1])
            return try HookRun(engine: sandbox, package: package, hub: hub).findings()
        case .database(let hub):
            let marker = "methodology.check: rolled back"
            var findings: [Finding] = []
            do {
                try engine.db.transaction { () throws(IHubError) in
                    findings = try HookRun(engine: engine, package: package, hub: hub).findings()
                    throw IHubError(.conflict, marker)
                }
            } catch where error.message == marker {}
            return findings
        }
    }
}

/// Each hook of a package run once for one hub, its errors as findings.
private struct HookRun {
    let engine: Engine
    let package: MethodologyPackage
    let hub: String

    func findings() throws(IHubError) -> [MethodologyCheck.Finding] {
        let hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub")
        do {
            _ = try engine.db.transaction { () throws(IHubError) in
                try MethodologyLoad.load(engine, hubID: hubID, hub: hub, package: package, note: "methodology.check")
            }
        } catch {
            return [finding(error.message, default: package.files.first?.name ?? "")]
        }
        let round = try engine.call("round.list", ["hub": .string(hub)]).array?.last?["code"]?.string
        var out: [MethodologyCheck.Finding] = []
        for file in package.files {
            guard let script = MethodologyPackage.script(of: file.name) else { continue }
            var candidates: Int64 = 0, failed = false
            for (method, params) in calls(script, round: round) {
                do {
                    let result = try engine.call(method, params)
                    candidates += result["candidates"]?.int ?? 0
                    out += collected(script, file.name, result)
                } catch {
                    failed = true
                    out.append(finding(error.message, default: file.name))
                }
            }
            if script == "pairing", round != nil, !failed, candidates == 0 {
                out.append(.init(file: file.name, line: MethodologyGlobals.definitions(file.source).first { $0.name == "score" }?.line,
                                 severity: .warning, message: "score was not run: no candidate pairs in hub \(hub)'s last round at either level"))
            }
            if round == nil, script == "classify" || script == "pairing" {
                out.append(.init(file: file.name, line: nil, severity: .warning,
                                 message: "not run: hub \(hub) has no round to run it on"))
            }
        }
        return out
    }

    /// The operations that run a hook (those needing a round only with one).
    private func calls(_ script: String, round: String?) -> [(String, JSON)] {
        let hub = JSON.string(hub)
        switch script {
        case "classify":
            guard let round else { return [] }
            return [("classification.run", ["hub": hub, "round": .string(round), "subject": "school"]),
                    ("classification.run", ["hub": hub, "round": .string(round), "subject": "teacher"])]
        case "pairing":
            guard let round else { return [] }
            return [("pairing.propose", ["hub": hub, "round": .string(round), "level": "school"]),
                    ("pairing.propose", ["hub": hub, "round": .string(round), "level": "teacher"])]
        case "process": return [("process.model", ["hub": hub])]
        case "indicators": return [("indicator.compute", ["hub": hub])]
        case "insights": return [("insight.generate", ["hub": hub])]
        default: return []
        }
    }

    /// Errors a hook's run reports in its result instead of failing.
    private func collected(_ script: String, _ file: String, _ result: JSON) -> [MethodologyCheck.Finding] {
        switch script {
        case "indicators":
            return (result["indicators"]?.array ?? result.array ?? []).compactMap { i in
                guard let error = i["error"], i["source"]?.string != "builtin" else { return nil }
                return finding("indicator \(i["name"]?.string ?? "?"): \(error["message"]?.string ?? "")", default: file)
            }
        case "insights":
            return (result["errors"]?.array ?? []).map { e in
                finding((e["rule"]?.string.map { "rule \($0): " } ?? "") + (e["message"]?.string ?? ""), default: file)
            }
        default: return []
        }
    }

    /// The finding of a message: the file and line it names ("EE-ACC/pairing:12:",
    /// "EE-ACC/rules.lua:3:", "instruments/x.lua: …"), else `default` at the
    /// line that defines the function it names.
    private func finding(_ message: String, default file: String) -> MethodologyCheck.Finding {
        for f in package.files {
            var names = [f.name, "\(hub)/\(f.name)"]
            if let script = MethodologyPackage.script(of: f.name) { names.append("\(hub)/\(script)") }
            for name in names {
                guard let range = message.firstRange(of: name + ":") else { continue }
                let digits = message[range.upperBound...].prefix { $0.isNumber }
                let line = Int64(digits) ?? MethodologyGlobals.definitionLine(of: message, in: f.source)
                return .init(file: f.name, line: line, severity: .error, message: message)
            }
        }
        let source = package.files.first { $0.name == file }?.source ?? ""
        return .init(file: file, line: MethodologyGlobals.definitionLine(of: message, in: source), severity: .error, message: message)
    }
}
