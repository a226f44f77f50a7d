/// Small groups hidden by differencing. A consortium figure of people is a
/// sum over the hubs: with the hubs' own figures beside it, the consortium
/// row minus the hubs' shown rows gives the hubs' withheld ones. So a
/// consortium row is withheld too when the people of the hubs whose own row
/// is withheld number between 1 and k − 1 together (complementary
/// suppression, as statistical offices do it).
///
/// Only rows with `n` (figures of people) are concerned, only over the
/// consortium, and each hub's rows are computed once more for the
/// definitions that gave such rows: a cost paid where the risk is.
enum ComplementarySuppression {
    static func apply(_ engine: Engine, _ results: inout [Indicators.Result], scope: Indicators.Scope, window: Window,
                      options: JSON) throws(IHubError)
    {
        guard scope.hubID == nil else { return }
        let concerned = results.indices.filter { i in
            results[i].error == nil && results[i].definition.level == .hub
                && zip(results[i].rows, results[i].suppressed).contains { row, why in row.n != nil && why == nil }
        }
        guard !concerned.isEmpty else { return }
        let hubs = try engine.db.privacy.hubsWithK()
        guard hubs.count > 1 else { return }
        for i in concerned {
            let d = results[i].definition
            // People in hubs whose own row of each part is withheld.
            var hidden: [String: Int] = [:]
            for hub in hubs {
                let one = try Indicators.compute(engine, [d], scope: Indicators.Scope(hubID: hub.id, hub: hub.code, k: hub.k),
                                                 window: window, options: options)[0]
                guard one.error == nil else { continue }
                for row in one.rows where row.subjectID == nil {
                    // A figure of two groups (maturity.change: n = the smaller) hides
                    // the larger one too: count the most people it names.
                    guard let n = row.n, n < hub.k else { continue }
                    let most = row.detail.filter { $0.key.hasPrefix("n_") }.compactMap { $0.value.int }.map(Int.init).max() ?? n
                    let people = max(n, most)
                    if people > 0, people < hub.k { hidden[row.part ?? "", default: 0] += people }
                }
            }
            for (r, row) in results[i].rows.enumerated() where row.subjectID == nil && results[i].suppressed[r] == nil && row.n != nil {
                if let h = hidden[row.part ?? ""], h > 0, h < scope.k {
                    results[i].suppressed[r] = "withheld: beside the hubs' own figures it would reveal a group of fewer than "
                        + "\(scope.k) people (k = \(scope.k); complementary suppression)"
                }
            }
        }
    }
}
