/// The exchange operations of the method table: CSV import and export of
/// every kind, and the JSON export of a hub. Those that name a file take
/// `files: true`, so hub scripts (which must not touch files) are refused a
/// `path` and use `text` or the returned text instead.
enum ExchangeMethods {
    static let kindField = Field.required("kind", .oneOf(ExchangeKind.names), "what the file holds: \(ExchangeKind.names.joined(separator: ", "))")

    static let all: [Method] = [
        Method("import.csv", """
            Load a CSV file of one kind: header-based, UTF-8 with or without BOM, `,` or `;` separated, lists \
            `|`-separated in a cell, an empty cell is absent. Rows are upserted by their code: all of them or none. \
            A rejected file reports its first problems by line, column and field.
            """, writes: true, files: true, params: [
                kindField,
                .optional("path", .string, "the file to read (not from hub scripts)"),
                .optional("text", .document, "the CSV text itself, instead of a path"),
                .optional("dry_run", .boolean, "check and count what would change, change nothing (default false)"),
                .optional("delimiter", .oneOf([",", ";"]), "the separator (default: found from the header line)"),
            ]) { engine, p throws(IHubError) in
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
            return try CSVImport.run(engine.db, kind: kind, source: source, options: options)
        },
        Method("export.csv", """
            Write the records of one kind as CSV (RFC 4180, UTF-8, `,`), in the columns import.csv reads: \
            the text in the result, or a file.
            """, files: true, params: [
                kindField,
                .optional("hub", .string, "only this hub's records (hub code)"),
                .optional("path", .string, "write the file here instead of returning the text (not from hub scripts)"),
                Output.overwriteField,
            ]) { engine, p throws(IHubError) in
            let kind = try ExchangeKind.named(p["kind"]!.string!, at: "params.kind")
            let hub = p["hub"]?.string
            let path = p["path"]?.string
            let output = try Output(path: path, overwrite: p["overwrite"]?.bool == true)
            var writer = CSVWriter(output)
            try engine.db.snapshot { () throws(IHubError) in
                _ = try engine.db.hubFilter(hub, at: "params.hub")
                try writer.record(kind.header)
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
            engagements, rounds, instruments, responses, area results, hub scripts, classifications — every table.
            """, files: true, params: [
                .optional("hub", .string, "only this hub's data (hub code; shared instruments included)"),
                .optional("path", .string, "write the document here instead of returning it (not from hub scripts)"),
                Output.overwriteField,
            ]) { engine, p throws(IHubError) in
            let path = p["path"]?.string
            let output = try path.map { path throws(IHubError) in try Output(path: path, overwrite: p["overwrite"]?.bool == true) }
            var result: (document: JSON?, counts: JSON) = (nil, .null)
            try engine.db.snapshot { () throws(IHubError) in
                result = try JSONExport.run(engine.db, hub: p["hub"]?.string, output: output)
            }
            if let document = result.document { return document }
            return ["path": JSON(path), "bytes": .int(Int64(output?.written ?? 0)), "counts": result.counts]
        },
    ]
}

extension Database {
    /// Runs `body` on one consistent snapshot: a savepoint, which is a
    /// read transaction outside a transaction and a no-op inside one.
    func snapshot(_ body: () throws(IHubError) -> Void) throws(IHubError) {
        // A statement left on a row (a scalar read) would refuse the savepoint.
        finishStatements()
        try execute("SAVEPOINT ihub_snapshot")
        do {
            try body()
        } catch {
            finishStatements()
            try? execute("ROLLBACK TO ihub_snapshot; RELEASE ihub_snapshot")
            throw error
        }
        finishStatements()
        try execute("RELEASE ihub_snapshot")
    }
}
