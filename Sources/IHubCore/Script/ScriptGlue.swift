import IHubLua

/// The engine's Lua glue (scripts/methodology/engine/*.lua, embedded at
/// build time): helper functions a context defines once, as globals of its
/// state, and calls for every hook run afterwards. Hub scripts run in fresh
/// environments over these globals, so what they assign never reaches them.
extension ScriptContext {
    /// Defines the glue of `engine/<name>.lua` in this state unless it was
    /// already. A state that is running an evaluation (a host callback calling
    /// back into its own state) is refused as an evaluation would be, so that
    /// callers see the same error whether or not the glue is there yet.
    func loadGlue(_ name: String) throws(IHubError) {
        let file = "engine/\(name).lua"
        if ihl_is_busy(state) != 0 { throw IHubError(.script, "the state is busy with another evaluation") }
        guard glueEvaluations[file] == nil else { return }
        guard let source = EmbeddedLua.files[file] else { throw IHubError(.error, "\(file): no such embedded Lua file") }
        // "ihub-" marks the chunk as ihub's own: tracebacks leave its frames
        // out and messages name the hub's script instead (sandbox.c).
        _ = try eval(source, chunkname: "ihub-\(name)")
        glueEvaluations[file, default: 0] += 1
    }
}
