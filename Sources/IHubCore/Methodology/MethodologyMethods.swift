/// The methodology operations: load a hub's package (a folder of Lua files
/// layered over the default), list and read its versions, compare two of
/// them, and read the default methodology itself.
enum MethodologyMethods {
    static let hubField = Field.required("hub", .string, "code of the hub")

    /// A package file: name, hash and size; with its text where asked.
    static let file: Shape = .object([
        .required("name", .string, "path in the package, e.g. \"pairing.lua\""),
        .required("hash", .string, "hash of its text"),
        .required("size", .integer, "bytes of its text"),
        .optional("source", .longText, "its Lua text"),
    ])
    static let versionFields: [Field] = [
        .required("hub", .string, "code of the hub"),
        .required("version", .string, "the version's hash"),
        .required("loaded_at", .timestamp, "when it was first loaded"),
        .optional("note", .longText, "why this version"),
        .required("in_force", .boolean, "it is the hub's methodology now"),
    ]
    /// The examples' own indicator (scripts/methodology/examples/indicators.lua).
    static let indicatorsExample = EmbeddedLua.files["examples/indicators.lua"]!

    static let all: [Method] = [
        Method("methodology.load", """
            Load a methodology package for a hub and put it in force: each hook file (\(hookList)) becomes the hub's \
            stored script of that hook, checked to compile (errors name the file and line); a hook the package lacks \
            goes back to the default; each instruments/<code>.lua is declared for the hub. The version is the hash of \
            the package's files (not its *_test.lua files and fixtures/): loading the same files again finds the same \
            version (new: false) and puts it back in force; older versions stay readable. Give the files as \
            {name: text} or, outside Lua, the path of a folder. Returns the hub, version, new, files \
            [{name, hash, size}], hooks (the stored scripts) and instruments.
            """, writes: true, files: true, params: [
                hubField,
                .optional("files", .any, "the package's files: path in the package → Lua text, e.g. {\"pairing.lua\": \"…\"}"),
                .optional("path", .string, "a folder holding the package (not from Lua)"),
                .optional("note", .longText, "why this version, kept with it"),
            ], result: .object([
                .required("hub", .string, "code of the hub"),
                .required("version", .string, "the version's hash"),
                .required("new", .boolean, "false: these files were loaded before, and that version is back in force"),
                .required("files", .array(file), "the package's files (no text)"),
                .required("hooks", .array(.string), "the hub's scripts the package's hook files became"),
                .required("instruments", .array(.string), "codes of the instruments it declares"),
            ]),
               example: ["hub": "LT-CTA", "files": ["indicators.lua": .string(indicatorsExample)], "note": "minutes per window"],
               errors: [.notFound("the hub is unknown, or `path` does not exist"),
                        .invalid("a file is no part of a package, or the package is empty"),
                        .script("a file does not compile (the message names it and the line)")]) { engine, p throws(IHubError) in
            let hub = p["hub"]!.string!
            let hubID = try engine.db.requireID(.hub, code: hub, at: "params.hub")
            let package = try package(p)
            let loaded = try MethodologyLoad.load(engine, hubID: hubID, hub: hub, package: package, note: p["note"]?.string)
            return [
                "hub": .string(hub), "version": .string(loaded.version.hash), "new": .bool(loaded.isNew),
                "files": .array(package.files.map { describe($0, withSource: false) }),
                "hooks": .array(package.files.compactMap { MethodologyPackage.script(of: $0.name).map(JSON.string) }),
                "instruments": .array(package.files.compactMap { instrumentCode($0.name).map(JSON.string) }),
            ]
        },
        Method("methodology.list", """
            A hub's methodology versions, oldest first: version (hash), loaded_at, note, the number of files and \
            in_force (true for the one in force; none is when the hub runs the default or scripts set one by one).
            """, params: [hubField],
               result: .array(.object(versionFields + [.required("files", .integer, "files of the version")])),
               example: ["hub": "LT-CTA"], errors: [.notFound("the hub is unknown")]) { engine, p throws(IHubError) in
            let db = engine.db
            return try db.snapshot { () throws(IHubError) in
                let hubID = try db.requireID(.hub, code: p["hub"]!.string!, at: "params.hub")
                let current = try db.methodology.current(hubID: hubID)?.id
                let counts = try db.methodology.fileCounts(hubID: hubID)
                return .array(try db.methodology.versions(hubID: hubID).map { v in
                    describe(v, inForce: v.id == current, extra: [.init("files", .int(counts[v.id] ?? 0))])
                })
            }
        },
        Method("methodology.get", """
            One version of a hub's methodology with its files and their text: the one in force, or `version` (its \
            hash or a unique prefix of it). A hub with no package in force is IHUB_NOTFOUND, naming what it runs.
            """, params: [hubField, .optional("version", .string, "the version's hash or a unique prefix (default: the one in force)")],
               result: .object(versionFields + [.required("files", .array(file), "its files with their text")]),
               example: ["hub": "LT-CTA"],
               errors: [.notFound("the hub is unknown, has no package in force, or has no such version"),
                        .invalid("`version` is not hex, or the start of several versions")]) { engine, p throws(IHubError) in
            let db = engine.db
            return try db.snapshot { () throws(IHubError) in
                let hub = p["hub"]!.string!
                let hubID = try db.requireID(.hub, code: hub, at: "params.hub")
                let current = try db.methodology.current(hubID: hubID)?.id
                let version = try find(db, hubID: hubID, hub: hub, p["version"]?.string, at: "params.version")
                let files = try db.methodology.files(versionID: version.id)
                return describe(version, inForce: version.id == current,
                                extra: [.init("files", .array(files.map { describe($0, withSource: true) }))])
            }
        },
        Method("methodology.diff", """
            What changed between two versions of a hub's methodology: `from` and `to` (default: the one in force), \
            each a hash, a unique prefix of one, or "default" (the default methodology; against it a version is \
            taken layered over the default, so its changes to the default show and the default files it keeps are \
            unchanged). Per file that differs: name, change (added, removed, changed), the hashes and a unified diff \
            with 3 lines of context; then the names of the unchanged files.
            """, params: [hubField,
                          .required("from", .string, "the older version: hash, unique prefix or \"default\""),
                          .optional("to", .string, "the newer version (default: the one in force)")],
               result: .object([
                   .required("hub", .string, "code of the hub"),
                   .required("from", .string, "the older side: a hash or \"default\""),
                   .required("to", .string, "the newer side: a hash or \"default\""),
                   .required("files", .array(.object([
                       .required("name", .string, "the file"),
                       .required("change", .oneOf(["added", "removed", "changed"]), "what happened to it"),
                       .optional("from_hash", .string, "its hash in `from` (absent: added)"),
                       .optional("to_hash", .string, "its hash in `to` (absent: removed)"),
                       .required("diff", .longText, "a unified diff, 3 lines of context"),
                   ])), "the files that differ, by name"),
                   .required("unchanged", .array(.string), "names of the files alike on both sides"),
               ]),
               example: ["hub": "LT-CTA", "from": "default", "to": "default"],
               errors: [.notFound("the hub is unknown, has no package in force (no `to`), or has no such version"),
                        .invalid("a version is not hex, or the start of several versions")]) { engine, p throws(IHubError) in
            let db = engine.db
            return try db.snapshot { () throws(IHubError) in
                let hub = p["hub"]!.string!
                let hubID = try db.requireID(.hub, code: hub, at: "params.hub")
                var from = try side(db, hubID: hubID, hub: hub, p["from"]?.string, at: "params.from")
                var to = try side(db, hubID: hubID, hub: hub, p["to"]?.string, at: "params.to")
                // Against the default, a package is what it makes of the default.
                if from.label == "default" { to.files = layered(to.files) }
                if to.label == "default" { from.files = layered(from.files) }
                let (changes, unchanged) = MethodologyDiff.compare(from: from.files, to: to.files, fromLabel: from.label, toLabel: to.label)
                return [
                    "hub": .string(hub), "from": .string(from.label), "to": .string(to.label),
                    "files": .array(changes.map { c in
                        ["name": .string(c.name), "change": .string(c.change.rawValue),
                         "from_hash": JSON(c.fromHash), "to_hash": JSON(c.toHash), "diff": .string(c.diff)]
                    }),
                    "unchanged": .array(unchanged.map(JSON.string)),
                ]
            }
        },
        Method("methodology.default", """
            The default methodology as a package: its files (name, hash, size, source) as hubs' packages name them, \
            and its version. A hub's package is layered over these: a hook file it has replaces the default one.
            """, result: .object([
                .required("version", .string, "the default methodology's hash"),
                .required("files", .array(file), "its files with their text"),
            ]), example: [:]) { _, _ throws(IHubError) in
            let package = defaultPackage
            return ["version": .string(package.hash), "files": .array(package.files.map { describe($0, withSource: true) })]
        },
    ]

