/// Dense 1:1 assignment by shortest augmenting paths (Jonker–Volgenant style,
/// as in Crouse 2016 and scipy's linear_sum_assignment): O(rows² · cols) on a
/// full cost matrix, one Dijkstra-like scan per row over the free columns.
///
/// Pairing instances are mapped onto a *complete* rectangular matrix, so no
/// infinite costs are needed: a forbidden pair is worth 0, a real pair its
/// weighted score plus the lexicographic bonuses (`Weights`); for total fit a
/// pair is worth at least 0 (a negative one is dropped). With rows <= cols every
/// partial pairing extends to a full assignment of at least its value, so the
/// best full assignment, with forbidden (and, for total fit, negative) pairs
/// dropped, is the best pairing.
enum DenseAssignment {
    /// Whether the dense path serves this instance: every load is 0 or 1 and
    /// the candidate graph fills at least a quarter of a matrix of at most
    /// 128 MB (16M cells of Int64 costs, 8M of Int128).
    static func applies(_ p: PreparedProblem, cellBytes: Int) -> Bool {
        guard p.edgeCount > 0, !p.cap.contains(where: { $0 > 1 }), !p.maxOf.contains(where: { $0 > 1 }) else {
            return false
        }
        let rows = p.maxOf.lazy.filter { $0 > 0 }.count
        let cols = p.cap.lazy.filter { $0 > 0 }.count
        let cells = rows * cols
        return cells > 0 && cells <= 128_000_000 / cellBytes && p.edgeCount * 4 >= cells
    }

    /// Flags by flat edge, and the mentees left below their minimum.
    static func pair<C: CostInt>(_ p: PreparedProblem, weights: Weights<C>, coverage: Bool) -> (taken: [Bool], short: [Int]) {
        var rowOf = [Int](repeating: -1, count: p.n)
        var colOf = [Int](repeating: -1, count: p.m)
        var menteeAt: [Int] = [], mentorAt: [Int] = []
        for a in 0..<p.n where p.maxOf[a] > 0 { rowOf[a] = menteeAt.count; menteeAt.append(a) }
        for b in 0..<p.m where p.cap[b] > 0 { colOf[b] = mentorAt.count; mentorAt.append(b) }
        let transpose = menteeAt.count > mentorAt.count
        let rows = transpose ? mentorAt.count : menteeAt.count
        let cols = transpose ? menteeAt.count : mentorAt.count
        let cost = UnsafeMutablePointer<C>.allocate(capacity: rows * cols)
        defer { cost.deallocate() }
        cost.initialize(repeating: 0, count: rows * cols)
        var taken = [Bool](repeating: false, count: p.edgeCount)
        for a in menteeAt {
            let required = p.minOf[a] > 0
            for i in p.start[a]..<p.start[a + 1] {
                let col = colOf[Int(p.mentorOf[i])]
                if col < 0 { continue }
                // Total fit: a negative pair is worth no more than a forbidden one.
                var value = weights.value[i] + weights.pairBonus
                if required { value += weights.minimumBonus } else if !coverage { value = max(value, 0) }
                let r = rowOf[a]
                cost[transpose ? col * cols + r : r * cols + col] = -value
            }
        }
        let match = solve(rows: rows, cols: cols, cost: cost)
        // Back to flat edges: (mentee, mentor) -> position, by scanning the mentee's row.
        var short: [Int] = []
        for r in 0..<rows {
            let c = Int(match[r])
            let a = transpose ? menteeAt[c] : menteeAt[r]
            let b = transpose ? mentorAt[r] : mentorAt[c]
            for i in p.start[a]..<p.start[a + 1] where Int(p.mentorOf[i]) == b {
                if coverage || p.minOf[a] > 0 || weights.value[i] >= 0 { taken[i] = true }
            }
        }
        for a in 0..<p.n where p.minOf[a] > 0 {
            if !(p.start[a]..<p.start[a + 1]).contains(where: { taken[$0] }) { short.append(a) }
        }
        return (taken, short)
    }

