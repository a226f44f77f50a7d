import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ihub indicator list|compute|snapshot|series|check`: the Learning
/// Analytics Toolbox's indicators (indicator.* operations) as readable
/// tables; --json prints the operation's document.
struct IndicatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicator",
        abstract: "Indicators: list them, compute them over a window, store them as time series, read a series, test a hub's draft script.",
        subcommands: [List.self, Compute.self, Snapshot.self, Series.self, Check.self])

    typealias Common = CallOptions

    /// The parameters the computing commands share.
    struct Scope: ParsableArguments {
        @Option(name: .long, help: "The hub (default: every hub, the consortium).") var hub: String?
        @Option(name: .long, help: "The window: YYYY-MM, YYYY/YY, YYYY/YY-T1|T2, cumulative[:YYYY-MM-DD] or FROM..TO (default cumulative).") var window: String?
        @Option(name: .long, help: "Only this indicator (repeatable).") var name: [String] = []
        @Option(name: .long, help: "Options per indicator as JSON, e.g. '{\"risk.inactive_mentorships\": {\"days\": 45}}'.") var options: String?

        func params() throws -> [JSON.Member] {
            var p = Log.strings([("hub", hub), ("window", window)])
            if !name.isEmpty { p.append(.init("names", .array(name.map(JSON.string)))) }
            if let options {
                do throws(IHubError) { p.append(.init("options", try Engine.parse(options, at: "--options"))) } catch { throw error.exit() }
            }
            return p
        }
    }

    /// A value as a table shows it.
    static func shown(_ v: JSON?) -> String {
        guard let v, !v.isNull else { return "-" }
        if case .double(let d) = v { return String(format2: d) }
        return v.string ?? v.serialized()
    }

    /// The rows of a compute or check document, one block per indicator.
    static func printResults(_ r: JSON) {
        let scope = r["scope"]?["hub"]?.string ?? "every hub"
        print("\(scope), window \(r["window"]?.string ?? "") (\(r["from"]?.string ?? "…") to \(r["to"]?.string ?? "")), k = \(r["k"]?.int ?? 0)")
        for ind in r["indicators"]?.array ?? [] {
            let head = "\(ind["name"]?.string ?? "") (\(ind["level"]?.string ?? ""), \(ind["type"]?.string ?? ""))"
            if let e = ind["error"] {
                print("\(head): \(e["status"]?.string ?? ""): \(e["message"]?.string ?? "")")
                continue
            }
            let rows = ind["rows"]?.array ?? []
            print("\(head): \(rows.count) row\(rows.count == 1 ? "" : "s")")
            for row in rows { print("  " + rowLine(row)) }
        }
    }

    static func rowLine(_ row: JSON) -> String {
        var cells: [String] = []
        if let s = row["subject"], !s.isNull { cells.append(shown(s).padding(to: 12)) }
        if let p = row["part"]?.string { cells.append(p.padding(to: 20)) }
        let value = row["suppressed"]?.bool == true ? "withheld (\(row["reason"]?.string ?? ""))" : shown(row["value"])
        cells.append(value)
        if let n = row["n"]?.int { cells.append("n=\(n)") }
        return cells.joined(separator: " ")
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "The indicators of a hub (built in, then its own), or the built-in set.",
            discussion: "Example: ihub indicator list --hub EE-ACC --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub (default: the built-in set).") var hub: String?

        func run() throws {
            try common.run("indicator.list", Log.strings([("hub", hub)])) { r in
                for d in r.array ?? [] {
                    let range = "[\(shown(d["min"]))..\(shown(d["max"]))]"
                    print("\((d["name"]?.string ?? "").padding(to: 36)) \((d["level"]?.string ?? "").padding(to: 10)) "
                          + "\((d["type"]?.string ?? "").padding(to: 6)) \(range.padding(to: 10)) \(d["description"]?.string ?? "")")
                }
            }
        }
    }

    struct Compute: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compute", 
            abstract: "Compute indicators over a window (nothing is stored).",
            discussion: "Example: ihub indicator compute --hub EE-ACC --window 2026/27-T1 --name reach.schools --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var scope: Scope

        func run() throws {
            try common.run("indicator.compute", try scope.params(), progress: "computing indicators") { r in printResults(r) }
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "snapshot", 
            abstract: "Compute indicators over a window and store their values (replacing that window's), for time series.",
            discussion: "Example: ihub indicator snapshot --hub EE-ACC --window 2026-11 --db region.db")
        @OptionGroup var common: Common
        @OptionGroup var scope: Scope

        func run() throws {
            try common.run("indicator.snapshot", try scope.params(), progress: "computing indicators") { r in
                print("\(r["scope"]?["hub"]?.string ?? "every hub"), window \(r["window"]?.string ?? ""), stored at \(r["computed_at"]?.string ?? "")")
                for ind in r["indicators"]?.array ?? [] {
                    let name = (ind["name"]?.string ?? "").padding(to: 36)
                    if let e = ind["error"] {
                        print("\(name) \(e["status"]?.string ?? ""): \(e["message"]?.string ?? "") (nothing stored)")
                    } else {
                        print("\(name) \(ind["stored"]?.int ?? 0) stored, \(ind["suppressed"]?.int ?? 0) withheld, \(ind["replaced"]?.int ?? 0) replaced")
                    }
                }
            }
        }
    }

    struct Series: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "series", 
            abstract: "The stored time series of one indicator.",
            discussion: "Example: ihub indicator series --hub EE-ACC --name reach.schools --from 2026-09-01 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub (default: the consortium's own series).") var hub: String?
        @Option(name: .long, help: "The indicator.") var name: String
        @Option(name: .long, help: "Only this subject: a person's or school's code, a mentorship's id.") var subject: String?
        @Option(name: .long, help: "Only this part of a breakdown.") var part: String?
        @Option(name: .long, help: "Only windows ending on or after this day.") var from: String?
        @Option(name: .long, help: "Only windows ending on or before this day.") var to: String?

        func run() throws {
            let p = Log.strings([("hub", hub), ("name", name), ("subject", subject), ("part", part), ("from", from), ("to", to)])
            try common.run("indicator.series", p) { r in
                let points = r["points"]?.array ?? []
                print("\(r["name"]?.string ?? "") (\(r["level"]?.string ?? "")): \(points.count) point\(points.count == 1 ? "" : "s")")
                for pt in points {
                    let window = "\(pt["window"]?["from"]?.string ?? "…")..\(pt["window"]?["to"]?.string ?? "")"
                    print("  \(window.padding(to: 22)) \(rowLine(pt))")
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", 
            abstract: "Run a draft indicators script over a hub's data without storing anything.",
            discussion: "Example: ihub indicator check --hub EE-ACC --script indicators.lua --window 2026-11 --db region.db")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The hub.") var hub: String
        @Option(name: .long, help: "The draft script, a Lua file.") var script: String
        @Option(name: .long, help: "The window (default cumulative).") var window: String?

        func run() throws {
            guard let source = IndicatorCommand.readText(script) else {
                throw IHubError(.io, "--script: cannot read \(IHubError.quoted(script))").exit()
            }
            var p = Log.strings([("hub", hub), ("window", window)])
            p.append(.init("source", .string(source)))
            try common.run("indicator.check", p) { r in
                printResults(r)
                print(r["ok"]?.bool == true ? "ok: every indicator computed" : "not ok: see the errors above")
            }
        }
    }
}

extension IndicatorCommand {
    /// The text of a file, or nil when it cannot be read or is not UTF-8.
    static func readText(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes += buffer[0..<n] }
            if n < buffer.count { break }
        }
        guard ferror(f) == 0 else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension String {
    /// A number as tables show it: at most 4 decimals, no trailing zeros.
    init(format2 d: Double) {
        let scaled = (d * 10_000).rounded() / 10_000
        var s = "\(scaled)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        self = s
    }
}
