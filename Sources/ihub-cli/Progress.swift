#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A progress line on standard error while long work runs (an import, a
/// pairing run, a report): on a terminal only, after half a second, the
/// work's name and the time so far, redrawn ten times a second and erased
/// when the work ends. An operation is one call into the engine, which
/// reports no fraction done, so the line shows that work goes on and for
/// how long. Pipes and files see nothing.
enum Progress {
    static func during<T, E: Error>(_ label: String?, _ work: () throws(E) -> T) throws(E) -> T {
        guard let label, Terminal.errors, let ticker = Ticker(label) else { return try work() }
        defer { ticker.stop() }
        return try work()
    }
}

/// The thread that draws the line; `stop` ends it through a pipe.
private final class Ticker {
    private var thread = pthread_t()
    private let stopFD: Int32

    init?(_ label: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        stopFD = fds[1]
        let context = Unmanaged.passRetained(TickerContext(label: Terminal.safe(label), readFD: fds[0])).toOpaque()
        guard pthread_create(&thread, nil, { raw in
            let context = Unmanaged<TickerContext>.fromOpaque(raw!).takeRetainedValue()
            context.draw()
            return nil
        }, context) == 0 else {
            Unmanaged<TickerContext>.fromOpaque(context).release()
            close(fds[0]); close(fds[1])
            return nil
        }
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(stopFD, &byte, 1)
        pthread_join(thread, nil)
        close(stopFD)
    }
}

private final class TickerContext: @unchecked Sendable {
    let label: String
    let readFD: Int32

    init(label: String, readFD: Int32) {
        self.label = label
        self.readFD = readFD
    }

    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Until the pipe speaks: wait half a second, then redraw every 100 ms.
    func draw() {
        defer { close(readFD) }
        let start = Self.now()
        var drawn = false
        var frame = 0
        while true {
            var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 100)
            if ready < 0 && errno == EINTR { continue }  // a signal, not the end
            if ready != 0 { break }
            let seconds = Self.now() - start
            guard seconds >= 0.5 else { continue }
            let tenths = Int(seconds * 10)
            Self.put("\r\u{1B}[2K\(Self.frames[frame % Self.frames.count]) \(label) \(tenths / 10).\(tenths % 10) s")
            frame += 1
            drawn = true
        }
        if drawn { Self.put("\r\u{1B}[2K") }
    }

    private static func put(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
