import Testing
@testable import IHubCore

/// Issue 7: what crosses from Lua back to the engine, at the level of the
/// script context (the Python suite test_trust_lua.py covers the methods).
@Suite struct ScriptOutputTests {
    @Test func helpersAreNamedByTheirLabelNeverByTheirChunk() throws {
        let m = try freshEngine(options: try Engine.Options(json: ["script_time_ms": 100])).methodology()
        _ = try m.eval("function __ihub_spin() while true do end end\nfunction __ihub_fail() error('boom') end", chunkname: "ihub-test")
        let spin = failure { try m.callGlobal("__ihub_spin", [], label: "EE-ACC/classify") }
        #expect(spin?.status == .limit)
        #expect(spin?.message == "EE-ACC/classify: time limit of 100 ms exceeded")
        let fail = failure { try m.callGlobal("__ihub_fail", [], label: "EE-ACC/classify") }
        #expect(fail?.status == .script && fail?.message == "EE-ACC/classify: boom")
    }

    @Test func anUncaughtHostErrorKeepsItsStatusThroughCallGlobal() throws {
        let engine = try freshEngine()  // the context holds it unowned
        let m = try engine.methodology()
        _ = try m.eval("function lookup(code) return ihub.school.get{code = code} end", chunkname: "policy.lua")
        let error = failure { try m.callGlobal("lookup", ["NOPE"]) }
        #expect(error?.status == .notFound)
        #expect(error?.message.hasPrefix("policy.lua:1: school.get: ") == true)
        // Caught, it is a value; a plain error afterwards is the script's own.
        _ = try m.eval("function caught() local ok, e = pcall(ihub.school.get, {code = 'NOPE'}) error('gave up: ' .. e) end", chunkname: "policy.lua")
        #expect(failure { try m.callGlobal("caught", []) }?.status == .script)
    }

    @Test func resultsConvertExactlyOrNotAtAll() throws {
        let admin = try freshEngine().admin()
        #expect(failure { try admin.eval("return {a = {0/0}}", chunkname: "t") }?.message.hasPrefix("t: returned value 1.a[0] is NaN") == true)
        guard case .done(let v, _) = try admin.eval("return {1, 2}, {[2] = 'b'}, 0.1", chunkname: "t") else { return }
        #expect(v == [[1, 2], ["2": "b"], 0.1])
    }
}
