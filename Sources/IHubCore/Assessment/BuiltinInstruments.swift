/// The two built-in instruments, as data. Item statements are our own short
/// paraphrases in the spirit of the EU frameworks (SELFIE on DigCompOrg,
/// DigCompEdu), not their published wording. They are registered when a
/// database is opened (see `InstrumentStore.installBuiltins`).
enum BuiltinInstruments {
    static let all: [JSON] = [selfie, digcompedu]
    static let codes: Set<String> = ["selfie", "digcompedu"]

    private static func item(_ code: String, _ text: String, _ groups: [String]? = nil) -> JSON {
        var members = [JSON.Member("code", .string(code)), JSON.Member("text", .string(text))]
        if let groups { members.append(JSON.Member("groups", .array(groups.map { .string($0) }))) }
        return .object(members)
    }

    private static func area(_ code: String, _ name: String, _ groups: [String]?, _ items: [JSON]) -> JSON {
        var members = [JSON.Member("code", .string(code)), JSON.Member("name", .string(name))]
        if let groups { members.append(JSON.Member("groups", .array(groups.map { .string($0) }))) }
        members.append(JSON.Member("items", .array(items)))
        return .object(members)
    }

    /// Staff only: students are not asked about leadership, networking,
    /// professional development or teaching resources.
    private static let staff = ["leaders", "teachers"]

    static let selfie: JSON = [
        "code": "selfie",
        "name": "SELFIE-style school self-reflection",
        "subject": "school",
        "scale": ["min": 1, "max": 5,
                  "labels": ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"]],
        "groups": ["leaders", "teachers", "students"],
        "areas": [
            area("A", "Leadership", staff, [
                item("A1", "Our school has a digital strategy that staff helped to shape."),
                item("A2", "School leaders involve teachers in developing the digital strategy."),
                item("A3", "Teachers get time to explore new ways of teaching with digital technologies."),
                item("A4", "Copyright and licensing rules are respected when digital content is used."),
            ]),
            area("B", "Collaboration and networking", staff, [
                item("B1", "We regularly review how well we teach and learn with digital technologies."),
                item("B2", "We talk about the benefits and drawbacks of teaching and learning with digital technologies."),
                item("B3", "We use digital technologies to work with partners outside the school."),
                item("B4", "We work with other schools and networks to support digital education."),
            ]),
            area("C", "Infrastructure and equipment", nil, [
                item("C1", "The school's digital equipment supports teaching and learning."),
                item("C2", "Internet access at school is reliable enough for teaching and learning."),
                item("C3", "Technical support is at hand when something does not work.", staff),
                item("C4", "Students can use a device (the school's or their own) when they need one."),
                item("C5", "Personal data are protected when digital tools are used.", staff),
            ]),
            area("D", "Continuing professional development", staff, [
                item("D1", "Staff discuss what they need to learn about teaching with digital technologies."),
                item("D2", "Staff have opportunities to learn about teaching with digital technologies."),
                item("D3", "Colleagues share their experience of digital teaching within the school."),
            ]),
            area("E", "Pedagogy: supports and resources", staff, [
                item("E1", "Teachers look for digital educational resources online."),
                item("E2", "Teachers create digital resources for their teaching."),
                item("E3", "Teachers use a virtual learning environment with their students."),
                item("E4", "Teachers use digital technologies to communicate with the school community."),
            ]),
            area("F", "Pedagogy: implementation in the classroom", nil, [
                item("F1", "Digital technologies are used to fit learning to each student's needs."),
                item("F2", "Digital technologies are used to foster students' creativity."),
                item("F3", "Digital activities get students involved in their learning."),
                item("F4", "Students use digital technologies to work together."),
                item("F5", "Students work on cross-curricular projects with digital technologies."),
            ]),
            area("G", "Assessment practices", nil, [
                item("G1", "Digital technologies are used to assess students' skills."),
                item("G2", "Students get timely feedback with the help of digital technologies."),
                item("G3", "Students use digital technologies to reflect on their own learning."),
                item("G4", "Students use digital technologies to give feedback on each other's work."),
            ]),
            area("H", "Student digital competence", nil, [
                item("H1", "Students learn to behave safely and responsibly online."),
                item("H2", "Students learn to check whether information found online is reliable."),
                item("H3", "Students learn to create digital content."),
                item("H4", "Students learn to communicate with digital technologies."),
                item("H5", "Students learn to solve technical problems."),
            ]),
        ],
    ]

    /// Each answer is the statement that fits best, tied to a level; the
    /// cut-offs from mean scores to levels are data (the published CheckIn
    /// cut-offs are not confirmed): a mean is read as the nearest level.
    static let digcompedu: JSON = [
        "code": "digcompedu",
        "name": "DigCompEdu-style teacher self-reflection",
        "subject": "teacher",
        "scale": ["min": 1, "max": 6,
                  "labels": ["I am aware", "I have tried", "I use", "I analyse and select", "I reflect on", "I initiate"]],
        "groups": ["teachers"],
        "levels": [
            ["code": "A1", "name": "Newcomer", "statement": "I am aware", "min": 1.0],
            ["code": "A2", "name": "Explorer", "statement": "I have tried", "min": 1.5],
            ["code": "B1", "name": "Integrator", "statement": "I use", "min": 2.5],
            ["code": "B2", "name": "Expert", "statement": "I analyse and select", "min": 3.5],
            ["code": "C1", "name": "Leader", "statement": "I reflect on", "min": 4.5],
            ["code": "C2", "name": "Pioneer", "statement": "I initiate", "min": 5.5],
        ],
        "areas": [
            area("1", "Professional engagement", nil, [
                item("1.1", "Organisational communication: digital channels with colleagues, learners and parents."),
                item("1.2", "Professional collaboration: working with colleagues through digital technologies."),
                item("1.3", "Reflective practice: reflecting on my own and my school's digital teaching."),
                item("1.4", "Digital continuous professional development: learning through digital sources and courses."),
            ]),
            area("2", "Digital resources", nil, [
                item("2.1", "Selecting digital resources that fit the learning goal."),
                item("2.2", "Creating and modifying digital resources."),
                item("2.3", "Managing, protecting and sharing digital resources, respecting copyright and privacy."),
            ]),
            area("3", "Teaching and learning", nil, [
                item("3.1", "Teaching: planning and carrying out lessons with digital technologies."),
                item("3.2", "Guidance: supporting learners through digital technologies."),
                item("3.3", "Collaborative learning: learners working together with digital technologies."),
                item("3.4", "Self-regulated learning: learners planning and monitoring their own learning digitally."),
            ]),
            area("4", "Assessment", nil, [
                item("4.1", "Assessment strategies: using digital technologies for formative and summative assessment."),
                item("4.2", "Analysing evidence: reading learners' digital traces and results."),
                item("4.3", "Feedback and planning: giving timely feedback and adapting teaching from it."),
            ]),
            area("5", "Empowering learners", nil, [
                item("5.1", "Accessibility and inclusion: digital activities every learner can take part in."),
                item("5.2", "Differentiation and personalisation: letting learners advance at their own pace and level."),
                item("5.3", "Actively engaging learners: digital activities that put learners at the centre."),
            ]),
            area("6", "Facilitating learners' digital competence", nil, [
                item("6.1", "Information and media literacy: learners finding and judging information."),
                item("6.2", "Digital communication and collaboration: learners communicating and working together online."),
                item("6.3", "Digital content creation: learners creating and editing digital content."),
                item("6.4", "Responsible use: learners' well-being and safety online."),
                item("6.5", "Digital problem solving: learners solving technical and learning problems."),
            ]),
        ],
    ]
}
