/// The default process model, the Dynamic Process Model, embedded in the
/// library (the one copy of its text; `process.model` returns it). A hub's
/// "process" script runs after it in the same fresh environment and edits it
/// (see scripts/methodology/engine/process.lua for rename, describe, drop, add, step, rule).
enum DefaultProcess {
    /// The step codes of the default model, in order (others rely on them).
    static let codes = ["initiative", "anchoring", "joint_planning", "mapping_needs", "new_perspectives",
                        "development_actions", "reflection"]

    /// scripts/methodology/default/process.lua
    static let source = EmbeddedLua.files["default/process.lua"]!
}
