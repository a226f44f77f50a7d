/// `responses_wide`: assessment answers as survey tools export them — one
/// row per respondent, one column per item code after the respondent's
/// columns; a blank cell is an item not answered. Stored through the same
/// ResponseStore as the long format, all or nothing, with the same places
/// in messages: an unknown item is its column of the header.
enum WideResponses {
    /// The respondent's columns, in the order of the long format's first six.
    static let fixed: [Field] = [
        .required("round", .string, "code of the round"),
        .optional("instrument", .string, "code of the instrument (or params.instrument for the whole file)"),
        .required("respondent", .string, "pseudonymous respondent code, unique per round and instrument"),
        .required("school", .string, "code of the school the response is about (or from)"),
        .optional("person", .string, "code of the teacher assessed (teacher instruments)"),
        .required("group", .oneOf(RespondentGroup.names), "respondent group"),
    ]

    static let kind = ExchangeKind(
        name: "responses_wide",
        summary: "Assessment answers, one row per respondent and one column per item code (as survey tools export them).",
        columns: fixed,
        importer: { db, file, options throws(IHubError) in try WideImporter(db, file, instrument: options.instrument) },
        export: { db, hub, out throws(IHubError) in try export(db, hub, &out) },
        open: true,
        exportHeader: { db, hub throws(IHubError) in fixed.map(\.name) + (try items(db, hub)).map(\.item) })

    /// The item columns of an export: the items of every instrument with
    /// responses in the scope, by instrument code, in the instrument's order.
    static func items(_ db: Database, _ hub: String?) throws(IHubError) -> [(instrument: String, item: String)] {
        let codes = try db.assessment.respondedInstrumentCodes(hubID: try db.hubFilter(hub, at: "params.hub"))
        var columns: [(String, String)] = []
        var seen: Set<String> = []
        for code in codes {
            let instrument = try Instrument.load(db, code: code, at: "params.kind")
            for area in instrument.areas { for item in area.items where seen.insert(item.code).inserted { columns.append((code, item.code)) } }
        }
        return columns
    }

    private static func export(_ db: Database, _ hub: String?, _ out: inout CSVWriter) throws(IHubError) {
        let columns = try items(db, hub)
        var index: [String: Int] = [:]
        for (i, c) in columns.enumerated() { index[c.item] = i }
        var row: [String] = []
        try db.assessment.exportResponses(hubID: try db.hubFilter(hub, at: "params.hub"), response: { r throws(IHubError) in
            if !row.isEmpty { try out.record(row) }
            row = [r.round, r.instrument, r.respondent, r.school, r.person ?? "", r.group] + Array(repeating: "", count: columns.count)
        }, answer: { item, answer throws(IHubError) in
            guard let i = index[item] else { return }
            row[6 + i] = ResponseExchange.cell(answer, out)
        })
        if !row.isEmpty { try out.record(row) }
    }
}

/// The rows of a wide file: each a respondent, each item cell an answer.
final class WideImporter: RowImporter {
    private let responses: ResponseImporter
    private let columns: CSVColumns
    private let instrument: String?
    /// Per instrument seen: the item code of each extra column (nil: not
    /// one of its items).
    private var itemsOf: [String: [String?]] = [:]
    private var respondents: [String: Int] = [:]
    /// Extra columns naming an item an earlier column names already (A1 and
    /// a1): the position of that earlier column. Told once, at the header.
    private var twice: [Int: Int] = [:]

    init(_ db: Database, _ file: CSVColumns, instrument: String?) throws(IHubError) {
        if file.position[1] == nil && instrument == nil {
            throw IHubError.invalid("line 1: no instrument column: give the instrument of the file (params.instrument, --instrument)")
        }
        responses = ResponseImporter(db, reports: false)
        columns = file
        self.instrument = instrument
    }

