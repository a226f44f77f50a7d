/// The default pairing policy, embedded in the library (the one copy of its
/// text; `pairing.policy` returns it). A hub's "pairing" script runs after it
/// in the same fresh environment, so it overrides any of these globals.
enum DefaultPolicy {
    /// scripts/methodology/default/pairing.lua
    static let source = EmbeddedLua.files["default/pairing.lua"]!
}
