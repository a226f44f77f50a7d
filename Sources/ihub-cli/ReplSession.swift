import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One REPL session: the admin context whose globals persist across chunks,
/// and the settings of the dot-commands (.mode, .output, .timer).
final class ReplSession {
    let engine: Engine
    let context: ScriptContext
    var mode = ReplMode.table
    var timer = false
    /// `.output FILE`: values go there; nil is standard output.
    private(set) var output: UnsafeMutablePointer<FILE>?
    private(set) var outputName = "stdout"
    /// A chunk failed (the exit status of a non-interactive run).
    var failed = false
    /// Ctrl-C stopped a chunk (a script or pipe then ends, status 130).
    var interrupted = false

    init(engine: Engine, context: ScriptContext) {
        self.engine = engine
        self.context = context
        // print() shows at once, and what a failing chunk printed stays shown.
        context.streamPrints { [unowned self] text in self.emit(text) }
    }

    /// A file's name as Lua messages show it: they keep 59 bytes, so a long
    /// path keeps its end ("...tests/bad.lua:3: ...").
    static func chunkName(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.count > 59 else { return path }
        var tail = Array(bytes.suffix(56))
        if let slash = tail.firstIndex(of: UInt8(ascii: "/")) { tail = Array(tail[slash...]) }
        while let first = tail.first, first & 0xC0 == 0x80 { tail.removeFirst() }
        return "..." + String(decoding: tail, as: UTF8.self)
    }

    deinit { if let output { fclose(output) } }

    enum Result: Equatable {
        case ok, failed
        /// The chunk is not finished: read another line.
        case incomplete(String)
    }

    /// Runs one chunk whose first line is line `firstLine` of `chunkname`, so
    /// that messages give the line of the file or input ("stdin:12: ...").
    /// `complete`: the chunk is all there is (a file), never incomplete.
    @discardableResult
    func run(_ source: String, chunkname: String, firstLine: Int = 1, complete: Bool = false) -> Result {
        let padded = String(repeating: "\n", count: max(firstLine - 1, 0)) + source
        let chunkname = ReplSession.chunkName(chunkname)
        let started = ReplSession.now()
        defer {
            if ScriptContext.interruptSeen() { interrupted = true }
            if timer { emit(ReplSession.elapsed(since: started)) }
        }
        do {
            switch try context.eval(padded, chunkname: chunkname, expressionFirst: true, shown: true) {
            case .incomplete(let message):
                if !complete { return .incomplete(message) }
                report(IHubError(.script, message))
                return .failed
            case .done(let values, let printed):
                emit(printed)
                emit(mode.render(values))
                return .ok
            }
        } catch {
            report(error)
            return .failed
        }
    }

    /// Errors go to standard error, as every command reports them.
    func report(_ error: IHubError) {
        failed = true
        Console.error("\(error.status.name): \(error.message)\n")
    }

    func emit(_ text: String) {
        guard !text.isEmpty else { return }
        if let output {
            fputs(text, output)
            fflush(output)
        } else {
            print(text, terminator: "")
            Console.flush()
        }
    }

    /// `.output FILE` (truncated, as sqlite3 does) or `.output` back to stdout.
    func setOutput(_ path: String?) throws(IHubError) {
        if let output { fclose(output) }
        output = nil
        outputName = "stdout"
        guard let path, path != "stdout" else { return }
        guard let file = fopen(path, "w") else {
            throw IHubError(.io, ".output: cannot open \(IHubError.quoted(path)) for writing: \(String(cString: strerror(errno)))")
        }
        output = file
        outputName = path
    }

    /// A Lua file's text (.read, the script argument); `at` names the place in messages.
    static func readFile(_ path: String, at: String) throws(IHubError) -> String {
        try FileText.read(path, at: at)
    }

    private static func now() -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    private static func elapsed(since t: timespec) -> String {
        let n = now()
        let ms = Double(n.tv_sec - t.tv_sec) * 1000 + Double(n.tv_nsec - t.tv_nsec) / 1e6
        return ms < 1000 ? "time: \(Double(Int(ms * 10)) / 10) ms\n" : "time: \(Double(Int(ms / 10)) / 100) s\n"
    }
}
