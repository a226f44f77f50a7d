/// Putting a methodology package in force for a hub.
enum MethodologyLoad {
    /// What a load did.
    struct Loaded {
        let version: MethodologyVersionRow
        /// False when the hub had this version already (loading it again
        /// puts it back in force and stores nothing new).
        let isNew: Bool
    }

    /// Makes `package` the hub's methodology, in the caller's transaction:
    /// each hook file becomes the hub's stored script of that hook (checked
    /// to compile; a hook the package lacks goes back to the default), each
    /// `instruments/<code>.lua` is declared for the hub, and the version is
    /// recorded with its files and put in force. Errors name the file.
    static func load(_ engine: Engine, hubID: Int64, hub: String, package: MethodologyPackage,
                     note: String?) throws(IHubError) -> Loaded {
        let db = engine.db
        for file in package.files {
            if let script = MethodologyPackage.script(of: file.name) {
                try HubScriptMethods.compiles(engine, file.source, chunkname: "\(hub)/\(file.name)")
                try db.scripts.set(hubID: hubID, name: script, source: file.source, hash: file.hash)
            } else {
                do {
                    _ = try InstrumentMethods.define(engine, source: file.source, hub: hub)
                } catch {
                    throw IHubError(error.status, "\(file.name): \(error.message)")
                }
            }
        }
        for hook in MethodologyPackage.hooks where !package.files.contains(where: { $0.name == hook.file }) {
            _ = try db.scripts.remove(hubID: hubID, name: hook.script)
        }
        let hash = package.hash
        var isNew = false
        if try db.methodology.version(hubID: hubID, hash: hash) == nil {
            _ = try db.methodology.insertVersion(hubID: hubID, hash: hash, note: note, files: package.files)
            isNew = true
        }
        guard let version = try db.methodology.version(hubID: hubID, hash: hash) else {
            throw IHubError(.error, "methodology: version \(hash) was stored but cannot be read back")
        }
        try db.methodology.setCurrent(hubID: hubID, versionID: version.id)
        return Loaded(version: version, isNew: isNew)
    }
}

extension MethodologyLoad {
    /// The methodology a decision about the hub records: the hash of the
    /// package version in force; "default" for a hub with no scripts of its
    /// own; "scripts:<hash>" of its stored scripts when they were set one by
    /// one (script.set takes a package out of force).
    static func label(_ db: Database, hubID: Int64) throws(IHubError) -> String {
        if let version = try db.methodology.current(hubID: hubID) { return version.hash }
        let scripts = try db.scripts.scripts(hubID: hubID)
        if scripts.isEmpty { return "default" }
        return "scripts:" + FNV1a.hex(scripts.map { $0.name + "\u{0}" + $0.hash }.joined(separator: "\u{0}"))
    }
}
