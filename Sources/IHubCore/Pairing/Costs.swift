/// The integer types the solvers compute in: Int64 when an instance's exact
/// costs fit it (the fast path), Int128 when they need more bits.
protocol CostInt: FixedWidthInteger, SignedInteger, Sendable {}
extension Int64: CostInt {}
extension Int128: CostInt {}

/// Scores as exact integers, and the bonuses that make objectives lexicographic.
///
/// Every allowed score is scaled by 2^k for the smallest k that makes all of
/// them integers (a double is an integer times a power of two, so such a k
/// always exists), then multiplied by `A`. Nothing is rounded: the solvers
/// are exact on the scores as given, or the instance is refused (IHUB_LIMIT)
/// when its exact costs need more than 126 bits.
///
/// With S the largest scaled |score| · A and U the demand units:
/// - total fit: A = U + 1 and every pair earns 1 (`pairBonus`): one unit of
///   score outweighs any difference in pair count, so the total comes first
///   and, among equal totals, more pairs win;
/// - coverage: A = 1 and a pair earns 2·U·S + 1, more than any difference in
///   total score, so one more pair always wins;
/// - each met minimum unit earns U·pairBonus + 2·U·S + 1, more than both.
struct Weights<C: CostInt> {
    let value: [C]          // score · 2^k · A per flat edge, higher is better; 0 where not allowed
    let pairBonus: C        // what a pair earns beyond its score (what an unpaired unit costs)
    let minimumBonus: C     // what a met minimum unit earns (what a short unit costs)
}

/// The costs of one solve in the narrowest type that holds them exactly.
enum Costs {
    case narrow(Weights<Int64>)
    case wide(Weights<Int128>)

    /// Bits every intermediate value of the solvers stays within: the path
    /// and dual bound below times 16 must fit with a bit to spare.
    static let narrowBits = 62, wideBits = 126

    init(_ p: PreparedProblem, coverage: Bool, allowed: [Bool]?) throws(IHubError) {
        var maxAbs = 0.0, minAbs = Double.infinity
        var lowest = Int.max   // the lowest binary digit set in any allowed score
        for (i, s) in p.score.enumerated() where s != 0 && (allowed?[i] ?? true) {
            let a = abs(s)
            maxAbs = max(maxAbs, a)
            minAbs = min(minAbs, a)
            lowest = min(lowest, Costs.lowestBit(a))
        }
        let k = maxAbs > 0 ? -lowest : 0
        // Bits of the largest scaled score (0 when every score is 0).
        let scoreBits = maxAbs > 0 ? maxAbs.exponent + k + 1 : 0
        let units = max(p.maxOf.reduce(0, +), 1)
        let nodes = p.n + p.m + 2
        // The same bound in Double, for choosing the type; exact values follow.
        let u = Double(units)
        let top = Double(sign: .plus, exponent: scoreBits, significand: 1)   // > S / A
        let a = coverage ? 1 : u + 1
        let s = top * a
        let pair = coverage ? 2 * u * s + 1 : 1
        let minimum = p.minOf.contains { $0 > 0 } ? u * pair + 2 * u * s + 1 : 0
        // Every value the solvers form — path lengths, potentials, duals — is
        // within nodes · (largest edge cost), and the largest edge cost is
        // below s + pair + minimum; 16x leaves room for the sums of a few.
        let bound = 16 * Double(nodes) * (s + pair + minimum)
        if bound < 0x1p62 {
            self = .narrow(Costs.weights(p, allowed: allowed, k: k, a: Int64(a), coverage: coverage, units: units))
        } else if bound < 0x1p126 {
            self = .wide(Costs.weights(p, allowed: allowed, k: k, a: Int128(a), coverage: coverage, units: units))
        } else {
            let bits = bound.isFinite ? Int(bound.exponent) + 1 : Int.max
            let need = bits == Int.max ? "over 1000" : "\(bits)"
            throw IHubError(.limit,
                "pairing: scores from \(minAbs) to \(maxAbs) in magnitude (binary digits from 2^\(lowest) to 2^\(maxAbs.exponent)) "
                + "with \(units) demand unit(s) need \(need) bits as exact integer costs, more than 126: "
                + "use scores with fewer significant binary digits (integers or multiples of a power of 2) or a narrower range")
        }
    }

    /// The exponent of the lowest set bit of a positive finite double.
    static func lowestBit(_ a: Double) -> Int {
        let raw = a.significandBitPattern | (a.isNormal ? 1 << 52 : 0)
        let exponent = a.isNormal ? Int(a.exponentBitPattern) - 1075 : -1074
        return exponent + raw.trailingZeroBitCount
    }

    /// The exact costs; the bound checked by the caller keeps every product in range.
    private static func weights<C: CostInt>(_ p: PreparedProblem, allowed: [Bool]?, k: Int, a: C, coverage: Bool,
                                            units: Int) -> Weights<C>
    {
        var largest: C = 0
        // 2^k as a factor when it is a normal double (multiplying by it is
        // then exact, the products being integers below 2^126); else per score.
        let factor: Double? = (-1022...1023).contains(k) ? Double(sign: .plus, exponent: k, significand: 1) : nil
        let value = p.score.enumerated().map { i, x -> C in
            guard x != 0, allowed?[i] ?? true else { return 0 }
            // x · 2^k exactly: an integer by the choice of k, below 2^126 by the bound.
            let scaled = factor.map { x * $0 } ?? Double(sign: x.sign, exponent: x.exponent + k, significand: x.significand)
            let v = C(scaled) * a
            largest = max(largest, C(v.magnitude))
            return v
        }
        let u = C(units)
        let pair: C = coverage ? 2 * u * largest + 1 : 1
        let minimum: C = p.minOf.contains { $0 > 0 } ? u * pair + 2 * u * largest + 1 : 0
        return Weights(value: value, pairBonus: pair, minimumBonus: minimum)
    }
}
