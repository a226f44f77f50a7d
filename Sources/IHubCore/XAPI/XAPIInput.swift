/// The statements of an import: a JSON array given in the call, or text
/// or a file that is NDJSON (streamed: any size, bounded memory) or a JSON
/// array (held whole, up to Limits.document bytes); read and checked by
/// the validator's batch reader (XAPIBatch.swift).
enum XAPIInput {
    case statements([JSON])
    case text([UInt8])
    case file(String)

    var batch: XAPIValidator.Input {
        switch self {
        case .statements(let s): return .statements(s)
        case .text(let bytes): return .source(.bytes(bytes))
        case .file(let path): return .source(.file(path))
        }
    }

    /// The name messages give the input.
    var name: String {
        switch self {
        case .statements: return "params.statements"
        case .text: return "params.text"
        case .file(let path): return IHubError.quoted(path, limit: Limits.path)
        }
    }
}

/// Where a statement is: its index in the batch (0-based) and its line (NDJSON).
struct XAPIPlace {
    let index: Int
    let line: Int?
}
