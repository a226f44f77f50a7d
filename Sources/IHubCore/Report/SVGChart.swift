/// The report's charts as inline SVG: every chart has a `<title>` and a
/// `<desc>` (read by screen readers, shown as the figure's caption), every
/// mark a `<title>` with its value, colours from the Okabe–Ito palette
/// (distinguishable with the common colour-vision deficiencies), and no
/// scripts, fonts or links: the page stays self-contained.
enum SVGChart {
    /// Okabe–Ito, yellow late (weak on white paper).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    static func colour(_ i: Int) -> String { palette[((i % palette.count) + palette.count) % palette.count] }

    /// One series of a bar or line chart: a value per category (nil: none),
    /// optionally a confidence interval per category.
    struct Series {
        var name: String
        var values: [Double?]
        var ci: [(Double, Double)?] = []
    }

    struct Node {
        var id: String
        var label: String
        var name: String
        var generation: Int
    }

    struct Edge {
        var from: String
        var to: String
        /// Index into the chart's rounds (the colour).
        var round: Int
        var note: String
    }

    // MARK: progress against targets

    /// Horizontal bars of value against target: the bar is the value, a
    /// dark tick the target; the label states both in words.
    static func progress(id: String, title: String, desc: String, items: [(label: String, value: Double, target: Double?)]) -> String {
        let width = 640.0, left = 170.0, barWidth = 400.0, row = 34.0
        let height = 20 + row * Double(max(items.count, 1))
        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        let top = items.map { max($0.value, $0.target ?? 0) }.max() ?? 1
        let scale = barWidth / max(top, 1)
        for (i, item) in items.enumerated() {
            let y = 10 + row * Double(i)
            let words = item.target.map { "\(num(item.value)) of \(num($0)) (\(percent(item.value / max($0, 1e-9))))" } ?? "\(num(item.value)) (no target)"
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(HTML.escape(item.label))</text>"
            if let target = item.target {
                s += "<rect x=\"\(n(left))\" y=\"\(n(y + 2))\" width=\"\(n(target * scale))\" height=\"18\" fill=\"#eeeeee\" stroke=\"#999999\"/>"
            }
            s += "<rect x=\"\(n(left))\" y=\"\(n(y + 2))\" width=\"\(n(item.value * scale))\" height=\"18\" fill=\"\(colour(i))\">"
            s += "<title>\(HTML.escape(item.label)): \(HTML.escape(words))</title></rect>"
            if let target = item.target {
                s += "<line x1=\"\(n(left + target * scale))\" x2=\"\(n(left + target * scale))\" y1=\"\(n(y))\" y2=\"\(n(y + 22))\" stroke=\"#000000\" stroke-width=\"2\"/>"
            }
            s += "<text x=\"\(n(left + 4))\" y=\"\(n(y + 32))\" class=\"small\">\(HTML.escape(words))</text>"
        }
        return s + "</svg>"
    }

    // MARK: grouped bars with confidence intervals

