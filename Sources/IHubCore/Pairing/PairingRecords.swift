#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The schools or teachers of a pairing run, as records a policy reads: the
/// registry's facts, the round's maturity class and assessment scores
/// (normalised to 0..1 on the instrument's scale).
struct PairingRecords {
    enum Level: String, CaseIterable { case school, teacher }

    struct Record {
        let id: Int64         // schools.id or people.id
        let code: String
        let hubID: Int64
        let schools: [String] // teachers: current schools; schools: itself
        let languages: [String]
        let lat: Double?
        let lon: Double?
        let json: JSON
    }

    let level: Level
    var records: [Record] = []
    var index: [String: Int] = [:]

    /// Gathers the records of each round (the run's round first).
    init(_ engine: Engine, level: Level, rounds: [RoundRef]) throws(IHubError) {
        self.level = level
        for round in rounds { try gather(engine, round) }
    }

    private mutating func gather(_ engine: Engine, _ round: RoundRef) throws(IHubError) {
        let db = engine.db
        let kind: Classification.Kind = level == .school ? .school : .teacher
        let c = try Classification.gather(engine, kind: kind, round: round)
        let preferred = level == .school ? "selfie" : "digcompedu"
        let classes = try db.pairing.classes(roundID: round.id, level: level)
        var instruments: [String: Instrument] = [:]
        for subject in c.subjects {
            guard index[subject.code] == nil else { continue }  // in two rounds: the first wins
            var m: [JSON.Member] = [.init("kind", .string(level.rawValue)), .init("code", .string(subject.code)),
                                    .init("name", subject.json["name"] ?? .null), .init("hub", .string(round.hubCode)),
                                    .init("round", .string(round.code))]
            let instrumentCode = subject.assessments.first { $0.key == preferred }?.key ?? subject.assessments.first?.key
            if let code = instrumentCode, let doc = subject.assessments.first(where: { $0.key == code })?.value {
                // Loaded once per instrument; a failure to read it is the caller's error, not "no maturity".
                let instrument: Instrument
                if let known = instruments[code] { instrument = known } else {
                    instrument = try Instrument.load(db, code: code, at: "instrument")
                    instruments[code] = instrument
                }
                let lo = Double(instrument.scale.min), span = Double(max(1, instrument.scale.max - instrument.scale.min))
                func unit(_ v: Double?) -> JSON { v.map { .double(min(1, max(0, ($0 - lo) / span))) } ?? .null }
                let figures = level == .school ? (doc["staff"] ?? doc["groups"]?.members?.first?.value) : doc
                let overall = level == .school ? figures?["overall"]?["mean"]?.double : figures?["overall"]?.double
                var areas: [JSON.Member] = [], codes: [JSON] = []
                for area in instrument.areas {
                    guard let v = figures?["areas"]?[area.code]?["mean"]?.double else { continue }
                    areas.append(.init(area.code, unit(v)))
                    codes.append(.string(area.code))
                }
                m += [.init("instrument", .string(code)), .init("maturity", unit(overall)),
                      .init("areas", .object(areas)), .init("area_codes", .array(codes))]
            } else {
                m += [.init("areas", .object([])), .init("area_codes", .array([]))]
            }
            if let cls = classes[level == .school ? subject.schoolID! : subject.personID!] { m.append(.init("class", .string(cls))) }
            let record = try level == .school
                ? schoolRecord(db, subject.schoolID!, round, &m) : teacherRecord(db, subject.personID!, subject.json, round, &m)
            index[subject.code] = records.count
            records.append(record)
        }
    }

    private func schoolRecord(_ db: Database, _ id: Int64, _ round: RoundRef, _ m: inout [JSON.Member]) throws(IHubError) -> Record {
        guard let s = try db.pairing.schoolFacts(id: id) else { throw RecordKind.school.notFound(id: id, at: "pairing records") }
        m += [.init("level", s.level.map(JSON.string) ?? .null), .init("size", s.size.map(JSON.int) ?? .null),
              .init("lat", s.lat.map(JSON.double) ?? .null), .init("lon", s.lon.map(JSON.double) ?? .null),
              .init("languages", .array(s.languages.map(JSON.string))), .init("school", .string(s.code))]
        return Record(id: id, code: s.code, hubID: round.hubID, schools: [s.code], languages: s.languages, lat: s.lat, lon: s.lon,
                      json: Classification.stripNulls(.object(m)))
    }

    private func teacherRecord(_ db: Database, _ id: Int64, _ subject: JSON, _ round: RoundRef,
                               _ m: inout [JSON.Member]) throws(IHubError) -> Record
    {
        guard let p = try db.pairing.personFacts(id: id) else { throw RecordKind.person.notFound(id: id, at: "pairing records") }
        var languages = p.languages
        let schools = (subject["schools"]?.array ?? []).compactMap(\.string)
        m += [.init("roles", subject["roles"] ?? .array([])), .init("schools", .array(schools.map(JSON.string))),
              .init("subjects", .array(p.subjects.map(JSON.string)))]
        var lat: Double?, lon: Double?
        // A teacher is placed at their (first) school: its level, size and place,
        // and speaks its languages (or its hub's) when they list none.
        if let first = schools.first, let s = try db.pairing.schoolFacts(code: first) {
            m += [.init("school", .string(first)), .init("level", s.level.map(JSON.string) ?? .null),
                  .init("size", s.size.map(JSON.int) ?? .null),
                  .init("lat", s.lat.map(JSON.double) ?? .null), .init("lon", s.lon.map(JSON.double) ?? .null)]
            lat = s.lat
            lon = s.lon
            if languages.isEmpty { languages = s.languages }
        }
        m.append(.init("languages", .array(languages.map(JSON.string))))
        return Record(id: id, code: p.code, hubID: round.hubID, schools: schools, languages: languages, lat: lat, lon: lon,
                      json: Classification.stripNulls(.object(m)))
    }

    /// Great-circle distance in km.
    static func km(_ a: Record, _ b: Record) -> Double? {
        guard let la = a.lat, let lo = a.lon, let lb = b.lat, let mb = b.lon else { return nil }
        let r = Double.pi / 180
        let dlat = (lb - la) * r, dlon = (mb - lo) * r
        let sLat = sin(dlat / 2), sLon = sin(dlon / 2)
        let h: Double = sLat * sLat + cos(la * r) * cos(lb * r) * sLon * sLon
        return 12742 * asin(min(1, h.squareRoot()))
    }
}
