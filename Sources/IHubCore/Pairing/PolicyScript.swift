import IHubLua

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pairing policy loaded in the methodology context: the default text,
/// then the hub's "pairing" script in the same fresh environment. Records
/// are built as Lua tables once per run and kept in the registry; the score
/// loop (ihl_score_pairs) pushes references, never JSON per pair.
final class PolicyScript {
    /// What the policy sets, beside its functions.
    struct Settings {
        var sameHub = true
        var sameLanguage = true
        var maxKm: Double?
        var crossSchool = "paired"
        var mentorMax = 1
        var menteeMin = 0
        var menteeMax = 1
        var noRepeat = true

        var capacityJSON: JSON {
            ["mentor_max": .int(Int64(mentorMax)), "mentee_min": .int(Int64(menteeMin)), "mentee_max": .int(Int64(menteeMax))]
        }
    }

    /// A record's role by the policy's `eligible`: nil role with the reason.
    struct Role {
        let role: String?
        let reason: String?
        var mentee: Bool { role == "mentee" || role == "both" }
        var mentor: Bool { role == "mentor" || role == "both" }
    }

    let context: ScriptContext
    let name: String          // "HUB/pairing", or "HUB: default pairing policy" without one
    let hash: String          // the policy version
    let hubSource: String?
    private(set) var roles: [Role] = []
    private(set) var settings = Settings()
    private var refs: [Int32] = [0, 0]
    /// The records' codes, for messages about a scored pair.
    private var codes: [String] = []

    init(engine: Engine, hubID: Int64, hubCode: String) throws(IHubError) {
        context = try engine.methodology()
        let stored = try HubScriptMethods.load(engine.db, hubID: hubID, name: "pairing")
        hubSource = stored?.source
        name = stored == nil ? "\(hubCode): default pairing policy" : "\(hubCode)/pairing"
        hash = PolicyScript.version(hubSource)
        try context.loadGlue("pairing")  // scripts/methodology/engine/pairing.lua
    }

    deinit { release() }

    /// The version of the default text followed by a hub's script.
    static func version(_ hubSource: String?) -> String {
        FNV1a.hex(DefaultPolicy.source + "\u{0}" + (hubSource ?? ""))
    }

    private var sourceArgs: [JSON] {
        [.string(DefaultPolicy.source), hubSource.map(JSON.string) ?? .null, .string(name)]
    }

    /// Loads the policy, builds the records' tables (kept for `score`) and
    /// asks `eligible` about each record.
    func prepare(level: String, records: [JSON]) throws(IHubError) {
        release()
        let args = JSON.array(sourceArgs + [.string(level), .array(records)]).serialized()
        var result: UnsafeMutablePointer<CChar>?
        let outcome = refs.withUnsafeMutableBufferPointer { buffer in
            ihl_call_keep(context.state, "__ihub_pairing_prepare", args, args.utf8.count, 2, buffer.baseAddress, &result)
        }
        defer { free(result) }
        let text = result.map { String(cString: $0) } ?? "out of memory"
        guard outcome == Int32(IHL_OK) else { throw failure(outcome, text) }
        let values: JSON
        do { values = try JSONParser.parse(text) } catch { throw IHubError(.script, "\(name): cannot read the policy's settings: \(error.message)") }
        let list = values.array ?? []
        guard list.count == 2, let roleList = list[0].array, roleList.count == records.count else {
            throw IHubError(.script, "\(name): the policy's eligibility answers do not match the \(records.count) records")
        }
        roles = roleList.map { Role(role: $0.array?.first?.string, reason: ($0.array?.count ?? 0) > 1 ? $0.array![1].string : nil) }
        codes = records.map { $0["code"]?.string ?? "?" }
        for (code, role) in zip(codes, roles) {
            if let reason = role.reason { try checkReason(reason, "eligible(\(code))") }
        }
        settings = try PolicyScript.read(list[1], name)
    }

