/// A round as the assessment operations need it: its hub and that hub's k
/// (the smallest group whose figures are shown).
struct RoundRef {
    let id: Int64
    let code: String
    let name: String
    let hubID: Int64
    let hubCode: String
    let start: String?
    let end: String?
    let k: Int

    static func resolve(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> RoundRef {
        let s = try db.statement("""
            SELECT r.id, r.code, r.name, r.hub_id, h.code, r.start_date, r.end_date, h.min_group_size
            FROM rounds r JOIN hubs h ON h.id = r.hub_id WHERE r.code = ?
            """)
        try s.bind([.text(code)])
        guard try s.step() else { throw IHubError.notFound("\(path()): no round with code \(IHubError.quoted(code))") }
        return RoundRef(id: s.int(0), code: s.text(1) ?? code, name: s.text(2) ?? "", hubID: s.int(3), hubCode: s.text(4) ?? "",
                        start: s.isNull(5) ? nil : s.text(5), end: s.isNull(6) ? nil : s.text(6), k: Int(s.int(7)))
    }
}

/// What an aggregate or a comparison covers: a round's whole hub, or one
/// school of it.
struct AssessmentScope {
    let schoolID: Int64?
    let json: JSON

    /// Reads `hub` / `school` of the parameters; both must agree with the
    /// hub of every round given.
    init(_ db: Database, _ p: JSON, rounds: [(RoundRef, String)]) throws(IHubError) {
        let hub = p["hub"]?.string, school = p["school"]?.string
        if hub != nil && school != nil { throw IHubError.invalid("params: give hub or school, not both") }
        for (round, field) in rounds where round.hubID != rounds[0].0.hubID {
            throw IHubError.invalid("params.\(field): round \(IHubError.quoted(round.code)) belongs to hub \(round.hubCode), "
                                    + "'\(rounds[0].0.code)' to hub \(rounds[0].0.hubCode): compare rounds of one hub")
        }
        let round = rounds[0].0
        if let school {
            let s = try db.statement("SELECT s.id, h.code FROM schools s JOIN hubs h ON h.id = s.hub_id WHERE s.code = ?")
            try s.bind([.text(school)])
            guard try s.step() else { throw IHubError.notFound("params.school: no school with code \(IHubError.quoted(school))") }
            let id = s.int(0), hubCode = s.text(1) ?? ""
            guard hubCode == round.hubCode else {
                throw IHubError.invalid("params.school: school \(IHubError.quoted(school)) is in hub \(hubCode), round \(IHubError.quoted(round.code)) in hub \(round.hubCode)")
            }
            schoolID = id
            json = ["hub": .string(round.hubCode), "school": .string(school)]
        } else {
            if let hub, hub != round.hubCode {
                _ = try Entity.hubID(db, code: hub, at: "params.hub")
                throw IHubError.invalid("params.hub: round \(IHubError.quoted(round.code)) belongs to hub \(round.hubCode), not \(hub)")
            }
            schoolID = nil
            json = ["hub": .string(round.hubCode)]
        }
    }
}

extension Instrument {
    /// The instrument with this code; the error names the field.
    static func load(_ db: Database, code: String, at path: @autoclosure () -> String) throws(IHubError) -> Instrument {
        let s = try db.statement("SELECT id, definition, hub_id, source FROM instruments WHERE code = ?")
        try s.bind([.text(code)])
        guard try s.step() else { throw IHubError.notFound("\(path()): no instrument with code \(IHubError.quoted(code)) (instrument.list lists them)") }
        return try stored(s)
    }

    static func load(_ db: Database, id: Int64) throws(IHubError) -> Instrument {
        let s = try db.statement("SELECT id, definition, hub_id, source FROM instruments WHERE id = ?")
        try s.bind([.int(id)])
        guard try s.step() else { throw IHubError.notFound("instrument #\(id) not found") }
        return try stored(s)
    }

    private static func stored(_ s: Statement) throws(IHubError) -> Instrument {
        let id = s.int(0)
        let definition: JSON
        do {
            definition = try JSONParser.parse(s.text(1) ?? "")
        } catch {
            throw IHubError(.corrupt, "instrument #\(id): its stored definition is not JSON: \(error.message)")
        }
        return try Instrument(definition: definition, id: id, hubID: s.isNull(2) ? nil : s.int(2),
                              source: s.isNull(3) ? nil : s.text(3), at: "instrument #\(id)")
    }

    /// Instruments of a hub may only be used in that hub's rounds.
    func check(usableIn round: RoundRef, at path: @autoclosure () -> String) throws(IHubError) {
        guard let hubID, hubID != round.hubID else { return }
        throw IHubError.invalid("\(path()): instrument \(IHubError.quoted(code)) belongs to another hub than \(round.hubCode) of round \(IHubError.quoted(round.code))")
    }

    /// The respondent group parameter, which the instrument must ask.
    func group(_ p: JSON, at path: String) throws(IHubError) -> UInt8 {
        guard let name = p["group"]?.string else { return groups }
        let group = RespondentGroup(rawValue: name)!
        guard groups & group.bit != 0 else {
            throw IHubError.invalid("\(path): \(code) is not answered by \(name) (only \(RespondentGroup.of(groups).map(\.rawValue).joined(separator: ", ")))")
        }
        return group.bit
    }
}

/// Numbers for sentences, without Foundation's formatting.
package enum Decimal2 {
    /// `x` with `digits` decimals, rounded half away from zero.
    package static func text(_ x: Double, _ digits: Int = 2) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        // Past 2^53 there are no decimals to show, and Int64 would overflow.
        guard x.isFinite, abs(x) * Double(scale) < 9.0e15 else { return "\(x)" }
        let scaled = Int64((abs(x) * Double(scale)).rounded())
        let whole = scaled / scale, fraction = scaled % scale
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let f = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - f.count))\(f)"
    }

    /// `x` with as few decimals (from 2) as tell it apart from `threshold`:
    /// a sentence never reads "3.75 < 3.75".
    package static func text(_ x: Double, against threshold: Double) -> String {
        for digits in 2...6 {
            let shown = text(x, digits)
            let back = Double(shown) ?? x
            if (back >= threshold) == (x >= threshold) { return shown }
        }
        return "\(x)"
    }
}
