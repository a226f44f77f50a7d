/// Loading assessment data through the method table: individual responses,
/// and area results that arrive only as aggregates. Both go through
/// ResponseStore, inside the write transaction of the call.
enum ResponseMethods {
    static let response: Shape = .object([
        .required("respondent", .string, "pseudonymous respondent code, unique per round and instrument"),
        .required("school", .string, "code of the school the response is about (or from)"),
        .optional("person", .string, "code of the teacher assessed (required by teacher instruments)"),
        .required("group", .oneOf(RespondentGroup.names), "respondent group"),
        .required("answers", .any, "item code → a score on the scale, \"na\" (not applicable) or \"pnts\" (prefer not to say)"),
    ])

    /// One reported area result; also the columns of area_results CSV files.
    static let resultFields: [Field] = [
        .required("school", .string, "code of the school"),
        .required("group", .oneOf(RespondentGroup.names), "respondent group"),
        .required("area", .string, "code of the area"),
        .required("mean", .number, "the area mean"),
        .optional("sd", .number, "its standard deviation"),
        .required("n", .integer, "the number of respondents"),
    ]

    static let result: Shape = .object(resultFields)

    static let all: [Method] = [
        Method("assessment.submit", """
            Store responses to an instrument in a round: all of them or none. A respondent submitted again has \
            its answers replaced.
            """,
               writes: true,
               params: [.required("round", .string, "code of the round"),
                        .required("instrument", .string, "code of the instrument, e.g. \"selfie\""),
                        .required("responses", .array(response), "one entry per respondent")],
               result: .object([
                   .required("round", .string, "code of the round"),
                   .required("instrument", .string, "code of the instrument"),
                   .required("responses", .integer, "responses stored (created + replaced)"),
                   .required("created", .integer, "new respondents"),
                   .required("replaced", .integer, "respondents whose answers were replaced"),
                   .required("answers", .integer, "answers stored"),
               ]),
               example: ["round": "EE-ACC-R2", "instrument": "digcompedu", "responses": [[
                   "respondent": "EE-ACC-P0003", "school": "EE-ACC-S01", "person": "EE-ACC-P0003", "group": "teachers",
                   "answers": ["1.1": 4, "1.2": 3, "1.3": 5, "1.4": "na", "2.1": 3, "2.2": 4, "2.3": "pnts"],
               ]]],
               errors: [.notFound("no round, instrument, school or person has the code given"),
                        .invalid("an answer is off the instrument's scale or names an item it lacks; the group does not answer the instrument; "
                                 + "a teacher instrument's response has no person, or the person is not at the school during the round; "
                                 + "the school or the instrument belongs to another hub than the round; a respondent is given twice"),
                        .conflict("an item is answered twice by one respondent")]) { engine, p throws(IHubError) in
            let store = try ResponseStore(engine.db, round: p["round"]!.string!, instrument: p["instrument"]!.string!)
            var first: [String: Int] = [:]
            for (i, r) in p["responses"]!.array!.enumerated() {
                func at(_ field: String) -> String { "params.responses[\(i)].\(field)" }
                let code = r["respondent"]!.string!
                if let earlier = first[code] {
                    throw IHubError.invalid("\(at("respondent")): \(IHubError.quoted(code)) is given twice (also at params.responses[\(earlier)])")
                }
                first[code] = i
                let handle = try store.respondent(code, school: r["school"]!.string!, person: r["person"]?.string,
                                                  group: r["group"]!.string!, at: at)
                guard let answers = r["answers"]!.members else {
                    throw IHubError.invalid("\(at("answers")): expected an object (item code → answer), got \(r["answers"]!.kindName)")
                }
                for a in answers {
                    let answer = try ResponseStore.parse(a.value, scale: store.instrument.scale, at: "\(at("answers")).\(a.key)")
                    try store.answer(handle, item: a.key, answer, at: "\(at("answers")).\(a.key)")
                }
            }
            return ["round": .string(store.round.code), "instrument": .string(store.instrument.code),
                    "responses": .int(Int64(store.created + store.replaced)), "created": .int(Int64(store.created)),
                    "replaced": .int(Int64(store.replaced)), "answers": .int(Int64(store.answers))]
        },
        Method("assessment.report", """
            Store area results that arrive only as aggregates (a mean, sd and n per school, group and area); \
            a result given again replaces the old one.
            """,
               writes: true,
               params: [.required("round", .string, "code of the round"),
                        .required("instrument", .string, "code of the instrument"),
                        .required("results", .array(result), "one entry per school, group and area")],
               result: .object([
                   .required("round", .string, "code of the round"),
                   .required("instrument", .string, "code of the instrument"),
                   .required("results", .integer, "area results stored"),
               ]),
               example: ["round": "EE-ACC-R2", "instrument": "selfie", "results": [
                   ["school": "EE-ACC-S02", "group": "students", "area": "C", "mean": 3.4, "sd": 0.8, "n": 112],
                   ["school": "EE-ACC-S02", "group": "students", "area": "F", "mean": 3.1, "sd": 0.9, "n": 112],
               ]],
               errors: [.notFound("no round, instrument or school has the code given"),
                        .invalid("the area is not the instrument's or not asked of the group; the mean is off the scale; sd is below 0; "
                                 + "n is not from 1 to 10^9; the school or the instrument belongs to another hub than the round; "
                                 + "a school, group and area is given twice")]) { engine, p throws(IHubError) in
            let store = try ResponseStore(engine.db, round: p["round"]!.string!, instrument: p["instrument"]!.string!)
            for (i, r) in p["results"]!.array!.enumerated() {
                try store.report(school: r["school"]!.string!, group: r["group"]!.string!, area: r["area"]!.string!,
                                 mean: r["mean"]!.double!, sd: r["sd"]?.double, n: r["n"]!.int!,
                                 at: { "params.results[\(i)].\($0)" })
            }
            return ["round": .string(store.round.code), "instrument": .string(store.instrument.code),
                    "results": .int(Int64(store.reports))]
        },
    ]
}
