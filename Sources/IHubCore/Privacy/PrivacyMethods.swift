/// The privacy operations: erasure of a person. (Pseudonymous exports are
/// an option of the exports themselves: indicator.compute, xapi.export,
/// export.csv, export.json.)
enum PrivacyMethods {
    static let all: [Method] = [
        Method("person.erase", """
            Erase a person's personal data, keeping the anonymous aggregates they are part of (counts, hours, \
            assessment figures, indicator values are the same before and after). Their name, e-mail, subjects and \
            languages go; their code becomes `erased-<16 hex>` (also their name), derived from the old code under \
            this database's key, so erasing again by either code changes nothing. In the hub's free text (notes, \
            outcomes, reasons, plan texts, insights, stored indicator details, respondent codes) their code, name \
            and e-mail as whole words become the erased code; the text of their own action plans is replaced; \
            pairing records name them by the erased code; stored xAPI statements name them by an account with the \
            erased code (no name, mbox or mbox_sha1sum). Roles, memberships, mentorships, responses and \
            participation stay, without a name. Sets erased_at (person.get shows it).
            """, writes: true, params: [
                .required("code", .string, "the person's code (or their erased code)"),
                .optional("reason", .string, "why (e.g. the request's reference); kept with the erased row — write no personal data here"),
            ], result: .object([
                .required("code", .string, "the person's erased code, `erased-<16 hex>`"),
                .required("erased", .boolean, "always true: the person is erased"),
                .required("erased_at", .timestamp, "when they were erased"),
                .required("already_erased", .boolean, "true: they were erased before, and nothing changed now"),
                .required("changed", .object([
                    .optional("plans", .integer, "their action plans whose text was replaced"),
                    .optional("texts", .integer, "free-text fields rewritten (notes, reasons, insights, decisions, …)"),
                    .optional("pairing", .integer, "pairing records rewritten"),
                    .optional("statements", .integer, "stored xapi statements rewritten"),
                ]), "what the erasure rewrote (empty when already erased)"),
            ]), example: ["code": "LT-CTA-P0051", "reason": "request 2026-014"],
            errors: [.notFound("no person has that code (or erased code)")]) { engine, p throws(IHubError) in
            try PersonErase.run(engine.db, code: p["code"]!.string!, reason: p["reason"]?.string)
        },
    ]
}
