import IHubLua

/// What the admin context has beyond the methodology one
/// (scripts/methodology/engine/repl.lua): ihub.transaction(fn), whose Lua side
/// calls three host functions around fn while the database keeps the
/// transaction open across fn's calls (Database.beginSpan); Ctrl-C; the
/// REPL's completion.
extension ScriptContext {
    /// Host calls of the glue only, under ihub.__tx (which the glue removes).
    static let transactionCalls = ["__tx.begin", "__tx.commit", "__tx.rollback"]

    func loadAdminGlue() throws(IHubError) { try loadGlue("repl") }

    /// Serves ihub.__tx.begin/commit/rollback. The glue closes what it opened,
    /// innermost first; `depth` says which, so a mismatch cannot close another's.
    /// (A coroutine that yields inside one ihub.transaction and resumes in
    /// another would otherwise close the wrong one.)
    func transactionCall(_ name: String, depth: Int64?) throws(IHubError) -> JSON {
        switch name {
        case "__tx.begin":
            try engine.db.beginSpan()
            openTransactions += 1
            return .object([JSON.Member("depth", .int(Int64(openTransactions)))])
        default:
            guard openTransactions > 0 else { throw IHubError(.misuse, "ihub.transaction: no transaction is open") }
            guard depth == Int64(openTransactions) else {
                throw IHubError(.misuse, "ihub.transaction: its function ended inside another transaction (a coroutine yielded across one); \(openTransactions) open")
            }
            openTransactions -= 1
            try engine.db.endSpan(commit: name == "__tx.commit")
            return .object([])
        }
    }

    /// After an evaluation: a transaction its fn left open (the evaluation was
    /// interrupted or ran out of budget before the glue could close it) is
    /// rolled back, so that a failed fn never leaves writes behind.
    func closeAbandonedTransactions() throws(IHubError) {
        while openTransactions > 0 {
            openTransactions -= 1
            try engine.db.endSpan(commit: false)
        }
    }

    /// The string keys of the Lua table at a dotted path from the globals
    /// ("" for the globals), a table's ending in "."; [] when there is none.
    package func keys(at path: String) -> [String] {
        do {
            return try callGlobal("__ihub_repl_keys", [.string(path)]).first?.array?.compactMap(\.string) ?? []
        } catch {
            return []  // completion never fails: it offers nothing
        }
    }

    // MARK: print

    /// print() of this context's chunks goes to `sink` as it happens (nil:
    /// back into the evaluation's `output`).
    package func streamPrints(to sink: ((String) -> Void)?) {
        printSink = sink.map(PrintSink.init)
        guard let printSink else { return ihl_set_print(state, nil, nil) }
        ihl_set_print(state, { ctx, text, length in
            guard let ctx, let text else { return }
            let bytes = UnsafeRawBufferPointer(start: text, count: length)
            Unmanaged<PrintSink>.fromOpaque(ctx).takeUnretainedValue().write(String(decoding: bytes, as: UTF8.self))
        }, Unmanaged.passUnretained(printSink).toOpaque())
    }

    // MARK: Ctrl-C

    /// From now on SIGINT interrupts this context's running evaluation
    /// ("interrupted", its transactions rolled back) instead of ending the
    /// process; `false` restores the default.
    package func catchInterrupts(_ on: Bool = true) {
        _ = ihl_catch_interrupts(on ? state : nil)
    }

    /// Whether a SIGINT arrived since the last call (a line editor's read
    /// returned early because of it).
    package static func interruptSeen() -> Bool { ihl_interrupt_seen() != 0 }
}

/// The closure print() streams to; the context keeps it alive.
final class PrintSink {
    let write: (String) -> Void
    init(_ write: @escaping (String) -> Void) { self.write = write }
}