    /// The column of each row in a minimum-cost assignment of every row
    /// (rows <= cols), `cost` row-major.
    static func solve<C: CostInt>(rows: Int, cols: Int, cost: UnsafePointer<C>) -> [Int32] {
        precondition(rows <= cols)
        let u = UnsafeMutablePointer<C>.allocate(capacity: rows)
        let v = UnsafeMutablePointer<C>.allocate(capacity: cols)
        let spc = UnsafeMutablePointer<C>.allocate(capacity: cols)
        let path = UnsafeMutablePointer<Int32>.allocate(capacity: cols)
        let col4row = UnsafeMutablePointer<Int32>.allocate(capacity: rows)
        let row4col = UnsafeMutablePointer<Int32>.allocate(capacity: cols)
        let remaining = UnsafeMutablePointer<Int32>.allocate(capacity: cols)
        let visitedRows = UnsafeMutablePointer<Int32>.allocate(capacity: rows)
        let visitedCols = UnsafeMutablePointer<Int32>.allocate(capacity: cols)
        defer {
            u.deallocate(); v.deallocate(); spc.deallocate(); path.deallocate(); col4row.deallocate()
            row4col.deallocate(); remaining.deallocate(); visitedRows.deallocate(); visitedCols.deallocate()
        }
        u.initialize(repeating: 0, count: rows)
        v.initialize(repeating: 0, count: cols)
        col4row.initialize(repeating: -1, count: rows)
        row4col.initialize(repeating: -1, count: cols)
        let inf = C.max

        var pending: [Int] = []
        if rows == cols && rows > 1 {
            // Square: Jonker–Volgenant's column reduction and augmenting row
            // reduction settle most rows cheaply; the shortest paths finish.
            pending = reduce(n: rows, cost: cost, v: v, col4row: col4row, row4col: row4col)
        }
        // Row duals from the column duals: u[i] = min_j (c[i][j] - v[j]), so
        // every reduced cost is >= 0. A row whose column is not at that
        // minimum (or that has none) is searched for below. With v = 0
        // (rectangular) free columns keep v = 0, as optimality needs.
        var searched = [Bool](repeating: false, count: rows)
        for i in pending { searched[i] = true }
        for i in 0..<rows {
            let row = cost + i * cols
            var best = 0
            var low = row[0] - v[0]
            for j in 1..<cols where row[j] - v[j] < low { best = j; low = row[j] - v[j] }
            u[i] = low
            let j = Int(col4row[i])
            if j >= 0 && row[j] - v[j] == low { continue }
            if j >= 0 { row4col[j] = -1; col4row[i] = -1 }
            if rows != cols && row4col[best] < 0 {
                row4col[best] = Int32(i); col4row[i] = Int32(best)
            } else if !searched[i] {
                searched[i] = true
                pending.append(i)
            }
        }
        pending.sort()

        for current in pending {
            for j in 0..<cols {
                spc[j] = inf
                remaining[j] = Int32(cols - j - 1)
            }
            var free = cols
            var nRows = 0, nCols = 0
            var minVal: C = 0
            var i = current
            var sink = -1
            while sink < 0 {
                visitedRows[nRows] = Int32(i); nRows += 1
                var index = -1
                var lowest = inf
                let row = cost + i * cols
                let ui = u[i]
                for it in 0..<free {
                    let j = Int(remaining[it])
                    let r = minVal + row[j] - ui - v[j]
                    if r < spc[j] { path[j] = Int32(i); spc[j] = r }
                    // Prefer a free column among equals: the path ends sooner.
                    if spc[j] < lowest || (spc[j] == lowest && row4col[j] < 0) {
                        lowest = spc[j]; index = it
                    }
                }
                minVal = lowest
                let j = Int(remaining[index])
                visitedCols[nCols] = Int32(j); nCols += 1
                if row4col[j] < 0 { sink = j } else { i = Int(row4col[j]) }
                free -= 1
                remaining[index] = remaining[free]
            }
            u[current] += minVal
            for k in 1..<nRows {
                let r = Int(visitedRows[k])
                u[r] += minVal - spc[Int(col4row[r])]
            }
            for k in 0..<nCols {
                let j = Int(visitedCols[k])
                v[j] -= minVal - spc[j]
            }
            var j = sink
            while true {
                let r = Int(path[j])
                row4col[j] = Int32(r)
                let old = Int(col4row[r])
                col4row[r] = Int32(j)
                if r == current { break }
                j = old
            }
        }
        return Array(UnsafeBufferPointer(start: col4row, count: rows))
    }

    /// Column reduction, reduction transfer and two rounds of augmenting row
    /// reduction (Jonker & Volgenant 1987) on a square matrix. Leaves column
    /// duals in `v`, a partial assignment in which every assigned row sits at
    /// its minimum reduced cost, and returns the rows still free.
    private static func reduce<C: CostInt>(n: Int, cost: UnsafePointer<C>, v: UnsafeMutablePointer<C>,
                               col4row: UnsafeMutablePointer<Int32>, row4col: UnsafeMutablePointer<Int32>) -> [Int]
    {
        for j in 0..<n { v[j] = cost[j]; row4col[j] = 0 }
        for i in 1..<n {
            let row = cost + i * n
            for j in 0..<n where row[j] < v[j] { v[j] = row[j]; row4col[j] = Int32(i) }
        }
        var unique = [Bool](repeating: true, count: n)
        for j in stride(from: n - 1, through: 0, by: -1) {
            let i = Int(row4col[j])
            if col4row[i] < 0 { col4row[i] = Int32(j) } else { unique[i] = false; row4col[j] = -1 }
        }
        var free: [Int] = []
        for i in 0..<n {
            if col4row[i] < 0 { free.append(i); continue }
            guard unique[i] else { continue }
            let j = Int(col4row[i]), row = cost + i * n
            var low = C.max
            for k in 0..<n where k != j { low = min(low, row[k] - v[k]) }
            v[j] -= low
        }
        for _ in 0..<2 {
            var current = 0, kept = 0, count = 0
            let total = free.count
            while current < total {
                count += 1
                let i = free[current]
                current += 1
                let row = cost + i * n
                var j1 = 0, j2 = -1
                var v1 = row[0] - v[0], v2 = C.max
                for j in 1..<n {
                    let c = row[j] - v[j]
                    if c < v2 {
                        if c >= v1 { v2 = c; j2 = j } else { v2 = v1; v1 = c; j2 = j1; j1 = j }
                    }
                }
                var i0 = Int(row4col[j1])
                let lowered = v[j1] - (v2 - v1)
                let lowers = lowered < v[j1]
                if count < current * n {
                    if lowers {
                        v[j1] = lowered
                    } else if i0 >= 0 && j2 >= 0 {
                        j1 = j2; i0 = Int(row4col[j2])
                    }
                    if i0 >= 0 {
                        if lowers { current -= 1; free[current] = i0 } else { free[kept] = i0; kept += 1 }
                    }
                } else if i0 >= 0 {
                    free[kept] = i0; kept += 1
                }
                if i0 >= 0 { col4row[i0] = -1 }
                col4row[i] = Int32(j1); row4col[j1] = Int32(i)
            }
            free.removeLast(free.count - kept)
        }
        return free
    }
}
