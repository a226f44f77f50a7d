import ArgumentParser
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ihub report`: a hub's (or the consortium's) report as a self-contained
/// HTML page, or its tables as JSON or CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A hub's report (or the consortium's, without --hub) as one self-contained HTML page, or its tables as JSON or CSV.",
        discussion: """
            Example: ihub report --hub EE-HUB --out report.html --db region.db
            With --format csv and no --table, each table goes to its own file: report.csv → report-targets.csv, report-maturity.csv, …
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, json, csv }

    @OptionGroup var common: CallOptions
    @Option(name: .long, help: "The hub (default: every hub, the consortium).") var hub: String?
    @Option(name: .long, help: "Write the report to this file (default: print it).") var out: String?
    @Option(name: .long, help: "html, json or csv.") var format: Format = .html
    @Option(name: .long, help: "The time window: YYYY-MM, YYYY/YY, YYYY/YY-T1|T2, cumulative[:DATE] or FROM..TO (default cumulative).") var window: String?
    @Option(name: .long, help: "Only this table (json, csv).") var table: String?
    @Flag(name: .long, help: "Replace --out if it exists.") var force = false

    func run() throws {
        var p: [JSON.Member] = []
        if let hub { p.append(.init("hub", .string(hub))) }
        if let window { p.append(.init("window", .string(window))) }
        if force { p.append(.init("overwrite", true)) }
        switch format {
        case .html:
            if let out { p.append(.init("path", .string(out))) }
            try common.run("report.html", .object(p), progress: "writing the report") { r in
                if let html = r["html"]?.string { print(html, terminator: "") } else { ReportCommand.describe(r, out ?? "") }
            }
        case .json, .csv:
            p.append(.init("format", .string(format.rawValue)))
            if let table { p.append(.init("table", .string(table))) }
            let perTable = format == .csv && table == nil && out != nil
            if let out, !perTable { p.append(.init("path", .string(out))) }
            var tables = JSON.null
            try common.run("report.data", .object(p), progress: "computing the report") { r in
                if perTable {
                    tables = r
                } else if out != nil {
                    ReportCommand.describe(r, out!)
                } else if format == .csv {
                    print(r["csv"]?.string ?? "", terminator: "")
                } else {
                    print(r.serialized(pretty: true))
                }
            }
            if perTable {
                do throws(IHubError) { try ReportCommand.writeTables(tables, out: out!, force: force) } catch { throw error.exit() }
            }
        }
    }

    /// What was written, and which sections had no data.
    static func describe(_ r: JSON, _ path: String) {
        print("\(path): \(r["bytes"]?.int ?? 0) bytes, window \(r["window"]?.string ?? "")")
        for s in r["sections"]?.array ?? [] {
            let missing = s["missing"]?.string.map { " — \($0)" } ?? ""
            print("  \((s["title"]?.string ?? "").padding(to: 32))\(s["charts"]?.int ?? 0) chart(s)\(missing)")
        }
    }

    /// CSV of every table, each in `<stem>-<table>.csv`.
    static func writeTables(_ r: JSON, out: String, force: Bool) throws(IHubError) {
        let stem = out.hasSuffix(".csv") ? String(out.dropLast(4)) : out
        for m in r["csv"]?.members ?? [] {
            let path = "\(stem)-\(m.key).csv"
            let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (force ? 0 : O_EXCL)
            let fd = open(path, flags, 0o644)
            guard fd >= 0 else {
                let hint = errno == EEXIST ? " (it exists; --force replaces it)" : ""
                throw IHubError(.io, "--out: cannot create \(path): \(String(cString: strerror(errno)))\(hint)")
            }
            var text = m.value.string ?? ""
            let ok = text.withUTF8 { b in write(fd, b.baseAddress, b.count) == b.count }
            close(fd)
            if !ok { throw IHubError(.io, "--out: cannot write \(path)") }
            print("\(path): \(text.utf8.count) bytes")
        }
    }
}
