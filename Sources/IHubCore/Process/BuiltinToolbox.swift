/// The methods of the toolbox every hub starts with (the methods the
/// iHub4Schools mentoring model names), installed when a database is opened
/// (see `BuiltinToolbox.install`). Their codes are stable: others rely on them.
enum BuiltinToolbox {
    static let levels = ["intra_school", "inter_school", "whole_school"]

    static let all: [(code: String, fields: ToolboxMethodFields)] = [
        ("future_school", ToolboxMethodFields(
            name: "Future School",
            description: "Evidence-informed whole-school improvement led by school teams: the development team gathers evidence on "
                + "its practices (self-reflection results, observations, students' views), agrees on priorities with the staff, "
                + "and leads and follows up the change.",
            level: "whole_school", typicalMinutes: 180,
            steps: ["joint_planning", "mapping_needs", "development_actions", "reflection"])),
        ("digipeda", ToolboxMethodFields(
            name: "Digipeda workshop",
            description: "A workshop in which a school's teachers and leaders reflect together on their digital teaching practice: "
                + "what they do with digital tools in class, what works, and what to try next.",
            level: "whole_school", typicalMinutes: 180,
            steps: ["mapping_needs", "new_perspectives", "reflection"])),
        ("digital_accelerator", ToolboxMethodFields(
            name: "Digital Accelerator programme",
            description: "A programme for less motivated teachers and schools: it starts by mapping the school's needs "
                + "(questionnaires for students, teachers and management, SWOT, infrastructure analysis, a short school "
                + "self-test), then teacher courses of about 30 hours over some six months, a course for heads on leading "
                + "digital change, and an educational technologist with 35 to 80 hours of mentoring per school.",
            level: "whole_school", typicalMinutes: 1800,
            steps: ["mapping_needs", "new_perspectives", "development_actions"])),
        ("collegial", ToolboxMethodFields(
            name: "Collegial method",
            description: "Teachers help each other: digitally competent colleagues plan, teach and observe lessons with less "
                + "experienced ones, within a school or across paired schools.",
            level: "intra_school", typicalMinutes: 45,
            steps: ["new_perspectives", "development_actions", "reflection"])),
        ("needs_mapping", ToolboxMethodFields(
            name: "Needs-mapping workshop",
            description: "Small groups of teachers and leaders fill three columns: current good practices, needs for improvement "
                + "and ideas for new practices; the columns become the school's development needs.",
            level: "whole_school", typicalMinutes: 90,
            steps: ["mapping_needs"])),
    ]

    /// Installs or refreshes the built-in methods: one read when they are
    /// already as this version defines them, a write only of what differs.
    static func install(_ db: Database) throws(IHubError) {
        defer { db.finishStatements() }
        guard try !stale(db).isEmpty else { return }
        try db.transaction { () throws(IHubError) in
            // Again inside: another process may have installed them meanwhile.
            for (m, id) in try stale(db) {
                if let id { try db.toolbox.update(id: id, m.fields) } else { _ = try db.toolbox.add(hubID: nil, code: m.code, m.fields) }
            }
        }
    }

    /// The built-in methods stored differently or not at all, with the row
    /// id of the stored one.
    private static func stale(_ db: Database) throws(IHubError) -> [(method: (code: String, fields: ToolboxMethodFields), id: Int64?)] {
        let stored = Dictionary(try db.toolbox.builtins().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return all.compactMap { m in
            guard let row = stored[m.code] else { return (m, nil) }
            let fields = ToolboxMethodFields(name: row.name, description: row.description, level: row.level,
                                             typicalMinutes: row.typicalMinutes, steps: row.steps)
            return fields == m.fields ? nil : (m, row.id)
        }
    }
}
