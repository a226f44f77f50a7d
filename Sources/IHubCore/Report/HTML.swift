/// HTML text for the pages ihub writes (reports, statements of hours): one
/// escaping function, so every value put into a page goes through the same
/// place.
enum HTML {
    /// Text for HTML content and attribute values (and SVG, which is XML):
    /// & < > " ' escaped. Control characters other than tab and line breaks
    /// are dropped: XML does not allow them, even escaped.
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) })
        else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                if c.value >= 0x20 { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// A page being written: raw markup with `put`, escaped text with `text`.
    struct Writer {
        private(set) var html = ""

        mutating func put(_ s: String) { html += s }
        mutating func text(_ s: String) { html += HTML.escape(s) }

        /// `<tag attrs>text</tag>`, the text escaped.
        mutating func element(_ tag: String, _ text: String, class cls: String? = nil) {
            html += cls.map { "<\(tag) class=\"\(HTML.escape($0))\">" } ?? "<\(tag)>"
            html += HTML.escape(text)
            html += "</\(tag)>"
        }
    }
}
