/// The xAPI exchange operations: export of activities as statements,
/// import of statements (activities and events), and the events read.
enum XAPIExchangeMethods {
    static let all: [Method] = [export, importStatements, events]

    static let export = Method("xapi.export", """
        A hub's activities as xAPI 1.0.3 statements (one per activity, its id the activity's uuid): NDJSON \
        (default) or a JSON array, the text in the result or a file. Actors are accounts on the hub's home page \
        named by the person's code, or mbox_sha1sum when the hub's xapi_identity says so; verbs, activity types \
        and extensions are IRIs under `base`. A voided activity is followed by its voiding statement.
        """, files: true, params: [
            .required("hub", .string, "the hub (code)"),
            .optional("school", .string, "only the activities a school took part in (code)"),
            .optional("from", .date, "only activities on or after this date"),
            .optional("to", .date, "only activities on or before this date"),
            .optional("format", .oneOf(["ndjson", "json"]), "NDJSON, one statement a line (default), or a JSON array"),
            .optional("base", .string, "the IRI verbs, activity types and extensions start with (default: the hub's home page + \"/xapi\", else \(XAPIIdentity.defaultBase))"),
            .optional("voided", .boolean, "include voided activities, each followed by its voiding statement (default true)"),
            .optional("path", .string, "write the statements here instead of returning the text (not from hub scripts)"),
            Output.overwriteField,
            Pseudonyms.field,
        ], result: .object([
            .required("statements", .integer, "statements written (voiding ones included)"),
            .required("format", .oneOf(["ndjson", "json"]), "the format written"),
            .optional("text", .document, "the statements (no `path`)"),
            .optional("path", .string, "the file written (with `path`)"),
            .optional("bytes", .integer, "bytes written to it (with `path`)"),
        ]), example: ["hub": "LT-CTA", "from": "2025-09-01", "to": "2025-09-30"],
        errors: [.notFound("the hub or school is unknown"),
                 .invalid("`base` is not an absolute http(s) IRI"),
                 .conflict("a file exists at `path` and overwrite is not true")]) { engine, p throws(IHubError) in
        var options = XAPIExport.Options()
        options.pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
        options.school = p["school"]?.string
        options.from = p["from"]?.string
        options.to = p["to"]?.string
        options.ndjson = p["format"]?.string != "json"
        options.base = p["base"]?.string
        options.voided = p["voided"]?.bool ?? true
        let path = p["path"]?.string
        let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
        var n: Int64 = 0
        try engine.db.snapshot { () throws(IHubError) in
            n = try XAPIExport.run(engine.db, hub: p["hub"]!.string!, options: options, output: output)
        }
        let text = try output.finish()
        var result: [JSON.Member] = [.init("statements", .int(n)), .init("format", .string(options.ndjson ? "ndjson" : "json"))]
        if let path {
            result += [.init("path", .string(path)), .init("bytes", .int(Int64(output.written)))]
        } else {
            result.append(.init("text", .string(text ?? "")))
        }
        return .object(result)
    }

