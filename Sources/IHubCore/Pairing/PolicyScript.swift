import IHubLua

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pairing policy loaded in the methodology context: the default text,
/// then the hub's "pairing" script in the same fresh environment. Records
/// are built as Lua tables once per run and kept in the registry; the score
/// loop (ihl_score_pairs) pushes references, never JSON per pair.
final class PolicyScript {
    /// What the policy sets, beside its functions.
    struct Settings {
        var sameHub = true
        var sameLanguage = true
        var maxKm: Double?
        var crossSchool = "paired"
        var mentorMax = 1
        var menteeMin = 0
        var menteeMax = 1
        var noRepeat = true

        var capacityJSON: JSON {
            ["mentor_max": .int(Int64(mentorMax)), "mentee_min": .int(Int64(menteeMin)), "mentee_max": .int(Int64(menteeMax))]
        }
    }

    /// A record's role by the policy's `eligible`: nil role with the reason.
    struct Role {
        let role: String?
        let reason: String?
        var mentee: Bool { role == "mentee" || role == "both" }
        var mentor: Bool { role == "mentor" || role == "both" }
    }

    let context: ScriptContext
    let name: String          // "HUB/pairing", or "HUB: default pairing policy" without one
    let hash: String          // the policy version
    let hubSource: String?
    private(set) var roles: [Role] = []
    private(set) var settings = Settings()
    private var refs: [Int32] = [0, 0]

