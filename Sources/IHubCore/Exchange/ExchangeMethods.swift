/// The exchange operations of the method table: CSV import and export of
/// every kind, and the JSON export of a hub. Those that name a file take
/// `files: true`, so hub scripts (which must not touch files) are refused a
/// `path` and use `text` or the returned text instead.
enum ExchangeMethods {
    static let kindField = Field.required("kind", .oneOf(ExchangeKind.names), "what the file holds: \(ExchangeKind.names.joined(separator: ", "))")

    /// What import.csv returns: the counts of its kind, and a dry run's verdict.
    static let importResult: Shape = .object([
        .required("kind", .oneOf(ExchangeKind.names), "the kind of file read"),
        .required("rows", .integer, "data rows read (the header not counted)"),
        .required("dry_run", .boolean, "whether nothing was changed on purpose"),
        .required("delimiter", .string, "the separator used: `,`, `;` or a tab"),
        .optional("ignored_columns", .array(.string), "columns left out (ignore_unknown_columns)"),
        // Registry and team files count upserted rows; responses and area
        // results count what the assessment store took.
        .optional("inserted", .integer, "registry and team kinds: new records"),
        .optional("updated", .integer, "registry and team kinds: records changed"),
        .optional("unchanged", .integer, "registry and team kinds: records the file repeats as stored"),
        .optional("responses", .integer, "responses and responses_wide: responses stored (created + replaced)"),
        .optional("created", .integer, "responses and responses_wide: new respondents"),
        .optional("replaced", .integer, "responses and responses_wide: respondents whose answers were replaced"),
        .optional("answers", .integer, "responses and responses_wide: answers stored"),
        .optional("results", .integer, "area_results: area results stored"),
        .optional("valid", .boolean, "dry run: the file would load as it is"),
        .optional("problem_count", .integer, "dry run: how many problems the file has"),
        .optional("problems", .array(.object([
            .required("line", .integer, "the file's line (0: the file as a whole)"),
            .optional("column", .integer, "the column, from 1 (null: the whole line)"),
            .optional("field", .string, "the column's name"),
            .required("status", .string, "the status the problem would give, e.g. IHUB_INVALID"),
            .required("message", .string, "what is wrong"),
        ])), "dry run: the problems, in the order of the file (the first \(Problems.kept))"),
    ])

