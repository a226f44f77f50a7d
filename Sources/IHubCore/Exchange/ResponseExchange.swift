/// CSV files of assessment data, loaded through the assessment's
/// ResponseStore (the one writer of responses, answers and area reports):
///
/// - `responses`, the long format: one row per respondent × item.
///   A respondent given again replaces its earlier response, so a file
///   imported twice leaves the same data.
/// - `area_results`: results that arrive only as reports, one row per
///   school, group and area (mean, sd, n).
///
/// The rows of a million-answer file go straight from cells to the store:
/// no JSON per row; a round and instrument are resolved once per run of rows.
enum ResponseExchange {
    static let responses = ExchangeKind(
        name: "responses", summary: "Assessment answers, one row per respondent × item.",
        columns: [
            .required("round", .string, "code of the round"),
            .required("instrument", .string, "code of the instrument, e.g. selfie"),
            .required("respondent", .string, "pseudonymous respondent code, unique per round and instrument"),
            .required("school", .string, "code of the school the response is about (or from)"),
            .optional("person", .string, "code of the teacher assessed (teacher instruments)"),
            .required("group", .oneOf(RespondentGroup.names), "respondent group"),
            .required("item", .string, "code of the item"),
            .required("answer", .string, "a score of the scale, a level code (its statement), na or pnts"),
        ],
        importer: { db, _, _ throws(IHubError) in ResponseImporter(db, reports: false) },
        export: { db, hub, out throws(IHubError) in
            var fields: [String] = []
            try db.assessment.exportResponses(hubID: try db.hubFilter(hub, at: "params.hub"), response: { r throws(IHubError) in
                fields = [r.round, r.instrument, r.respondent, r.school, r.person ?? "", r.group]
            }, answer: { item, answer throws(IHubError) in
                let cell = ResponseExchange.cell(answer, out)
                try out.record(fields + [item, cell])
            })
        })

    static let areaResults = ExchangeKind(
        name: "area_results", summary: "Area results that arrive only as reports: mean, sd and n per school, group and area.",
        columns: [
            .required("round", .string, "code of the round"),
            .required("instrument", .string, "code of the instrument"),
        ] + ResponseMethods.resultFields,
        importer: { db, _, _ throws(IHubError) in ResponseImporter(db, reports: true) },
        export: { db, hub, out throws(IHubError) in
            try db.assessment.exportAreaResults(hubID: try db.hubFilter(hub, at: "params.hub")) { x throws(IHubError) in
                let cells = [JSON.string(x.round), .string(x.instrument), .string(x.school), .string(x.group), .string(x.area),
                             .double(x.mean), JSON(x.sd), .int(x.n)].map { out.cell($0) }
                try out.record(cells)
            }
        })

    /// An answer as a cell: the score, na or pnts.
    static func cell(_ answer: Answer, _ out: CSVWriter) -> String {
        switch answer {
        case .score(let s): return out.cell(s)
        case .notApplicable: return "na"
        case .preferNotToSay: return "pnts"
        }
    }
}

/// Imports either format: finds the store of each row's round and
/// instrument, and hands it the row.
final class ResponseImporter: RowImporter {
    let db: Database
    let reports: Bool
    private var stores: [String: ResponseStore] = [:]
    /// The store of the last row, with its round and instrument codes:
    /// files come grouped, so this spares a dictionary lookup per row.
    private var last: (round: String, instrument: String, store: ResponseStore)?

    init(_ db: Database, reports: Bool) {
        self.db = db
        self.reports = reports
    }

    var summary: [JSON.Member]? {
        let all = Array(stores.values)
        if reports { return [.init("results", .int(Int64(all.reduce(0) { $0 + $1.reports })))] }
        let created = all.reduce(0) { $0 + $1.created }, replaced = all.reduce(0) { $0 + $1.replaced }
        return [.init("responses", .int(Int64(created + replaced))), .init("created", .int(Int64(created))),
                .init("replaced", .int(Int64(replaced))), .init("answers", .int(Int64(all.reduce(0) { $0 + $1.answers })))]
    }