    static let importStatements = Method("xapi.import", """
        Import xAPI statements (from an LRS or another tool): a JSON array, or NDJSON text or file (streamed, any \
        size). Every statement is validated first: with any invalid one nothing is imported and every rejected \
        statement is reported with its index (and line, for NDJSON) and property path (the first in the message; \
        all in a dry run's `problems` and in `problems_out`). Idempotent by statement id (the same statement again \
        is skipped; another statement with a stored id is IHUB_CONFLICT). Statements written by xapi.export (verbs \
        under `base`) become activities; all are kept, the others as events (xapi.events). Voiding statements void \
        their target statement or activity; one whose target is unknown is kept and counted in `unknown_voids`.
        """, writes: true, files: true, params: [
            .required("hub", .string, "the hub the statements belong to (code)"),
            .optional("statements", .array(.any), "the statements as a JSON array"),
            .optional("text", .document, "the statements as text: NDJSON (one a line) or a JSON array"),
            .optional("path", .string, "a file of statements, NDJSON or a JSON array (not from hub scripts)"),
            .optional("base", .string, "the IRI base of ihub's verbs and extensions, as exported (default: as xapi.export's)"),
            .optional("dry_run", .boolean, "check and count, store nothing; the result says `valid` and lists every problem as `problems` (index, line, path, status, message)"),
            .optional("problems_out", .string, "write every problem here as CSV: index, line, path, message (not from hub scripts)"),
            .optional("overwrite", .boolean, "replace the file at `problems_out` if it exists (default false: refused with IHUB_CONFLICT)"),
        ], result: .object([
            .required("statements", .integer, "statements read"),
            .required("stored", .integer, "statements stored (would be, in a dry run)"),
            .required("unchanged", .integer, "statements skipped: stored already with the same content"),
            .required("activities", .integer, "activities made of ihub's own statements"),
            .required("events", .integer, "statements kept as events (xapi.events)"),
            .required("voided", .integer, "statements or activities voided by voiding statements"),
            .required("unknown_voids", .integer, "voiding statements whose target is unknown"),
            .required("unknown_void_list", .array(.object([
                .required("id", .string, "the voiding statement's id"),
                .required("target", .string, "the id it voids"),
            ])), "the first 100 of them"),
            .required("dry_run", .boolean, "nothing was stored"),
            .optional("valid", .boolean, "dry run only: no statement has a problem"),
            .optional("problem_count", .integer, "dry run only: problems found"),
            .optional("problems", .array(.object([
                .required("index", .integer, "the statement's place in the input, from 0"),
                .optional("line", .integer, "its line (NDJSON only), from 1"),
                .required("path", .string, "the property (\"\": the whole statement)"),
                .required("status", .string, "the status an import would fail with, e.g. IHUB_INVALID"),
                .required("message", .string, "what is wrong"),
            ])), "dry run only: the problems, in input order (the first ones kept)"),
        ]), example: ["hub": "LT-CTA", "path": "xapi.import.ndjson"],
        errors: [.notFound("the hub is unknown, or `path` does not exist"),
                 .invalid("a statement is invalid (nothing imported; every problem in a dry run or `problems_out`)"),
                 .conflict("a statement's id is stored with other content, or a file exists at `problems_out` and overwrite is not true")]) { engine, p throws(IHubError) in
        let input: XAPIInput
        switch (p["statements"]?.array, p["text"]?.string, p["path"]?.string) {
        case (let s?, nil, nil): input = .statements(s)
        case (nil, let t?, nil): input = .text(Array(t.utf8))
        case (nil, nil, let path?): input = .file(path)
        default: throw IHubError.invalid("params: give statements, text or path (one of them)")
        }
        var options = XAPIImport.Options()
        options.base = p["base"]?.string
        options.dryRun = p["dry_run"]?.bool ?? false
        options.problemsOut = p["problems_out"]?.string
        options.overwrite = p["overwrite"]?.bool == true
        return try XAPIImport.run(engine.db, hub: p["hub"]!.string!, input: input, options: options)
    }

    static let events = Method("xapi.events", """
        A hub's stored xAPI statements (events for indicators), by timestamp: each with its id, actor identifier \
        ("mbox:mailto:…", "mbox_sha1sum:…", "openid:…", "account:<homePage>|<name>"), verb IRI, object id, \
        timestamp, stored_at, the activity it became (if any), voided_by, and the statement itself.
        """, params: [
            .required("hub", .string, "the hub (code)"),
            .optional("verb", .string, "only statements with this verb IRI"),
            .optional("from", .date, "only statements with a timestamp on or after this date"),
            .optional("to", .date, "only statements with a timestamp on or before this date"),
            .optional("voided", .boolean, "include voided statements (default false)"),
        ] + Page.fields, result: .object([
            .required("events", .array(.object([
                .required("id", .string, "the statement's id"),
                .required("actor", .string, "the actor's identifier, e.g. \"account:<homePage>|<name>\""),
                .required("verb", .string, "the verb's IRI"),
                .required("object", .string, "the object's id"),
                .required("timestamp", .string, "the statement's timestamp, as given (ISO 8601)"),
                .required("stored_at", .timestamp, "when it was imported"),
                .optional("activity", .integer, "id of the activity it became"),
                .optional("voided_by", .string, "id of the statement that voids it"),
                .required("statement", .any, "the statement itself, as imported"),
            ])), "by timestamp"),
        ]), example: ["hub": "LT-CTA", "limit": 10],
        errors: [.notFound("the hub is unknown")]) { engine, p throws(IHubError) in
        let hubID = try engine.db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
        let page = try Page(p)
        var out: [JSON] = []
        try engine.db.xapi.events(hubID: hubID, verb: p["verb"]?.string, from: p["from"]?.string,
                                  before: p["to"]?.string.map(XAPIDates.nextDay), voided: p["voided"]?.bool ?? false, page: page) {
            e throws(IHubError) in
            out.append(["id": .string(e.id), "actor": .string(e.actor), "verb": .string(e.verb), "object": .string(e.object),
                        "timestamp": .string(e.timestamp), "stored_at": .string(e.storedAt), "activity": JSON(e.activity),
                        "voided_by": JSON(e.voidedBy), "statement": try engine.db.storedJSON(e.statement, at: "xapi_statements.statement")])
        }
        return ["events": .array(out)]
    }
}

enum XAPIDates {
    /// The day after "YYYY-MM-DD" (a valid date).
    static func nextDay(_ date: String) -> String { CalendarDate(date)?.adding(days: 1).text ?? date }
}
