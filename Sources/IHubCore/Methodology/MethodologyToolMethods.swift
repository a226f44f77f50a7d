/// methodology.check and methodology.test: a package checked and its tests
/// run before it is loaded for a hub. Both take the package as `files`
/// (name → text) or `path` (a folder; not from Lua). Both are marked as
/// writing, so that methodology scripts are refused them: they run hooks
/// and tests, which would re-enter the methodology state.
enum MethodologyToolMethods {
    static let packageFields: [Field] = [
        .optional("files", .any, "the package's files: an object of path under the package (e.g. \"pairing.lua\") → Lua text"),
        .optional("path", .string, "the package's folder (not from Lua); README.md and *.txt beside the files are left out"),
    ]

    static let all: [Method] = [
        Method("methodology.check", """
            Check a methodology package without loading it: files that are no part of a package, compile errors \
            (file and line), globals a hook does not read (a misspelt hook function is an error, another global a \
            warning), and each hook run once for a hub (wrong return shapes, runtime errors): on this database in a \
            transaction rolled back at the end when `hub` is given, else on the demo region in a throwaway \
            in-memory database. Returns {ok, hub, dry_run, findings: [{file, line, severity, message}]}; ok is \
            false when a finding is an error.
            """, writes: true, files: true,
            params: packageFields + [
                .optional("hub", .string, "run the hooks for this hub of this database (rolled back)"),
                .optional("demo", .boolean, "run the hooks on the demo region instead, for `hub` or EE-ACC (default: true without hub)"),
            ]) { engine, p throws(IHubError) in
            let files = try rawFiles(p)
            let hub = p["hub"]?.string
            let demo = p["demo"]?.bool ?? (hub == nil)
            let target: MethodologyCheck.Target = demo ? .demo(hub: hub ?? "EE-ACC") : .database(hub: hub ?? "")
            if case .database = target, hub == nil { throw IHubError.invalid("params.hub: give the hub to run the hooks for (or demo: true)") }
            let findings = try MethodologyCheck.check(engine, files: files, target: target)
            return MethodologyCheck.json(findings, target: target)
        },
        Method("methodology.test", """
            Run a methodology package's *_test.lua files: each test in a fresh in-memory database, in the admin \
            context, with test(name, fn), fixture(name, options?) ("demo" or the package's fixtures/<name>.lua or \
            fixtures/<name>/<kind>.csv), methodology(hub) (loads the package for the hub; returns {version}), and \
            assert_eq, assert_near, assert_true, assert_match, assert_error. A test fails on its first failed \
            assertion or error, with the line, expected and actual. Nothing is written to this database. Returns \
            {passed, failed, tests: [{file, name, ok, failures: [{line, message, expected, actual}], ms}]}.
            """, writes: true, files: true,
            params: packageFields + [
                .optional("filter", .string, "only the tests whose name or file contains this text"),
            ]) { engine, p throws(IHubError) in
            let package = try MethodologyPackage(files: try rawFiles(p), at: "params.files")
            return MethodologyTest.json(try MethodologyTest.run(engine, package: package, filter: p["filter"]?.string))
        },
    ]

    /// The package's files from `files` or `path` (exactly one), every file
    /// kept (a check reports those that are no part of a package), but
    /// documentation beside them.
    static func rawFiles(_ p: JSON) throws(IHubError) -> [String: String] {
        switch (p["files"], p["path"]?.string) {
        case (let files?, nil) where !files.isNull:
            // An empty Lua table may arrive as [].
            guard let members = files.members ?? (files.array?.isEmpty == true ? [] : nil) else {
                throw IHubError.invalid("params.files: expected an object of file name → Lua text")
            }
            var out: [String: String] = [:]
            for m in members {
                guard let text = m.value.string else { throw IHubError.invalid("params.files.\(IHubError.quoted(m.key, "\"")): expected the file's text") }
                if !MethodologyCheck.isDocumentation(m.key) { out[m.key] = text }
            }
            return out
        case (nil, let path?), (.some(.null), let path?):
            var out: [String: String] = [:]
            try walk(path, "", into: &out, depth: 0)
            return out
        default:
            throw IHubError.invalid("params: give the package's files or its path (one of them)")
        }
    }

    private static func walk(_ folder: String, _ prefix: String, into out: inout [String: String], depth: Int) throws(IHubError) {
        for entry in try FileText.list(folder, at: "params.path") where !entry.name.hasPrefix(".") {
            let name = prefix + entry.name
            if entry.isFolder {
                guard depth < 4 else { throw IHubError.invalid("params.path: \(IHubError.quoted(folder + "/" + entry.name, limit: Limits.path)) is nested too deep") }
                try walk(folder + "/" + entry.name, name + "/", into: &out, depth: depth + 1)
            } else if !MethodologyCheck.isDocumentation(name) {
                out[name] = try FileText.read(folder + "/" + entry.name, at: "params.path")
            }
        }
    }
}