    /// The helpers, defined in the methodology state before each use.
    static let helpers = #"""
        -- A value as a message shows it: numbers by value (nan, inf, 1e+300),
        -- text quoted and cut, anything else by its type.
        function __ihub_shown(v)
          local t = type(v)
          if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
          if t == "string" then return string.format("%q", #v > 80 and v:sub(1, 80) .. "..." or v) end
          return "a " .. t
        end
        local shown = __ihub_shown
        function __ihub_pairing_env(default_source, hub_source, hub_name)
          local env = __ihub_fresh_env()
          local chunk, err = load(default_source, "=ihub-pairing-default", "t", env)
          if not chunk then error(err, 0) end
          chunk()
          if hub_source ~= nil then
            chunk, err = load(hub_source, "=" .. hub_name, "t", env)
            if not chunk then error(err, 0) end
            chunk()
          end
          for _, f in ipairs({"score", "eligible"}) do
            if type(rawget(env, f)) ~= "function" then
              error(hub_name .. ": the policy defines no function " .. f, 0)
            end
          end
          return env
        end
        -- The policy's settings, checked before they leave Lua: a function,
        -- NaN or 1e300 is named with its place, not converted.
        local function table_at(hub_name, where, v)
          if v == nil then return {} end
          if type(v) ~= "table" then error(hub_name .. ": " .. where .. " is " .. shown(v) .. "; expected a table", 0) end
          return v
        end
        local function count(hub_name, where, v, default)
          if v == nil then return default end
          if math.type(v) == nil or v ~= math.floor(v) or v < 0 or v > 1000000 then
            error(hub_name .. ": " .. where .. " is " .. shown(v) .. "; expected a whole number from 0 to 1000000", 0)
          end
          return math.tointeger(v)
        end
        function __ihub_pairing_settings(env, hub_name, level)
          local b = table_at(hub_name, "blocking", rawget(env, "blocking"))
          local c = table_at(hub_name, "capacity." .. level, table_at(hub_name, "capacity", rawget(env, "capacity"))[level])
          local km = b.max_km
          if km ~= nil and (math.type(km) == nil or km ~= km or km < 0 or km == math.huge) then
            error(hub_name .. ": blocking.max_km is " .. shown(km) .. "; expected a number of km (0 or more) or nil", 0)
          end
          if b.cross_school ~= nil and type(b.cross_school) ~= "string" then
            error(hub_name .. ": blocking.cross_school is " .. shown(b.cross_school) .. "; expected \"paired\", \"any\" or \"none\"", 0)
          end
          local where = "capacity." .. level .. "."
          return {
            same_hub = b.same_hub ~= false, same_language = b.same_language ~= false,
            max_km = km == nil and ihub.null or km, cross_school = b.cross_school or "paired",
            mentor_max = count(hub_name, where .. "mentor_max", c.mentor_max, 1),
            mentee_min = count(hub_name, where .. "mentee_min", c.mentee_min, 0),
            mentee_max = count(hub_name, where .. "mentee_max", c.mentee_max, 1),
            no_repeat = rawget(env, "no_repeat") ~= false,
          }
        end
        function __ihub_pairing_prepare(default_source, hub_source, hub_name, level, records)
          local env = __ihub_pairing_env(default_source, hub_source, hub_name)
          local roles = {}
          for i = 1, #records do
            local role, why = env.eligible(records[i], level)
            if role ~= nil and role ~= "mentor" and role ~= "mentee" and role ~= "both" then
              error(hub_name .. ": eligible(" .. records[i].code .. ") returned " .. shown(role)
                .. "; expected \"mentor\", \"mentee\", \"both\" or nil", 0)
            end
            if why ~= nil and type(why) ~= "string" then
              error(hub_name .. ": eligible(" .. records[i].code .. ") returned " .. shown(why)
                .. " as the reason; expected a string or nil", 0)
            end
            if role == nil and why == nil then why = "not eligible by the policy" end
            roles[i] = ihub.array({role == nil and ihub.null or role, why == nil and ihub.null or why})
          end
          return env.score, records, ihub.array(roles), __ihub_pairing_settings(env, hub_name, level)
        end
        function __ihub_pairing_explain(default_source, hub_source, hub_name, mentee, mentor)
          local env = __ihub_pairing_env(default_source, hub_source, hub_name)
          local total, why = env.score(mentee, mentor)
          local pair = "(" .. tostring(mentee.code) .. ", " .. tostring(mentor.code) .. ") returned "
          if total ~= nil and total ~= false and (math.type(total) == nil or total ~= total or math.abs(total) > 1e15) then
            error(hub_name .. ": score" .. pair .. shown(total) .. "; expected a finite number from -1e15 to 1e15, or nil", 0)
          end
          if why ~= nil and type(why) ~= "string" then
            error(hub_name .. ": score" .. pair .. "nil and " .. shown(why) .. " as the reason; expected a string", 0)
          end
          local names = {}
          local weights = (rawget(env, "weights") or {})[mentee.kind] or {}
          if type(env.criteria_of) == "function" then
            names = env.criteria_of(mentee.kind)
          else
            for name in pairs(weights) do names[#names + 1] = name end
            table.sort(names)
          end
          local parts = {}
          for _, name in ipairs(names) do
            local f = (rawget(env, "criteria") or {})[name]
            local v = type(f) == "function" and f(mentee, mentor) or 0
            if math.type(v) == nil or v ~= v or math.abs(v) == math.huge then
              error(hub_name .. ": criteria." .. name .. pair .. shown(v) .. "; expected a finite number", 0)
            end
            local w = weights[name] or 0
            parts[#parts + 1] = {criterion = name, value = v, weight = w, contribution = w * v}
          end
          return type(total) == "number" and total or ihub.null, why == nil and ihub.null or why, ihub.array(parts)
        end
        """#

    init(engine: Engine, hubID: Int64, hubCode: String) throws(IHubError) {
        context = try engine.methodology()
        let stored = try HubScriptMethods.load(engine.db, hubID: hubID, name: "pairing")
        hubSource = stored?.source
        name = stored == nil ? "\(hubCode): default pairing policy" : "\(hubCode)/pairing"
        hash = PolicyScript.version(hubSource)
        _ = try context.eval(PolicyScript.helpers, chunkname: "ihub-pairing")
    }

    deinit { release() }

    /// The version of the default text followed by a hub's script.
    static func version(_ hubSource: String?) -> String {
        FNV1a.hex(DefaultPolicy.source + "\u{0}" + (hubSource ?? ""))
    }

    private var sourceArgs: [JSON] {
        [.string(DefaultPolicy.source), hubSource.map(JSON.string) ?? .null, .string(name)]
    }

    /// Loads the policy, builds the records' tables (kept for `score`) and
    /// asks `eligible` about each record.
    func prepare(level: String, records: [JSON]) throws(IHubError) {
        release()
        let args = JSON.array(sourceArgs + [.string(level), .array(records)]).serialized()
        var result: UnsafeMutablePointer<CChar>?
        let outcome = refs.withUnsafeMutableBufferPointer { buffer in
            ihl_call_keep(context.state, "__ihub_pairing_prepare", args, args.utf8.count, 2, buffer.baseAddress, &result)
        }
        defer { free(result) }
        let text = result.map { String(cString: $0) } ?? "out of memory"
        guard outcome == Int32(IHL_OK) else { throw failure(outcome, text) }
        let values: JSON
        do { values = try JSONParser.parse(text) } catch { throw IHubError(.script, "\(name): cannot read the policy's settings: \(error.message)") }
        let list = values.array ?? []
        guard list.count == 2, let roleList = list[0].array, roleList.count == records.count else {
            throw IHubError(.script, "\(name): the policy's eligibility answers do not match the \(records.count) records")
        }
        roles = roleList.map { Role(role: $0.array?.first?.string, reason: ($0.array?.count ?? 0) > 1 ? $0.array![1].string : nil) }
        settings = try PolicyScript.read(list[1], name)
    }

    private static func read(_ s: JSON, _ name: String) throws(IHubError) -> Settings {
        var out = Settings()
        func count(_ key: String, _ low: Int) throws(IHubError) -> Int {
            guard let v = s[key]?.double, v == v.rounded(), v >= Double(low), v <= 1_000_000 else {
                throw IHubError(.script, "\(name): capacity \(key) must be a whole number from \(low), got \(s[key]?.serialized() ?? "nothing")")
            }
            return Int(v)
        }
        out.mentorMax = try count("mentor_max", 0)
        out.menteeMin = try count("mentee_min", 0)
        out.menteeMax = try count("mentee_max", 0)
        guard out.menteeMin <= out.menteeMax else {
            throw IHubError(.script, "\(name): capacity mentee_min (\(out.menteeMin)) is above mentee_max (\(out.menteeMax))")
        }
        out.sameHub = s["same_hub"]?.bool ?? true
        out.sameLanguage = s["same_language"]?.bool ?? true
        out.noRepeat = s["no_repeat"]?.bool ?? true
        if let km = s["max_km"], !km.isNull {
            guard let d = km.double, d >= 0 else { throw IHubError(.script, "\(name): blocking.max_km must be a number of km, got \(km.serialized())") }
            out.maxKm = d
        }
        let cross = s["cross_school"]?.string ?? "paired"
        guard ["paired", "any", "none"].contains(cross) else {
            throw IHubError(.script, "\(name): blocking.cross_school must be \"paired\", \"any\" or \"none\", got \"\(cross)\"")
        }
        out.crossSchool = cross
        return out
    }

    /// score(records[mentee[i]], records[mentor[i]]) for every i; NaN where
    /// the policy excludes the pair, with the index of its reason in
    /// `reasons` (nil: none given). One evaluation under the budgets; a value
    /// the solvers cannot take is an error naming the pair (pairing.c).
    func score(mentees: [Int32], mentors: [Int32]) throws(IHubError) -> (scores: [Double], why: [Int32], reasons: [String]) {
        precondition(mentees.count == mentors.count)
        var out = [Double](repeating: .nan, count: mentees.count)
        var why = [Int32](repeating: 0, count: mentees.count)
        guard !out.isEmpty else { return (out, why, []) }
        var result: UnsafeMutablePointer<CChar>?
        let outcome = mentees.withUnsafeBufferPointer { a in
            mentors.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    why.withUnsafeMutableBufferPointer { w in
                        ihl_score_pairs(context.state, name, refs[0], refs[1], a.baseAddress, b.baseAddress, a.count, o.baseAddress,
                                        w.baseAddress, &result)
                    }
                }
            }
        }
        defer { free(result) }
        let text = result.map { String(cString: $0) } ?? "out of memory"
        guard outcome == Int32(IHL_OK) else { throw failure(outcome, text) }
        let values: JSON
        do { values = try JSONParser.parse(text) } catch { throw IHubError(.script, "\(name): cannot read the exclusion reasons: \(error.message)") }
        return (out, why, (values.array?.first?.array ?? []).map { $0.string ?? "" })
    }

    /// Frees the records' tables once no more scoring follows (explain keeps
    /// the setup, not the tables).
    func releaseRecords() { release() }

    /// One pair in detail: the total (nil when excluded), the exclusion
    /// reason and each criterion's value, weight and contribution.
    func explain(mentee: JSON, mentor: JSON) throws(IHubError) -> (total: Double?, excluded: String?, criteria: JSON) {
        let values = try context.callGlobal("__ihub_pairing_explain", sourceArgs + [mentee, mentor], label: name)
        return (values.first?.double, values.count > 1 ? values[1].string : nil, values.count > 2 ? values[2] : .array([]))
    }

    private func release() {
        refs.withUnsafeBufferPointer { ihl_release(context.state, $0.baseAddress, Int32($0.count)) }
        refs = [0, 0]
    }

    /// The context's error (a failed ihub.* call keeps its status), named
    /// after the policy.
    func failure(_ outcome: Int32, _ message: String) -> IHubError {
        context.failure(outcome, message.hasPrefix(name) || message.hasPrefix("__ihub") ? message : "\(name): \(message)")
    }
}
