/// The coded records other records point at. One lookup of a record by code
/// or id, with one wording for "not found", used everywhere.
enum RecordKind: String, Sendable {
    case hub, school, person, round, stakeholder, instrument

    var table: String {
        switch self {
        case .hub: "hubs"
        case .school: "schools"
        case .person: "people"
        case .round: "rounds"
        case .stakeholder: "stakeholders"
        case .instrument: "instruments"
        }
    }

    /// The one wording of a missing record; `path` names the field.
    func notFound(code: String, at path: String) -> IHubError {
        IHubError.notFound("\(path): no \(rawValue) with code \(IHubError.quoted(code))")
    }

    func notFound(id: Int64, at path: String) -> IHubError {
        IHubError.notFound("\(path): no \(rawValue) with id \(id)")
    }
}

extension Database {
    /// The row id of the record with `code`, or nil.
    func recordID(_ kind: RecordKind, code: String) throws(IHubError) -> Int64? {
        try scalarInt("SELECT id FROM \(kind.table) WHERE code = ?", [.text(code)])
    }

    /// The row id and hub of a school or person with `code`, or nil.
    func recordInHub(_ kind: RecordKind, code: String) throws(IHubError) -> (id: Int64, hubID: Int64)? {
        precondition(kind == .school || kind == .person, "\(kind.table) has no hub_id")
        let s = try statement("SELECT id, hub_id FROM \(kind.table) WHERE code = ?")
        try s.bind([.text(code)])
        defer { s.reset() }
        return try s.step() ? (s.int(0), s.int(1)) : nil
    }

    /// The row id of the record with `code`; not found names `path`.
    /// The code and name of a record by id, or nil.
    func recordName(_ kind: RecordKind, id: Int64) throws(IHubError) -> (code: String, name: String)? {
        let s = try statement("SELECT code, name FROM \(kind.table) WHERE id = ?")
        try s.bind([.int(id)])
        defer { s.reset() }
        return try s.step() ? (s.text(0) ?? "", s.text(1) ?? "") : nil
    }

    func requireID(_ kind: RecordKind, code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        guard let id = try recordID(kind, code: code) else { throw kind.notFound(code: code, at: path()) }
        return id
    }

    /// Whether a record with row id `id` exists; not found names `path`.
    func requireID(_ kind: RecordKind, id: Int64, at path: @autoclosure () -> String) throws(IHubError) {
        guard try scalarInt("SELECT id FROM \(kind.table) WHERE id = ?", [.int(id)]) != nil else {
            throw kind.notFound(id: id, at: path())
        }
    }
}

/// Code → row id lookups for one batch (an import, an add_many): each code
/// is looked up once. Only found ids are kept: a record added later in the
/// batch is found by a later lookup.
struct LookupCache {
    let kind: RecordKind
    private var ids: [String: Int64] = [:]

    init(_ kind: RecordKind) { self.kind = kind }

    mutating func id(_ db: Database, code: String) throws(IHubError) -> Int64? {
        if let id = ids[code] { return id }
        let id = try db.recordID(kind, code: code)
        if let id { ids[code] = id }
        return id
    }

    mutating func require(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> Int64 {
        guard let id = try id(db, code: code) else { throw kind.notFound(code: code, at: path()) }
        return id
    }
}
