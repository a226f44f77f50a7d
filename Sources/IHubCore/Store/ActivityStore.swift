/// The activity log's queries: activities and their participants (people,
/// schools, mentorships), written many at a time, read back page by page,
/// voided, and counted into hours. Domain code (Activity/) calls these and
/// holds no SQL.
struct ActivityStore {
    let db: Database
}

extension Database {
    var activities: ActivityStore { ActivityStore(db: self) }
}

// MARK: types

/// Kinds of activity and roles of participants, as the schema allows them.
enum ActivityKind: String, CaseIterable, Sendable {
    case session, workshop, observation, co_planning, reflection
}

enum ParticipantRole: String, CaseIterable, Sendable {
    case participant, mentor, mentee, facilitator
}

/// Who took part, by row id: a person, a school or a mentorship.
enum ParticipantSubject: Equatable, Hashable, Sendable {
    case person(Int64)
    case school(Int64)
    case mentorship(Int64)
}

struct Participant: Equatable, Hashable, Sendable {
    var subject: ParticipantSubject
    var role: ParticipantRole = .participant
}

/// An activity about to be stored, every reference by row id (resolved
/// and checked against the hub by `ActivityRecord`, or by the caller).
struct NewActivity: Equatable, Sendable {
    var uuid: String              // lower case
    var hubID: Int64
    var kind: ActivityKind
    var date: String              // YYYY-MM-DD
    var minutes: Int64
    var methodID: Int64? = nil
    var instanceID: Int64? = nil
    var step: String? = nil
    var notes: String? = nil
    var outcome: String? = nil
    var recordedBy: Int64? = nil
    var participants: [Participant] = []
}

/// A stored activity with its references by id and by code, as reads give it.
struct ActivityRow: Sendable {
    struct Member: Sendable {
        let subject: ParticipantSubject
        /// The person's or school's code; nil for a mentorship.
        let code: String?
        let role: ParticipantRole
    }

    let id: Int64
    let uuid: String
    let hubID: Int64
    let hub: String
    let kind: ActivityKind
    let date: String
    let minutes: Int64
    let methodID: Int64?
    let method: String?
    let methodName: String?
    let instanceID: Int64?
    let step: String?
    let notes: String?
    let outcome: String?
    let recordedBy: Int64?
    let recordedByCode: String?
    let createdAt: String
    let voidedAt: String?
    let voidReason: String?
    var participants: [Member]

    /// The activity as it would be stored again: what an import compares.
    var asNew: NewActivity {
        NewActivity(uuid: uuid, hubID: hubID, kind: kind, date: date, minutes: minutes, methodID: methodID,
                    instanceID: instanceID, step: step, notes: notes, outcome: outcome, recordedBy: recordedBy,
                    participants: participants.map { Participant(subject: $0.subject, role: $0.role) })
    }
}

/// Which activities a read selects. Dates are inclusive; nil is open.
struct ActivityFilter: Sendable {
    var hubID: Int64
    var from: String? = nil
    var to: String? = nil
    var kind: ActivityKind? = nil
    var instanceID: Int64? = nil
    /// Only activities this person took part in: listed, or through a
    /// teacher mentorship listed whose mentor or mentee they are.
    var personID: Int64? = nil
    /// Only activities this school took part in (see `ActivityStore.hours`).
    var schoolID: Int64? = nil
    /// Only activities where this mentorship is listed.
    var mentorshipID: Int64? = nil
    var includeVoided = false
}

/// Hours of one subject: its activities counted once each.
struct HoursRow: Sendable {
    let id: Int64
    let code: String?
    let name: String
    let activities: Int64
    let minutes: Int64
}

enum HoursSubject: String, CaseIterable, Sendable {
    case person, school, mentorship
}

// MARK: writes

