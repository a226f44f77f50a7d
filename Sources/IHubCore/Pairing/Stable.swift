/// Mentee-proposing deferred acceptance (Gale–Shapley) with capacities on
/// both sides: each mentee proposes down its list while it holds fewer than
/// `menteeMax` mentors; each mentor keeps its best `mentorMax` proposals.
/// Preferences come from the score: a mentee prefers a higher score, ties to
/// the lower mentor index; a mentor prefers a higher score, ties to the lower
/// mentee index. Every candidate pair is acceptable to both sides. The result
/// is pairwise stable and the best stable outcome for every mentee; minimums
/// are not enforced (mentees below theirs are reported as unmatched).
enum StableMatching {
    /// Flags by flat edge position.
    static func solve(_ p: PreparedProblem) -> [Bool] {
        let n = p.n, m = p.m
        var taken = [Bool](repeating: false, count: p.edgeCount)
        // Each mentee's list: its flat edges, best first.
        var list = [Int32](repeating: 0, count: p.edgeCount)
        for a in 0..<n {
            let range = p.start[a]..<p.start[a + 1]
            let sorted = range.sorted { x, y in
                p.score[x] != p.score[y] ? p.score[x] > p.score[y] : p.mentorOf[x] < p.mentorOf[y]
            }
            for (k, i) in sorted.enumerated() { list[p.start[a] + k] = Int32(i) }
        }
        var menteeOf = [Int32](repeating: 0, count: p.edgeCount)
        for a in 0..<n { for i in p.start[a]..<p.start[a + 1] { menteeOf[i] = Int32(a) } }
        // Whether mentor-side edge x beats y for their common mentor.
        func better(_ x: Int, _ y: Int) -> Bool {
            p.score[x] != p.score[y] ? p.score[x] > p.score[y] : menteeOf[x] < menteeOf[y]
        }
        var next = p.start              // next list position each mentee proposes to
        var holds = [Int](repeating: 0, count: n)
        var held = [[Int32]](repeating: [], count: m)
        var queue: [Int] = (0..<n).filter { p.maxOf[$0] > 0 }
        var head = 0
        while head < queue.count {
            let a = queue[head]
            head += 1
            while holds[a] < p.maxOf[a] && next[a] < p.start[a + 1] {
                let i = Int(list[next[a]])
                next[a] += 1
                let b = Int(p.mentorOf[i])
                if p.cap[b] == 0 { continue }
                if held[b].count < p.cap[b] {
                    held[b].append(Int32(i)); holds[a] += 1
                    continue
                }
                // Full: replace the mentor's worst holding if a is better.
                var worst = 0
                for k in 1..<held[b].count where better(Int(held[b][worst]), Int(held[b][k])) { worst = k }
                let w = Int(held[b][worst])
                if better(i, w) {
                    held[b][worst] = Int32(i); holds[a] += 1
                    let loser = Int(menteeOf[w])
                    holds[loser] -= 1
                    queue.append(loser)
                }
            }
        }
        for b in 0..<m { for i in held[b] { taken[Int(i)] = true } }
        return taken
    }
}
