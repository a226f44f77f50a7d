/// The globals a hook file defines, read from its text: a top-level
/// (unindented) `function NAME(` or `NAME =`. A hook reads only the names it
/// knows, so another global is at best a helper that should be local, at
/// worst a misspelt hook function that silently never runs (`scroe`).
enum MethodologyGlobals {
    /// The names each hook reads: its own, and those the default defines.
    static func known(script: String) -> Set<String> {
        switch script {
        case "classify": return ["classify"]
        case "pairing":
            return Set(definitions(DefaultPolicy.source).map(\.name))
                .union(["eligible", "score", "weights", "blocking", "capacity", "criteria", "criteria_of", "exclude", "no_repeat", "gap"])
        case "process": return Set(definitions(DefaultProcess.source).map(\.name)).union(["steps", "new_cycle"])
        default: return []  // indicators and insights declare through indicator{…} and rule{…}
        }
    }

    /// Findings for the globals of a hook file that its hook does not know:
    /// an error when the name is close to one it knows, else a warning.
    static func unknown(_ file: MethodologyPackage.File) -> [MethodologyCheck.Finding] {
        guard let script = MethodologyPackage.script(of: file.name) else { return [] }
        let known = known(script: script)
        return definitions(file.source).compactMap { d in
            guard !known.contains(d.name) else { return nil }
            if d.name.count >= 4, let near = known.sorted().first(where: { distance($0, d.name) <= 2 }) {
                return .init(file: file.name, line: d.line, severity: .error,
                             message: "\(d.name) is not a name the \(script) hook reads; did you mean \(near)?")
            }
            return .init(file: file.name, line: d.line, severity: .warning,
                         message: "\(d.name) is a global the \(script) hook does not read (make it local if it is a helper)")
        }
    }

    /// Top-level definitions of globals, in line order (each name once).
    static func definitions(_ source: String) -> [(name: String, line: Int64)] {
        var out: [(String, Int64)] = []
        var seen: Set<String> = []
        var inLongText = false
        for (i, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw)
            if inLongText {  // a long comment or string: skip to its end
                if line.contains("]]") || line.contains("]=]") { inLongText = false }
                continue
            }
            if (line.contains("[[") || line.contains("[=[")) && !line.contains("]]") && !line.contains("]=]") { inLongText = true }
            guard let name = definedName(line), !seen.contains(name) else { continue }
            seen.insert(name)
            out.append((name, Int64(i + 1)))
        }
        return out
    }

    private static func definedName(_ line: Substring) -> String? {
        var rest = line
        let isFunction = rest.hasPrefix("function ")
        if isFunction { rest = rest.dropFirst("function ".count).drop { $0 == " " } }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = name.first, first.isLetter || first == "_", name != "local", name != "return" else { return nil }
        let after = rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        if isFunction { return after.hasPrefix("(") ? String(name) : nil }
        guard after.hasPrefix("="), !after.hasPrefix("==") else { return nil }
        return String(name)
    }

    /// The line of the function definition named in `message` (e.g. "eligible(X) returned …"),
    /// or nil.
    static func definitionLine(of message: String, in source: String) -> Int64? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for d in definitions(source) where message.contains(d.name + "(") || message.contains(d.name + ".") || message.contains(" \(d.name) ") {
            if lines.indices.contains(Int(d.line - 1)) { return d.line }
        }
        return nil
    }

    /// Levenshtein distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}