    /// Bars per category, one per series, from zero (negative values go
    /// down), with a whisker where the series has a confidence interval.
    static func groupedBars(id: String, title: String, desc: String, categories: [String], series: [Series], valueLabel: String) -> String {
        let groupWidth = max(48.0, Double(series.count) * 16 + 18)
        let left = 110.0, top = 16.0, plot = 200.0  // left: room for slanted category names
        let width = max(360, left + groupWidth * Double(categories.count) + 20)
        let legendRows = series.count > 1 ? Double(series.count) * 16 : 0
        let height = top + plot + 90 + legendRows
        var lo = 0.0, hi = 0.0
        for sr in series {
            for v in sr.values.compactMap({ $0 }) { lo = min(lo, v); hi = max(hi, v) }
            for c in sr.ci.compactMap({ $0 }) { lo = min(lo, c.0); hi = max(hi, c.1) }
        }
        if hi == lo { hi = lo + 1 }  // every value 0: an axis of one unit, not a division by zero
        let step = niceStep(hi - lo)
        (lo, hi) = ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step)
        func y(_ v: Double) -> Double { top + (hi - v) / (hi - lo) * plot }
        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        s += axis(left: left, width: width, top: top, plot: plot, lo: lo, hi: hi, step: step, label: valueLabel)
        let barWidth = (groupWidth - 16) / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let x0 = left + groupWidth * Double(c) + 8
            for (k, sr) in series.enumerated() {
                guard c < sr.values.count, let v = sr.values[c] else { continue }
                let x = x0 + barWidth * Double(k)
                let (a, b) = (y(max(v, 0)), y(min(v, 0)))
                var tip = "\(sr.name), \(category): \(num(v))"
                let ci = c < sr.ci.count ? sr.ci[c] : nil
                if let ci { tip += " (95% CI \(num(ci.0)) to \(num(ci.1)))" }
                s += "<rect x=\"\(n(x))\" y=\"\(n(a))\" width=\"\(n(barWidth - 2))\" height=\"\(n(max(b - a, 0.5)))\" fill=\"\(colour(k))\"><title>\(HTML.escape(tip))</title></rect>"
                if let ci {
                    let mid = x + (barWidth - 2) / 2
                    s += "<path d=\"M\(n(mid)) \(n(y(ci.0)))V\(n(y(ci.1)))M\(n(mid - 4)) \(n(y(ci.0)))h8M\(n(mid - 4)) \(n(y(ci.1)))h8\" stroke=\"#000000\" fill=\"none\"/>"
                }
            }
            let lx = x0 + (groupWidth - 16) / 2, ly = top + plot + 14
            s += "<text x=\"\(n(lx))\" y=\"\(n(ly))\" text-anchor=\"end\" transform=\"rotate(-30 \(n(lx)) \(n(ly)))\" class=\"small\">\(HTML.escape(short(category)))</text>"
        }
        if series.count > 1 { s += legend(series.map(\.name), x: left, y: top + plot + 86) }
        return s + "</svg>"
    }

    // MARK: lines over time

    static func line(id: String, title: String, desc: String, xLabels: [String], series: [Series], valueLabel: String) -> String {
        let left = 56.0, top = 16.0, plot = 200.0
        let step = xLabels.count > 1 ? max(18.0, min(60.0, 560.0 / Double(xLabels.count - 1))) : 60
        let width = max(360, left + step * Double(max(xLabels.count - 1, 1)) + 40)
        let height = top + plot + 60 + Double(series.count) * 16
        let top0 = max(1, series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
        let tick = niceStep(top0)
        let hi = (top0 / tick).rounded(.up) * tick
        func x(_ i: Int) -> Double { left + 12 + step * Double(i) }
        func y(_ v: Double) -> Double { top + (hi - v) / hi * plot }
        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        s += axis(left: left, width: width, top: top, plot: plot, lo: 0, hi: hi, step: tick, label: valueLabel)
        let every = max(1, Int((Double(xLabels.count) * 44 / (width - left)).rounded(.up)))
        for (i, label) in xLabels.enumerated() where i % every == 0 {
            s += "<text x=\"\(n(x(i)))\" y=\"\(n(top + plot + 16))\" text-anchor=\"middle\" class=\"small\">\(HTML.escape(label))</text>"
        }
        for (k, sr) in series.enumerated() {
            let points = sr.values.enumerated().compactMap { i, v in v.map { "\(n(x(i))),\(n(y($0)))" } }
            s += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour(k))\" stroke-width=\"2\"/>"
            for (i, v) in sr.values.enumerated() {
                guard let v else { continue }
                s += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3\" fill=\"\(colour(k))\"><title>\(HTML.escape("\(sr.name), \(i < xLabels.count ? xLabels[i] : ""): \(num(v))"))</title></circle>"
            }
        }
        s += legend(series.map(\.name), x: left, y: top + plot + 34)
        return s + "</svg>"
    }

    // MARK: the mentoring network

    /// Nodes in columns by generation of the cascade (mentors of the first
    /// round on the left), arrows mentor → mentee coloured by round.
    static func network(id: String, title: String, desc: String, nodes: [Node], edges: [Edge], rounds: [String]) -> String {
        let columns = Dictionary(grouping: nodes, by: \.generation).mapValues { $0.sorted { $0.id < $1.id } }
        let generations = columns.keys.sorted()
        let tallest = columns.values.map(\.count).max() ?? 1
        let colWidth = 170.0, rowHeight = 20.0, top = 34.0, left = 40.0
        let width = max(420, left + colWidth * Double(max(generations.count, 1)) + 60)
        let height = top + rowHeight * Double(tallest) + 30 + Double(rounds.count) * 16
        var at: [String: (Double, Double)] = [:]
        for (c, g) in generations.enumerated() {
            for (r, node) in columns[g]!.enumerated() { at[node.id] = (left + colWidth * Double(c), top + rowHeight * Double(r)) }
        }
        var s = open(id: id, width: width, height: height, title: title, desc: desc)
        s += "<defs>"
        for i in rounds.indices {
            s += "<marker id=\"\(id)-a\(i)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"\(colour(i))\"/></marker>"
        }
        s += "</defs>"
        for (c, g) in generations.enumerated() {
            s += "<text x=\"\(n(left + colWidth * Double(c)))\" y=\"16\" class=\"small\">generation \(g)</text>"
        }
        for e in edges {
            guard let a = at[e.from], let b = at[e.to] else { continue }
            let r = 5.0
            let d: String
            if abs(a.0 - b.0) < 1 {  // same column: bend out to the right
                d = "M\(n(a.0 + r)) \(n(a.1))C\(n(a.0 + 60)) \(n(a.1)) \(n(b.0 + 60)) \(n(b.1)) \(n(b.0 + r)) \(n(b.1))"
            } else {
                let dir = b.0 > a.0 ? 1.0 : -1.0
                d = "M\(n(a.0 + r * dir)) \(n(a.1))C\(n((a.0 + b.0) / 2)) \(n(a.1)) \(n((a.0 + b.0) / 2)) \(n(b.1)) \(n(b.0 - (r + 1) * dir)) \(n(b.1))"
            }
            let round = e.round >= 0 && e.round < rounds.count ? rounds[e.round] : ""
            s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour(e.round))\" stroke-width=\"1.5\" marker-end=\"url(#\(id)-a\(max(e.round, 0)))\">"
            s += "<title>\(HTML.escape("\(e.from) → \(e.to), round \(round)\(e.note.isEmpty ? "" : ", " + e.note)"))</title></path>"
        }
        for node in nodes {
            guard let p = at[node.id] else { continue }
            s += "<circle cx=\"\(n(p.0))\" cy=\"\(n(p.1))\" r=\"5\" fill=\"#ffffff\" stroke=\"#000000\"><title>\(HTML.escape("\(node.name) (\(node.id))"))</title></circle>"
            s += "<text x=\"\(n(p.0 + 8))\" y=\"\(n(p.1 - 6))\" class=\"small\">\(HTML.escape(short(node.label)))</text>"
        }
        s += legend(rounds.map { "round \($0)" }, x: left, y: top + rowHeight * Double(tallest) + 20)
        return s + "</svg>"
    }

    // MARK: pieces

    private static func open(id: String, width: Double, height: Double, title: String, desc: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\">"
            + "<title id=\"\(id)-title\">\(HTML.escape(title))</title><desc id=\"\(id)-desc\">\(HTML.escape(desc))</desc>"
    }

    /// A round step (1, 2 or 5 times a power of ten) giving about four
    /// intervals over `range`.
    static func niceStep(_ range: Double) -> Double {
        let raw = max(range, 1e-9) / 4
        var m = 1.0
        while m * 10 <= raw { m *= 10 }
        while m > raw { m /= 10 }
        return raw <= m ? m : raw <= 2 * m ? 2 * m : raw <= 5 * m ? 5 * m : 10 * m
    }

    /// The value axis with a labelled tick per step and the zero line.
    private static func axis(left: Double, width: Double, top: Double, plot: Double, lo: Double, hi: Double, step: Double,
                             label: String) -> String {
        var s = "<line x1=\"\(n(left))\" x2=\"\(n(left))\" y1=\"\(n(top))\" y2=\"\(n(top + plot))\" stroke=\"#444444\"/>"
        for i in 0...Int(((hi - lo) / step).rounded()) {
            let v = lo + step * Double(i)
            let y = top + (hi - v) / (hi - lo) * plot
            s += "<line x1=\"\(n(left - 4))\" x2=\"\(n(width - 10))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"#dddddd\"/>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" class=\"small\">\(num(v))</text>"
        }
        if lo < 0 {
            let y0 = top + hi / (hi - lo) * plot
            s += "<line x1=\"\(n(left))\" x2=\"\(n(width - 10))\" y1=\"\(n(y0))\" y2=\"\(n(y0))\" stroke=\"#000000\"/>"
        }
        let lx = left - 40, ly = top + plot / 2
        s += "<text x=\"\(n(lx))\" y=\"\(n(ly))\" transform=\"rotate(-90 \(n(lx)) \(n(ly)))\" text-anchor=\"middle\" class=\"small\">\(HTML.escape(label))</text>"
        return s
    }

    private static func legend(_ names: [String], x: Double, y: Double) -> String {
        var s = ""
        for (i, name) in names.enumerated() {
            let yy = y + 16 * Double(i)
            s += "<rect x=\"\(n(x))\" y=\"\(n(yy - 9))\" width=\"12\" height=\"10\" fill=\"\(colour(i))\"/>"
            s += "<text x=\"\(n(x + 18))\" y=\"\(n(yy))\" class=\"small\">\(HTML.escape(name))</text>"
        }
        return s
    }

    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e12 else { return "0" }
        let t = (x * 10).rounded() / 10
        return t == t.rounded() ? String(Int64(t)) : String(t)
    }

    /// A value as the report prints it: whole numbers whole, else 2 decimals.
    static func num(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : Decimal2.text(x) }

    static func percent(_ x: Double) -> String { x.isFinite && abs(x) < 1e12 ? "\(Int64((x * 100).rounded()))%" : "–" }

    private static func short(_ s: String) -> String { s.count > 18 ? String(s.prefix(17)) + "…" : s }
}
