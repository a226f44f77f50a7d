/// What changed between two versions of a methodology: per file added,
/// removed or changed, and for a changed file a unified line diff (three
/// lines of context, as `diff -u` prints it), by Myers' O(ND) algorithm.
enum MethodologyDiff {
    enum Change: String { case added, removed, changed }

    struct FileChange {
        let name: String
        let change: Change
        let fromHash: String?
        let toHash: String?
        /// The unified diff of the file's lines ("" for an added or
        /// removed file, whose whole text is the other side's).
        let diff: String
    }

    /// The files that differ between `from` and `to` (by name), in name
    /// order, and the names of those that are the same.
    static func compare(from: [MethodologyPackage.File], to: [MethodologyPackage.File],
                        fromLabel: String, toLabel: String) -> (changes: [FileChange], unchanged: [String]) {
        let old = Dictionary(from.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(to.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [FileChange] = [], unchanged: [String] = []
        for name in Set(old.keys).union(new.keys).sorted() {
            switch (old[name], new[name]) {
            case let (a?, b?) where a.source == b.source:
                unchanged.append(name)
            case let (a?, b?):
                let text = unified(a.source, b.source, fromName: "\(fromLabel)/\(name)", toName: "\(toLabel)/\(name)")
                changes.append(FileChange(name: name, change: .changed, fromHash: a.hash, toHash: b.hash, diff: text))
            case let (a?, nil):
                let text = unified(a.source, "", fromName: "\(fromLabel)/\(name)", toName: "/dev/null")
                changes.append(FileChange(name: name, change: .removed, fromHash: a.hash, toHash: nil, diff: text))
            case let (nil, b?):
                let text = unified("", b.source, fromName: "/dev/null", toName: "\(toLabel)/\(name)")
                changes.append(FileChange(name: name, change: .added, fromHash: nil, toHash: b.hash, diff: text))
            case (nil, nil):
                break
            }
        }
        return (changes, unchanged)
    }

    /// A line and whether a line feed ends it (only the last may lack
    /// one: diff's "\\ No newline at end of file"), so that adding the
    /// final line feed is a change.
    struct Line: Equatable {
        let text: Substring
        let ended: Bool
    }

    static func lines(_ text: String) -> [Line] {
        if text.isEmpty { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        let ended = text.hasSuffix("\n")
        if ended { parts.removeLast() }
        return parts.indices.map { Line(text: parts[$0], ended: ended || $0 < parts.count - 1) }
    }

    /// One line of an edit script: kept, deleted from a, inserted from b.
    enum Edit: Equatable {
        case keep(a: Int, b: Int)
        case delete(a: Int)
        case insert(b: Int)
    }

    /// Beyond this many differing lines the diff is not searched for a
    /// shortest form (its trace grows with the square of the distance):
    /// the middle is shown as removed, then added, which is still correct.
    static let maxDistance = 2000

    /// The shortest edit script from `a` to `b` (Myers 1986), common head
    /// and tail trimmed first.
    static func edits<T: Equatable>(_ a: [T], _ b: [T]) -> [Edit] {
        var head = 0
        while head < a.count && head < b.count && a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head && tail < b.count - head && a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        var out: [Edit] = (0..<head).map { .keep(a: $0, b: $0) }
        out += middle(a, b, from: head, aEnd: a.count - tail, bEnd: b.count - tail)
        out += (0..<tail).map { .keep(a: a.count - tail + $0, b: b.count - tail + $0) }
        return out
    }

    private static func middle<T: Equatable>(_ a: [T], _ b: [T], from s: Int, aEnd: Int, bEnd: Int) -> [Edit] {
        let n = aEnd - s, m = bEnd - s
        let plain = (0..<n).map { Edit.delete(a: s + $0) } + (0..<m).map { Edit.insert(b: s + $0) }
        if n == 0 || m == 0 { return plain }
        let limit = min(n + m, maxDistance)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...limit {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[s + x] == b[s + y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { found = true; break search }
            }
        }
        guard found else { return plain }
        // Walk back from (n, m): trace[d] is the frontier step d started from.
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, to: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
            let prevX = v[offset + prevK], prevY = prevX - prevK
            while x > prevX && y > prevY { x -= 1; y -= 1; script.append(.keep(a: s + x, b: s + y)) }
            if x == prevX { script.append(.insert(b: s + prevY)) } else { script.append(.delete(a: s + prevX)) }
            x = prevX; y = prevY
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; script.append(.keep(a: s + x, b: s + y)) }
        return script.reversed()
    }

    /// `a` → `b` as a unified diff with `context` lines around each change;
    /// "" when they are the same.
    static func unified(_ a: String, _ b: String, fromName: String, toName: String, context: Int = 3) -> String {
        let la = lines(a), lb = lines(b)
        let script = edits(la, lb)
        let changed = script.indices.filter { if case .keep = script[$0] { return false } else { return true } }
        if changed.isEmpty { return "" }
        // Group changes whose context overlaps into hunks.
        var hunks: [(Int, Int)] = []
        for i in changed {
            let lo = max(0, i - context), hi = min(script.count - 1, i + context)
            if let h = hunks.last, lo <= h.1 + 1 { hunks[hunks.count - 1].1 = hi } else { hunks.append((lo, hi)) }
        }
        var out = "--- \(fromName)\n+++ \(toName)\n"
        // Lines of each side before the edit at `done`: where a hunk starts.
        var aBefore = 0, bBefore = 0, done = 0
        for (lo, hi) in hunks {
            for e in script[done..<lo] {
                if case .insert = e {} else { aBefore += 1 }
                if case .delete = e {} else { bBefore += 1 }
            }
            var aCount = 0, bCount = 0, body = ""
            for e in script[lo...hi] {
                switch e {
                case .keep(let i, _):
                    aCount += 1; bCount += 1
                    body += " " + show(la[i])
                case .delete(let i):
                    aCount += 1
                    body += "-" + show(la[i])
                case .insert(let j):
                    bCount += 1
                    body += "+" + show(lb[j])
                }
            }
            let aStart = aCount == 0 ? aBefore : aBefore + 1
            let bStart = bCount == 0 ? bBefore : bBefore + 1
            out += "@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@\n" + body
            aBefore += aCount; bBefore += bCount; done = hi + 1
        }
        return out
    }

    private static func show(_ line: Line) -> String {
        line.text + (line.ended ? "\n" : "\n\\ No newline at end of file\n")
    }

    /// diff's range: "start,count", or "start" alone for one line.
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
