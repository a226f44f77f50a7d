/// xapi.export: a hub's activities (or one school's, or a date range's)
/// as xAPI statements (ActivityStatements), NDJSON or a JSON array,
/// written as they are read: an export of any size holds one chunk.
/// A voided activity is followed by the statement that voids it, so an
/// import elsewhere voids it too.
enum XAPIExport {
    struct Options {
        var school: String?
        var from: String?
        var to: String?
        var ndjson = true
        var base: String?
        var voided = true
        /// Pseudonymous: people by pseudonym (accounts, never e-mail hashes), no notes or outcomes.
        var pseudonyms: Pseudonyms?
    }

    /// The number of statements written.
    static func run(_ db: Database, hub: String, options: Options, output: Output) throws(IHubError) -> Int64 {
        let hubID = try db.requireID(.hub, code: hub, at: "params.hub")
        let schoolID = try options.school.map { code throws(IHubError) in try db.requireID(.school, code: code, at: "params.school") }
        let mapping = try ActivityStatements(db, hubID: hubID, hub: hub, base: options.base, withEmails: options.pseudonyms == nil)
        var n: Int64 = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        if !options.ndjson { output.append(UInt8(ascii: "[")) }
        func emit(_ statement: JSON) throws(IHubError) {
            bytes.removeAll(keepingCapacity: true)
            if !options.ndjson && n > 0 { bytes.append(UInt8(ascii: ",")) }
            if !options.ndjson { bytes.append(0x0A) }
            statement.write(to: &bytes, indent: nil)
            if options.ndjson { bytes.append(0x0A) }
            output.append(contentsOf: bytes)
            n += 1
            try output.flushIfLarge()
        }
        try XAPIActivitySource.each(db, hubID: hubID, schoolID: schoolID, from: options.from, to: options.to) { a throws(IHubError) in
            if a.voidedAt != nil && !options.voided { return }
            let s = mapping.statement(options.pseudonyms.map { a.pseudonymous($0) } ?? a)
            try emit(s)
            if a.voidedAt != nil { try emit(mapping.voiding(a, actor: s["actor"]!)) }
        }
        if !options.ndjson { output.append(contentsOf: (n > 0 ? "\n]\n" : "]\n").utf8) }
        return n
    }
}

extension ActivityView {
    /// The activity with its people by pseudonym and without its free text
    /// (notes and outcomes may name people).
    func pseudonymous(_ pseudonyms: Pseudonyms) -> ActivityView {
        var a = self
        a.notes = nil
        a.outcome = nil
        a.recordedBy = recordedBy.map(pseudonyms.of)
        for i in a.participants.indices { a.participants[i].person = a.participants[i].person.map(pseudonyms.of) }
        return a
    }
}
