/// Hub-defined instruments are declared in Lua and evaluated in the
/// methodology context (sandboxed, budgeted, read-only). The declaration's
/// data becomes the stored definition; its optional `score` function is
/// found again from the stored source whenever overall scores are needed.
enum InstrumentScript {
    private static func install(_ context: ScriptContext, for instrument: String) throws(IHubError) {
        do {
            try context.loadGlue("instrument")  // scripts/methodology/engine/instrument.lua
        } catch where error.message.hasSuffix("the state is busy with another evaluation") {
            // Called from a methodology script (e.g. ihub.assessment.scores of a
            // Lua-scored instrument): the one methodology state is running it.
            throw IHubError(.misuse, "\(instrument): its score function runs in the methodology context, which is busy with the calling script; read these scores outside a methodology script")
        }
    }

    /// Runs a declaration; returns its data (without `score`) and whether it
    /// has a score function.
    static func declare(_ engine: Engine, source: String) throws(IHubError) -> (data: JSON, scoreFunction: Bool) {
        let context = try engine.methodology()
        try install(context, for: "instrument")
        let result = try context.callGlobal("__ihub_declare", [.string(source), "instrument"], label: "instrument")
        if let message = result.dropFirst().first?.string { throw IHubError(.script, message) }
        let data = result.first ?? .null
        let scoreType = result.count > 2 ? result[2].string ?? "nil" : "nil"
        guard scoreType == "nil" || scoreType == "function" else {
            throw IHubError.invalid("instrument.score: expected a function, got a \(scoreType)")
        }
        return (data, scoreType == "function")
    }

    /// Responses scored per call: each call is one evaluation with its own
    /// time budget, and a bounded argument.
    static let batch = 2000

    /// The overall scores of the instrument's score function for each
    /// response: `answers[i]` maps item codes to scores or "na"/"pnts",
    /// `areas[i]` maps area codes to area means, `who[i]` names the
    /// response's subject ("school 'S1', respondent 'L1'") for messages.
    /// A score must lie within what a mean or a sum of the answers can be.
    static func overall(_ engine: Engine, _ instrument: Instrument, answers: [JSON], areas: [JSON],
                        who: [String]) throws(IHubError) -> [Double?] {
        guard let source = instrument.source else { return Array(repeating: nil, count: answers.count) }
        let context = try engine.methodology()
        try install(context, for: instrument.code)
        let range = scoreRange(instrument)
        var out: [Double?] = []
        out.reserveCapacity(answers.count)
        var start = 0
        while start < answers.count {
            let end = min(start + batch, answers.count)
            let result = try context.callGlobal("__ihub_score", [
                .string(source), .string(instrument.code), .array(Array(answers[start..<end])), .array(Array(areas[start..<end])),
                .array(who[start..<end].map { .string($0) }),
            ], label: instrument.code)
            let values = result.first?.array ?? []
            guard values.count == end - start else {
                throw IHubError(.script, "\(instrument.code): the score function returned \(values.count) scores for \(end - start) responses")
            }
            for (i, v) in values.enumerated() {
                if v.isNull { out.append(nil); continue }
                let subject = who[start + i]
                guard let d = v.double, d.isFinite else {
                    throw IHubError(.script, "\(instrument.code): score(\(subject)): the score is \(v.kindName); expected a number or nil")
                }
                guard range.contains(d) else {
                    func text(_ x: Double) -> String { x.rounded() == x && abs(x) < 9e15 ? String(Int64(x)) : Decimal2.text(x) }
                    throw IHubError(.script, "\(instrument.code): score(\(subject)): the score \(text(d)) is outside \(text(range.lowerBound))..\(text(range.upperBound)), the lowest to the highest mean or sum of its \(instrument.itemCount) answers on the scale \(instrument.scale.text)")
                }
                out.append(d)
            }
            start = end
        }
        return out
    }

    /// The scores a score function may give: from the lowest mean or sum of
    /// the answers to the highest (a count of "yes" answers is a sum).
    static func scoreRange(_ instrument: Instrument) -> ClosedRange<Double> {
        let n = Double(instrument.itemCount), lo = Double(instrument.scale.min), hi = Double(instrument.scale.max)
        return min(lo, n * lo)...max(hi, n * hi)
    }
}
