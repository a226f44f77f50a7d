#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Count, mean and sum of squared deviations (M2) of a set of values,
/// mergeable: raw responses (one value each) and reported aggregates (n,
/// mean, sd) pool into one figure. M2 is nil when a part's spread is
/// unknown (a report without sd).
struct Summary: Equatable {
    var n: Int = 0
    var mean: Double = 0
    var m2: Double? = 0

    init() {}

    /// A reported aggregate; its sd is the sample sd (n - 1).
    init(n: Int, mean: Double, sd: Double?) {
        self.n = n
        self.mean = mean
        if n <= 1 {
            m2 = 0
        } else {
            m2 = sd.map { $0 * $0 * Double(n - 1) }
        }
    }

    /// Adds one value (Welford's update: stable for long runs).
    mutating func add(_ x: Double) {
        n += 1
        let delta = x - mean
        mean += delta / Double(n)
        if let m = m2 { m2 = m + delta * (x - mean) }
    }

    /// Pools another summary into this one (Chan et al.).
    mutating func merge(_ other: Summary) {
        guard other.n > 0 else { return }
        guard n > 0 else { self = other; return }
        let (total, overflow) = n.addingReportingOverflow(other.n)
        guard !overflow else { return }  // not reachable: reports hold at most 10^9 respondents
        let delta = other.mean - mean
        let newMean = mean + delta * Double(other.n) / Double(total)
        if let a = m2, let b = other.m2 {
            m2 = a + b + delta * delta * Double(n) * Double(other.n) / Double(total)
        } else {
            m2 = nil
        }
        mean = newMean
        n = total
    }

    /// The sample standard deviation (n - 1); nil below two values or when
    /// a part's spread is unknown.
    var sd: Double? {
        guard n > 1, let m2 else { return nil }
        return sqrt(max(0, m2) / Double(n - 1))
    }

    static func of(_ values: [Double]) -> Summary {
        var s = Summary()
        for v in values { s.add(v) }
        return s
    }
}

/// The standardized mean difference between two independent groups.
struct EffectSize: Equatable {
    let g: Double
    let se: Double
    let low: Double
    let high: Double

    /// The two-sided 95% normal quantile.
    static let z95 = 1.959963984540054

    /// Hedges' g of `to` against `from`: Cohen's d on the pooled sd, times
    /// the small-sample correction J = 1 - 3 / (4 (n1 + n2) - 9); its 95%
    /// interval from the large-sample standard error
    /// sqrt((n1 + n2) / (n1 n2) + g² / (2 (n1 + n2))) (Hedges & Olkin 1985).
    /// Nil when either sd is unknown, a group has fewer than two values, or
    /// the pooled sd is zero.
    static func hedges(from a: Summary, to b: Summary) -> EffectSize? {
        guard a.n >= 2, b.n >= 2, let sa = a.sd, let sb = b.sd else { return nil }
        let n1 = Double(a.n), n2 = Double(b.n)
        let pooled = sqrt(((n1 - 1) * sa * sa + (n2 - 1) * sb * sb) / (n1 + n2 - 2))
        guard pooled > 0 else { return nil }
        let d = (b.mean - a.mean) / pooled
        let j = 1 - 3 / (4 * (n1 + n2) - 9)
        let g = j * d
        let se = sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
        return EffectSize(g: g, se: se, low: g - z95 * se, high: g + z95 * se)
    }
}