extension ActivityStore {
    /// Stores a batch of activities with their participants, many rows per
    /// statement (ids reserved up front), and returns their ids in order.
    /// The caller has checked that no uuid is taken (`existing(uuids:)`): a
    /// taken uuid is IHUB_CONSTRAINT from the schema.
    @discardableResult
    func insert(_ batch: [NewActivity]) throws(IHubError) -> [Int64] {
        guard !batch.isEmpty else { return [] }
        let ids = try db.reserveIDs(table: "activities", count: batch.count)
        let stamp = Timestamp.now()
        let rows = BulkInsert(db, table: "activities", columns: [
            "id", "uuid", "hub_id", "kind", "date", "minutes", "method_id", "instance_id", "step", "notes", "outcome",
            "recorded_by", "created_at",
        ])
        let members = BulkInsert(db, table: "activity_participants", columns: ["activity_id", "person_id", "school_id", "mentorship_id", "role"])
        for (a, id) in zip(batch, ids) {
            try rows.add([.int(id), .text(a.uuid), .int(a.hubID), .text(a.kind.rawValue), .text(a.date), .int(a.minutes),
                          SQLValue(a.methodID), SQLValue(a.instanceID), SQLValue(a.step), SQLValue(a.notes), SQLValue(a.outcome),
                          SQLValue(a.recordedBy), .text(stamp)])
            // Participants refer to their activity: write it first.
            if members.buffered + a.participants.count >= members.rowsPerStatement { try rows.flush() }
            for p in a.participants {
                var person: Int64?, school: Int64?, mentorship: Int64?
                switch p.subject {
                case .person(let i): person = i
                case .school(let i): school = i
                case .mentorship(let i): mentorship = i
                }
                try members.add([.int(id), SQLValue(person), SQLValue(school), SQLValue(mentorship), .text(p.role.rawValue)])
            }
        }
        try rows.flush()
        try members.flush()
        return ids
    }

    /// After a bulk write: PostgreSQL reads the tables' new size into its
    /// statistics, and statements it planned when they were small (a seq
    /// scan to find a uuid) are planned again. SQLite needs nothing.
    func refreshStatistics() throws(IHubError) {
        if db.engine == .postgresql { try db.execute("ANALYZE activities, activity_participants") }
    }

    /// Voids the activity: it stays stored but no read or count includes it
    /// unless asked. False when there is no such activity; voiding a voided
    /// activity keeps its first time and reason (and returns true).
    @discardableResult
    func void(uuid: String, at time: String = Timestamp.now(), reason: String? = nil) throws(IHubError) -> Bool {
        guard try exists(uuid: uuid) else { return false }
        try db.statement("UPDATE activities SET voided_at = ?, void_reason = ? WHERE uuid = ? AND voided_at IS NULL")
            .run([.text(time), SQLValue(reason), .text(uuid)])
        return true
    }

    @discardableResult
    func void(id: Int64, at time: String = Timestamp.now(), reason: String? = nil) throws(IHubError) -> Bool {
        guard let uuid = try db.scalarText("SELECT uuid FROM activities WHERE id = ?", [.int(id)]) else { return false }
        return try void(uuid: uuid, at: time, reason: reason)
    }
}

// MARK: reads

extension ActivityStore {
    func exists(uuid: String) throws(IHubError) -> Bool {
        try db.scalarInt("SELECT id FROM activities WHERE uuid = ?", [.text(uuid)]) != nil
    }

    /// The id of the activity with this uuid, or nil.
    func id(uuid: String) throws(IHubError) -> Int64? {
        try db.scalarInt("SELECT id FROM activities WHERE uuid = ?", [.text(uuid)])
    }

    /// Of `uuids`, those already stored (any hub), looked up many at a time.
    func existing(uuids: [String]) throws(IHubError) -> Set<String> {
        var found: Set<String> = []
        try Self.slices(uuids) { (slice, marks) throws(IHubError) in
            let s = try db.statement("SELECT uuid FROM activities WHERE uuid IN (\(marks))")
            for u in try s.rows(slice.map { .text($0) }, { $0.text(0) ?? "" }) { found.insert(u) }
        }
        return found
    }

