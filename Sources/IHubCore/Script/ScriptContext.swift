import IHubLua

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One sandboxed Lua state (see Sources/IHubLua) bound to an engine. Swift
/// never touches the lua_State: it calls the shim, which runs everything
/// that can raise under lua_pcall, and serves `ihub.<ns>.<op>{...}` calls
/// through `hostCall`, returning a status and a message instead of raising.
package final class ScriptContext {
    package enum Outcome: Equatable {
        case done(values: [JSON], output: String)
        /// The chunk ends early (the message says where): a REPL reads
        /// another line.
        case incomplete(String)
    }

    unowned let engine: Engine
    let writes: Bool
    private(set) var state: OpaquePointer?  // read by the pairing hot loop (Pairing/PolicyScript.swift)
    /// Transactions ihub.transaction opened and not yet closed (AdminScript.swift).
    var openTransactions = 0
    /// Where print() streams to, when set (AdminScript.swift).
    var printSink: PrintSink?
    /// Engine glue evaluated in this state, by file, with how often (once: see ScriptGlue.swift).
    var glueEvaluations: [String: Int] = [:]

    init(engine: Engine, writes: Bool, timeMs: Int, memoryMB: Int) throws(IHubError) {
        self.engine = engine
        self.writes = writes
        // A methodology script sees every operation, so that a write is
        // refused with a reason (see hostCall), but never script.*: that
        // would re-enter its own state.
        let exposed = MethodTable.all.filter { writes || !$0.name.hasPrefix("script.") }.map(\.name)
            + (writes ? ScriptContext.transactionCalls : [])
        let names = exposed.map { strdup($0) }
        // By code, for the `status` field of the error values of ihub.* calls.
        let statusNames = (0...(Status.allCases.map(\.rawValue).max() ?? 0)).map { strdup(Status(rawValue: $0)?.name ?? "") }
        defer { (names + statusNames).forEach { free($0) } }
        let opened: OpaquePointer? = names.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            statusNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { statuses in
                var config = ihl_config()
                config.memory_limit = memoryMB << 20
                config.time_limit_ms = UInt(timeMs)
                config.methods = buffer.baseAddress
                config.method_count = buffer.count
                config.host = hostCall
                config.host_ctx = Unmanaged.passUnretained(self).toOpaque()
                config.status_names = statuses.baseAddress
                config.status_count = statuses.count
                return ihl_open(&config)
            }
        }
        guard let opened else { throw IHubError(.noMemory, "cannot create a Lua state: out of memory") }
        state = opened
        if writes { try loadAdminGlue() }
    }

    deinit { ihl_close(state) }

    /// Runs a chunk in this context's globals, or (`isolated`) in a fresh
    /// environment over them, so that it leaves nothing behind.
    /// `shown`: values a person reads (a REPL): functions become their names.
    package func eval(_ source: String, chunkname: String, expressionFirst: Bool = false,
                      isolated: Bool = false, shown: Bool = false) throws(IHubError) -> Outcome {
        let flags = (expressionFirst ? IHL_EXPRESSION_FIRST : 0) | (isolated ? IHL_FRESH_ENV : 0) | (shown ? IHL_SHOW_VALUES : 0)
        var result: UnsafeMutablePointer<CChar>?
        var text = source  // withUTF8 makes the bytes contiguous when they are not
        let outcome = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ihl_eval(state, chunkname, $0.baseAddress, $0.count, flags, &result) }
        }
        defer { free(result) }
        try closeAbandonedTransactions()
        let reply = result.map { String(cString: $0) } ?? "out of memory"
        switch Int(outcome) {
        case Int(IHL_OK):
            let doc: JSON
            do {
                doc = try JSONParser.parse(reply)
            } catch {
                throw IHubError(.error, "\(chunkname): cannot read the script's result: \(error.message)")
            }
            return .done(values: doc["values"]?.array ?? [], output: doc["output"]?.string ?? "")
        case Int(IHL_INCOMPLETE): return .incomplete(reply)
        default: throw failure(outcome, reply)
        }
    }

    /// Calls a global Lua function with JSON arguments; returns its results.
    /// `label` names the call in messages (a helper's global name means
    /// nothing to users: "EE-ACC/classify" does).
    func callGlobal(_ name: String, _ args: [JSON], label: String? = nil) throws(IHubError) -> [JSON] {
        var result: UnsafeMutablePointer<CChar>?
        let argsText = JSON.array(args).serialized()
        let outcome = ihl_call_global_as(state, name, label, argsText, argsText.utf8.count, &result)
        defer { free(result) }
        try closeAbandonedTransactions()
        let text = result.map { String(cString: $0) } ?? "out of memory"
        guard Int(outcome) == Int(IHL_OK) else { throw failure(outcome, text) }
        do {
            return try JSONParser.parse(text).array ?? []
        } catch {
            throw IHubError(.error, "\(label ?? name): cannot read the function's result: \(error.message)")
        }
    }

    package var memoryUsed: Int { ihl_memory_used(state) }

    /// The error for a failed evaluation of this state (outcome and message
    /// from the shim): an uncaught error value of an ihub.* call keeps the
    /// call's status (IHUB_NOTFOUND stays NOTFOUND); everything else the
    /// script did is IHUB_SCRIPT, a spent budget IHUB_LIMIT. Runners of
    /// their own (the pairing hot loop) use it too.
    func failure(_ outcome: Int32, _ message: String) -> IHubError {
        switch outcome {
        case Int32(IHL_MEMORY), Int32(IHL_TIME): return IHubError(.limit, message)
        case Int32(IHL_INTERRUPTED): return IHubError(.script, message)
        case Int32(IHL_HOST):
            let status = Status(rawValue: ihl_host_status(state)) ?? .script
            return IHubError(status == .ok ? .script : status, message)
        default: return IHubError(.script, message)
        }
    }
}

/// Serves ihub.<ns>.<op>{...} from Lua: dispatches through the method table
/// and hands back JSON or a message. Never raises; the shim raises for us.
private func hostCall(_ ctx: UnsafeMutableRawPointer?, _ method: UnsafePointer<CChar>?,
                      _ params: UnsafePointer<CChar>?, _ length: Int,
                      _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    guard let ctx, let method, let params, let result else { return Status.misuse.rawValue }
    let context = Unmanaged<ScriptContext>.fromOpaque(ctx).takeUnretainedValue()
    let name = String(cString: method)
    do throws(IHubError) {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(params).assumingMemoryBound(to: UInt8.self), count: length)
        if ScriptContext.transactionCalls.contains(name) {
            let depth = (try? JSONParser.parse(bytes))?["depth"]?.int
            result.pointee = strdup(try context.transactionCall(name, depth: depth).serialized())
            return Status.ok.rawValue
        }
        let method = try MethodTable.find(name)
        if method.writes && !context.writes {
            throw IHubError(.misuse, "methodology scripts may not write (use the admin context)")
        }
        if method.files, let p = try? JSONParser.parse(bytes),
           let key = ["path", "problems_out"].first(where: { p[$0].map { !$0.isNull } == true }) {
            throw IHubError(.misuse, "params.\(key): Lua scripts may not read or write files (give text, or leave path out to get the text back)")
        }
        let text = try context.engine.call(name, paramsText: bytes)
        result.pointee = strdup(text)
        return Status.ok.rawValue
    } catch {
        result.pointee = strdup("\(name): \(error.message)")
        return error.status.rawValue
    }
}
