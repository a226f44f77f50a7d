/// RFC 5646 language tags, checked for well-formedness by the grammar of
/// its section 2.1: langtag (language[-extlang] [-script] [-region]
/// *(-variant) *(-extension) [-privateuse]), a private-use tag (x-…), or
/// one of the irregular grandfathered tags. The registry is not consulted
/// (the specification asks at least for the sequence of subtag lengths),
/// with one exception: a primary language of 4–8 letters, which the
/// grammar keeps for the future and the registry has none of, is refused
/// (so "english" is not taken for a tag).
enum XAPILanguageTag {
    private static let irregular: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
        "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
    ]

    static func isWellFormed(_ s: String) -> Bool {
        if XAPIFormat.bytes(s, { check($0) }) { return true }
        let c = s.utf8.first.map { $0 | 0x20 }
        return (c == UInt8(ascii: "i") || c == UInt8(ascii: "e") || c == UInt8(ascii: "s")) && irregular.contains(s.lowercased())
    }

    private enum Stage: Int { case language, extlang, script, region, variant, `extension`, privateUse }

    private static func check(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n > 0, n <= 255 else { return false }
        var stage = Stage.language
        var extlangs = 0
        var extensionNeedsSubtag = false
        var start = 0
        var first = true
        while start <= n {
            var end = start
            while end < n, b[end] != UInt8(ascii: "-") {
                guard XAPIFormat.isAlnum(b[end]) else { return false }
                end += 1
            }
            let len = end - start
            guard len >= 1, len <= 8 else { return false }
            let allAlpha = (start..<end).allSatisfy { XAPIFormat.isAlpha(b[$0]) }
            let allDigit = (start..<end).allSatisfy { XAPIFormat.isDigit(b[$0]) }
            let x = len == 1 && (b[start] | 0x20) == UInt8(ascii: "x")
            if first {
                first = false
                if x {
                    stage = .privateUse
                    extensionNeedsSubtag = true
                } else {
                    guard allAlpha, len >= 2, len <= 3 else { return false }
                    stage = .language
                }
            } else if stage == .privateUse {
                extensionNeedsSubtag = false
            } else if x {
                if extensionNeedsSubtag { return false }
                stage = .privateUse
                extensionNeedsSubtag = true
            } else if len == 1 {
                if extensionNeedsSubtag { return false }
                stage = .extension
                extensionNeedsSubtag = true
            } else if stage == .extension {
                guard len >= 2 else { return false }
                extensionNeedsSubtag = false
            } else if len == 3 && allAlpha && stage.rawValue <= Stage.extlang.rawValue && extlangs < 3 {
                stage = .extlang
                extlangs += 1
            } else if len == 4 && allAlpha && stage.rawValue < Stage.script.rawValue {
                stage = .script
            } else if ((len == 2 && allAlpha) || (len == 3 && allDigit)) && stage.rawValue < Stage.region.rawValue {
                stage = .region
            } else if (len >= 5 || (len == 4 && XAPIFormat.isDigit(b[start]))) && stage.rawValue <= Stage.variant.rawValue {
                stage = .variant
            } else {
                return false
            }
            start = end + 1
            if end == n { break }
            if start == n { return false }  // a trailing "-"
        }
        return !extensionNeedsSubtag
    }
}