    var summary: [JSON.Member]? { responses.summary }

    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome? {
        let fields = columns.fields
        var complete = true
        for f in fields.indices where fields[f].required && row.isEmpty(f) {
            problems.add(.invalid, "\(row.place(f)): missing value (\(fields[f].doc))")
            complete = false
        }
        guard complete, let instrumentCode = row.text(1) ?? instrument,
              let store = responses.store(round: row.text(0)!, instrument: instrumentCode, row, &problems)
        else { return nil }
        let code = row.text(2)!
        if let first = respondents[code] {
            problems.add(.conflict, "\(row.place(2)): respondent \(IHubError.quoted(code)) is given twice (also on line \(first))")
            return nil
        }
        respondents[code] = row.line
        let items = itemsOf[instrumentCode] ?? itemColumns(store.instrument)
        // A respondent who answered nothing has no response, as in the long format.
        let answered = columns.extra.indices.contains { items[$0] != nil && !row.record.bytes(columns.extra[$0].position).isEmpty }
        guard answered else { return .unchanged }
        do throws(IHubError) {
            let handle = try store.respondent(code, school: row.text(3)!, person: row.text(4), group: row.text(5)!,
                                              at: { row.place(named: $0) ?? "line \(row.line)" })
            for (k, column) in columns.extra.enumerated() {
                let cell = row.record.bytes(column.position)
                guard !cell.isEmpty else { continue }
                // Spelled out only for a message: 3.4 million cells make a file of 100,000 respondents.
                func place() -> String {
                    CSVFailure.place(line: row.record.line(of: column.position), column: column.position + 1, field: column.name)
                }
                guard let item = items[k] else {
                    // Not an item of this row's instrument (another row's, or none: told at the header).
                    if itemsOf.count > 1 && twice[k] == nil { problems.add(.invalid, "\(place()): not an item of \(instrumentCode)") }
                    continue
                }
                do throws(IHubError) {
                    if cell.count == 1, cell[0] >= 0x30, cell[0] <= 0x39 {
                        // One digit, the common cell: a score, without a String.
                        try store.answer(handle, item: item, .score(Double(cell[0] - 0x30)), at: place())
                        continue
                    }
                    let text = String(decoding: cell, as: UTF8.self)
                    if let score = ResponseImporter.levelScore(text, store.instrument) {
                        try store.answer(handle, item: item, .score(score), at: place())
                    } else {
                        try store.answer(handle, item: item, text: text, at: place())
                    }
                } catch {
                    row.problem(error, problems: &problems)
                }
            }
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
        return .inserted
    }

    /// The item of each extra column for `instrument`: its code exactly,
    /// or whatever its case.
    private func itemColumns(_ instrument: Instrument) -> [String?] {
        var folded: [String: String] = [:]
        for area in instrument.areas { for item in area.items { folded[CSVColumns.fold(item.code)] = item.code } }
        var items = columns.extra.map { column in
            instrument.itemIndex[column.name] != nil ? column.name : folded[CSVColumns.fold(column.name)]
        }
        var first: [String: Int] = [:]
        for (k, item) in items.enumerated() {
            guard let item else { continue }
            if let earlier = first[item] {
                twice[k] = columns.extra[earlier].position
                items[k] = nil
            } else {
                first[item] = k
            }
        }
        itemsOf[instrument.code] = items
        return items
    }

    /// A column that is an item of no instrument of the file.
    func finish(problems: inout Problems) {
        guard !itemsOf.isEmpty else { return }
        let codes = itemsOf.keys.sorted()
        for (k, column) in columns.extra.enumerated() {
            if let earlier = twice[k] {
                problems.add(.invalid, line: 1, column: column.position + 1, field: column.name,
                             "column given twice (also column \(earlier + 1))")
                continue
            }
            guard itemsOf.values.allSatisfy({ $0[k] == nil }) else { continue }
            let known = codes.compactMap { responses.instrument(code: $0) }
            let guess = known.lazy.compactMap { CSVColumns.nearest(CSVColumns.fold(column.name), among: $0.areas.flatMap { $0.items.map(\.code) }) }.first
            let list = known.map { "\($0.code) has \($0.itemList)" }.joined(separator: "; ")
            problems.add(.invalid, line: 1, column: column.position + 1, field: column.name,
                         "unknown item \(IHubError.quoted(column.name)) (\(guess.map { "did you mean '\($0)'? " } ?? "")\(list))")
        }
    }
}