    static var hookList: String { MethodologyPackage.hooks.map(\.file).joined(separator: ", ") }

    /// The default methodology's files, as a package names them (the
    /// embedded scripts/methodology/default/… files).
    static let defaultPackage: MethodologyPackage = {
        var files: [MethodologyPackage.File] = []
        for (path, text) in EmbeddedLua.files where path.hasPrefix("default/") {
            let name = String(path.dropFirst("default/".count))
            if let role = MethodologyPackage.role(of: name), role == .hook || role == .instrument {
                files.append(MethodologyPackage.File(name: name, source: text))
            }
        }
        return MethodologyPackage(checkedFiles: files.sorted { $0.name < $1.name })
    }()

    /// The package the parameters give: `files` ({name: text}) or `path`, exactly one.
    static func package(_ p: JSON) throws(IHubError) -> MethodologyPackage {
        try MethodologyPackage(files: try files(p), at: p["files"].map { $0.isNull } == false ? "params.files" : "params.path")
    }

    /// The files of `files` or of the folder `path` (exactly one), every
    /// one kept: a check reports those that are no part of a package.
    static func files(_ p: JSON) throws(IHubError) -> [String: String] {
        let files = p["files"].flatMap { $0.isNull ? nil : $0 }
        let path = p["path"]?.string
        switch (files, path) {
        case (nil, nil), (.some, .some):
            throw IHubError.invalid("params: give the package's files or its path (one of them)")
        case (nil, let path?):
            return try MethodologyPackage.files(directory: path, at: "params.path")
        case (let files?, nil):
            guard let members = files.members ?? (files.array?.isEmpty == true ? [] : nil) else {
                throw IHubError.invalid("params.files: expected an object of file name → Lua text, got \(files.kindName)")
            }
            var texts: [String: String] = [:]
            for m in members {
                let at = "params.files.\(IHubError.quoted(m.key, "\""))"
                try Shape.longText.validate(m.value, at: at)
                guard texts.updateValue(m.value.string!, forKey: m.key) == nil else { throw IHubError.invalid("\(at): given twice") }
            }
            return texts
        }
    }

    /// A version of the hub by hash or unique prefix; nil means the one in force.
    static func find(_ db: Database, hubID: Int64, hub: String, _ version: String?, at: String) throws(IHubError) -> MethodologyVersionRow {
        guard let version else {
            guard let current = try db.methodology.current(hubID: hubID) else {
                let label = try MethodologyLoad.label(db, hubID: hubID)
                let runs = label == "default" ? "the default methodology" : "scripts set one by one (\(label))"
                throw IHubError.notFound("params.hub: hub \(IHubError.quoted(hub)) has no methodology package in force; it runs \(runs)")
            }
            return current
        }
        let prefix = version.lowercased()
        guard !prefix.isEmpty, prefix.utf8.count <= 16, prefix.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw IHubError.invalid("\(at): expected a version hash (1 to 16 hex digits), got \(IHubError.quoted(version, "\""))")
        }
        let matches = try db.methodology.versions(hubID: hubID).filter { $0.hash.hasPrefix(prefix) }
        guard let first = matches.first else {
            throw IHubError.notFound("\(at): hub \(IHubError.quoted(hub)) has no methodology version \(IHubError.quoted(version)) (methodology.list lists them)")
        }
        guard matches.count == 1 else {
            throw IHubError.invalid("\(at): \(IHubError.quoted(version)) is the start of \(matches.count) versions (\(matches.map(\.hash).joined(separator: ", "))); give more digits")
        }
        return first
    }

    /// One side of a diff: a stored version's files, or the default's.
    private static func side(_ db: Database, hubID: Int64, hub: String, _ version: String?,
                             at: String) throws(IHubError) -> (label: String, files: [MethodologyPackage.File]) {
        if version == "default" { return ("default", defaultPackage.files) }
        let row = try find(db, hubID: hubID, hub: hub, version, at: at)
        return (row.hash, try db.methodology.files(versionID: row.id))
    }

    /// A package's files over the default's: what runs for a hub with it
    /// in force (a hook file it lacks is the default one).
    static func layered(_ files: [MethodologyPackage.File]) -> [MethodologyPackage.File] {
        let own = Set(files.map(\.name))
        return (files + defaultPackage.files.filter { !own.contains($0.name) }).sorted { $0.name < $1.name }
    }

    static func instrumentCode(_ name: String) -> String? {
        guard MethodologyPackage.role(of: name) == .instrument else { return nil }
        return String(name.dropFirst("instruments/".count).dropLast(".lua".count))
    }

    static func describe(_ file: MethodologyPackage.File, withSource: Bool) -> JSON {
        var members: [JSON.Member] = [.init("name", .string(file.name)), .init("hash", .string(file.hash)),
                                      .init("size", .int(Int64(file.source.utf8.count)))]
        if withSource { members.append(.init("source", .string(file.source))) }
        return .object(members)
    }

    static func describe(_ v: MethodologyVersionRow, inForce: Bool, extra: [JSON.Member]) -> JSON {
        .object([.init("hub", .string(v.hub)), .init("version", .string(v.hash)), .init("loaded_at", .string(v.loadedAt)),
                 .init("note", JSON(v.note)), .init("in_force", .bool(inForce))] + extra)
    }
}

extension MethodologyPackage {
    /// Files already known to be hooks and instruments, sorted by name.
    fileprivate init(checkedFiles: [File]) {
        self.files = checkedFiles
        self.tests = []
    }
}
