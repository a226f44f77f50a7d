/// `xapi.validate`: the validator in the method table.
enum XAPIValidateMethods {
    /// Results listed when `all` is not given: the statements with a
    /// problem, the first this many of them.
    static let defaultLimit = 1000

    static let all: [Method] = [
        Method("xapi.validate", """
            Check xAPI 1.0.3 statements offline against the specification's rules: required properties, one inverse \
            functional identifier per Agent, Groups, IRIs, UUIDs, ISO 8601 timestamps and durations, language maps and \
            RFC 5646 tags, interaction activities, result and score ranges, context rules (revision and platform only \
            for Activity objects), SubStatement limits, voiding, attachments, extension keys, nulls and unknown \
            properties. MUST rules are errors (the statement is invalid), SHOULD rules warnings. Give `statements`, \
            `text` (NDJSON or a JSON array) or `path` (a file, the same; NDJSON is streamed, for any size). Returns \
            `valid` and `invalid` counts and `results` [{index, line (NDJSON), valid, errors, warnings}], each problem \
            {path, message} with paths such as `context.contextActivities.parent[0].id`; a line that is not JSON is an \
            invalid statement with path "". `results` lists the statements with errors or warnings (all of them with \
            `all: true`), at most `limit`; `truncated` says whether more were left out.
            """, files: true, params: [
                .optional("statements", .array(.any), "the statements, a JSON array"),
                .optional("text", .document, "NDJSON (one statement a line) or a JSON array, as text"),
                .optional("path", .string, "a file of NDJSON or a JSON array (not from hub scripts)"),
                .optional("all", .boolean, "list every statement in results, valid ones too (default false: those with problems)"),
                .optional("warnings", .boolean, "report SHOULD rules as warnings (default true)"),
                .optional("limit", .integer, "list at most this many results (default \(defaultLimit); counts are always complete)"),
            ], result: .object([
                .required("valid", .integer, "statements without errors"),
                .required("invalid", .integer, "statements with at least one error"),
                .required("with_warnings", .integer, "valid statements with warnings"),
                .required("results", .array(.object([
                    .required("index", .integer, "the statement's place in the input, from 0"),
                    .optional("line", .integer, "its line (NDJSON only), from 1"),
                    .required("valid", .boolean, "no MUST rule is broken"),
                    .required("errors", .array(problem), "the MUST rules it breaks"),
                    .required("warnings", .array(problem), "the SHOULD rules it breaks"),
                ])), "the statements with problems (all with `all: true`), in input order, at most `limit`"),
                .required("truncated", .boolean, "more results were left out past `limit`"),
            ]),
               example: ["statements": [["actor": ["mbox": "mailto:teacher@example.org"],
                                         "verb": ["id": "http://adlnet.gov/expapi/verbs/completed"],
                                         "object": ["id": "https://example.org/course/1"]]]]) { _, p throws(IHubError) in
            try validate(p)
        },
    ]

    /// A broken rule: where in the statement, and what.
    static let problem: Shape = .object([
        .required("path", .string, "the property, e.g. `actor.mbox` (\"\": the whole statement)"),
        .required("message", .string, "what is wrong"),
    ])

    static func validate(_ p: JSON) throws(IHubError) -> JSON {
        let input: XAPIValidator.Input
        switch (p["statements"]?.array, p["text"]?.string, p["path"]?.string) {
        case (let s?, nil, nil): input = .statements(s)
        case (nil, let t?, nil): input = .source(.bytes(Array(t.utf8)))
        case (nil, nil, let path?): input = .source(.file(path))
        default: throw IHubError.invalid("params: give statements, text or path (one of them)")
        }
        let all = p["all"]?.bool ?? false
        let limit = p["limit"]?.int ?? Int64(defaultLimit)
        if limit < 0 { throw IHubError.invalid("params.limit: must be 0 or more") }
        let options = XAPIValidator.Options(warnings: p["warnings"]?.bool ?? true)
        var valid: Int64 = 0, invalid: Int64 = 0, warned: Int64 = 0
        var results: [JSON] = []
        var truncated = false
        try XAPIValidator.validate(input, options: options) { (report) throws(IHubError) -> LineReader.Next in
            if report.valid { valid += 1 } else { invalid += 1 }
            if !report.problems.isEmpty && report.valid { warned += 1 }
            if all || !report.problems.isEmpty {
                if results.count < limit { results.append(report.json) } else { truncated = true }
            }
            return .more
        }
        return ["valid": .int(valid), "invalid": .int(invalid), "with_warnings": .int(warned),
                "results": .array(results), "truncated": .bool(truncated)]
    }
}
