/// How an operation failed. The raw values are the IHUB_* codes of
/// include/ihub.h (the ABI layer checks this mapping at compile time).
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
        // Messages become exception texts and log lines: keep them on one line.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    package var description: String { message }

    static func invalid(_ message: String) -> IHubError { IHubError(.invalid, message) }
    static func notFound(_ message: String) -> IHubError { IHubError(.notFound, message) }
}
