import IHubCore

/// `ihub demo --methodology DIR --hub H`: the package put in force for the
/// hub right after the region is made, so that its rules classify the
/// hub's rounds and its policy pairs them — the demo cycle of that hub,
/// run by its own methodology.
extension Demo {
    static func loadMethodology(_ engine: Engine, hub: String, path: String) throws(IHubError) {
        let hubs = (try engine.call("hub.list").array ?? []).compactMap { $0["code"]?.string }
        guard hubs.contains(hub) else {
            throw IHubError(.invalid, "--hub: no hub \(IHubError.quoted(hub)) in the demo region (\(hubs.joined(separator: ", ")))")
        }
        let loaded = try engine.call("methodology.load", ["hub": .string(hub), "path": .string(path),
                                                          "note": .string("ihub demo --methodology \(path)")])
        let hooks = (loaded["hooks"]?.array ?? []).compactMap(\.string).joined(separator: ", ")
        print("\(hub)'s methodology (methodology.load): \(path), version \(loaded["version"]?.string ?? "?")"
              + (hooks.isEmpty ? "" : "; hooks \(hooks)") + "\n")
    }
}
