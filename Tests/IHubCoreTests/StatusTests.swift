import Testing
@testable import IHubCore

#if canImport(Glibc)
import Glibc
#endif

/// The engine's statuses are the IHUB_* codes of include/ihub.h: the same
/// numbers under the same names, none missing on either side.
@Suite struct StatusTests {
    /// `#define IHUB_NAME n` lines of the header's status list.
    static func headerStatuses() throws -> [(name: String, code: Int32)] {
        let header = String(#filePath.dropLast("Tests/IHubCoreTests/StatusTests.swift".count)) + "include/ihub.h"
        guard let f = fopen(header, "r") else { throw IHubError(.io, "cannot read \(header)") }
        defer { fclose(f) }
        var statuses: [(String, Int32)] = []
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), f) != nil {
            let words = String(cString: line).split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3, words[0] == "#define", words[1].hasPrefix("IHUB_"), let code = Int32(words[2]),
                  !words[1].hasPrefix("IHUB_LIMIT_"), !words[1].hasPrefix("IHUB_ABI") else { continue }
            statuses.append((String(words[1]), code))
        }
        return statuses
    }

    @Test func everyHeaderStatusIsAnEngineStatusOfTheSameName() throws {
        let header = try StatusTests.headerStatuses()
        #expect(header.count == Status.allCases.count)
        for (name, code) in header {
            #expect(Status(rawValue: code)?.name == name, "\(name) = \(code)")
        }
        #expect(Set(header.map(\.code)) == Set(Status.allCases.map(\.rawValue)))
    }
}
