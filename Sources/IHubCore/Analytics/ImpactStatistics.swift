#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator, so a
/// bootstrap gives the same interval for the same seed on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index below `n` (n > 0): the high word of next × n (Lemire),
    /// without the bias of a modulo worth speaking of for bootstrap sizes.
    mutating func index(below n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }
}

enum ImpactStatistics {
    /// The p-quantile of sorted values by linear interpolation between
    /// order statistics (numpy's default, "linear").
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    /// The sample standard deviation (n - 1); nil below two values.
    static func sd(_ xs: [Double]) -> Double? { Summary.of(xs).sd }

    /// Ordinary least squares of y on x with an intercept.
    struct OLS {
        let n: Int
        let slope: Double
        let intercept: Double
        /// Nil with two points (no residual degrees of freedom).
        let se: Double?
        let ci: (low: Double, high: Double)?
    }

    /// Nil when x does not vary (or fewer than two points).
    static func ols(x: [Double], y: [Double]) -> OLS? {
        let n = x.count
        guard n >= 2 else { return nil }
        let mx = mean(x), my = mean(y)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n {
            sxx += (x[i] - mx) * (x[i] - mx)
            sxy += (x[i] - mx) * (y[i] - my)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx, intercept = my - slope * mx
        guard n > 2 else { return OLS(n: n, slope: slope, intercept: intercept, se: nil, ci: nil) }
        var ssr = 0.0
        for i in 0..<n { let r = y[i] - intercept - slope * x[i]; ssr += r * r }
        let se = sqrt(ssr / Double(n - 2) / sxx)
        let t = tQuantile(0.975, df: Double(n - 2))
        return OLS(n: n, slope: slope, intercept: intercept, se: se, ci: (slope - t * se, slope + t * se))
    }

    /// Student's t distribution function with `df` degrees of freedom:
    /// 1 − I_{df/(df+t²)}(df/2, 1/2) / 2 for t ≥ 0.
    static func tCDF(_ t: Double, df: Double) -> Double {
        let tail = 0.5 * incompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The p-quantile (p > 0.5) of Student's t, by bisection on tCDF: to
    /// the last bits of a double, which statsmodels' intervals are checked against.
    static func tQuantile(_ p: Double, df: Double) -> Double {
        var lo = 0.0, hi = 1.0
        while tCDF(hi, df: df) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if tCDF(mid, df: df) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * hi { break }
        }
        return (lo + hi) / 2
    }

    /// The regularized incomplete beta function I_x(a, b), by its continued
    /// fraction (modified Lentz; Numerical Recipes §6.4).
    static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x))
        if x > (a + 1) / (a + b + 2) { return 1 - front * betaFraction(1 - x, a: b, b: a) / b }
        return front * betaFraction(x, a: a, b: b) / a
    }

    private static func betaFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m)
            var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return h
    }
}
