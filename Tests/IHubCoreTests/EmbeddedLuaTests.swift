import Testing
@testable import IHubCore

/// The methodology's Lua lives in scripts/methodology/**/*.lua, embedded at
/// build time: every file compiles, every file is embedded as it is on disk,
/// no Swift source holds a Lua chunk, and the engine glue is defined once
/// per Lua state.
@Suite struct EmbeddedLuaTests {
    /// The repository, from this file's place in it.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/IHubCoreTests/EmbeddedLuaTests.swift
        return parts.joined(separator: "/")
    }()

    /// The files under `folder` (relative paths) whose name ends in `suffix`.
    static func files(under folder: String, suffix: String, prefix: String = "") throws -> [String] {
        var out: [String] = []
        for entry in try FileText.list(folder, at: "test") {
            let relative = prefix + entry.name
            if entry.isFolder {
                out += try files(under: folder + "/" + entry.name, suffix: suffix, prefix: relative + "/")
            } else if entry.name.hasSuffix(suffix) {
                out.append(relative)
            }
        }
        return out
    }

    /// The compile errors of the embedded files, "file:line: message" each.
    static func compileErrors(_ files: [String: String]) throws -> [String] {
        let engine = try Engine(path: ":memory:")
        var errors: [String] = []
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            do throws(IHubError) {
                try HubScriptMethods.compiles(engine, text, chunkname: name)
            } catch {
                errors.append(error.message)
            }
        }
        return errors
    }

    @Test func everyEmbeddedFileCompiles() throws {
        #expect(EmbeddedLua.files.count >= 12)
        let errors = try Self.compileErrors(EmbeddedLua.files)
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
        // The check names the file and the line of a syntax error.
        let broken = try Self.compileErrors(["default/broken.lua": "-- fine\nlocal x = = 1\n"])
        #expect(broken == ["default/broken.lua:2: unexpected symbol near '='"])
    }

    @Test func everyLuaFileIsEmbeddedAsItIs() throws {
        let folder = Self.root + "/scripts/methodology"
        let onDisk = try Self.files(under: folder, suffix: ".lua")
        #expect(onDisk.sorted() == EmbeddedLua.files.keys.sorted())
        for name in onDisk {
            let text = try FileText.read(folder + "/" + name, at: name)
            // The embedded text is the file's without its final newline.
            #expect(EmbeddedLua.files[name].map { $0 + "\n" == text || $0 == text } == true, "\(name)")
        }
        for name in ["default/pairing.lua", "default/process.lua", "engine/pairing.lua", "engine/process.lua",
                     "engine/instrument.lua", "engine/classify.lua", "engine/indicators.lua", "engine/insights.lua",
                     "engine/compile.lua", "demo/imereti/rules.lua", "demo/summary.lua"] {
            #expect(EmbeddedLua.files[name] != nil, "\(name) is embedded")
        }
    }

    @Test func noSwiftSourceHoldsALuaChunk() throws {
        let sources = Self.root + "/Sources"
        var found: [String] = []
        for file in try Self.files(under: sources, suffix: ".swift") {
            let text = try FileText.read(sources + "/" + file, at: file)
            for block in LuaInSwift.blocks(text) where LuaInSwift.looksLikeLua(block.lines) {
                found.append("Sources/\(file):\(block.line): a Lua chunk in a string literal (put it in scripts/methodology)")
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func theLuaDetectorTellsLuaFromProseAndSQL() {
        let swift = ##"""
            let a = """
                local n = 0
                for i = 1, 3 do n = n + i end
                return n
                """
            let b = """
                SELECT id FROM schools
                WHERE code = ? AND (CASE WHEN size > 0 THEN 1 ELSE 0 END) = 1
                ORDER BY id
                """
            let c = """
                Classify a hub's schools: the script's classify(subject, assessments) returns a class, \
                and the function may end the run; local rules come first.
                """
            let d = #"""
                function score(mentee, mentor)
                  return 1
                end
                """#
            """##
        let blocks = LuaInSwift.blocks(swift)
        #expect(blocks.map(\.line) == [1, 6, 11, 15])
        #expect(blocks.map { LuaInSwift.looksLikeLua($0.lines) } == [true, false, false, true])
    }

    @Test func glueIsDefinedOncePerState() throws {
        let e = try freshEngine()
        _ = try e.call("demo.populate", ["seed": 1, "scale": 0.2])
        for _ in 0..<2 {
            _ = try e.call("classification.run", ["hub": "GE-IMR", "round": "GE-IMR-R2", "subject": "school"])
            _ = try e.call("pairing.propose", ["hub": "GE-IMR", "round": "GE-IMR-R2"])
            _ = try e.call("script.set", ["hub": "GE-IMR", "name": "notes", "source": "return 1"])
        }
        let counts = try e.methodology().glueEvaluations
        #expect(counts["engine/classify.lua"] == 1)
        #expect(counts["engine/pairing.lua"] == 1)
        #expect(counts["engine/compile.lua"] == 1)
        #expect(counts.values.allSatisfy { $0 == 1 })
    }
}

/// Finds multi-line string literals in Swift text and tells whether one
/// reads as Lua (a `local`, `function` or `end` line and a Lua keyword line
/// more: prose and SQL have neither).
enum LuaInSwift {
    struct Block {
        let line: Int  // of the opening delimiter, from 1
        let lines: [Substring]
    }

    static func blocks(_ text: String) -> [Block] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [Block] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            // An opening delimiter ends its line: `"""` or `#"""`.
            if line.hasSuffix("\"\"\"") && !line.trimmingPrefix(while: { $0 == " " }).hasPrefix("\"\"\"") {
                var j = i + 1
                while j < lines.count && !lines[j].trimmingPrefix(while: { $0 == " " }).hasPrefix("\"\"\"") { j += 1 }
                out.append(Block(line: i + 1, lines: Array(lines[(i + 1)..<min(j, lines.count)])))
                i = j + 1
            } else {
                i += 1
            }
        }
        return out
    }

    static func looksLikeLua(_ lines: [Substring]) -> Bool {
        var structural = 0, keywords = 0
        for raw in lines {
            let line = raw.trimmingPrefix(while: { $0 == " " })
            if line.hasPrefix("local ") || line.hasPrefix("function ") || line.hasPrefix("local function ") || line == "end"
                || line.hasPrefix("end)") || line.hasPrefix("end,") {
                structural += 1
            }
            if line.hasPrefix("return ") || line.hasPrefix("if ") && line.hasSuffix(" then") || line.hasPrefix("for ") && line.contains(" do")
                || line.hasPrefix("--") {
                keywords += 1
            }
        }
        return structural >= 1 && structural + keywords >= 2
    }
}