    private static func read(_ s: JSON, _ name: String) throws(IHubError) -> Settings {
        var out = Settings()
        func count(_ key: String, _ low: Int) throws(IHubError) -> Int {
            guard let v = s[key]?.double, v == v.rounded(), v >= Double(low), v <= 1_000_000 else {
                throw IHubError(.script, "\(name): capacity \(key) must be a whole number from \(low), got \(s[key]?.serialized() ?? "nothing")")
            }
            return Int(v)
        }
        out.mentorMax = try count("mentor_max", 0)
        out.menteeMin = try count("mentee_min", 0)
        out.menteeMax = try count("mentee_max", 0)
        guard out.menteeMin <= out.menteeMax else {
            throw IHubError(.script, "\(name): capacity mentee_min (\(out.menteeMin)) is above mentee_max (\(out.menteeMax))")
        }
        out.sameHub = s["same_hub"]?.bool ?? true
        out.sameLanguage = s["same_language"]?.bool ?? true
        out.noRepeat = s["no_repeat"]?.bool ?? true
        if let km = s["max_km"], !km.isNull {
            guard let d = km.double, d >= 0 else { throw IHubError(.script, "\(name): blocking.max_km must be a number of km, got \(km.serialized())") }
            out.maxKm = d
        }
        let cross = s["cross_school"]?.string ?? "paired"
        guard ["paired", "any", "none"].contains(cross) else {
            throw IHubError(.script, "\(name): blocking.cross_school must be \"paired\", \"any\" or \"none\", got \"\(cross)\"")
        }
        out.crossSchool = cross
        return out
    }

    /// score(records[mentee[i]], records[mentor[i]]) for every i; NaN where
    /// the policy excludes the pair, with the index of its reason in
    /// `reasons` (nil: none given). One evaluation under the budgets; a value
    /// the solvers cannot take is an error naming the pair (pairing.c).
    func score(mentees: [Int32], mentors: [Int32]) throws(IHubError) -> (scores: [Double], why: [Int32], reasons: [String]) {
        precondition(mentees.count == mentors.count)
        var out = [Double](repeating: .nan, count: mentees.count)
        var why = [Int32](repeating: 0, count: mentees.count)
        guard !out.isEmpty else { return (out, why, []) }
        var result: UnsafeMutablePointer<CChar>?
        let outcome = mentees.withUnsafeBufferPointer { a in
            mentors.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    why.withUnsafeMutableBufferPointer { w in
                        ihl_score_pairs(context.state, name, refs[0], refs[1], a.baseAddress, b.baseAddress, a.count, o.baseAddress,
                                        w.baseAddress, &result)
                    }
                }
            }
        }
        defer { free(result) }
        let text = result.map { String(cString: $0) } ?? "out of memory"
        guard outcome == Int32(IHL_OK) else { throw failure(outcome, text) }
        let values: JSON
        do { values = try JSONParser.parse(text) } catch { throw IHubError(.script, "\(name): cannot read the exclusion reasons: \(error.message)") }
        let reasons = (values.array?.first?.array ?? []).map { $0.string ?? "" }
        for (k, reason) in reasons.enumerated() {
            guard Shape.textProblem(reason, multiline: false, maxBytes: Limits.text) != nil else { continue }
            func code(_ i: Int32) -> String { codes.indices.contains(Int(i)) ? codes[Int(i)] : "?" }
            let pair = why.firstIndex(of: Int32(k + 1)).map { "score(\(code(mentees[$0])), \(code(mentors[$0])))" } ?? "score"
            try checkReason(reason, pair)
        }
        return (out, why, reasons)
    }

    /// A reason the policy gave is stored with the run and printed: checked
    /// as every text field is (one line, no control characters, bounded).
    private func checkReason(_ reason: String, _ hook: String) throws(IHubError) {
        if let problem = Shape.textProblem(reason, multiline: false, maxBytes: Limits.text) {
            throw IHubError(.script, "\(name): \(hook) returned the reason \(IHubError.quoted(reason)): \(problem.reason)")
        }
    }

    /// Frees the records' tables once no more scoring follows (explain keeps
    /// the setup, not the tables).
    func releaseRecords() { release() }

    /// One pair in detail: the total (nil when excluded), the exclusion
    /// reason and each criterion's value, weight and contribution.
    func explain(mentee: JSON, mentor: JSON) throws(IHubError) -> (total: Double?, excluded: String?, criteria: JSON) {
        let values = try context.callGlobal("__ihub_pairing_explain", sourceArgs + [mentee, mentor], label: name)
        let excluded = values.count > 1 ? values[1].string : nil
        if let excluded { try checkReason(excluded, "score(\(mentee["code"]?.string ?? "?"), \(mentor["code"]?.string ?? "?"))") }
        return (values.first?.double, excluded, values.count > 2 ? values[2] : .array([]))
    }

    private func release() {
        refs.withUnsafeBufferPointer { ihl_release(context.state, $0.baseAddress, Int32($0.count)) }
        refs = [0, 0]
    }

    /// The context's error (a failed ihub.* call keeps its status), named
    /// after the policy.
    func failure(_ outcome: Int32, _ message: String) -> IHubError {
        context.failure(outcome, message.hasPrefix(name) || message.hasPrefix("__ihub") ? message : "\(name): \(message)")
    }
}
