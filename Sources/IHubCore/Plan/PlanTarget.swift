/// The levels a goal aims at and starts from, on an instrument's scale.
///
/// A target is stored as a number on the instrument's answer scale. Where
/// the instrument has levels (digcompedu: A1..C2), a level code may be given
/// instead: it stands for the level's cut-off, the lowest mean that reaches
/// it, so "B1" is reached exactly when the area's mean reads as B1 or above.
enum PlanTarget {
    static let doc = """
        the level to reach: a number on the instrument's scale, or a level code such as "B1" where the instrument has levels \
        (stored as the level's cut-off)
        """

    static func parse(_ value: JSON, _ instrument: Instrument, at path: String) throws(IHubError) -> Double {
        if let code = value.string {
            guard !instrument.levels.isEmpty else {
                throw IHubError.invalid("\(path): instrument \(IHubError.quoted(instrument.code)) has no levels; give a number on its scale \(instrument.scale.text)")
            }
            guard let i = instrument.levelIndex(code: code) else {
                throw IHubError.invalid("\(path): \(IHubError.quoted(code)) is not a level of \(instrument.code) (levels: \(instrument.levels.map(\.code).joined(separator: ", ")))")
            }
            return instrument.levels[i].min
        }
        guard let number = value.double else {
            throw IHubError.invalid("\(path): expected a number on the scale \(instrument.scale.text)\(instrument.levels.isEmpty ? "" : " or a level code"), got \(value.kindName)")
        }
        return try onScale(number, instrument, at: path)
    }

    static func onScale(_ number: Double, _ instrument: Instrument, at path: String) throws(IHubError) -> Double {
        guard number.isFinite, number >= Double(instrument.scale.min), number <= Double(instrument.scale.max) else {
            throw IHubError.invalid("\(path): \(number) is off the scale of \(instrument.code) (\(instrument.scale.text))")
        }
        return number
    }

    /// The level code a number reads as, where the instrument has levels.
    static func level(_ number: Double?, _ instrument: Instrument) -> JSON {
        guard !instrument.levels.isEmpty, let number else { return .null }
        return JSON(instrument.level(of: number)?.code)
    }
}
