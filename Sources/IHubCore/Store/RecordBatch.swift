/// New coded records of one table written many at a time (`*.add_many`):
/// their ids are reserved up front, so the rows that refer to a record (a
/// person's roles and memberships) are buffered beside it, and every table
/// gets multi-row INSERTs — a round trip per few hundred rows on a server,
/// not one per row. Records are written before the rows that refer to them.
/// A code found taken when its records are written (by an earlier add or
/// another writer) fails the batch with the caller's `taken` error.
final class RecordBatch {
    private let db: Database
    let table: String
    private let stamp: String?
    private let taken: (String) throws(IHubError) -> IHubError
    private var ids: [Int64]
    private var nextID = 0
    private var records: BulkInsert?
    /// Codes of the buffered records, in order.
    private var pending: [String] = []
    private var written: Set<String> = []
    private lazy var roles = BulkInsert(db, table: "person_roles", columns: ["person_id", "role", "start_date"])
    private lazy var memberships = BulkInsert(db, table: "memberships", columns: ["person_id", "school_id", "start_date", "end_date"])

    init(_ db: Database, table: String, count: Int, taken: @escaping (String) throws(IHubError) -> IHubError) throws(IHubError) {
        self.db = db
        self.table = table
        self.taken = taken
        stamp = RegistryStore.stamped.contains(table) ? Timestamp.now() : nil
        ids = try db.reserveIDs(table: table, count: count)
    }

    /// The id of the next record added.
    func reserve() -> Int64 {
        defer { nextID += 1 }
        return ids[nextID]
    }

    /// Buffers one record (`columns` without id and created_at).
    func add(id: Int64, code: String, columns: [String], values: [SQLValue]) throws(IHubError) {
        var columns = ["id"] + columns, values = [.int(id)] + values
        if let stamp {
            columns.append("created_at")
            values.append(.text(stamp))
        }
        if let current = records, current.columns != columns {
            try flushRecords()
            records = nil
        }
        if records == nil {
            records = BulkInsert(db, table: table, columns: columns, onConflict: "(code) DO NOTHING", returning: ["code"]) {
                [unowned self] s throws(IHubError) in written.insert(s.text(0) ?? "")
            }
        }
        pending.append(code)
        try records!.add(values)
        if records!.buffered == 0 { try checkWritten() }
    }

    func addRole(person: Int64, role: String, start: String?) throws(IHubError) {
        if roles.buffered + 1 == roles.rowsPerStatement { try flushRecords() }
        try roles.add([.int(person), .text(role), SQLValue(start)])
    }

    func addMembership(person: Int64, school: Int64, start: String?, end: String?) throws(IHubError) {
        if memberships.buffered + 1 == memberships.rowsPerStatement { try flushRecords() }
        try memberships.add([.int(person), .int(school), SQLValue(start), SQLValue(end)])
    }

    /// Writes everything buffered, records first.
    func finish() throws(IHubError) {
        try flushRecords()
        try roles.flush()
        try memberships.flush()
    }

    private func flushRecords() throws(IHubError) {
        try records?.flush()
        try checkWritten()
    }

    /// Every buffered record was written, or the first whose code was taken fails the batch.
    private func checkWritten() throws(IHubError) {
        if let missing = pending.first(where: { !written.contains($0) }) { throw try taken(missing) }
        pending.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
    }
}
