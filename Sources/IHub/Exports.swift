import IHubAPI
import IHubCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The implementations of include/ihub.h, one per declaration. The compiler
// checks each signature against the header (@c @implementation); the header
// documents them.

@c @implementation
public func ihub_abi_version() -> Int32 { IHUB_ABI_VERSION }

@c @implementation
public func ihub_version() -> UnsafePointer<CChar>? { UnsafePointer(StaticText.version) }

@c @implementation
public func ihub_status_name(_ status: Int32) -> UnsafePointer<CChar>? {
    UnsafePointer(StaticText.statusNames[status] ?? StaticText.unknownStatus)
}

@c @implementation
public func ihub_open(_ path: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32
{
    guard let out else { return fail(IHUB_MISUSE, "ihub_open: out is NULL") }
    out.pointee = nil
    do throws(IHubError) {
        let path = try text(path, "path")
        var options = Engine.Options()
        if let optionsJSON {
            let source = try text(optionsJSON, "options_json")
            options = try Engine.Options(json: try Engine.parse(source, at: "options_json"))
        }
        let engine = try Engine(path: path, options: options)
        out.pointee = register(Handle(engine: engine))
        return IHUB_OK
    } catch {
        return fail(statusCode(error.status), error.message)
    }
}

@c @implementation
public func ihub_close(_ h: OpaquePointer?) {
    guard let h, let handle = unregister(h) else { return }
    // Waits for a call in flight on another thread, then closes for good.
    handle.state.withLock { s in
        s.engine?.close()
        s.engine = nil
    }
}

@c @implementation
public func ihub_call(_ h: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ paramsJSON: UnsafePointer<CChar>?,
                      _ resultJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    resultJSON?.pointee = nil
    guard let handle = lookUp(h) else { return fail(IHUB_MISUSE, "ihub_call: the handle is NULL or closed") }
    return handle.run { engine throws(IHubError) in
        guard let resultJSON else { throw IHubError(.misuse, "ihub_call: result_json is NULL") }
        let name = try text(method, "method")
        let result: String
        if let paramsJSON {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(paramsJSON).assumingMemoryBound(to: UInt8.self),
                                            count: strlen(paramsJSON))
            result = try engine.call(name, paramsText: bytes)
        } else {
            result = try engine.call(name, paramsText: nil)
        }
        resultJSON.pointee = strdup(result)
    }
}

@c @implementation
public func ihub_eval(_ h: OpaquePointer?, _ luaSource: UnsafePointer<CChar>?,
                      _ resultJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    resultJSON?.pointee = nil
    guard let handle = lookUp(h) else { return fail(IHUB_MISUSE, "ihub_eval: the handle is NULL or closed") }
    return handle.run { engine throws(IHubError) in
        guard let resultJSON else { throw IHubError(.misuse, "ihub_eval: result_json is NULL") }
        let source = try text(luaSource, "lua_source")
        switch try engine.admin().eval(source, chunkname: "eval") {
        case .done(let values, let output):
            resultJSON.pointee = strdup(JSON.object([.init("values", .array(values)),
                                                     .init("output", .string(output))]).serialized())
        case .incomplete(let message):
            throw IHubError(.script, message)
        }
    }
}

@c @implementation
public func ihub_errcode(_ h: OpaquePointer?) -> Int32 {
    guard let handle = lookUp(h) else { return IHUB_MISUSE }
    return handle.state.withLock { $0.status }
}

@c @implementation
public func ihub_errmsg(_ h: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let handle = lookUp(h) else { return UnsafePointer(StaticText.badHandle) }
    return handle.state.withLock { UnsafePointer($0.message ?? StaticText.notAnError) }
}

@c @implementation
public func ihub_last_error() -> UnsafePointer<CChar>? {
    LastError.current ?? UnsafePointer(StaticText.notAnError)
}

@c @implementation
public func ihub_last_error_json() -> UnsafePointer<CChar>? {
    LastError.document ?? UnsafePointer(StaticText.noErrorDocument)
}

@c @implementation
public func ihub_free(_ p: UnsafeMutableRawPointer?) { free(p) }
