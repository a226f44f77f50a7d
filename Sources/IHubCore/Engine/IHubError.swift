/// How an operation failed. The raw values are the IHUB_* codes of
/// include/ihub.h (StatusTests and test_store.py check the mapping).
package enum Status: Int32, Sendable, CaseIterable {
    case ok = 0
    case error = 1
    case invalid = 2
    case notFound = 3
    case conflict = 4
    case constraint = 5
    case script = 6
    case limit = 7
    case noMemory = 8
    case io = 9
    case corrupt = 10
    case busy = 11
    case misuse = 12
    case version = 13

    package var name: String {
        switch self {
        case .ok: return "IHUB_OK"
        case .error: return "IHUB_ERROR"
        case .invalid: return "IHUB_INVALID"
        case .notFound: return "IHUB_NOTFOUND"
        case .conflict: return "IHUB_CONFLICT"
        case .constraint: return "IHUB_CONSTRAINT"
        case .script: return "IHUB_SCRIPT"
        case .limit: return "IHUB_LIMIT"
        case .noMemory: return "IHUB_NOMEM"
        case .io: return "IHUB_IO"
        case .corrupt: return "IHUB_CORRUPT"
        case .busy: return "IHUB_BUSY"
        case .misuse: return "IHUB_MISUSE"
        case .version: return "IHUB_VERSION"
        }
    }
}

/// The one error type of the engine: a status and a one-line message that
/// names the cause and the place.
package struct IHubError: Error, Equatable, CustomStringConvertible {
    package let status: Status
    package let message: String
    /// Structured detail beyond the one-line message, for callers inside
    /// the engine (the CLI): e.g. every problem of a rejected CSV file.
    package var details: JSON? = nil

    package init(_ status: Status, _ message: String) {
        self.status = status
        // Messages become exception texts, log lines and terminal output:
        // one line, bounded, without control characters.
        self.message = IHubError.bounded(message)
    }

    package var description: String { message }

    /// Where the failure is, as the message names it before its first ": " —
    /// a field path ("params.schools[3].code"), a file ("schools.csv"), a
    /// position ("line 4, column 5 (size)", "eval:3") — or nil when the
    /// message does not start with a place. Every message is written
    /// place first, so this one reading serves every binding.
    package var place: String? {
        let bytes = Array(message.utf8.prefix(400))
        guard let colon = bytes.indices.dropLast().first(where: { bytes[$0] == UInt8(ascii: ":") && bytes[$0 + 1] == UInt8(ascii: " ") }),
              colon > 0, let head = String(validating: bytes[..<colon], as: UTF8.self) else { return nil }
        if head.hasPrefix("line ") || !head.contains(" ") { return String(head) }
        return nil
    }

    /// The failure as one JSON document: status, code, message, place, and
    /// the list of problems where there are several (ihub_last_error_json).
    package var document: JSON {
        var d: [JSON.Member] = [
            .init("status", .string(status.name)), .init("code", .int(Int64(status.rawValue))),
            .init("message", .string(message)), .init("path", place.map(JSON.string) ?? .null),
        ]
        if let details { d.append(.init("problems", details)) }
        return .object(d)
    }

    static func invalid(_ message: String) -> IHubError { IHubError(.invalid, message) }
    static func notFound(_ message: String) -> IHubError { IHubError(.notFound, message) }
}

/// The documented bounds on input (include/ihub.h, api.describe's
/// `api.limits`). Input past them is refused with IHUB_LIMIT naming the
/// field, so no value can make the engine hold or echo unbounded text.
package enum Limits {
    /// UTF-8 bytes of a one-line text field: names, codes, addresses.
    static let text = 64 << 10
    /// UTF-8 bytes of a multi-line text field: notes, script source.
    package static let longText = 1 << 20
    /// UTF-8 bytes of one JSON document (the parameters of one call).
    package static let document = 256 << 20
    /// Nesting levels of arrays and objects in a JSON document: the same
    /// bound as the Lua → JSON encoder's (IHubLua/json.c MAX_DEPTH), so
    /// what a script may return, a caller may send.
    static let depth = 100
    /// Characters of user input an error message quotes.
    static let quote = 80
    /// UTF-8 bytes of a database or file path.
    static let path = 4096
    /// UTF-8 bytes of an error message; longer ones are cut (a safety net
    /// behind `IHubError.quoted`).
    static let message = 16 << 10
    /// Bytes of one CSV record (a row, quoted newlines included).
    static let csvRecord = 1 << 20
    /// Bytes of one line of NDJSON or of a JSON array of xAPI statements.
    static let line = longText
    /// Bytes of one line of an activity import (NDJSON or CSV): a record
    /// with notes and outcome at their limit, escaped.
    static let activityLine = 4 << 20
    /// Bytes of what one evaluation prints; the rest is cut with
    /// "...(output truncated)" (IHubLua/libs.c OUTPUT_CAP).
    static let scriptOutput = 1 << 20
    /// How far past its time budget a script may run before the time error
    /// ends it: the longest stretch between two budget checks inside a C
    /// library call (IHubLua/bounded.c), measured by Tests/Bench/overrun.py.
    static let budgetMarginMs = 50

    /// The bounds, with the script budgets `options` gives this handle.
    static func described(_ options: Engine.Options) -> JSON {
        ["text_bytes": .int(Int64(text)), "long_text_bytes": .int(Int64(longText)),
         "document_bytes": .int(Int64(document)), "json_depth": .int(Int64(depth)),
         "path_bytes": .int(Int64(path)), "quote_characters": .int(Int64(quote)), "message_bytes": .int(Int64(message)),
         "csv_record_bytes": .int(Int64(csvRecord)), "line_bytes": .int(Int64(line)),
         "activity_line_bytes": .int(Int64(activityLine)), "script_output_bytes": .int(Int64(scriptOutput)),
         "script_time_ms": .int(Int64(options.scriptTimeMs)), "script_memory_mb": .int(Int64(options.scriptMemoryMB)),
         "admin_time_ms": .int(Int64(options.adminTimeMs)), "admin_memory_mb": .int(Int64(options.adminMemoryMB)),
         "budget_margin_ms": .int(Int64(budgetMarginMs))]
    }
}

extension IHubError {
    /// User input as every message quotes it: between `mark`s, control
    /// characters escaped (\n, \t, \u{1B}), cut to `Limits.quote`
    /// characters and "…". The one way a message shows what it was given,
    /// so a 10 MB value never comes back as a 10 MB message.
    package static func quoted(_ text: some StringProtocol, _ mark: String = "'", limit: Int = Limits.quote) -> String {
        mark + excerpt(text, limit: limit) + mark
    }

    /// `quoted` without the marks.
    package static func excerpt(_ text: some StringProtocol, limit: Int = Limits.quote) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            out += escaped(scalar)
            count += 1
        }
        return out
    }

    /// A control character (C0, DEL, C1) as text that prints harmlessly.
    package static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0..<0x20, 0x7F...0x9F: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: return String(scalar)
        }
    }

    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The message made safe to print and to store: one line, no control
    /// characters, at most `Limits.message` bytes.
    fileprivate static func bounded(_ message: String) -> String {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard oneLine.utf8.count > Limits.message || oneLine.unicodeScalars.contains(where: { isControl($0) && $0 != "\t" }) else {
            return oneLine
        }
        var out = ""
        for scalar in oneLine.unicodeScalars {
            if out.utf8.count >= Limits.message {
                out += "…"
                break
            }
            out += scalar == "\t" ? "\t" : escaped(scalar)
        }
        return out
    }
}
