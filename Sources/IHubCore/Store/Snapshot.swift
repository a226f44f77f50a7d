extension Database {
    /// Runs `body`, which only reads, on one consistent snapshot. Inside a
    /// transaction that is the transaction's own. Outside one: on SQLite a
    /// savepoint, which opens a read transaction; on PostgreSQL a read-only
    /// REPEATABLE READ transaction, which never has to be run again (a body
    /// may write what it reads to a file as it goes).
    func snapshot(_ body: () throws(IHubError) -> Void) throws(IHubError) {
        let (begin, rollback, commit): (String, String, String)
        switch engine {
        case .sqlite:
            (begin, rollback, commit) = ("SAVEPOINT ihub_snapshot", "ROLLBACK TO ihub_snapshot; RELEASE ihub_snapshot", "RELEASE ihub_snapshot")
        case .postgresql:
            if inTransaction { return try body() }
            (begin, rollback, commit) = ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "ROLLBACK", "COMMIT")
        }
        // A statement left on a row (a scalar read) would refuse the savepoint.
        finishStatements()
        try execute(begin)
        do {
            try body()
        } catch {
            finishStatements()
            do {
                try execute(rollback)
            } catch let failed {
                // The connection's state is unknown now: that is the failure to report.
                throw IHubError(failed.status, "\(failed.message) (while undoing a read that failed: \(error.message))")
            }
            throw error
        }
        finishStatements()
        try execute(commit)
    }
}
