/// A hub's methodology as a package: a folder of Lua files layered over the
/// default methodology (scripts/methodology/default). Each hook file becomes
/// the hub's stored script of that hook; `instruments/<code>.lua` files are
/// instrument declarations (as instrument.define takes them). Files named
/// `*_test.lua` and the `fixtures/` folder are the package's tests: they
/// are read with it but are not part of its version; `*.md` and `*.txt`
/// beside the files are its documentation and are left out.
struct MethodologyPackage: Equatable {
    /// A hook file and the stored script it becomes (see each hook's use).
    static let hooks: [(file: String, script: String, summary: String)] = [
        ("rules.lua", "classify", "classify(subject, assessments): a maturity class and its reasons"),
        ("pairing.lua", "pairing", "the pairing policy: eligible, score, weights, blocking, capacity"),
        ("process.lua", "process", "the process model: rename, describe, drop, add, step, rule"),
        ("indicators.lua", "indicators", "the hub's own indicators: indicator{...} declarations"),
        ("insights.lua", "insights", "the hub's own insight rules: rule{...} declarations"),
    ]

    struct File: Equatable {
        /// The path under the package folder, e.g. "pairing.lua" or "instruments/rubric.lua".
        let name: String
        let source: String
        var hash: String { FNV1a.hex(source) }
    }

    /// The methodology files (hooks and instruments), sorted by name.
    let files: [File]
    /// The test files and fixtures (`*_test.lua`, `fixtures/…`), sorted by name.
    let tests: [File]

    /// The version: a hash of the methodology files' names and texts.
    var hash: String { FNV1a.hex(files.map { $0.name + "\u{0}" + $0.source }.joined(separator: "\u{0}")) }

    /// The package of these files (path under the folder → text). A name
    /// that is no hook, instrument, test or fixture is IHUB_INVALID at
    /// `at.<name>`, with the names that are known.
    init(files: [String: String], at: String) throws(IHubError) {
        var methodology: [File] = [], tests: [File] = []
        for (name, source) in files.sorted(by: { $0.key < $1.key }) {
            switch Self.role(of: name) {
            case .hook, .instrument: methodology.append(File(name: name, source: source))
            case .test, .fixture: tests.append(File(name: name, source: source))
            case .documentation: continue
            case nil:
                let known = Self.hooks.map(\.file).joined(separator: ", ")
                throw IHubError.invalid("\(at).\(IHubError.quoted(name, "\"")): not a file of a methodology package (hooks: \(known); instruments/<code>.lua; *_test.lua; fixtures/…)")
            }
        }
        self.files = methodology
        self.tests = tests
    }

    enum Role { case hook, instrument, test, fixture, documentation }

    /// What a file of this name is in a package, or nil.
    static func role(of name: String) -> Role? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return nil }
        if parts.count == 1 {
            if hooks.contains(where: { $0.file == name }) { return .hook }
            if name.hasSuffix("_test.lua") && name.count > "_test.lua".count { return .test }
            if name.hasSuffix(".md") || name.hasSuffix(".txt") { return .documentation }
            return nil
        }
        if parts[0] == "fixtures" { return .fixture }
        if parts.count == 2, parts[0] == "instruments", parts[1].hasSuffix(".lua"), parts[1].count > 4 { return .instrument }
        return nil
    }

    /// The stored script a hook file becomes, or nil for other files.
    static func script(of file: String) -> String? { hooks.first { $0.file == file }?.script }

    /// Reads the package in folder `path`; a file or folder that is no
    /// part of a package is IHUB_INVALID, so that a misspelt hook
    /// (`pairng.lua`) is not silently left out.
    static func read(directory path: String, at: String) throws(IHubError) -> MethodologyPackage {
        try MethodologyPackage(files: try files(directory: path, at: at), at: at)
    }

    /// Every file under folder `path` (path under it → text), but hidden
    /// ones (editors', version control's), up to four folders deep: what a
    /// check looks at before deciding what belongs.
    static func files(directory path: String, at: String) throws(IHubError) -> [String: String] {
        var files: [String: String] = [:]
        func walk(_ folder: String, _ prefix: String, depth: Int) throws(IHubError) {
            for entry in try FileText.list(folder, at: at) where !entry.name.hasPrefix(".") {
                let name = prefix + entry.name
                if entry.isFolder {
                    guard depth < 4 else {
                        throw IHubError.invalid("\(at): \(IHubError.quoted(folder + "/" + entry.name, limit: Limits.path)) is nested too deep")
                    }
                    try walk(folder + "/" + entry.name, name + "/", depth: depth + 1)
                } else if role(of: name) != .documentation {
                    files[name] = try FileText.read(folder + "/" + entry.name, at: at)
                }
            }
        }
        try walk(path, "", depth: 0)
        return files
    }
}
