import IHubCore

/// The dot-commands of the REPL, as sqlite3's shell has them.
struct ReplCommands {
    static let all: [(name: String, usage: String, summary: String)] = [
        (".help", ".help [NAME]", "this list; with NAME, an operation (school.add), a namespace (school) or a command (.mode)"),
        (".mode", ".mode [table|json|csv|line]", "how values are shown (lists of records: aligned table by default)"),
        (".output", ".output [FILE]", "values go to FILE (emptied first); without FILE back to the screen"),
        (".read", ".read FILE", "runs a Lua file in this session (its errors name FILE and the line)"),
        (".timer", ".timer on|off", "shows how long each chunk took"),
        (".quit", ".quit", "leaves (so do .exit and Ctrl-D)"),
    ]

    enum Outcome { case handled, quit }

    let session: ReplSession

    /// Runs one command line (it starts with "."). Errors are reported and
    /// count as a failure, as a failed chunk does.
    func run(_ line: String) -> Outcome {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let argument = words.count > 1 ? String(line.trimmed.dropFirst(words[0].count)).trimmed : nil
        do throws(IHubError) {
            switch words[0] {
            case ".quit", ".exit": return .quit
            case ".help": session.emit(try help(argument))
            case ".mode":
                guard let argument else { session.emit("\(session.mode.rawValue)\n"); break }
                guard let mode = ReplMode(rawValue: argument) else {
                    throw IHubError(.invalid, ".mode: \(IHubError.quoted(argument)) is not a mode (\(ReplMode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                session.mode = mode
            case ".output": try session.setOutput(argument)
            case ".read":
                guard let argument else { throw IHubError(.invalid, ".read: give a file") }
                try read(argument)
            case ".timer":
                guard let argument, argument == "on" || argument == "off" else { throw IHubError(.invalid, ".timer: on or off") }
                session.timer = argument == "on"
            default:
                throw IHubError(.invalid, "\(words[0]): no such command (.help lists them)")
            }
        } catch {
            session.report(error)
        }
        return .handled
    }

    /// A Lua file as one chunk named by its path, like dofile.
    func read(_ path: String) throws(IHubError) {
        session.run(try ReplSession.readFile(path, at: ".read"), chunkname: path, complete: true)
    }

    // MARK: .help

    func help(_ name: String?) throws(IHubError) -> String {
        guard var name else { return try overview() }
        if let command = ReplCommands.all.first(where: { $0.name == name || $0.name == "." + name }) {
            return "\(command.usage)\n    \(command.summary)\n"
        }
        if name.hasPrefix("ihub.") { name = String(name.dropFirst(5)) }
        let catalogue = try session.engine.call("api.describe").array ?? []
        if let method = catalogue.first(where: { $0["name"]?.string == name }) { return ReplCommands.prose(method) }
        let inside = catalogue.filter { $0["name"]?.string?.hasPrefix(name + ".") == true }
        guard !inside.isEmpty else {
            throw IHubError(.notFound, ".help: \(IHubError.quoted(name)) is neither an operation, a namespace nor a command (.help lists them)")
        }
        return ReplCommands.list(inside)
    }

    private func overview() throws(IHubError) -> String {
        let catalogue = try session.engine.call("api.describe").array ?? []
        var text = "Type Lua; an expression shows its value. Lists of records show as tables (.mode).\n"
        text += "Multi-line chunks continue with >>; Ctrl-C stops a running chunk (globals stay); Tab completes.\n"
        text += "ihub.transaction(function() ... end) undoes every write of the function when it fails.\n\n"
        for c in ReplCommands.all { text += c.usage.padding(to: 30) + c.summary + "\n" }
        let namespaces = catalogue.compactMap { $0["name"]?.string?.split(separator: ".").first.map(String.init) }
        var seen = Set<String>()
        let ordered = namespaces.filter { seen.insert($0).inserted }
        text += "\nOperations (.help NAMESPACE lists one, .help school.add describes one):\n"
        text += ReplCommands.wrap(ordered.map { "ihub.\($0)" }.joined(separator: " "), indent: "  ")
        return text
    }

    static func list(_ methods: [JSON]) -> String {
        methods.map { m in
            "ihub." + (m["name"]?.string ?? "").padding(to: 28) + (m["summary"]?.string ?? "").firstSentence + "\n"
        }.joined()
    }

    /// One operation described for people: what it does, then its parameters.
    static func prose(_ method: JSON) -> String {
        let name = method["name"]?.string ?? ""
        var text = "ihub.\(name){...}" + (method["writes"]?.bool == true ? "  (writes)" : "") + "\n"
        text += wrap(method["summary"]?.string ?? "", indent: "    ")
        let params = method["params"]?.array ?? []
        guard !params.isEmpty else { return text + "\nNo parameters.\n" }
        text += "\nParameters:\n"
        for p in params {
            let head = "  " + (p["name"]?.string ?? "") + "  " + typeText(p) + (p["required"]?.bool == true ? ", required" : ", optional")
            text += head + "\n" + wrap(p["doc"]?.string ?? "", indent: "      ")
        }
        return text
    }

    static func typeText(_ shape: JSON) -> String {
        switch shape["type"]?.string ?? "" {
        case "enum": return "one of " + (shape["values"]?.array ?? []).compactMap(\.string).joined(separator: ", ")
        case "array": return "list of " + typeText(shape["items"] ?? .null)
        case "object":
            let fields = (shape["fields"]?.array ?? []).compactMap { $0["name"]?.string }
            return fields.isEmpty ? "table" : "table {" + fields.joined(separator: ", ") + "}"
        case let t: return t.isEmpty ? "value" : t
        }
    }

    /// Words wrapped at 78 columns after `indent`.
    static func wrap(_ text: String, indent: String) -> String {
        guard !text.isEmpty else { return "" }
        var out = "", line = indent
        for word in text.split(separator: " ") {
            if line.count > indent.count && line.count + 1 + word.count > 78 {
                out += line + "\n"
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        return out + line + "\n"
    }
}

extension String {
    /// Up to the first ". " (a summary's first sentence), for lists.
    var firstSentence: String {
        let scalars = Array(self)
        for i in scalars.indices.dropLast() where scalars[i] == "." && scalars[i + 1] == " " {
            return String(scalars[...i])
        }
        return self
    }
}
