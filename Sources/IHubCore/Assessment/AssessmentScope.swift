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