    func row(_ row: CSVRow, problems: inout Problems) -> Entity.Outcome? {
        let fields = row.columns.fields
        var complete = true
        for f in fields.indices where fields[f].required && row.isEmpty(f) {
            problems.add(.invalid, "\(row.place(f)): missing value (\(fields[f].doc))")
            complete = false
        }
        guard complete, let store = store(round: row.text(0)!, instrument: row.text(1)!, row, &problems) else { return nil }
        // Places are spelled out only for a message (closures passed
        // straight to the store stay on the stack).
        do throws(IHubError) {
            if reports {
                guard let mean = number(row, 5, &problems) else { return nil }
                var sd: Double?
                if !row.isEmpty(6) {
                    guard let d = number(row, 6, &problems) else { return nil }
                    sd = d
                }
                guard let n = Cells.integer(row.text(7)!) else {
                    problems.add(.invalid, "\(row.place(7)): expected a whole number, got \(IHubError.quoted(row.text(7)!, "\""))")
                    return nil
                }
                try store.report(school: row.text(2)!, group: row.text(3)!, area: row.text(4)!, mean: mean, sd: sd, n: n,
                                 at: { row.place(named: $0) ?? "line \(row.line)" })
            } else {
                let handle = try store.respondent(row.text(2)!, school: row.text(3)!, person: row.text(4), group: row.text(5)!,
                                                  at: { row.place(named: $0) ?? "line \(row.line)" })
                let item = row.text(6)!, text = row.text(7)!
                do throws(IHubError) {
                    if let score = ResponseImporter.levelScore(text, store.instrument) {
                        try store.answer(handle, item: item, .score(score), at: row.place(7))
                    } else {
                        try store.answer(handle, item: item, text: text, at: row.place(7))
                    }
                } catch {
                    // An unknown item is a problem of the item column, not the answer's.
                    try store.check(item: item, of: handle, at: row.place(6))
                    throw error
                }
            }
            return .inserted
        } catch {
            row.problem(error, problems: &problems)
            return nil
        }
    }

    /// The instrument of a store of this import, by code.
    func instrument(code: String) -> Instrument? { stores.values.first { $0.instrument.code == code }?.instrument }

    private func number(_ row: CSVRow, _ f: Int, _ problems: inout Problems) -> Double? {
        let text = row.text(f) ?? ""
        guard let d = Cells.number(text) else {
            problems.add(.invalid, "\(row.place(f)): expected a number, got \(IHubError.quoted(text, "\""))")
            return nil
        }
        return d
    }

    /// The store of a round and instrument (columns 0 and 1 of the row).
    /// An unknown code is a problem of every row that gives it.
    func store(round: String, instrument: String, _ row: CSVRow, _ problems: inout Problems) -> ResponseStore? {
        if let last, last.round == round, last.instrument == instrument { return last.store }
        let key = round + "\u{1}" + instrument
        if let known = stores[key] {
            last = (round, instrument, known)
            return known
        }
        do throws(IHubError) {
            let r = try RoundRef.resolve(db, code: round, at: row.place(0))
            let i = try Instrument.load(db, code: instrument, at: row.place(1))
            try i.check(usableIn: r, at: row.place(1))
            let store = try ResponseStore(db, round: r, instrument: i)
            stores[key] = store
            last = (round, instrument, store)
            return store
        } catch {
            problems.add(error.status, error.message)
            return nil
        }
    }

    /// A level code as an answer ("B1"): the statement tied to that level,
    /// when the instrument ties one level to each score of its scale.
    static func levelScore(_ text: String, _ instrument: Instrument) -> Double? {
        guard !instrument.levels.isEmpty, instrument.levels.count == instrument.scale.max - instrument.scale.min + 1,
              let first = text.utf8.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
              let index = instrument.levelIndex(code: text)
        else { return nil }
        return Double(instrument.scale.min + index)
    }
}
