/// Capacitated min-cost flow for pairing: successive shortest paths with
/// potentials, one Dijkstra (binary heap, early exit) per unit of a mentee's
/// demand, processed in mentee order — the Hungarian method generalised to
/// loads. The network, never materialised beyond flat arrays:
///
///   mentee a --(cap 1, cost[i])--> mentor b --(cap mentorMax[b], 0)--> T
///   mentee a --(first max-min units: unmatchedCost, then min units: shortCost)--> T
///
/// Each mentee supplies maxOf[a] units; a unit that reaches T directly stays
/// unpaired. Every supply is always routable, so after each unit the flow is a
/// min-cost flow for the supplies added so far (reduced costs stay >= 0), and
/// the final flow is optimal for the whole instance. Costs are exact integers.
struct MinCostFlow<C: CostInt> {
    let p: PreparedProblem
    /// Cost of each flat edge (lower is better); edges with `allowed[i] == false` are absent.
    let cost: [C]
    let allowed: [Bool]?
    let unmatchedCost: C
    let shortCost: C

    /// Flags by flat edge position, and the mentees left below their minimum.
    func solve() -> (taken: [Bool], short: [Int]) {
        let n = p.n, m = p.m, e = p.edgeCount
        let nodes = n + m + 1
        let sink = n + m
        var taken = [Bool](repeating: false, count: e)
        if e == 0 || n == 0 {
            let short = (0..<n).filter { p.minOf[$0] > 0 }
            return (taken, short)
        }
        // Seats: a mentor never holds more mentees than its in-degree.
        var degree = [Int](repeating: 0, count: m)
        for i in 0..<e where allowed?[i] ?? true { degree[Int(p.mentorOf[i])] += 1 }
        var slotStart = [Int](repeating: 0, count: m + 1)
        for b in 0..<m { slotStart[b + 1] = slotStart[b] + min(p.cap[b], degree[b]) }

        let w = Workspace<C>(nodes: nodes, edges: e, slots: slotStart[m])
        defer { w.release() }
        let pot = w.pot, dist = w.dist, prev = w.prev, stamp = w.stamp, settledAt = w.settled
        let load = w.load, dummy = w.dummy, slots = w.slots, menteeOf = w.menteeOf
        let heap = Heap<C>(capacity: e + nodes)
        defer { heap.release() }

        for a in 0..<n { for i in p.start[a]..<p.start[a + 1] { menteeOf[i] = Int32(a) } }
        for v in 0..<nodes { pot[v] = 0; stamp[v] = -1; load[v] = 0; dummy[v] = 0 }
        // Row reduction: each mentee's cheapest option has reduced cost 0
        // (mentor and sink potentials 0), so an unloaded instance pairs at once.
        for a in 0..<n {
            let free = p.maxOf[a] - p.minOf[a]
            var best = free > 0 ? unmatchedCost : shortCost
            for i in p.start[a]..<p.start[a + 1] where allowed?[i] ?? true { best = min(best, cost[i]) }
            pot[a] = -best
        }

        var settledList = [Int32]()
        var iteration: Int32 = 0
        for source in 0..<n {
            let units = p.maxOf[source]
            if units == 0 { continue }
            let freeDummy = units - p.minOf[source]
            for _ in 0..<units {
                iteration &+= 1
                settledList.removeAll(keepingCapacity: true)
                heap.clear()
                dist[source] = 0; stamp[source] = iteration; prev[source] = -1
                heap.push(0, Int32(source))
                var reached: C = -1
                while let (d, v32) = heap.pop() {
                    // The sink is pushed as -1: it wins ties, so a search stops
                    // as soon as a path as short as any other is known.
                    let v = v32 < 0 ? sink : Int(v32)
                    if d != dist[v] || settledAt[v] == iteration { continue }
                    if v == sink { reached = d; break }
                    settledAt[v] = iteration
                    settledList.append(v32)
                    @inline(__always) func relax(_ to: Int, _ nd: C, _ how: Int) {
                        if stamp[to] != iteration || nd < dist[to] {
                            stamp[to] = iteration; dist[to] = nd; prev[to] = how
                            heap.push(nd, to == sink ? -1 : Int32(to))
                        }
                    }
                    let pv = pot[v]
                    if v < n {
                        for i in p.start[v]..<p.start[v + 1] where !taken[i] && (allowed?[i] ?? true) {
                            let to = n + Int(p.mentorOf[i])
                            if settledAt[to] == iteration { continue }
                            let nd = d + cost[i] + pv - pot[to]
                            relax(to, nd, i)
                            // A mentor with a free seat ends a path: offer it to the
                            // sink now, so ties stop here instead of after the mentor pops.
                            let b = to - n
                            if load[to] < slotStart[b + 1] - slotStart[b], dist[to] == nd, prev[to] == i {
                                relax(sink, nd + pot[to] - pot[sink], to)
                            }
                        }
                        let free = (v == source ? freeDummy : p.maxOf[v] - p.minOf[v])
                        if dummy[v] < p.maxOf[v] {
                            let c = dummy[v] < free ? unmatchedCost : shortCost
                            relax(sink, d + c + pv - pot[sink], v)
                        }
                    } else {
                        let b = v - n
                        for s in slotStart[b]..<(slotStart[b] + load[v]) {
                            let i = Int(slots[s])
                            let to = Int(menteeOf[i])
                            if settledAt[to] == iteration { continue }
                            relax(to, d - cost[i] + pv - pot[to], i)
                        }
                        if load[v] < slotStart[b + 1] - slotStart[b] { relax(sink, d + pv - pot[sink], v) }
                    }
                }
                // Always reached: the sink arc of the source is open while it has units.
                let total = reached
                for v32 in settledList {
                    let v = Int(v32)
                    pot[v] += dist[v] - total
                }
                // Walk back from the sink, flipping the path: the last mentor
                // gains a seat (or the last mentee a unit at T), and each mentee
                // on the way trades its old edge for the next one.
                var cur = prev[sink]
                if cur >= n {
                    let b = cur - n
                    let i = prev[cur]
                    load[cur] += 1
                    slots[slotStart[b] + load[cur] - 1] = Int32(i)
                    taken[i] = true
                    cur = Int(menteeOf[i])
                } else {
                    dummy[cur] += 1
                }
                while cur != source {
                    let old = prev[cur]
                    let bv = n + Int(p.mentorOf[old])
                    let next = prev[bv]
                    var s = slotStart[bv - n]
                    while Int(slots[s]) != old { s += 1 }
                    slots[s] = Int32(next)
                    taken[old] = false
                    taken[next] = true
                    cur = Int(menteeOf[next])
                }
            }
        }
        var short: [Int] = []
        for a in 0..<n where dummy[a] > p.maxOf[a] - p.minOf[a] { short.append(a) }
        return (taken, short)
    }
}

