/// Everything a pairing run decides from, gathered once: the records, the
/// policy with its settings and eligibility answers, the hard constraints
/// (pins, bans, past pairs, paired schools). `propose` and `explain` build
/// the same setup, so an explanation applies the rules the run applied.
struct PolicySetup {
    struct Pair: Hashable {
        let mentee: String
        let mentor: String
    }

    let hubCode: String
    let round: RoundRef
    let level: PairingRecords.Level
    let rounds: [RoundRef]
    let data: PairingRecords
    let policy: PolicyScript
    let pins: [Pair]
    let bans: Set<Pair>
    /// Pairs confirmed in other rounds (both directions): "no repeat".
    let past: [Pair: String]
    /// Schools paired by a confirmed school-level pair (both directions).
    let pairedSchools: Set<Pair>
    /// Open pairs confirmed in the run's round at its level (one direction):
    /// their reverse would be mutual mentoring.
    let confirmedHere: Set<Pair>

    var settings: PolicyScript.Settings { policy.settings }

    init(_ engine: Engine, hubCode: String, round roundCode: String, level: PairingRecords.Level,
         otherRounds: [String], pins: [Pair], bans: [Pair], excludingRun: Int64? = nil) throws(IHubError)
    {
        let db = engine.db
        let hubID = try db.requireID(.hub, code: hubCode, at: "params.hub")
        let round = try RoundRef.resolve(db, code: roundCode, at: "params.round")
        guard round.hubID == hubID else {
            throw IHubError.invalid("params.round: round '\(round.code)' belongs to hub \(round.hubCode), not \(hubCode)")
        }
        var rounds = [round]
        for (i, code) in otherRounds.enumerated() {
            rounds.append(try RoundRef.resolve(db, code: code, at: "params.rounds[\(i)]"))
        }
        self.hubCode = hubCode
        self.round = round
        self.level = level
        self.rounds = rounds
        data = try PairingRecords(engine, level: level, rounds: rounds)
        policy = try PolicyScript(engine: engine, hubID: hubID, hubCode: hubCode)
        try policy.prepare(level: level.rawValue, records: data.records.map(\.json))
        if rounds.count > 1 && policy.settings.sameHub {
            throw IHubError.invalid("params.rounds: the policy \(policy.name) keeps pairs within one hub (blocking.same_hub); other hubs' rounds need same_hub = false")
        }
        for (i, pin) in pins.enumerated() {
            for (side, code) in [("mentee", pin.mentee), ("mentor", pin.mentor)] where data.index[code] == nil {
                throw IHubError.notFound("params.pins[\(i)].\(side): no \(level.rawValue) \(IHubError.quoted(code)) in round \(round.code)")
            }
            if pin.mentee == pin.mentor { throw IHubError.invalid("params.pins[\(i)]: a \(level.rawValue) cannot mentor itself") }
            if bans.contains(pin) { throw IHubError.invalid("params.pins[\(i)]: \(pin.mentee) with \(pin.mentor) is both pinned and banned") }
        }
        self.pins = pins
        self.bans = Set(bans)

        // Other rounds' pairs are history; this round's open ones (but those
        // the explained run confirmed itself: it was proposed before them)
        // forbid their reverse.
        var past: [Pair: String] = [:], paired: Set<Pair> = [], here: Set<Pair> = []
        for m in try db.pairing.mentorshipHistory(level: level) {
            if m.roundID == round.id {
                if !m.ended && (m.runID == nil || m.runID != excludingRun) { here.insert(Pair(mentee: m.mentee, mentor: m.mentor)) }
                continue
            }
            past[Pair(mentee: m.mentee, mentor: m.mentor)] = m.round
            past[Pair(mentee: m.mentor, mentor: m.mentee)] = m.round
        }
        for p in try db.pairing.openSchoolPairs() {
            paired.insert(Pair(mentee: p.mentee, mentor: p.mentor))
            paired.insert(Pair(mentee: p.mentor, mentor: p.mentee))
        }
        self.past = past
        pairedSchools = paired
        confirmedHere = here
    }

    /// Why the pair of records (mentee i, mentor j) is not a candidate: a
    /// ban, the history, or a blocking rule; nil when it is one.
    func blocked(_ i: Int, _ j: Int) -> String? {
        let a = data.records[i], b = data.records[j]
        let pair = Pair(mentee: a.code, mentor: b.code)
        if bans.contains(pair) { return "banned" }
        // Mutual mentoring: never the reverse of a pin or of a confirmed pair.
        let reverse = Pair(mentee: b.code, mentor: a.code)
        if pins.contains(reverse) { return "the reverse pair is pinned (they cannot mentor each other)" }
        if confirmedHere.contains(reverse) { return "the reverse pair is confirmed in round \(round.code) (they cannot mentor each other)" }
        let s = settings
        if s.noRepeat, let r = past[pair] { return "already paired in round \(r)" }
        if s.sameHub && a.hubID != b.hubID { return "in different hubs" }
        if s.sameLanguage && !a.languages.isEmpty && !b.languages.isEmpty && !a.languages.contains(where: b.languages.contains) {
            return "no shared language"
        }
        if let limit = s.maxKm, let d = PairingRecords.km(a, b), d > limit { return "more than \(Int(limit)) km apart" }
        if level == .teacher && !a.schools.contains(where: b.schools.contains) {
            switch s.crossSchool {
            case "none": return "in different schools"
            case "paired":
                let ok = a.schools.contains { x in b.schools.contains { pairedSchools.contains(Pair(mentee: x, mentor: $0)) } }
                if !ok { return "in schools that are not paired" }
            default: break
            }
        }
        return nil
    }

    /// A content hash of what the run decided from (records, constraints).
    func inputsHash(objective: String, mode: String) -> String {
        var text = "\(level.rawValue)|\(objective)|\(mode)|"
        for r in data.records { text += r.json.serialized() + "\n" }
        for p in pins { text += "pin \(p.mentee) \(p.mentor)\n" }
        for p in confirmedHere.sorted(by: { ($0.mentee, $0.mentor) < ($1.mentee, $1.mentor) }) { text += "here \(p.mentee) \(p.mentor)\n" }
        for p in bans.sorted(by: { ($0.mentee, $0.mentor) < ($1.mentee, $1.mentor) }) { text += "ban \(p.mentee) \(p.mentor)\n" }
        for (p, r) in past.sorted(by: { ($0.key.mentee, $0.key.mentor) < ($1.key.mentee, $1.key.mentor) }) {
            text += "past \(p.mentee) \(p.mentor) \(r)\n"
        }
        // Paired schools only matter to teachers' blocking.
        if level == .teacher {
            for p in pairedSchools.sorted(by: { ($0.mentee, $0.mentor) < ($1.mentee, $1.mentor) }) { text += "paired \(p.mentee) \(p.mentor)\n" }
        }
        return FNV1a.hex(text)
    }
}
