/// The CSV form of activities for activity.import: one row per activity,
/// columns by name in any order (case ignored), participants in one cell:
/// `person:T1:mentor;school:S1;mentorship:7` (kind:reference[:role], `;`
/// between participants, the role optional).
extension ActivityImport {
    static func readCSV(_ db: Database, _ source: CSVSource, _ resolver: inout ActivityResolver, _ batch: ImportBatch,
                        _ problems: inout Problems) throws(IHubError) -> Int
    {
        var position: [String: Int] = [:]
        var names: [String] = []
        var rows = 0
        var fatal: IHubError?
        let reader = CSVReader(maxRecordBytes: maxLineBytes)
        do throws(CSVFailure) {
            try reader.read(source, onHeader: { header in
                names = header.map { $0.trimmed.lowercased() }
                for (i, n) in names.enumerated() {
                    if !csvColumns.contains(n) {
                        problems.add(.invalid, line: 1, column: i + 1, field: header[i],
                                     "unknown column (known: \(csvColumns.joined(separator: ", ")))")
                    } else if position[n] != nil {
                        problems.add(.invalid, line: 1, column: i + 1, field: header[i], "column given twice")
                    } else {
                        position[n] = i
                    }
                }
                for n in requiredColumns where position[n] == nil {
                    problems.add(.invalid, line: 1, column: nil, field: n, "missing column")
                }
                return problems.isEmpty
            }, onRow: { record in
                rows += 1
                guard record.count == names.count else {
                    let column = min(record.count, names.count) + 1
                    problems.add(.invalid, line: record.line, column: column, field: column <= names.count ? names[column - 1] : nil,
                                 "\(record.count) fields where the header has \(names.count)")
                    return true
                }
                do throws(IHubError) {
                    guard let json = row(record, position, &problems) else { return true }
                    try take(json, line: record.line, column: { position[$0].map { $0 + 1 } }, &resolver, batch, &problems)
                } catch {
                    fatal = error
                    return false
                }
                return true
            })
        } catch {
            problems.add(error.status, line: error.line, column: error.column, field: error.field, error.reason)
        }
        if let fatal { throw fatal }
        return rows
    }

    /// The row as an activity record, or nil after noting a cell's problem.
    private static func row(_ record: CSVRecord, _ position: [String: Int], _ problems: inout Problems) -> JSON? {
        var members: [JSON.Member] = []
        var ok = true
        for name in csvColumns {
            guard let i = position[name] else { continue }
            let text = record.string(i)
            guard !text.isEmpty else { continue }
            switch name {
            case "minutes", "instance":
                guard let n = Int64(text.trimmed) else {
                    problems.add(.invalid, line: record.line(of: i), column: i + 1, field: name, "expected an integer, got \(IHubError.quoted(text, "\""))")
                    ok = false
                    continue
                }
                members.append(.init(name, .int(n)))
            case "participants":
                switch participants(text) {
                case .success(let list): members.append(.init(name, .array(list)))
                case .failure(let reason):
                    problems.add(.invalid, line: record.line(of: i), column: i + 1, field: name, reason.text)
                    ok = false
                }
            default:
                members.append(.init(name, .string(text)))
            }
        }
        return ok ? .object(members) : nil
    }

    struct CellProblem: Error { let text: String }

    /// `person:T1:mentor;school:S1;mentorship:7` as participant objects.
    static func participants(_ cell: String) -> Result<[JSON], CellProblem> {
        var out: [JSON] = []
        for (n, part) in cell.split(separator: ";", omittingEmptySubsequences: true).enumerated() {
            let item = part.trimmed
            if item.isEmpty { continue }
            guard let colon = item.firstIndex(of: ":") else {
                return .failure(CellProblem(text: "participant \(n + 1) \(IHubError.quoted(item)): expected kind:reference[:role], e.g. person:T1:mentor"))
            }
            let kind = String(item[..<colon])
            var ref = item[item.index(after: colon)...]
            var role: String?
            if let last = ref.lastIndex(of: ":"), ParticipantRole(rawValue: String(ref[ref.index(after: last)...])) != nil {
                role = String(ref[ref.index(after: last)...])
                ref = ref[..<last]
            }
            var member: [JSON.Member]
            switch kind {
            case "person", "school": member = [.init(kind, .string(String(ref)))]
            case "mentorship":
                guard let id = Int64(ref) else {
                    return .failure(CellProblem(text: "participant \(n + 1): mentorship \(IHubError.quoted(ref)) is not an id"))
                }
                member = [.init(kind, .int(id))]
            default:
                return .failure(CellProblem(text: "participant \(n + 1): \(IHubError.quoted(kind)) is not person, school or mentorship"))
            }
            if let role { member.append(.init("role", .string(role))) }
            out.append(.object(member))
        }
        return .success(out)
    }
}

extension StringProtocol {
    /// Without spaces and tabs at either end.
    fileprivate var trimmed: String {
        let u = Array(utf8)
        var a = 0, b = u.count
        while a < b && (u[a] == 0x20 || u[a] == 0x09) { a += 1 }
        while b > a && (u[b - 1] == 0x20 || u[b - 1] == 0x09) { b -= 1 }
        return String(decoding: u[a..<b], as: UTF8.self)
    }
}
