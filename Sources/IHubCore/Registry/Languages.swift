/// Language tags as ihub stores them: BCP 47 `language[-Script][-REGION]`,
/// case-insensitive on input and normalised on the way in — "ET", "et" and
/// "est" are one language, stored "et"; "pt_br" is stored "pt-BR",
/// "sr-latn-rs" "sr-Latn-RS". The language is ISO 639-1 (two letters) or,
/// for languages without one, ISO 639-3 (three letters, e.g. "vro");
/// the region ISO 3166-1 alpha-2 or three UN M.49 digits. Variants,
/// extensions and private-use tags are refused: pairing compares languages,
/// and tags it cannot compare would only look like matches.
enum Languages {
    private static let two = Set(LanguageCodes.twoLetter.split(whereSeparator: \.isWhitespace).map(String.init))
    private static let three = Set(LanguageCodes.threeLetter.split(whereSeparator: \.isWhitespace).map(String.init))
    private static let regions = Set(LanguageCodes.regions.split(whereSeparator: \.isWhitespace).map(String.init))
    private static let shortened: [String: String] = Dictionary(
        LanguageCodes.shortened.split(whereSeparator: \.isWhitespace).map { pair in
            let parts = pair.split(separator: "=")
            return (String(parts[0]), String(parts[1]))
        }, uniquingKeysWith: { first, _ in first })

    /// The normalised tag, or nil when `tag` is not a language tag ihub takes.
    static func normalized(_ tag: String) -> String? {
        guard !tag.isEmpty, tag.utf8.count <= 16,
              tag.utf8.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { return nil }
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "_", omittingEmptySubsequences: false) }
        guard parts.count <= 3, let first = parts.first else { return nil }
        var language = first.lowercased()
        guard language.utf8.allSatisfy(isLetter) else { return nil }
        switch language.utf8.count {
        case 2: guard two.contains(language) else { return nil }
        case 3:
            if let short = shortened[language] { language = short } else if !three.contains(language) { return nil }
        default: return nil
        }
        var out = language
        var rest = parts.dropFirst()
        if let script = rest.first, script.utf8.count == 4, script.utf8.allSatisfy(isLetter) {
            out += "-" + script.prefix(1).uppercased() + script.dropFirst().lowercased()
            rest = rest.dropFirst()
        }
        if let region = rest.first {
            let upper = region.uppercased()
            let ok = (upper.utf8.count == 2 && regions.contains(upper)) || (upper.utf8.count == 3 && upper.utf8.allSatisfy(isDigit))
            guard ok else { return nil }
            out += "-" + upper
            rest = rest.dropFirst()
        }
        return rest.isEmpty ? out : nil
    }

    /// Why `tag` is refused, for a message.
    static func problem(_ tag: String) -> String {
        "\(IHubError.quoted(tag, "\"")) is not a language code: expected an ISO 639-1 code such as \"et\" "
            + "(or ISO 639-3 such as \"vro\"), optionally with a script and a region (\"sr-Latn\", \"pt-BR\")"
    }

    /// A validated list of tags, normalised, each once, in the given order.
    static func normalized(list: JSON) -> JSON {
        var seen: [String] = []
        for item in list.array ?? [] {
            guard let s = item.string else { continue }
            let tag = normalized(s) ?? s  // validated before: only a tag ihub takes reaches here
            if !seen.contains(tag) { seen.append(tag) }
        }
        return .array(seen.map(JSON.string))
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