    static let all: [Method] = [
        Method("import.csv", """
            Load a CSV file of one kind: header-based (names matched whatever their case and accents), UTF-8 with \
            or without BOM, `,`, `;` or tab separated, lists `|`-separated in a cell, decimal point or comma. \
            Rows are upserted by their code: all of them or none. Registry files may hold `code` and only some \
            columns: a blank cell keeps the stored value, a cell `-` empties the field. A rejected file reports \
            every problem by line, column and field (the first ones in the error message; all of them in a dry \
            run's `problems` and in `problems_out`).
            """, writes: true, files: true, params: [
                kindField,
                .optional("path", .string, "the file to read (not from hub scripts)"),
                .optional("text", .document, "the CSV text itself, instead of a path"),
                .optional("dry_run", .boolean, "check and count what would change, change nothing (default false); "
                          + "the result then says `valid` and lists every problem as `problems` (line, column, field, status, message; "
                          + "the first \(Problems.kept) are kept, `problem_count` counts all)"),
                .optional("delimiter", .oneOf([",", ";", "\t"]), "the separator (default: found from the header line)"),
                .optional("date_format", .oneOf(Cells.DateFormat.names), "how the file writes dates (default YYYY-MM-DD; never guessed)"),
                .optional("ignore_unknown_columns", .boolean, "leave columns the kind does not know out, instead of refusing the file"),
                .optional("problems_out", .string, "write every problem of the file here as CSV: line, column, field, message (not from hub scripts)"),
                .optional("instrument", .string, "responses_wide: the instrument of every row, when the file has no instrument column"),
                .optional("overwrite", .boolean, "replace the file at `problems_out` if it exists (default false: refused with IHUB_CONFLICT)"),
            ], result: importResult, example: ["kind": "schools", "path": "import-csv-schools.csv"],
               errors: [.invalid("neither or both of `path` and `text` are given, or a cell does not fit its column (the first problem's status is the call's; the error's details list the problems)"),
                        .notFound("a row names a hub, school, person, round or instrument that does not exist"),
                        .constraint("a row would move a record to another hub, or break a rule of its kind (e.g. a round ending before it starts)"),
                        .conflict("`problems_out` names a file that exists, without `overwrite`")]) { engine, p throws(IHubError) in
            let kind = try ExchangeKind.named(p["kind"]!.string!, at: "params.kind")
            let source: CSVSource
            switch (p["path"]?.string, p["text"]?.string) {
            case (let path?, nil): source = .file(path)
            case (nil, let text?): source = .bytes(Array(text.utf8))
            default: throw IHubError.invalid("params: give the file's path or its text (one of them)")
            }
            var options = CSVImport.Options()
            options.dryRun = p["dry_run"]?.bool ?? false
            options.delimiter = p["delimiter"]?.string?.utf8.first
            options.cells.dateFormat = p["date_format"]?.string.flatMap(Cells.DateFormat.init(rawValue:)) ?? .iso
            options.ignoreUnknownColumns = p["ignore_unknown_columns"]?.bool ?? false
            options.problemsOut = p["problems_out"]?.string
            options.overwrite = p["overwrite"]?.bool == true
            options.instrument = p["instrument"]?.string
            return try CSVImport.run(engine.db, kind: kind, source: source, options: options)
        },
        Method("export.csv", """
            Write the records of one kind as CSV (RFC 4180, UTF-8, `,`, CRLF), in the columns import.csv reads: \
            the text in the result, or a file. `excel: true` writes what Excel opens in Estonian, Lithuanian or \
            Georgian settings: a BOM, `;` and decimal commas.
            """, files: true, params: [
                kindField,
                .optional("hub", .string, "only this hub's records (hub code)"),
                .optional("path", .string, "write the file here instead of returning the text (not from hub scripts)"),
                .optional("excel", .boolean, "for spreadsheets in decimal-comma locales: bom, `;` and decimal_comma together (default false)"),
                .optional("bom", .boolean, "start with a UTF-8 byte order mark (default false)"),
                .optional("delimiter", .oneOf([",", ";", "\t"]), "the separator (default `,`)"),
                .optional("decimal_comma", .boolean, "write decimal numbers with a comma: 3,5 (default false)"),
                Output.overwriteField,
                Pseudonyms.field,
            ], result: .object([
                .required("kind", .oneOf(ExchangeKind.names), "the kind written"),
                .required("rows", .integer, "data rows written (the header not counted)"),
                .optional("csv", .document, "the CSV text (when no `path` is given)"),
                .optional("path", .string, "the file written (when `path` is given)"),
                .optional("bytes", .integer, "the file's size in bytes (when `path` is given)"),
            ]), example: ["kind": "schools", "hub": "EE-ACC"],
               errors: [.notFound("no hub has the `hub` code"),
                        .invalid("`decimal_comma` with the `,` delimiter"),
                        .conflict("`path` names a file that exists, without `overwrite`")]) { engine, p throws(IHubError) in
            let kind = try ExchangeKind.named(p["kind"]!.string!, at: "params.kind")
            let pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
            let hub = p["hub"]?.string
            let path = p["path"]?.string
            var style = p["excel"]?.bool == true ? CSVStyle.excel : CSVStyle()
            if let bom = p["bom"]?.bool { style.bom = bom }
            if let d = p["delimiter"]?.string?.utf8.first { style.delimiter = d }
            if let comma = p["decimal_comma"]?.bool { style.decimalComma = comma }
            if style.decimalComma && style.delimiter == UInt8(ascii: ",") {
                throw IHubError.invalid("params.decimal_comma: decimal commas need another delimiter than `,` (give delimiter \";\")")
            }
            let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
            var writer = CSVWriter(output, style: style)
            try engine.db.snapshot { () throws(IHubError) in
                _ = try engine.db.hubFilter(hub, at: "params.hub")
                let header = try kind.exportHeader?(engine.db, hub) ?? kind.header
                try writer.record(header)
                if let pseudonyms {
                    let rules = Pseudonyms.csvRules(kind: kind.name, header: header)
                    writer.transform = { pseudonyms.csvRecord($0, rules) }
                }
                try kind.export(engine.db, hub, &writer)
            }
            let text = try output.finish()
            var result: [JSON.Member] = [.init("kind", .string(kind.name)), .init("rows", .int(Int64(writer.records - 1)))]
            if let path {
                result += [.init("path", .string(path)), .init("bytes", .int(Int64(output.written)))]
            } else {
                result.append(.init("csv", .string(text ?? "")))
            }
            return .object(result)
        },
        Method("export.json", """
            Everything a hub holds (or the whole database) as one JSON document: registry with history, teams, \
            engagements, rounds, instruments, responses, area results, hub scripts, classifications — every table. \
            Its members: `format` ("ihub-export"), `schema`, `library`, `hub` (null: the whole database), \
            `pseudonymous` (when asked), one array of rows per table, and `counts` (rows per table). Written to \
            `path`, the result is `{path, bytes, counts}` instead.
            """, files: true, params: [
                .optional("hub", .string, "only this hub's data (hub code; shared instruments included)"),
                .optional("path", .string, "write the document here instead of returning it (not from hub scripts)"),
                Output.overwriteField,
                Pseudonyms.field,
            ],
               // The document's members are its tables, which migrations add to
               // (format, schema, library, hub, counts and one array of rows per
               // table); written to `path`, the result is {path, bytes, counts}.
               result: .map(.any), example: ["hub": "EE-ACC"],
               errors: [.notFound("no hub has the `hub` code"),
                        .conflict("`path` names a file that exists, without `overwrite`")]) { engine, p throws(IHubError) in
            let pseudonyms = p["pseudonymous"]?.bool == true ? try Pseudonyms.load(engine.db) : nil
            let path = p["path"]?.string
            let output = try path.map { path throws(IHubError) in try Output(path: path, overwrite: p["overwrite"]?.bool == true) }
            var result: (document: JSON?, counts: JSON) = (nil, .null)
            try engine.db.snapshot { () throws(IHubError) in
                result = try JSONExport.run(engine.db, hub: p["hub"]?.string, output: output, pseudonyms: pseudonyms)
            }
            if let document = result.document { return document }
            return ["path": JSON(path), "bytes": .int(Int64(output?.written ?? 0)), "counts": result.counts]
        },
    ]
}
