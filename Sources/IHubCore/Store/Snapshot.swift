extension Database {
    /// Runs `body` on one consistent snapshot: a savepoint, which is a
    /// read transaction outside a transaction and a no-op inside one.
    func snapshot(_ body: () throws(IHubError) -> Void) throws(IHubError) {
        // A statement left on a row (a scalar read) would refuse the savepoint.
        finishStatements()
        try execute("SAVEPOINT ihub_snapshot")
        do {
            try body()
        } catch {
            finishStatements()
            do {
                try execute("ROLLBACK TO ihub_snapshot; RELEASE ihub_snapshot")
            } catch let rollback {
                // The connection's state is unknown now: that is the failure to report.
                throw IHubError(rollback.status, "\(rollback.message) (while undoing a read that failed: \(error.message))")
            }
            throw error
        }
        finishStatements()
        try execute("RELEASE ihub_snapshot")
    }
}