    private static let select = """
        SELECT a.id, a.uuid, a.hub_id, h.code, a.kind, a.date, a.minutes, a.method_id, t.code, a.instance_id, a.step,
               a.notes, a.outcome, a.recorded_by, r.code, a.created_at, a.voided_at, a.void_reason, t.name
        FROM activities a JOIN hubs h ON h.id = a.hub_id
        LEFT JOIN toolbox_methods t ON t.id = a.method_id LEFT JOIN people r ON r.id = a.recorded_by
        """

    private static func row(_ s: any Statement) -> ActivityRow {
        func opt(_ c: Int32) -> Int64? { s.isNull(c) ? nil : s.int(c) }
        return ActivityRow(id: s.int(0), uuid: s.text(1) ?? "", hubID: s.int(2), hub: s.text(3) ?? "",
                           kind: ActivityKind(rawValue: s.text(4) ?? "") ?? .session, date: s.text(5) ?? "", minutes: s.int(6),
                           methodID: opt(7), method: s.text(8), methodName: s.text(18), instanceID: opt(9), step: s.text(10), notes: s.text(11),
                           outcome: s.text(12), recordedBy: opt(13), recordedByCode: s.text(14), createdAt: s.text(15) ?? "",
                           voidedAt: s.text(16), voidReason: s.text(17), participants: [])
    }

    func get(id: Int64) throws(IHubError) -> ActivityRow? {
        try one(Self.select + " WHERE a.id = ?", [.int(id)])
    }

    func get(uuid: String) throws(IHubError) -> ActivityRow? {
        try one(Self.select + " WHERE a.uuid = ?", [.text(uuid)])
    }

    /// The stored activities of `uuids` (those that exist), by uuid, read many at a time.
    func get(uuids: [String]) throws(IHubError) -> [String: ActivityRow] {
        var out: [String: ActivityRow] = [:]
        try Self.slices(uuids) { (slice, marks) throws(IHubError) in
            var rows = try db.statement(Self.select + " WHERE a.uuid IN (\(marks))").rows(slice.map { .text($0) }, Self.row)
            let members = try participants(of: rows.map(\.id))
            for i in rows.indices {
                rows[i].participants = members[rows[i].id] ?? []
                out[rows[i].uuid] = rows[i]
            }
        }
        return out
    }

    private func one(_ sql: String, _ values: [SQLValue]) throws(IHubError) -> ActivityRow? {
        guard var row = try db.statement(sql).rows(values, Self.row).first else { return nil }
        row.participants = try participants(of: [row.id])[row.id] ?? []
        return row
    }

    /// Participants of the activities, by activity, in the order stored.
    func participants(of ids: [Int64]) throws(IHubError) -> [Int64: [ActivityRow.Member]] {
        var out: [Int64: [ActivityRow.Member]] = [:]
        try Self.slices(ids) { (slice, marks) throws(IHubError) in
            let s = try db.statement("""
                SELECT p.activity_id, p.person_id, pe.code, p.school_id, sc.code, p.mentorship_id, p.role
                FROM activity_participants p LEFT JOIN people pe ON pe.id = p.person_id LEFT JOIN schools sc ON sc.id = p.school_id
                WHERE p.activity_id IN (\(marks)) ORDER BY p.activity_id, p.id
                """)
            try s.bind(slice.map { .int($0) })
            while try s.step() {
                let role = ParticipantRole(rawValue: s.text(6) ?? "") ?? .participant
                let member: ActivityRow.Member
                if !s.isNull(1) {
                    member = .init(subject: .person(s.int(1)), code: s.text(2), role: role)
                } else if !s.isNull(3) {
                    member = .init(subject: .school(s.int(3)), code: s.text(4), role: role)
                } else {
                    member = .init(subject: .mentorship(s.int(5)), code: nil, role: role)
                }
                out[s.int(0), default: []].append(member)
            }
        }
        return out
    }

