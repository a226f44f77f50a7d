/// The activities an export reads, through the activity log, page by page.
enum XAPIActivitySource {
    static func each(_ db: Database, hubID: Int64, schoolID: Int64?, from: String?, to: String?,
                     _ body: (ActivityView) throws(IHubError) -> Void) throws(IHubError) {
        var filter = ActivityFilter(hubID: hubID)
        filter.from = from
        filter.to = to
        filter.schoolID = schoolID
        filter.includeVoided = true
        try db.activities.each(filter) { row throws(IHubError) in try body(view(row)) }
    }

    static func view(_ a: ActivityRow) -> ActivityView {
        ActivityView(uuid: a.uuid, kind: a.kind.rawValue, date: a.date, minutes: a.minutes, method: a.method, instance: a.instanceID,
                     step: a.step, notes: a.notes, outcome: a.outcome, recordedBy: a.recordedByCode, voidedAt: a.voidedAt,
                     participants: a.participants.map { m in
                         var p = ActivityView.Participant(role: m.role.rawValue)
                         switch m.subject {
                         case .person: p.person = m.code
                         case .school: p.school = m.code
                         case .mentorship(let id): p.mentorship = id
                         }
                         return p
                     })
    }
}
