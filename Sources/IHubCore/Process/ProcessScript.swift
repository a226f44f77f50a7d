/// A hub's process model, evaluated in the methodology context (read-only,
/// budgeted): the default text (DefaultProcess), then the hub's "process"
/// script, in one fresh environment per evaluation. Each call is one
/// evaluation; nothing stays behind in the shared globals.
final class ProcessScript {
    /// One step of the effective model.
    struct Step: Equatable {
        let code: String
        let name: String
        let description: String
        let endsCycle: Bool

        var json: JSON {
            ["code": .string(code), "name": .string(name), "description": .string(description), "ends_cycle": .bool(endsCycle)]
        }
    }

    /// What the rules say of a move to one step.
    struct Verdict {
        let allowed: Bool
        let reason: String?
        let newCycle: Bool
    }

    let context: ScriptContext
    let name: String          // "HUB/process", or "HUB: default process model" without one
    let hash: String          // the model's version
    let hubSource: String?
    let hubCode: String

    init(engine: Engine, hubID: Int64, hubCode: String) throws(IHubError) {
        context = try engine.methodology()
        let stored = try HubScriptMethods.load(engine.db, hubID: hubID, name: "process")
        hubSource = stored?.source
        self.hubCode = hubCode
        name = stored == nil ? "\(hubCode): default process model" : "\(hubCode)/process"
        hash = ProcessScript.version(hubSource)
        do {
            try context.loadGlue("process")  // scripts/methodology/engine/process.lua
        } catch where error.message.hasSuffix("the state is busy with another evaluation") {
            // Called from a methodology script (a process rule calling
            // ihub.process.next): the one methodology state is running it.
            throw IHubError(.misuse, "\(name): the process model runs in the methodology context, which is busy with the calling script; read the model or the next steps outside a methodology script")
        }
    }

    /// The version of the default text followed by a hub's script.
    static func version(_ hubSource: String?) -> String {
        FNV1a.hex(DefaultProcess.source + "\u{0}" + (hubSource ?? ""))
    }

    private var sourceArgs: [JSON] {
        [.string(DefaultProcess.source), hubSource.map(JSON.string) ?? .null, .string(name)]
    }

    /// The effective steps, in order.
    func steps() throws(IHubError) -> [Step] {
        let values = try context.callGlobal("__ihub_process_model", sourceArgs, label: name)
        return try readSteps(values.first)
    }

    /// The steps and what the rules say of moving `instance` from its step
    /// to each of `targets` (nil: not a step of the model).
    func check(instance: JSON, from: String?, targets: [String]) throws(IHubError) -> (steps: [Step], verdicts: [Verdict?]) {
        let args = sourceArgs + [instance, from.map(JSON.string) ?? .null, .array(targets.map(JSON.string))]
        let values = try context.callGlobal("__ihub_process_check", args, label: name)
        let steps = try readSteps(values.first)
        let answers = values.count > 1 ? values[1].array ?? [] : []
        guard answers.count == targets.count else {
            throw IHubError(.script, "\(name): the rules gave \(answers.count) answers for \(targets.count) steps")
        }
        var verdicts: [Verdict?] = []
        for (code, a) in zip(targets, answers) {
            if a["unknown"]?.bool == true { verdicts.append(nil); continue }
            let reason = a["reason"]?.string
            if let reason, let problem = Shape.textProblem(reason, multiline: false, maxBytes: Limits.text) {
                throw IHubError(.script, "\(name): a rule for \(IHubError.quoted(code)) gave the reason \(IHubError.quoted(reason)): \(problem.reason)")
            }
            verdicts.append(Verdict(allowed: a["allowed"]?.bool ?? false, reason: reason, newCycle: a["new_cycle"]?.bool ?? false))
        }
        return (steps, verdicts)
    }

    /// The model's steps as the helper returned them, their texts checked
    /// as every text field is.
    private func readSteps(_ value: JSON?) throws(IHubError) -> [Step] {
        guard let list = value?.array else { throw IHubError(.script, "\(name): cannot read the model's steps") }
        var out: [Step] = []
        for (i, s) in list.enumerated() {
            let step = Step(code: s["code"]?.string ?? "", name: s["name"]?.string ?? "", description: s["description"]?.string ?? "",
                            endsCycle: s["ends_cycle"]?.bool ?? false)
            if let problem = Shape.textProblem(step.name, multiline: false, maxBytes: Limits.text) {
                throw IHubError(.script, "\(name): steps[\(i + 1)].name: \(problem.reason)")
            }
            if let problem = Shape.textProblem(step.description, multiline: true, maxBytes: Limits.longText) {
                throw IHubError(.script, "\(name): steps[\(i + 1)].description: \(problem.reason)")
            }
            out.append(step)
        }
        return out
    }

    /// The refusal of a move to `code`, which is not a step of the model.
    func unknownStep(_ code: String, _ steps: [Step], at path: String) -> IHubError {
        IHubError.invalid("\(path): \(IHubError.quoted(code)) is not a step of \(hubCode)'s process model (steps: \(steps.map(\.code).joined(separator: ", ")))")
    }
}
