/// A hub's "indicators" script, evaluated in the methodology context
/// (read-only, budgeted). The script declares its indicators by calling
/// `indicator{...}`:
///
///     indicator{
///       name = "late_sessions", description = "Sessions logged a week late",
///       level = "hub", type = "count",            -- min/max narrow the type's range
///       options = {{name = "days", type = "integer", description = "lateness (default 7)"}},
///       compute = function(ctx)                   -- ctx: hub, window, as_of, options, k
///         local list = ihub.activity.list{hub = ctx.hub, from = ctx.window.from, to = ctx.window.to}
///         return {{value = #list, detail = {activities = #list}}}
///       end,
///     }
///
/// A row's detail is at most `Limits.longText` of JSON (it is stored with
/// every snapshot). Every call is one evaluation: the script is loaded again in a fresh
/// environment, so nothing stays behind in the shared globals and each
/// computation has the whole time budget.
struct HubIndicatorScript {
    let source: String
    /// "HUB/indicators": how messages name the script.
    let name: String

    /// Version of the script, as `source` of its definitions says it.
    var hash: String { FNV1a.hex(source) }

    /// The methodology context with the helpers loaded. Inside a running
    /// methodology script (a hub indicator reading ihub.indicator.compute)
    /// the one state is busy: nil, and the caller sees the built-in set only.
    static func context(_ engine: Engine) throws(IHubError) -> ScriptContext? {
        let context = try engine.methodology()
        do {
            try context.loadGlue("indicators")  // scripts/methodology/engine/indicators.lua
        } catch where error.message.hasSuffix("the state is busy with another evaluation") {
            return nil
        }
        return context
    }

    /// The declarations, as the script made them (checked by HubIndicators).
    func declarations(_ context: ScriptContext) throws(IHubError) -> [JSON] {
        let values = try context.callGlobal("__ihub_indicators_declare", [.string(source), .string(name)], label: name)
        return values.first?.array ?? []
    }

    /// The rows `compute` of indicator `local` returned for `ctx`.
    func compute(_ context: ScriptContext, local: String, ctx: JSON) throws(IHubError) -> [JSON] {
        let values = try context.callGlobal("__ihub_indicators_compute", [.string(source), .string(name), .string(local), ctx],
                                            label: "\(name): \(local)")
        return values.first?.array ?? []
    }
}
