/// Running hub scripts (the methodology context) through the method table.
enum ScriptMethods {
    static let all: [Method] = [
        Method("script.eval", "Run a methodology script (read-only, budgeted) and return its values and printed output. Values must convert to JSON exactly (no functions, NaN, inf, invalid UTF-8, colliding keys); an uncaught error of an ihub.* call keeps its status.",
               params: [.required("source", .longText, "the Lua text"),
                        .optional("name", .string, "the script's name in messages (default \"script\")")],
               result: .object([
                   // A script returns what it likes: each value as JSON.
                   .required("values", .array(.any), "the script's return values, in order, as JSON"),
                   .required("output", .longText, "what it printed"),
               ]),
               example: ["source": "local schools = ihub.school.list{hub = \"EE-ACC\"}\nprint(#schools .. \" schools\")\nreturn schools[1].name",
                         "name": "schools.lua"],
               errors: [.script("the script does not compile, raises an error, or returns a value JSON cannot hold (a function, NaN...); an ihub.* call's uncaught error keeps that call's status"),
                        .limit("the script runs out of its time or memory budget"),
                        Method.Failure(status: .misuse, when: "the script calls an operation that writes (methodology scripts only read)")]) { engine, p throws(IHubError) in
            let name = p["name"]?.string ?? "script"
            // Isolated: one hub's script must not leave globals for the next.
            switch try engine.methodology().eval(p["source"]!.string!, chunkname: name, isolated: true) {
            case .done(let values, let output): return ["values": .array(values), "output": .string(output)]
            case .incomplete(let message): throw IHubError(.script, message)
            }
        },
    ]
}
