/// Activity records of an import, handed to the activity log in batches.
final class ActivityImport {
    private let db: Database
    private let hub: String
    private(set) var inserted = 0

    init(_ db: Database, hub: String) {
        self.db = db
        self.hub = hub
    }

    func add(_ record: JSON, id: String, at place: XAPIPlace, problems: inout XAPIProblems) throws(IHubError) {
        // Until the activity log lands.
        inserted += 1
    }

    func finish(problems: inout XAPIProblems) throws(IHubError) {}
}
