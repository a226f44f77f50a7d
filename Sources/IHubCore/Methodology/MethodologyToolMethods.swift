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
            ], result: .object([
                .required("ok", .boolean, "no finding is an error"),
                .required("hub", .string, "the hub the hooks ran for"),
                .required("dry_run", .oneOf(["database", "demo"]), "where: this database (rolled back) or the demo region"),
                .required("findings", .array(.object([
                    .required("file", .string, "the package file"),
                    .optional("line", .integer, "the line, where known"),
                    .required("severity", .oneOf(["error", "warning"]), "error (ok is false) or warning"),
                    .required("message", .string, "what is wrong"),
                ])), "what the check found, by file"),
            ]),
            example: ["files": ["indicators.lua": .string(MethodologyMethods.indicatorsExample)], "hub": "LT-CTA"],
            errors: [.notFound("the hub is unknown, or `path` does not exist")]) { engine, p throws(IHubError) in
            let files = try MethodologyMethods.files(p)
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
            ], result: .object([
                .required("passed", .integer, "tests that passed"),
                .required("failed", .integer, "tests that failed"),
                .required("tests", .array(.object([
                    .required("file", .string, "the *_test.lua file"),
                    .required("name", .string, "the test's name"),
                    .required("ok", .boolean, "it passed"),
                    .required("failures", .array(.object([
                        .optional("line", .integer, "the line of the failed assertion or error"),
                        .required("message", .string, "what failed"),
                        .optional("expected", .string, "the expected value, as text"),
                        .optional("actual", .string, "the actual value, as text"),
                    ])), "its first failure (empty: it passed)"),
                    .required("ms", .integer, "milliseconds it took"),
                ])), "per test, by file"),
            ]),
            example: ["files": ["indicators.lua": .string(MethodologyMethods.indicatorsExample),
                                "indicators_test.lua": .string(EmbeddedLua.files["examples/indicators_test.lua"]!)]],
            errors: [.notFound("`path` does not exist"), .invalid("a file is no part of a package")]) { engine, p throws(IHubError) in
            let package = try MethodologyMethods.package(p)
            return MethodologyTest.json(try MethodologyTest.run(engine, package: package, filter: p["filter"]?.string))
        },
    ]
}