/// The solver's scratch memory, unchecked: the inner loop runs billions of
/// times on large instances, and every index is proven in range by construction.
private final class Workspace<C: CostInt> {
    let pot: UnsafeMutablePointer<C>
    let dist: UnsafeMutablePointer<C>
    let prev: UnsafeMutablePointer<Int>
    let stamp: UnsafeMutablePointer<Int32>
    let settled: UnsafeMutablePointer<Int32>
    let load: UnsafeMutablePointer<Int>
    let dummy: UnsafeMutablePointer<Int>
    let slots: UnsafeMutablePointer<Int32>
    let menteeOf: UnsafeMutablePointer<Int32>

    init(nodes: Int, edges: Int, slots count: Int) {
        pot = .allocate(capacity: nodes)
        dist = .allocate(capacity: nodes)
        prev = .allocate(capacity: nodes)
        stamp = .allocate(capacity: nodes)
        settled = .allocate(capacity: nodes)
        settled.initialize(repeating: -1, count: nodes)
        load = .allocate(capacity: nodes)
        dummy = .allocate(capacity: nodes)
        slots = .allocate(capacity: max(1, count))
        menteeOf = .allocate(capacity: max(1, edges))
    }

    func release() {
        pot.deallocate(); dist.deallocate(); prev.deallocate(); stamp.deallocate(); settled.deallocate()
        load.deallocate(); dummy.deallocate(); slots.deallocate(); menteeOf.deallocate()
    }
}

/// A binary min-heap of (key, node) in flat arrays, lazy deletion. Ties pop
/// the lower node first, so equal-cost paths are chosen the same way every run.
final class Heap<C: CostInt> {
    private var keys: UnsafeMutablePointer<C>
    private var vals: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        keys = .allocate(capacity: self.capacity)
        vals = .allocate(capacity: self.capacity)
    }

    func release() { keys.deallocate(); vals.deallocate() }

    func clear() { count = 0 }

    @inline(__always) private func less(_ i: Int, _ j: Int) -> Bool {
        keys[i] < keys[j] || (keys[i] == keys[j] && vals[i] < vals[j])
    }

    func push(_ key: C, _ val: Int32) {
        if count == capacity { grow() }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if keys[parent] < key || (keys[parent] == key && vals[parent] <= val) { break }
            keys[i] = keys[parent]; vals[i] = vals[parent]
            i = parent
        }
        keys[i] = key; vals[i] = val
    }

    func pop() -> (C, Int32)? {
        if count == 0 { return nil }
        let top = (keys[0], vals[0])
        count -= 1
        if count > 0 {
            let key = keys[count], val = vals[count]
            var i = 0
            while true {
                var c = 2 * i + 1
                if c >= count { break }
                if c + 1 < count && less(c + 1, c) { c += 1 }
                if keys[c] > key || (keys[c] == key && vals[c] >= val) { break }
                keys[i] = keys[c]; vals[i] = vals[c]
                i = c
            }
            keys[i] = key; vals[i] = val
        }
        return top
    }

    private func grow() {
        let bigger = capacity * 2
        let k = UnsafeMutablePointer<C>.allocate(capacity: bigger)
        let v = UnsafeMutablePointer<Int32>.allocate(capacity: bigger)
        k.update(from: keys, count: count); v.update(from: vals, count: count)
        keys.deallocate(); vals.deallocate()
        keys = k; vals = v; capacity = bigger
    }
}
