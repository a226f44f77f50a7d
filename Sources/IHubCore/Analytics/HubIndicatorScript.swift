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
/// Every call is one evaluation: the script is loaded again in a fresh
/// environment, so nothing stays behind in the shared globals and each
/// computation has the whole time budget.
struct HubIndicatorScript {
    let source: String
    /// "HUB/indicators": how messages name the script.
    let name: String

    /// Version of the script, as `source` of its definitions says it.
    var hash: String { FNV1a.hex(source) }

    /// The Lua glue: declaring, listing and computing. A short helper in a
    /// Swift string (as the process and pairing helpers are): a .lua file
    /// would need resource machinery the exported library does not have.
    static let helpers = #"""
        local function shown(v)
          local t = type(v)
          if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
          if t == "string" then return string.format("%q", #v > 80 and v:sub(1, 80) .. "..." or v) end
          return "a " .. t
        end

        -- Runs the script in a fresh environment where indicator{...}
        -- declares one; errors name the script's line that declared it.
        local function declare(source, script_name)
          local env = __ihub_fresh_env()
          local list, by_name = {}, {}
          env.indicator = function(spec)
            if type(spec) ~= "table" then error("indicator: expected a table {name = ..., compute = ...}, not " .. shown(spec), 2) end
            local name = spec.name
            if type(name) ~= "string" or #name > 64 or not name:match("^[a-z][a-z0-9_]*$") then
              error("indicator: name " .. shown(name) .. " is not an indicator name (a-z, 0-9 and _, starting with a letter, at most 64)", 2)
            end
            if by_name[name] then error("indicator: " .. shown(name) .. " is declared twice", 2) end
            if type(spec.compute) ~= "function" then error("indicator " .. name .. ": compute is " .. shown(spec.compute) .. "; expected a function (ctx)", 2) end
            by_name[name] = spec
            list[#list + 1] = spec
          end
          local chunk, err = load(source, "=" .. script_name, "t", env)
          if not chunk then error(err, 0) end
          chunk()
          return list, by_name
        end

        function __ihub_indicators_declare(source, script_name)
          local list = declare(source, script_name)
          local out = {}
          for i, s in ipairs(list) do
            out[i] = {name = s.name, description = s.description, level = s.level, type = s.type,
                      min = s.min, max = s.max, options = s.options}
          end
          return ihub.array(out)
        end

        function __ihub_indicators_compute(source, script_name, name, ctx)
          local _, by_name = declare(source, script_name)
          local spec = by_name[name]
          if spec == nil then error(script_name .. ": the script no longer declares " .. shown(name), 0) end
          local rows = spec.compute(ctx)
          if type(rows) ~= "table" then
            error(script_name .. ": " .. name .. ": compute returned " .. shown(rows) .. "; expected a list of rows {subject =, part =, value =, n =, detail =}", 0)
          end
          if rows[1] == nil and next(rows) ~= nil then
            error(script_name .. ": " .. name .. ": compute returned one row, not a list of rows: return {{value = ...}}", 0)
          end
          return ihub.array(rows)
        end
        """#

    /// The methodology context with the helpers loaded. Inside a running
    /// methodology script (a hub indicator reading ihub.indicator.compute)
    /// the one state is busy: nil, and the caller sees the built-in set only.
    static func context(_ engine: Engine) throws(IHubError) -> ScriptContext? {
        let context = try engine.methodology()
        do {
            _ = try context.eval(helpers, chunkname: "ihub-indicators")
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
