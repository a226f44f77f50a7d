#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// activity.import: NDJSON or CSV activities, streamed and stored in
/// batches inside the call's transaction. Every record is read and checked,
/// so a rejected file reports all its problems (by line, and column and
/// field for CSV) in one pass; any problem rolls everything back.
enum ActivityImport {
    static let maxLineBytes = Limits.activityLine

    static let csvColumns = ["uuid", "date", "kind", "minutes", "method", "instance", "step", "participants", "notes", "outcome", "by"]
    static let requiredColumns = ["date", "kind", "minutes", "participants"]

    static func run(_ db: Database, _ p: JSON) throws(IHubError) -> JSON {
        var resolver = try ActivityResolver(db, hub: p["hub"]!.string!, at: "params.hub")
        let source: CSVSource
        switch (p["path"]?.string, p["text"]?.string) {
        case (let path?, nil): source = .file(path)
        case (nil, let text?): source = .bytes(Array(text.utf8))
        default: throw IHubError.invalid("params: give the file's path or its text (one of them)")
        }
        let format = if let f = p["format"]?.string { f } else { try detect(source) }
        var problems = Problems()
        let batch = ImportBatch(db)
        var records = 0
        if format == "ndjson" {
            try LineReader(maxLineBytes: maxLineBytes).read(source, onLine: { bytes, line throws(IHubError) in
                records += 1
                let record: JSON
                do throws(JSONParser.Failure) {
                    record = try JSONParser.parse(bytes)
                } catch {
                    problems.add(.invalid, line: line, column: nil, field: error.path.map { String($0.drop { $0 == "." }) },
                                 "malformed JSON at column \(error.column): \(error.reason)")
                    return .more
                }
                try take(record, line: line, column: nil, &resolver, batch, &problems)
                return .more
            }, onLong: { line throws(IHubError) in
                records += 1
                problems.add(.limit, line: line, column: nil, field: nil, "the line is over the limit of \(maxLineBytes) bytes")
                return .more
            })
        } else {
            records = try readCSV(db, source, &resolver, batch, &problems)
        }
        try batch.flush(&problems)
        if !problems.isEmpty {
            if let out = p["problems_out"]?.string { try problems.write(to: out, overwrite: p["overwrite"]?.bool == true) }
            throw problems.error(source: source.name)
        }
        return ["hub": .string(resolver.hubCode), "format": .string(format), "records": .int(Int64(records)),
                "inserted": .int(batch.inserted), "unchanged": .int(batch.unchanged)]
    }

    /// One record (NDJSON object or CSV row as JSON): checked, resolved and
    /// buffered, or its problem noted. `column` maps a top-level field to
    /// its CSV column.
    static func take(_ record: JSON, line: Int, column: ((String) -> Int?)?, _ r: inout ActivityResolver, _ batch: ImportBatch,
                     _ problems: inout Problems) throws(IHubError)
    {
        let prefix = "line \(line)"
        do {
            let a = try ActivityRecord.parse(record, at: prefix, &r, allowHub: true)
            try batch.add(a, line: line, column: column?("uuid"), &problems)
        } catch where error.status != .invalid && error.status != .notFound && error.status != .limit {
            throw error  // the database's, not the record's
        } catch {
            var text = Substring(error.message.dropFirst(prefix.count))
            var field: String?
            if text.hasPrefix(".") {
                let path = text.dropFirst().prefix { $0 != ":" }
                field = String(path)
                text = text.dropFirst(path.count + 1)
            }
            if text.hasPrefix(": ") { text = text.dropFirst(2) }
            let top = field.map { String($0.prefix { $0 != "." && $0 != "[" }) }
            problems.add(error.status, line: line, column: top.flatMap { column?($0) }, field: field, String(text))
        }
    }

    /// NDJSON or CSV, by extension, else by the first byte that is not a space or a BOM.
    static func detect(_ source: CSVSource) throws(IHubError) -> String {
        var head: [UInt8]
        switch source {
        case .bytes(let b): head = Array(b.prefix(4096))
        case .file(let path):
            let lower = path.lowercased()
            if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return "csv" }
            if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") { return "ndjson" }
            head = [UInt8](repeating: 0, count: 4096)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw IHubError(code == ENOENT ? .notFound : .io,
                                "params.path: cannot open \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
            }
            let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            close(fd)
            head = Array(head.prefix(max(0, n)))
        }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let first = head.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first == UInt8(ascii: "{") ? "ndjson" : "csv"
    }
}

/// Buffered activities of an import, written a batch at a time: each
/// batch's uuids are looked up together; a stored identical activity is
/// skipped, a different one (or one given twice in the file, differently)
/// is a conflict.
final class ImportBatch {
    static let size = 512
    private let db: Database
    private var items: [(line: Int, column: Int?, activity: NewActivity)] = []
    private var byUUID: [String: Int] = [:]
    private(set) var inserted: Int64 = 0
    private(set) var unchanged: Int64 = 0
    /// Rows after which the tables' statistics are refreshed (then 4 times as many).
    private var nextAnalysis: Int64 = 2048

    init(_ db: Database) { self.db = db }

    func add(_ a: NewActivity, line: Int, column: Int?, _ problems: inout Problems) throws(IHubError) {
        if let i = byUUID[a.uuid] {
            check(stored: items[i].activity, a, line: line, column: column, &problems)
            return
        }
        byUUID[a.uuid] = items.count
        items.append((line, column, a))
        if items.count >= ImportBatch.size { try flush(&problems) }
    }

    func flush(_ problems: inout Problems) throws(IHubError) {
        guard !items.isEmpty else { return }
        let store = db.activities
        let stored = try store.get(uuids: items.map(\.activity.uuid))
        var fresh: [NewActivity] = []
        fresh.reserveCapacity(items.count)
        for item in items {
            if let row = stored[item.activity.uuid] {
                check(stored: row.asNew, item.activity, line: item.line, column: item.column, &problems)
            } else {
                fresh.append(item.activity)
            }
        }
        // After a problem nothing is kept anyway; the rows still go in, so
        // that a uuid repeated later in the file is found.
        try store.insert(fresh)
        inserted += Int64(fresh.count)
        if inserted >= nextAnalysis {
            try store.refreshStatistics()
            nextAnalysis *= 4
        }
        items.removeAll(keepingCapacity: true)
        byUUID.removeAll(keepingCapacity: true)
    }

    private func check(stored: NewActivity, _ a: NewActivity, line: Int, column: Int?, _ problems: inout Problems) {
        if ActivityRecord.same(stored, a) {
            unchanged += 1
        } else {
            problems.add(.conflict, line: line, column: column, field: "uuid",
                         "activity \(a.uuid) exists with another \(ActivityRecord.difference(stored, a))")
        }
    }
}
