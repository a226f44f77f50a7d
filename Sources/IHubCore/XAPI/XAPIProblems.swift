/// Every rejected statement of an import, in the order found, with its
/// place: the index in the batch (0-based) and, for NDJSON, the line; and
/// the property path inside the statement ("actor.mbox", "" for the whole
/// statement). As CSVImport's `Problems`: the first `kept` are kept in full,
/// `count` counts them all, the error message names the first few, a dry
/// run returns them and `problems_out` writes them as CSV.
struct XAPIProblems {
    struct Item {
        let status: Status
        let index: Int
        let line: Int?
        let path: String
        let message: String

        /// "line 4 (actor.mbox): …" for NDJSON, "statements[3].actor.mbox: …" for an array.
        var text: String {
            if let line { return "line \(line)" + (path.isEmpty ? "" : " (\(path))") + ": " + message }
            return "statements[\(index)]" + (path.isEmpty || path.hasPrefix("[") ? path : "." + path) + ": " + message
        }

        var json: JSON {
            ["index": .int(Int64(index)), "line": line.map { .int(Int64($0)) } ?? .null, "path": .string(path),
             "status": .string(status.name), "message": .string(message)]
        }
    }

    static let kept = Problems.kept
    private(set) var items: [Item] = []
    private(set) var count = 0
    /// Statements with at least one problem.
    private(set) var statements = 0
    private var lastIndex = -1

    var isEmpty: Bool { count == 0 }

    mutating func add(_ status: Status, index: Int, line: Int?, path: String, _ message: String) {
        count += 1
        if index != lastIndex {
            statements += 1
            lastIndex = index
        }
        guard items.count < XAPIProblems.kept else { return }
        items.append(Item(status: status, index: index, line: line, path: IHubError.excerpt(path), message: message))
    }

    var json: JSON { .array(items.map(\.json)) }

    /// One line: "batch.ndjson: 3 problems in 2 statements: line 4 (actor.mbox): …; …; and 1 more".
    func error(source: String) -> IHubError {
        let head = items.prefix(Problems.shown).map(\.text).joined(separator: "; ")
        let more = count > Problems.shown ? "; and \(count - Problems.shown) more (a dry run or problems_out lists them all)" : ""
        let text = count == 1 ? head : "\(count) problems in \(statements) statements: \(head)\(more)"
        var error = IHubError(items[0].status, "\(source): nothing imported: \(text)")
        error.details = json
        return error
    }

    /// The problems as CSV: index, line, path, message.
    func write(to path: String, overwrite: Bool) throws(IHubError) {
        let output = try Output(path: path, overwrite: overwrite, at: "params.problems_out")
        var writer = CSVWriter(output)
        try writer.record(["index", "line", "path", "message"])
        for p in items { try writer.record([String(p.index), p.line.map(String.init) ?? "", p.path, p.message]) }
        _ = try output.finish()
    }
}
