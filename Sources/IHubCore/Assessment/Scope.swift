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
            guard let found = try db.assessment.school(code: school) else { throw RecordKind.school.notFound(code: school, at: "params.school") }
            guard found.hubID == round.hubID else {
                throw IHubError.invalid("params.school: school \(IHubError.quoted(school)) is in hub \(found.hubCode), round \(IHubError.quoted(round.code)) in hub \(round.hubCode)")
            }
            schoolID = found.id
            json = ["hub": .string(round.hubCode), "school": .string(school)]
        } else {
            if let hub, hub != round.hubCode {
                _ = try db.requireID(.hub, code: hub, at: "params.hub")
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
        guard let row = try db.assessment.instrument(code: code) else { throw RecordKind.instrument.notFound(code: code, at: path()) }
        return try stored(row)
    }

    static func load(_ db: Database, id: Int64, at path: @autoclosure () -> String = "instrument") throws(IHubError) -> Instrument {
        guard let row = try db.assessment.instrument(id: id) else { throw RecordKind.instrument.notFound(id: id, at: path()) }
        return try stored(row)
    }

    private static func stored(_ row: InstrumentRow) throws(IHubError) -> Instrument {
        try Instrument(definition: row.definition, id: row.id, hubID: row.hubID, source: row.source, at: "instrument #\(row.id)")
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
