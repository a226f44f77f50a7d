import Testing
@testable import IHubCore

@Suite struct ScriptTests {
    func values(_ context: ScriptContext, _ source: String) throws -> [JSON] {
        guard case .done(let values, _) = try context.eval(source, chunkname: "t") else {
            Issue.record("incomplete: \(source)")
            return []
        }
        return values
    }

    @Test func valuesCrossAsJSON() throws {
        let admin = try freshEngine().admin()
        #expect(try values(admin, "return 1, 2.5, 'Trøndelag', true, nil, {1, 2}, {a = {b = 'c'}}, {}")
                == [1, 2.5, "Trøndelag", true, nil, [1, 2], ["a": ["b": "c"]], .object([])])
        #expect(try values(admin, "return ihub.array({})") == [.array([])])
    }

    @Test func adminWritesThroughTheMethodTableAndKeepsGlobals() throws {
        let e = try engineWithHub()
        let admin = try e.admin()
        _ = try admin.eval("added = ihub.school.add{hub = 'EE-ACC', code = 'S3', name = 'Keila Kool', size = 310}", chunkname: "t")
        #expect(try values(admin, "return added.id, added.size") == [3, 310])
        #expect(try e.call("school.get", ["code": "S3"])["name"] == "Keila Kool")
    }

    @Test func methodologyReadsButIsRefusedWrites() throws {
        let e = try engineWithHub()
        let m = try e.methodology()
        #expect(try values(m, "return #ihub.school.list{hub = 'EE-ACC'}") == [2])
        let error = failure { try m.eval("ihub.school.add{hub = 'EE-ACC', code = 'S9', name = 'x'}", chunkname: "policy.lua") }
        #expect(error?.status == .misuse)  // the refusal keeps its status across Lua
        #expect(error?.message.contains("school.add: methodology scripts may not write") == true)
        #expect(try e.call("school.list").array?.count == 2)
    }

    @Test func incompleteChunksAreToldApart() throws {
        let admin = try freshEngine().admin()
        guard case .incomplete = try admin.eval("for i = 1, 3 do", chunkname: "stdin") else {
            Issue.record("not incomplete")
            return
        }
        #expect(failure { try admin.eval("for i = 1, 3 do print(i) end end", chunkname: "stdin") }?.status == .script)
        guard case .done(let v, _) = try admin.eval("1 + 1", chunkname: "stdin", expressionFirst: true) else { return }
        #expect(v == [2])
    }

    @Test func budgetsStopScriptsAndTheStateStaysUsable() throws {
        var options = Engine.Options()
        options = try Engine.Options(json: ["script_time_ms": 100, "script_memory_mb": 8])
        let m = try freshEngine(options: options).methodology()
        #expect(failure { try m.eval("while true do end", chunkname: "loop.lua") }?.message.hasPrefix("loop.lua:1: time limit of 100 ms exceeded") == true)
        #expect(failure { try m.eval("local t = {} for i = 1, 1e9 do t[i] = i end", chunkname: "grow.lua") }?.status == .limit)
        #expect(try values(m, "return 'still here'") == ["still here"])
        #expect(m.memoryUsed < 8 << 20)
    }

    @Test func callGlobalPassesJSONArguments() throws {
        let m = try freshEngine().methodology()
        _ = try m.eval("function gap(a, b) return b.level - a.level, a.name end", chunkname: "policy.lua")
        #expect(try m.callGlobal("gap", [["level": 1, "name": "Tartu"], ["level": 4]]) == [3, "Tartu"])
        #expect(failure { try m.callGlobal("missing", []) }?.status == .script)
    }
}

@Suite struct ScriptIsolationTests {
    @Test func methodologyScriptsLeaveNothingBehind() throws {
        let e = try freshEngine()
        _ = try e.call("script.eval", ["source": "leaked = 42; print = nil"])
        #expect(try e.call("script.eval", ["source": "return leaked == nil, type(print)"])["values"] == [true, "function"])
        // The admin context keeps its globals, as a REPL does.
        _ = try e.admin().eval("kept = 1", chunkname: "repl")
        guard case .done(let v, _) = try e.admin().eval("return kept", chunkname: "repl") else { return }
        #expect(v == [1])
    }
}

@Suite struct ScriptTamperingTests {
    /// A hub's script may do what it likes with its own environment; the next
    /// script, of this hub or another, starts from the same clean globals.
    @Test func aScriptCannotChangeWhatTheNextOneSees() throws {
        let e = try freshEngine()
        _ = try e.call("script.eval", ["source": """
            string.format = nil; math.max = function() return -1 end; ihub.array = nil
            _G.planted = 1; rawset(_G, "planted2", 2); load("planted3 = 3")()
            table.insert = error
            """])
        let seen = try e.call("script.eval", ["source": """
            return type(string.format), math.max(1, 2), type(ihub.array), planted, planted2, planted3, ("%d"):format(7)
            """])["values"]
        #expect(seen == ["function", 2, "function", nil, nil, nil, "7"])
    }
}
