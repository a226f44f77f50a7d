import IHubAPI
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What an `ihub *` points at: an engine behind a lock, and the status and
/// message of the last call.
final class Handle: Sendable {
    struct State {
        var engine: Engine?
        var status: Int32 = IHUB_OK
        var message: UnsafeMutablePointer<CChar>? = nil
    }

    let state: Lock<State>

    init(engine: sending Engine) { state = Lock(State(engine: engine)) }

    deinit { state.withLock { free($0.message) } }

    /// Runs `body` on the engine with the lock held, records the outcome as
    /// the handle's last status and message, and returns the status.
    func run(_ body: (Engine) throws(IHubError) -> Void) -> Int32 {
        state.withLock { s in
            free(s.message)
            s.message = nil
            guard let engine = s.engine else {
                s.status = IHUB_MISUSE
                return fail(IHUB_MISUSE, "the handle is closed")
            }
            do throws(IHubError) {
                try body(engine)
                s.status = IHUB_OK
            } catch {
                s.status = statusCode(error.status)
                s.message = strdup(error.message)
                LastError.set(error)
            }
            return s.status
        }
    }
}

/// The handles that are open, by address. A call first looks its handle up
/// here, so a closed handle is reported as misuse instead of being touched,
/// and the strong reference taken keeps it alive while a call runs.
let openHandles = Lock<[UInt: Handle]>([:])

func lookUp(_ h: OpaquePointer?) -> Handle? {
    guard let h else { return nil }
    return openHandles.withLock { $0[UInt(bitPattern: h)] }
}

func register(_ handle: Handle) -> OpaquePointer {
    let pointer = OpaquePointer(Unmanaged.passUnretained(handle).toOpaque())
    openHandles.withLock { $0[UInt(bitPattern: pointer)] = handle }
    return pointer
}

func unregister(_ h: OpaquePointer) -> Handle? {
    openHandles.withLock { $0.removeValue(forKey: UInt(bitPattern: h)) }
}

/// The calling thread's last failure: its message (ihub_last_error) and the
/// same failure as a JSON document (ihub_last_error_json).
enum LastError {
    private static let messageKey = key()
    private static let documentKey = key()

    private static func key() -> pthread_key_t {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }

    static func set(_ error: IHubError) {
        free(pthread_getspecific(messageKey))
        pthread_setspecific(messageKey, strdup(error.message))
        free(pthread_getspecific(documentKey))
        pthread_setspecific(documentKey, strdup(error.document.serialized()))
    }

    static var current: UnsafePointer<CChar>? {
        pthread_getspecific(messageKey).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }

    static var document: UnsafePointer<CChar>? {
        pthread_getspecific(documentKey).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }
}

/// Records a failure that has no handle to hold it; returns the status.
func fail(_ status: Int32, _ message: String) -> Int32 {
    LastError.set(IHubError(Status(rawValue: status) ?? .error, message))
    return status
}

/// A C string argument as Swift text; nil with the error recorded when it is
/// NULL or not UTF-8.
func text(_ p: UnsafePointer<CChar>?, _ name: String) throws(IHubError) -> String {
    guard let p else { throw IHubError(.misuse, "\(name) is NULL") }
    guard let s = String(validatingCString: p) else { throw IHubError(.invalid, "\(name): invalid UTF-8") }
    return s
}

/// The header's code for an engine status. Spelled out name by name, so a
/// renumbered header cannot drift from the engine unnoticed.
func statusCode(_ status: Status) -> Int32 {
    switch status {
    case .ok: return IHUB_OK
    case .error: return IHUB_ERROR
    case .invalid: return IHUB_INVALID
    case .notFound: return IHUB_NOTFOUND
    case .conflict: return IHUB_CONFLICT
    case .constraint: return IHUB_CONSTRAINT
    case .script: return IHUB_SCRIPT
    case .limit: return IHUB_LIMIT
    case .noMemory: return IHUB_NOMEM
    case .io: return IHUB_IO
    case .corrupt: return IHUB_CORRUPT
    case .busy: return IHUB_BUSY
    case .misuse: return IHUB_MISUSE
    case .version: return IHUB_VERSION
    }
}

/// Static C strings handed out by ihub_version, ihub_status_name and the
/// fixed messages; allocated once, never freed.
enum StaticText {
    nonisolated(unsafe) static let version: UnsafeMutablePointer<CChar> = strdup(IHubInfo.version)
    nonisolated(unsafe) static let statusNames: [Int32: UnsafeMutablePointer<CChar>] =
        Dictionary(uniqueKeysWithValues: Status.allCases.map { (statusCode($0), strdup($0.name)!) })
    nonisolated(unsafe) static let unknownStatus: UnsafeMutablePointer<CChar> = strdup("IHUB_UNKNOWN")
    nonisolated(unsafe) static let notAnError: UnsafeMutablePointer<CChar> = strdup("not an error")
    nonisolated(unsafe) static let noErrorDocument: UnsafeMutablePointer<CChar> =
        strdup(IHubError(.ok, "not an error").document.serialized())
    nonisolated(unsafe) static let badHandle: UnsafeMutablePointer<CChar> = strdup("the handle is NULL or closed")
}
