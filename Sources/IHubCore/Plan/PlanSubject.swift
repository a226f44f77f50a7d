/// Whom a plan is for: a school or a teacher (a person), with the hub.
struct PlanSubject {
    enum Kind: String { case school, person }

    let kind: Kind
    let id: Int64
    let code: String
    let hubID: Int64

    var schoolID: Int64? { kind == .school ? id : nil }
    var personID: Int64? { kind == .person ? id : nil }

    /// `["school": "S1"]` or `["person": "P1"]`.
    var json: JSON { .object([.init(kind.rawValue, .string(code))]) }

    /// Reads `school` or `person` (exactly one) of the parameters.
    static func resolve(_ db: Database, _ p: JSON) throws(IHubError) -> PlanSubject {
        switch (p["school"]?.string, p["person"]?.string) {
        case (let school?, nil):
            guard let found = try db.assessment.school(code: school) else { throw RecordKind.school.notFound(code: school, at: "params.school") }
            return PlanSubject(kind: .school, id: found.id, code: school, hubID: found.hubID)
        case (nil, let person?):
            guard let found = try db.recordInHub(.person, code: person) else { throw RecordKind.person.notFound(code: person, at: "params.person") }
            return PlanSubject(kind: .person, id: found.id, code: person, hubID: found.hubID)
        case (_?, _?): throw IHubError.invalid("params: give school or person, not both")
        case (nil, nil): throw IHubError.invalid("params: give the plan's school or person (one of them)")
        }
    }

    /// The subject of a stored plan.
    init(_ plan: PlanRow) {
        if let schoolID = plan.schoolID {
            self.init(kind: .school, id: schoolID, code: plan.school ?? "", hubID: plan.hubID)
        } else {
            self.init(kind: .person, id: plan.personID ?? 0, code: plan.person ?? "", hubID: plan.hubID)
        }
    }

    init(kind: Kind, id: Int64, code: String, hubID: Int64) {
        self.kind = kind
        self.id = id
        self.code = code
        self.hubID = hubID
    }

    /// The person with `code`, who must be of the subject's hub (someone who
    /// confirms, owns a task or changes a status).
    func member(_ db: Database, code: String, at path: String) throws(IHubError) -> Int64 {
        guard let found = try db.recordInHub(.person, code: code) else { throw RecordKind.person.notFound(code: code, at: path) }
        guard found.hubID == hubID else {
            throw IHubError.invalid("\(path): person \(IHubError.quoted(code)) is not of the plan's hub")
        }
        return found.id
    }
}