    /// Calls `body` with `items` in slices of at most 256, each of a power
    /// of two (so a few statement texts serve any batch), and the slice's
    /// list of parameter marks, "?, ?, …".
    private static func slices<T>(_ items: [T], _ body: (ArraySlice<T>, String) throws(IHubError) -> Void) throws(IHubError) {
        var start = 0
        while start < items.count {
            let left = items.count - start
            let n = left >= 256 ? 256 : 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount)
            try body(items[start..<(start + n)], Array(repeating: "?", count: n).joined(separator: ", "))
            start += n
        }
    }

    /// The filter as SQL conditions on `a` and their values.
    static func conditions(_ f: ActivityFilter) -> (String, [SQLValue]) {
        var sql = "a.hub_id = ?"
        var values: [SQLValue] = [.int(f.hubID)]
        if !f.includeVoided { sql += " AND a.voided_at IS NULL" }
        if let from = f.from { sql += " AND a.date >= ?"; values.append(.text(from)) }
        if let to = f.to { sql += " AND a.date <= ?"; values.append(.text(to)) }
        if let k = f.kind { sql += " AND a.kind = ?"; values.append(.text(k.rawValue)) }
        if let i = f.instanceID { sql += " AND a.instance_id = ?"; values.append(.int(i)) }
        if let m = f.mentorshipID {
            sql += " AND EXISTS (SELECT 1 FROM activity_participants p WHERE p.activity_id = a.id AND p.mentorship_id = ?)"
            values.append(.int(m))
        }
        if let person = f.personID {
            sql += " AND a.id IN (\(personActivities))"
            values += Array(repeating: .int(person), count: 3)
        }
        if let school = f.schoolID {
            sql += " AND a.id IN (\(schoolActivities))"
            values += Array(repeating: .int(school), count: 5)
        }
        return (sql, values)
    }

    /// Calls `body` with each selected activity and its participants, by
    /// date then id, `limit` after `offset`. Reads a page of activities at a
    /// time (keyset on date and id), so any number of activities costs one
    /// page of memory on both engines.
    func each(_ filter: ActivityFilter, limit: Int64 = Int64.max, offset: Int64 = 0,
              _ body: (ActivityRow) throws(IHubError) -> Void) throws(IHubError)
    {
        let (cond, values) = Self.conditions(filter)
        let pageSize: Int64 = 1000
        var left = limit
        var skip = offset
        var after: (String, Int64)?
        while left > 0 {
            let take = min(pageSize, left)
            var sql = Self.select + " WHERE " + cond
            var bound = values
            if let (date, id) = after {
                sql += " AND (a.date > ? OR (a.date = ? AND a.id > ?))"
                bound += [.text(date), .text(date), .int(id)]
            }
            sql += " ORDER BY a.date, a.id LIMIT ? OFFSET ?"
            bound += [.int(take), .int(skip)]
            var page = try db.statement(sql).rows(bound, Self.row)
            skip = 0
            if page.isEmpty { return }
            let members = try participants(of: page.map(\.id))
            for i in page.indices { page[i].participants = members[page[i].id] ?? [] }
            for row in page { try body(row) }
            left -= Int64(page.count)
            if Int64(page.count) < take { return }
            after = (page.last!.date, page.last!.id)
        }
    }

    /// How many activities the filter selects.
    func count(_ filter: ActivityFilter) throws(IHubError) -> Int64 {
        let (cond, values) = Self.conditions(filter)
        return try db.scalarInt("SELECT count(*) FROM activities a WHERE " + cond, values) ?? 0
    }
}

// MARK: references

/// A mentorship as an activity's participant sees it.
struct MentorshipRef: Sendable {
    let id: Int64
    let hubID: Int64
    let level: String
    let mentor: Int64
    let mentee: Int64
}

extension ActivityStore {
    func mentorship(id: Int64) throws(IHubError) -> MentorshipRef? {
        let s = try db.statement("""
            SELECT id, hub_id, level, COALESCE(mentor_school_id, mentor_person_id), COALESCE(mentee_school_id, mentee_person_id)
            FROM mentorships WHERE id = ?
            """)
        try s.bind([.int(id)])
        defer { s.reset() }
        return try s.step() ? MentorshipRef(id: s.int(0), hubID: s.int(1), level: s.text(2) ?? "", mentor: s.int(3), mentee: s.int(4)) : nil
    }
}
