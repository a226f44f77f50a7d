/// The integer types the solvers compute in: Int64 when an instance's exact
/// costs fit it (the fast path), Int128 when they need more bits.
protocol CostInt: FixedWidthInteger, SignedInteger, Sendable {
    /// An integral double known to fit: the concrete conversion, not the
    /// generic one (which goes bit by bit and would dominate building costs).
    init(integral: Double)
}
extension Int64: CostInt { init(integral x: Double) { self.init(x) } }
extension Int128: CostInt { init(integral x: Double) { self.init(x) } }

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

    /// The bound below must stay under 2^bits: a bit short of each type's width.
    static let narrowBits = 62, wideBits = 126

    init(_ p: PreparedProblem, coverage: Bool, allowed: [Bool]?) throws(IHubError) {
        // One tight pass (a million scores on the dense path): the largest and
        // smallest nonzero |score| and the lowest binary digit set in any.
        var maxAbs = 0.0, minAbs = Double.infinity
        var lowest = Int.max
        p.score.withUnsafeBufferPointer { scores in
            for i in scores.indices where allowed?[i] ?? true {
                let a = abs(scores[i])
                if a == 0 { continue }
                maxAbs = max(maxAbs, a)
                minAbs = min(minAbs, a)
                lowest = min(lowest, Costs.lowestBit(a))
            }
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
        func fits(_ bits: Int) -> Bool { bound < Double(sign: .plus, exponent: bits, significand: 1) }
        if fits(Costs.narrowBits) {
            self = .narrow(Costs.weights(p, allowed: allowed, k: k, a: Int64(a), coverage: coverage, units: units))
        } else if fits(Costs.wideBits) {
            self = .wide(Costs.weights(p, allowed: allowed, k: k, a: Int128(a), coverage: coverage, units: units))
        } else {
            let bits = bound.isFinite ? Int(bound.exponent) + 1 : Int.max
            let need = bits == Int.max ? "over 1000" : "\(bits)"
            throw IHubError(.limit,
                "pairing: scores from \(minAbs) to \(maxAbs) in magnitude (binary digits from 2^\(lowest) to 2^\(maxAbs.exponent)) "
                + "with \(units) demand unit(s) need \(need) bits as exact integer costs, more than \(Costs.wideBits): "
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
        // 2^k as a factor when it is a normal double (multiplying by it is
        // then exact, the products being integers below 2^126); else per score.
        let factor: Double? = (-1022...1023).contains(k) ? Double(sign: .plus, exponent: k, significand: 1) : nil
        func scaled(_ x: Double) -> C {
            // x · 2^k exactly: an integer by the choice of k, below 2^126 by the bound.
            C(integral: factor.map { x * $0 } ?? Double(sign: x.sign, exponent: x.exponent + k, significand: x.significand))
        }
        var value = [C](repeating: 0, count: p.score.count)
        var top = 0.0
        p.score.withUnsafeBufferPointer { scores in
            value.withUnsafeMutableBufferPointer { out in
                if let f = factor, allowed == nil {
                    for i in scores.indices {
                        out[i] = C(integral: scores[i] * f) * a
                        top = max(top, abs(scores[i]))
                    }
                } else {
                    for i in scores.indices where scores[i] != 0 && (allowed?[i] ?? true) {
                        out[i] = scaled(scores[i]) * a
                        top = max(top, abs(scores[i]))
                    }
                }
            }
        }
        let largest = top == 0 ? 0 : scaled(top) * a
        let u = C(units)
        let pair: C = coverage ? 2 * u * largest + 1 : 1
        let minimum: C = p.minOf.contains { $0 > 0 } ? u * pair + 2 * u * largest + 1 : 0
        return Weights(value: value, pairBonus: pair, minimumBonus: minimum)
    }
}
