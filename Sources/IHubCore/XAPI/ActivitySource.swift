/// The activities an export reads, through the activity log.
enum ActivitySource {
    static func each(_ db: Database, hubID: Int64, schoolID: Int64?, from: String?, to: String?,
                     _ body: (ActivityView) throws(IHubError) -> Void) throws(IHubError) {
        // Until the activity log lands: none.
    }
}
