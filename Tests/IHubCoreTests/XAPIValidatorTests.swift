import Testing
@testable import IHubCore

/// The xAPI 1.0.3 validation suite, written from the specification
/// (xAPI-Data.md, Part Two): every object type and interaction type
/// accepted; each MUST rule broken once and rejected at its path; SHOULD
/// rules reported as warnings that leave the statement valid.
@Suite struct XAPIValidatorTests {
    static func parse(_ text: String) -> JSON {
        do { return try JSONParser.parse(text) } catch { fatalError("test JSON: \(error.message): \(text)") }
    }

    /// The simplest statement using every property that MUST or SHOULD be used (2.4, example).
    static let base = parse(#"""
        {"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
         "actor": {"objectType": "Agent", "name": "Project Tin Can API", "mbox": "mailto:user@example.com"},
         "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
         "object": {"id": "http://example.adlnet.gov/xapi/example/simplestatement",
                    "definition": {"name": {"en-US": "simple statement"},
                                   "description": {"en-US": "A simple Experience API statement."}}},
         "timestamp": "2013-05-18T05:32:34.804Z", "version": "1.0.3"}
        """#)

    /// `json` with the value at a dotted path (array items by number) set, or removed when nil.
    static func set(_ json: JSON, _ path: String, _ value: JSON?) -> JSON {
        set(json, path.split(separator: ".").map(String.init)[...], value)
    }

    private static func set(_ json: JSON, _ path: ArraySlice<String>, _ value: JSON?) -> JSON {
        let key = path.first!
        let rest = path.dropFirst()
        if case .array(var items) = json, let i = Int(key) {
            if rest.isEmpty {
                if let value { if i < items.count { items[i] = value } else { items.append(value) } } else { items.remove(at: i) }
            } else {
                items[i] = set(items[i], rest, value)
            }
            return .array(items)
        }
        var members = json.members ?? []
        let index = members.firstIndex { $0.key == key }
        let next: JSON? = rest.isEmpty ? value : set(index.map { members[$0].value } ?? .object([]), rest, value)
        switch (index, next) {
        case (let i?, let v?): members[i].value = v
        case (let i?, nil): members.remove(at: i)
        case (nil, let v?): members.append(.init(key, v))
        case (nil, nil): break
        }
        return .object(members)
    }

    /// The base statement with each `(path, value)` applied in order (JSON text values).
    static func statement(_ changes: [(String, String?)]) -> JSON {
        changes.reduce(base) { s, c in set(s, c.0, c.1.map(parse)) }
    }

    static func errors(_ s: JSON) -> [XAPIProblem] { XAPIValidator.validate(s).filter { $0.severity == .error } }
    static func warnings(_ s: JSON) -> [XAPIProblem] { XAPIValidator.validate(s).filter { $0.severity == .warning } }

    // MARK: valid statements

    static let activity = #"{"objectType": "Activity", "id": "http://example.com/activities/a"}"#
    static let agent = #"{"objectType": "Agent", "mbox": "mailto:b@example.com"}"#

    static let validCases: [(String, [(String, String?)])] = [
        ("the specification's simplest statement", []),
        ("no id, version, timestamp (the LRS sets them)", [("id", nil), ("version", nil), ("timestamp", nil)]),
        ("uppercase UUID, another variant", [("id", #""FD41C918-B88B-1B20-C0A5-A4C32391AAA0""#)]),
        ("object Activity without objectType or definition", [("object", #"{"id": "urn:uuid:7e3c5b4c-55e0-4c2e-a7b6-4e1a1b2c3d4e"}"#)]),
        ("object Activity with every definition property", [("object", #"""
            {"objectType": "Activity", "id": "http://example.com/a", "definition": {
              "name": {"en": "A", "et": "A", "zh-Hant-TW": "甲"}, "description": {"en-GB-oed": "An activity"},
              "type": "http://adlnet.gov/expapi/activities/course", "moreInfo": "https://example.com/a/info",
              "extensions": {"http://example.com/ext/level": {"any": ["json", null]}}}}
            """#)]),
        ("object Agent", [("object", agent)]),
        ("object identified Group", [("object", #"{"objectType": "Group", "name": "Team", "account": {"homePage": "https://hub.example.org", "name": "team-7"}}"#)]),
        ("object anonymous Group", [("object", #"{"objectType": "Group", "member": [\#(agent), {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]}"#)]),
        ("object StatementRef", [("object", #"{"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}"#)]),
        ("object SubStatement", [("object", #"""
            {"objectType": "SubStatement", "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
             "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
             "object": {"objectType": "Activity", "id": "http://example.com/website"},
             "context": {"platform": "web"}, "timestamp": "2013-05-18T05:32:34Z"}
            """#)]),
        ("actor identified by openid", [("actor", #"{"openid": "http://openid.example.org/12345"}"#)]),
        ("actor identified by account", [("actor", #"{"account": {"homePage": "http://www.example.com", "name": "1625378"}}"#)]),
        ("actor identified by mbox_sha1sum (uppercase hex)", [("actor", #"{"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}"#)]),
        ("actor an identified Group with members", [("actor", #"{"objectType": "Group", "mbox": "mailto:team@example.com", "member": [\#(agent)]}"#)]),
        ("result with every property", [("result", #"""
            {"score": {"scaled": -1, "raw": 0, "min": 0, "max": 100}, "success": true, "completion": false,
             "response": "We agreed on three goals", "duration": "PT1H0M0S", "extensions": {"urn:x:y": 1}}
            """#)]),
        ("context with every property", [("context", #"""
            {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
             "instructor": {"objectType": "Group", "member": [\#(agent)]},
             "team": {"objectType": "Group", "openid": "http://example.org/team"},
             "contextActivities": {"parent": [\#(activity)], "grouping": \#(activity), "category": [], "other": [{"id": "urn:x"}]},
             "revision": "r2", "platform": "iHub", "language": "et-EE",
             "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
             "extensions": {"http://example.com/ext/session": null}}
            """#)]),
        ("stored, authority as an Agent, 1.0.0", [("stored", #""2013-05-18T05:32:34.804+00:00""#),
                                                 ("authority", #"{"account": {"homePage": "http://cloud.scorm.com", "name": "anonymous"}}"#),
                                                 ("version", #""1.0.0""#)]),
        ("authority a Group of two Agents (OAuth)", [("authority", #"""
            {"objectType": "Group", "member": [{"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
                                               {"mbox": "mailto:bob@example.com"}]}
            """#)]),
        ("voiding statement", [("verb", #"{"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}}"#),
                               ("object", #"{"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}"#)]),
        ("attachments", [("attachments", #"""
            [{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "Signature"},
              "description": {"en-US": "A test signature"}, "contentType": "application/octet-stream", "length": 4235,
              "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634", "fileUrl": "https://example.com/sig"},
             {"usageType": "urn:x:cert", "display": {}, "contentType": "text/plain; charset=utf-8", "length": 0,
              "sha2": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"}]
            """#)]),
        ("timestamps: leap day and second, +00:00, lowercase t and z", [("timestamp", #""2024-02-29T23:59:60.123456+00:00""#), ("stored", #""2024-01-01t00:00:00z""#)]),
        ("version 1.0.3-rc1", [("version", #""1.0.3-rc1""#)]),
    ]

    @Test(arguments: validCases.indices)
    func validStatementIsAccepted(_ i: Int) {
        let (name, changes) = Self.validCases[i]
        let problems = XAPIValidator.validate(Self.statement(changes))
        #expect(problems.isEmpty, "\(name): \(problems.map(\.text))")
    }

    static func interaction(_ type: String, _ extra: String) -> [(String, String?)] {
        [("object.definition", #"{"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "\#(type)"\#(extra)}"#)]
    }

    /// Appendix C of the specification, one definition per interaction type.
    static let interactions: [(String, String)] = [
        ("true-false", #", "correctResponsesPattern": ["true"]"#),
        ("choice", #", "correctResponsesPattern": ["golf[,]tetris"], "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}, {"id": "tetris", "description": {"en-US": "Tetris Example"}}]"#),
        ("fill-in", #", "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access to learning experiences."]"#),
        ("long-fill-in", #", "correctResponsesPattern": ["{case_matters=false}{lang=en}Long answer"]"#),
        ("likert", #", "correctResponsesPattern": ["likert_3"], "scale": [{"id": "likert_0", "description": {"en-US": "It's OK"}}, {"id": "likert_3", "description": {"en-US": "It's Gonna Change the World"}}]"#),
        ("matching", #", "correctResponsesPattern": ["ben[.]3[,]chris[.]2"], "source": [{"id": "ben", "description": {"en-US": "Ben"}}, {"id": "chris"}], "target": [{"id": "2"}, {"id": "3"}]"#),
        ("performance", #", "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10"], "steps": [{"id": "pong", "description": {"en-US": "Net pong"}}, {"id": "dg"}]"#),
        ("sequencing", #", "correctResponsesPattern": ["tim[,]mike"], "choices": [{"id": "tim"}, {"id": "mike"}]"#),
        ("numeric", #", "correctResponsesPattern": ["4[:]"]"#),
        ("other", #", "correctResponsesPattern": ["(35.937432,-86.868896)"]"#),
    ]

    @Test(arguments: interactions.indices)
    func everyInteractionTypeIsAccepted(_ i: Int) {
        let (type, extra) = Self.interactions[i]
        let problems = XAPIValidator.validate(Self.statement(Self.interaction(type, extra)))
        #expect(problems.isEmpty, "\(type): \(problems.map(\.text))")
    }

    // MARK: MUST rules: rejected at the right path

    /// (rule, changes, the path of the expected error).
    static let invalidCases: [(String, [(String, String?)], String)] = [
        // 2.2 Formatting
        ("actor required", [("actor", nil)], "actor"),
        ("verb required", [("verb", nil)], "verb"),
        ("object required", [("object", nil)], "object"),
        ("not an object at all", [("verb", "[]")], "verb"),
        ("unknown top-level property", [("Actor", #"{"mbox": "mailto:a@b.c"}"#)], "Actor"),
        ("null value", [("result", "null")], "result"),
        ("null inside an object", [("actor.name", "null")], "actor.name"),
        ("null objectType", [("actor.objectType", "null")], "actor.objectType"),
        ("null in a language map", [("verb.display", #"{"en": null}"#)], "verb.display.en"),
        ("null in an array", [("context", #"{"contextActivities": {"parent": [null]}}"#)], "context.contextActivities.parent[0]"),
        ("string where a boolean is required", [("result", #"{"success": "true"}"#)], "result.success"),
        ("string where a number is required", [("result", #"{"score": {"raw": "7"}}"#)], "result.score.raw"),
        // 2.4.1 id
        ("id not a UUID", [("id", #""fd41c918-b88b-4b20-a0a5-a4c32391aaa""#)], "id"),
        ("id with a stray character", [("id", #""fd41c918-b88b-4b20-a0a5-a4c32391aaaZ""#)], "id"),
        ("id empty", [("id", #""""#)], "id"),
        ("id a number", [("id", "12")], "id"),
        // 2.4.2 actor
        ("Agent without an identifier", [("actor", #"{"name": "Nobody"}"#)], "actor"),
        ("Agent with two identifiers", [("actor", #"{"mbox": "mailto:a@b.c", "openid": "http://id.example.org/a"}"#)], "actor"),
        ("mbox without mailto:", [("actor.mbox", #""user@example.com""#)], "actor.mbox"),
        ("mbox without an address", [("actor.mbox", #""mailto:""#)], "actor.mbox"),
        ("mbox_sha1sum not 40 hex", [("actor", #"{"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee"}"#)], "actor.mbox_sha1sum"),
        ("openid not a URI", [("actor", #"{"openid": "12345"}"#)], "actor.openid"),
        ("account without name", [("actor", #"{"account": {"homePage": "http://www.example.com"}}"#)], "actor.account.name"),
        ("account without homePage", [("actor", #"{"account": {"name": "x"}}"#)], "actor.account.homePage"),
        ("account homePage not an IRL", [("actor", #"{"account": {"homePage": "www.example.com", "name": "x"}}"#)], "actor.account.homePage"),
        ("account unknown property", [("actor", #"{"account": {"homePage": "http://a.b", "name": "x", "id": 1}}"#)], "actor.account.id"),
        ("Agent unknown property", [("actor.age", "3")], "actor.age"),
        ("actor objectType wrong case", [("actor.objectType", #""agent""#)], "actor.objectType"),
        ("actor objectType not an actor", [("actor.objectType", #""Activity""#)], "actor.objectType"),
        ("anonymous Group without member", [("actor", #"{"objectType": "Group", "name": "G"}"#)], "actor.member"),
        ("anonymous Group with no members", [("actor", #"{"objectType": "Group", "member": []}"#)], "actor.member"),
        ("Group member a Group", [("actor", #"{"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@x.y"}]}"#)], "actor.member[0]"),
        ("Group member without identifier", [("actor", #"{"objectType": "Group", "member": [\#(agent), {"name": "x"}]}"#)], "actor.member[1]"),
        ("identified Group with two identifiers", [("actor", #"{"objectType": "Group", "mbox": "mailto:g@x.y", "openid": "http://x.y/g"}"#)], "actor"),
        ("Group member not an array", [("actor", #"{"objectType": "Group", "member": \#(agent)}"#)], "actor.member"),
        // 2.4.3 verb
        ("verb without id", [("verb", #"{"display": {"en-US": "did"}}"#)], "verb.id"),
        ("verb id not an IRI", [("verb.id", #""created""#)], "verb.id"),
        ("verb id with a space", [("verb.id", #""http://example.com/my verb""#)], "verb.id"),
        ("verb display not a language map", [("verb.display", #""created""#)], "verb.display"),
        ("verb display key not a language tag", [("verb.display", #"{"english": "created"}"#)], "verb.display.english"),
        ("verb display value not a string", [("verb.display", #"{"en": 1}"#)], "verb.display.en"),
        ("verb display key with an empty subtag", [("verb.display", #"{"en--US": "x"}"#)], "verb.display.en--US"),
        ("verb unknown property", [("verb.name", #""created""#)], "verb.name"),
        // 2.4.4 object
        ("object objectType unknown", [("object.objectType", #""Course""#)], "object.objectType"),
        ("Activity without id", [("object", #"{"objectType": "Activity"}"#)], "object.id"),
        ("Activity id not an IRI", [("object.id", #""simplestatement""#)], "object.id"),
        ("Activity unknown property", [("object.name", #""x""#)], "object.name"),
        ("definition name not a language map", [("object.definition.name", #""simple""#)], "object.definition.name"),
        ("definition description key", [("object.definition.description", #"{"en_US": "x"}"#)], "object.definition.description.en_US"),
        ("definition type not an IRI", [("object.definition.type", #""course""#)], "object.definition.type"),
        ("definition moreInfo not an IRL", [("object.definition.moreInfo", #""example.com/more""#)], "object.definition.moreInfo"),
        ("definition extension key not an IRI", [("object.definition.extensions", #"{"level": 2}"#)], "object.definition.extensions.level"),
        ("definition unknown property", [("object.definition.title", #""x""#)], "object.definition.title"),
        ("interactionType unknown", [("object.definition.interactionType", #""essay""#)], "object.definition.interactionType"),
        ("interactionType wrong case", [("object.definition.interactionType", #""True-False""#)], "object.definition.interactionType"),
        ("choices without interactionType", [("object.definition.choices", #"[{"id": "a"}]"#)], "object.definition.choices"),
        ("correctResponsesPattern without interactionType", [("object.definition.correctResponsesPattern", #"["a"]"#)], "object.definition.correctResponsesPattern"),
        ("correctResponsesPattern not strings", interaction("true-false", #", "correctResponsesPattern": [true]"#), "object.definition.correctResponsesPattern[0]"),
        ("scale on a choice", interaction("choice", #", "scale": [{"id": "a"}]"#), "object.definition.scale"),
        ("choices on true-false", interaction("true-false", #", "choices": [{"id": "a"}]"#), "object.definition.choices"),
        ("steps on matching", interaction("matching", #", "steps": [{"id": "a"}]"#), "object.definition.steps"),
        ("source on likert", interaction("likert", #", "source": [{"id": "a"}]"#), "object.definition.source"),
        ("target on performance", interaction("performance", #", "target": [{"id": "a"}]"#), "object.definition.target"),
        ("component without id", interaction("choice", #", "choices": [{"id": "a"}, {"description": {"en": "b"}}]"#), "object.definition.choices[1].id"),
        ("component ids not distinct", interaction("sequencing", #", "choices": [{"id": "a"}, {"id": "a"}]"#), "object.definition.choices[1].id"),
        ("component description key", interaction("likert", #", "scale": [{"id": "a", "description": {"123": "x"}}]"#), "object.definition.scale[0].description.123"),
        ("component unknown property", interaction("matching", #", "target": [{"id": "a", "name": "x"}]"#), "object.definition.target[0].name"),
        ("component list not an array", interaction("performance", #", "steps": {"id": "a"}"#), "object.definition.steps"),
        ("object Agent without identifier", [("object", #"{"objectType": "Agent", "name": "x"}"#)], "object"),
        ("object Group member Group", [("object", #"{"objectType": "Group", "member": [{"objectType": "Group", "member": [\#(agent)]}]}"#)], "object.member[0]"),
        ("StatementRef without id", [("object", #"{"objectType": "StatementRef"}"#)], "object.id"),
        ("StatementRef id not a UUID", [("object", #"{"objectType": "StatementRef", "id": "http://example.com/s/1"}"#)], "object.id"),
        ("StatementRef unknown property", [("object", #"{"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0", "definition": {}}"#)], "object.definition"),
        ("SubStatement with id", [("object", #"{"objectType": "SubStatement", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(activity)}"#)], "object.id"),
        ("SubStatement with stored", [("object", #"{"objectType": "SubStatement", "stored": "2013-05-18T05:32:34Z", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(activity)}"#)], "object.stored"),
        ("SubStatement with version", [("object", #"{"objectType": "SubStatement", "version": "1.0.0", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(activity)}"#)], "object.version"),
        ("SubStatement with authority", [("object", #"{"objectType": "SubStatement", "authority": \#(agent), "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(activity)}"#)], "object.authority"),
        ("nested SubStatement", [("object", #"{"objectType": "SubStatement", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": {"objectType": "SubStatement", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(activity)}}"#)], "object.object.objectType"),
        ("SubStatement without verb", [("object", #"{"objectType": "SubStatement", "actor": \#(agent), "object": \#(activity)}"#)], "object.verb"),
        ("SubStatement actor checked as a statement's", [("object", #"{"objectType": "SubStatement", "actor": {"mbox": "x"}, "verb": {"id": "urn:v"}, "object": \#(activity)}"#)], "object.actor.mbox"),
        ("SubStatement revision with an Agent object", [("object", #"{"objectType": "SubStatement", "actor": \#(agent), "verb": {"id": "urn:v"}, "object": \#(agent), "context": {"revision": "2"}}"#)], "object.context.revision"),
        // 2.4.5 result
        ("scaled above 1", [("result", #"{"score": {"scaled": 1.5}}"#)], "result.score.scaled"),
        ("scaled below -1", [("result", #"{"score": {"scaled": -1.01}}"#)], "result.score.scaled"),
        ("raw below min", [("result", #"{"score": {"raw": -1, "min": 0, "max": 10}}"#)], "result.score.raw"),
        ("raw above max", [("result", #"{"score": {"raw": 11, "max": 10}}"#)], "result.score.raw"),
        ("min not below max", [("result", #"{"score": {"min": 10, "max": 10}}"#)], "result.score.min"),
        ("score unknown property", [("result", #"{"score": {"percent": 10}}"#)], "result.score.percent"),
        ("completion not a boolean", [("result", #"{"completion": 1}"#)], "result.completion"),
        ("response not a string", [("result", #"{"response": ["a"]}"#)], "result.response"),
        ("duration not ISO 8601", [("result", #"{"duration": "1:30:00"}"#)], "result.duration"),
        ("duration in the alternative format", [("result", #"{"duration": "PT01:30:00"}"#)], "result.duration"),
        ("duration with T and no time", [("result", #"{"duration": "P1DT"}"#)], "result.duration"),
        ("duration with units out of order", [("result", #"{"duration": "PT5S1M"}"#)], "result.duration"),
        ("duration empty", [("result", #"{"duration": "P"}"#)], "result.duration"),
        ("result extension key", [("result", #"{"extensions": {"": 1}}"#)], "result.extensions."),
        ("result unknown property", [("result", #"{"grade": "A"}"#)], "result.grade"),
        // 2.4.6 context
        ("registration not a UUID", [("context", #"{"registration": "abc"}"#)], "context.registration"),
        ("instructor without identifier", [("context", #"{"instructor": {"name": "x"}}"#)], "context.instructor"),
        ("team an Agent", [("context", #"{"team": \#(agent)}"#)], "context.team.objectType"),
        ("team without objectType", [("context", #"{"team": {"member": [\#(agent)]}}"#)], "context.team.objectType"),
        ("contextActivities unknown key", [("context", #"{"contextActivities": {"parents": [\#(activity)]}}"#)], "context.contextActivities.parents"),
        ("contextActivities parent id", [("context", #"{"contextActivities": {"parent": [{"id": "not an iri"}]}}"#)], "context.contextActivities.parent[0].id"),
        ("contextActivities grouping as one Activity, bad", [("context", #"{"contextActivities": {"grouping": {"objectType": "Agent", "id": "urn:x"}}}"#)], "context.contextActivities.grouping.objectType"),
        ("contextActivities other not an Activity", [("context", #"{"contextActivities": {"other": ["urn:x"]}}"#)], "context.contextActivities.other[0]"),
        ("revision with an Agent object", [("object", agent), ("context", #"{"revision": "2"}"#)], "context.revision"),
        ("platform with a StatementRef object", [("object", #"{"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}"#), ("context", #"{"platform": "web"}"#)], "context.platform"),
        ("revision not a string", [("context", #"{"revision": 2}"#)], "context.revision"),
        ("language not a tag", [("context", #"{"language": "english"}"#)], "context.language"),
        ("language tag with a trailing dash", [("context", #"{"language": "en-"}"#)], "context.language"),
        ("context statement not a StatementRef", [("context", #"{"statement": {"id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}}"#)], "context.statement.objectType"),
        ("context extension key", [("context", #"{"extensions": {"session id": 1}}"#)], "context.extensions.session id"),
        ("context unknown property", [("context", #"{"location": "Tallinn"}"#)], "context.location"),
        // 2.4.7–2.4.10
        ("timestamp not ISO 8601", [("timestamp", #""18.05.2013 05:32""#)], "timestamp"),
        ("timestamp without T", [("timestamp", #""2013-05-18 05:32:34Z""#)], "timestamp"),
        ("timestamp day out of range", [("timestamp", #""2023-02-29T05:32:34Z""#)], "timestamp"),
        ("timestamp hour out of range", [("timestamp", #""2013-05-18T25:00:00Z""#)], "timestamp"),
        ("timestamp offset -00:00", [("timestamp", #""2013-05-18T05:32:34-00:00""#)], "timestamp"),
        ("timestamp offset malformed", [("timestamp", #""2013-05-18T05:32:34+5""#)], "timestamp"),
        ("timestamp trailing text", [("timestamp", #""2013-05-18T05:32:34Zulu""#)], "timestamp"),
        ("timestamp a number", [("timestamp", "1368855154")], "timestamp"),
        ("stored not ISO 8601", [("stored", #""yesterday""#)], "stored"),
        ("authority without identifier", [("authority", #"{"name": "x"}"#)], "authority"),
        ("authority an identified Group", [("authority", #"{"objectType": "Group", "openid": "http://x.y/g"}"#)], "authority.member"),
        ("version 1.0", [("version", #""1.0""#)], "version"),
        ("authority Group of three", [("authority", #"{"objectType": "Group", "member": [\#(agent), {"mbox": "mailto:c@d.e"}, {"mbox": "mailto:f@g.h"}]}"#)], "authority.member"),
        ("version 1.1.0", [("version", #""1.1.0""#)], "version"),
        ("version 2.0.0", [("version", #""2.0.0""#)], "version"),
        ("version a number", [("version", "1.0")], "version"),
        // 2.3.2 voiding
        ("voiding an Activity", [("verb.id", #""http://adlnet.gov/expapi/verbs/voided""#)], "object"),
        // 2.4.11 attachments
        ("attachments not an array", [("attachments", #"{"usageType": "urn:x"}"#)], "attachments"),
        ("attachment without sha2", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": 1}]"#)], "attachments[0].sha2"),
        ("attachment without usageType", [("attachments", #"[{"display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].usageType"),
        ("attachment usageType not an IRI", [("attachments", #"[{"usageType": "signature", "display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].usageType"),
        ("attachment display not a map", [("attachments", #"[{"usageType": "urn:x", "display": "x", "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].display"),
        ("attachment contentType not a media type", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "pdf", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].contentType"),
        ("attachment length not an integer", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": 1.5, "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].length"),
        ("attachment length a string", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": "1", "sha2": "\#(String(repeating: "a", count: 64))"}]"#)], "attachments[0].length"),
        ("attachment sha2 not hex", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "g", count: 64))"}]"#)], "attachments[0].sha2"),
        ("attachment fileUrl not an IRL", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))", "fileUrl": "sig.bin"}]"#)], "attachments[0].fileUrl"),
        ("attachment unknown property", [("attachments", #"[{"usageType": "urn:x", "display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "\#(String(repeating: "a", count: 64))", "data": "AAAA"}]"#)], "attachments[0].data"),
    ]

    @Test(arguments: invalidCases.indices)
    func brokenRuleIsRejectedAtItsPath(_ i: Int) {
        let (rule, changes, path) = Self.invalidCases[i]
        let errors = Self.errors(Self.statement(changes))
        #expect(errors.contains { $0.path == path }, "\(rule): expected an error at \(path), got \(errors.map(\.text))")
        #expect(!XAPIValidator.isValid(Self.statement(changes)), "\(rule)")
    }

    // MARK: SHOULD rules: warnings, the statement stays valid

    static let warningCases: [(String, [(String, String?)], String)] = [
        ("timestamp without a time zone", [("timestamp", #""2013-05-18T05:32:34.804""#)], "timestamp"),
        ("timestamp not in UTC", [("timestamp", #""2013-05-18T07:32:34.804+02:00""#)], "timestamp"),
        ("stored not in UTC", [("stored", #""2013-05-18T05:32:34-05:00""#)], "stored"),
        ("timestamp without seconds (not RFC 3339)", [("timestamp", #""2013-05-18T05:32Z""#)], "timestamp"),
        ("timestamp offset without a colon (not RFC 3339)", [("timestamp", #""2013-05-18T05:32:34+0000""#)], "timestamp"),
        ("timestamp with a decimal comma (not RFC 3339)", [("timestamp", #""2013-05-18T05:32:34,5Z""#)], "timestamp"),
        ("true-false pattern neither true nor false", interaction("true-false", #", "correctResponsesPattern": ["yes"]"#), "object.definition.correctResponsesPattern[0]"),
        ("choice pattern naming no choice", interaction("choice", #", "correctResponsesPattern": ["golf[,]chess"], "choices": [{"id": "golf"}, {"id": "tetris"}]"#), "object.definition.correctResponsesPattern[0]"),
        ("sequencing pattern naming no choice", interaction("sequencing", #", "choices": [{"id": "a"}], "correctResponsesPattern": ["a[,]b"]"#), "object.definition.correctResponsesPattern[0]"),
        ("likert pattern of two items", interaction("likert", #", "correctResponsesPattern": ["a[,]b"], "scale": [{"id": "a"}, {"id": "b"}]"#), "object.definition.correctResponsesPattern[0]"),
        ("matching pattern without [.]", interaction("matching", #", "correctResponsesPattern": ["ben3"], "source": [{"id": "ben"}], "target": [{"id": "3"}]"#), "object.definition.correctResponsesPattern[0]"),
        ("matching pattern naming no target", interaction("matching", #", "correctResponsesPattern": ["ben[.]4"], "source": [{"id": "ben"}], "target": [{"id": "3"}]"#), "object.definition.correctResponsesPattern[0]"),
        ("performance pattern naming no step", interaction("performance", #", "correctResponsesPattern": ["{order_matters=false}pong[.]1:[,]x[.]2"], "steps": [{"id": "pong"}]"#), "object.definition.correctResponsesPattern[0]"),
        ("numeric pattern not a number", interaction("numeric", #", "correctResponsesPattern": ["four"]"#), "object.definition.correctResponsesPattern[0]"),
        ("numeric range upside down", interaction("numeric", #", "correctResponsesPattern": ["5[:]4"]"#), "object.definition.correctResponsesPattern[0]"),
        ("interaction without the cmi.interaction type", [("object.definition", #"{"interactionType": "numeric"}"#)], "object.definition"),
        ("component id with whitespace", interaction("choice", #", "choices": [{"id": "a b"}]"#), "object.definition.choices[0].id"),
    ]

    @Test(arguments: warningCases.indices)
    func shouldRuleIsAWarning(_ i: Int) {
        let (rule, changes, path) = Self.warningCases[i]
        let s = Self.statement(changes)
        #expect(Self.errors(s).isEmpty, "\(rule): \(Self.errors(s).map(\.text))")
        #expect(Self.warnings(s).map(\.path) == [path], "\(rule): \(Self.warnings(s).map(\.text))")
        #expect(XAPIValidator.isValid(s))
        #expect(XAPIValidator.validate(s, options: .init(warnings: false)).isEmpty)
    }

    // MARK: formats

    @Test func languageTagsFollowRFC5646() {
        let good = ["en", "en-US", "et-EE", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1901", "sl-rozaj-biske",
                    "zh-yue-HK", "x-whatever", "en-a-bbb-x-a-ccc", "qaa-Qaaa-QM-x-southern", "i-klingon", "EN-gb-OED",
                    "hy-Latn-IT-arevela", "de-DE-u-co-phonebk", "ar-aao-aao-aao"]
        let bad = ["", "e", "english", "en_US", "en-", "-en", "en--US", "en-US-", "a-DE", "de-419-DE", "en-a",
                   "en-a-x", "x-", "ar-a-aaa-b", "en-US-x", "123", "ar-aao-aao-aao-aao", "toolongtag", "en-Latn-Latn"]
        for t in good { #expect(XAPILanguageTag.isWellFormed(t), "\(t)") }
        for t in bad { #expect(!XAPILanguageTag.isWellFormed(t), "\(t)") }
    }

    @Test func durationsFollowISO8601() {
        let good = ["PT1H30M", "P1Y2M3DT4H5M6S", "P3W", "PT0S", "PT1.5S", "PT1,5S", "P1D", "PT36H", "P0.5Y", "PT1H0.25M"]
        let bad = ["", "P", "PT", "1H", "P1H", "PT1D", "P1W2D", "PT1.5H30M", "P1DT", "PT-1S", "PT1S ", "p1d", "P1.S", "P.5D", "P1M1Y"]
        for d in good { #expect(XAPITime.isDuration(d), "\(d)") }
        for d in bad { #expect(!XAPITime.isDuration(d), "\(d)") }
    }

    @Test func timestampsFollowISO8601() {
        #expect(XAPITime.timestamp("2013-05-18T05:32:34.804Z") == .utc)
        #expect(XAPITime.timestamp("2013-05-18T05:32:34+00:00") == .utc)
        #expect(XAPITime.timestamp("2013-05-18T05:32Z") == .utc)
        #expect(XAPITime.timestamp("2013-05-18T05:32:34.1+05:30") == .offset)
        #expect(XAPITime.timestamp("2013-05-18T05:32:34,1-03:30") == .offset)
        #expect(XAPITime.timestamp("2013-05-18T05:32:34-08") == .offset)
        #expect(XAPITime.timestamp("2013-05-18T05:32:34") == XAPITime.Zone.none)
        #expect(XAPITime.timestamp("2013-05-18T24:00:00Z") == .utc)
        #expect(XAPITime.stamp("2013-05-18T05:32:34.804Z")?.rfc3339 == true)
        #expect(XAPITime.stamp("2013-05-18T24:00:00Z")?.rfc3339 == false)
        #expect(XAPITime.stamp("2013-05-18T05:32:34+05")?.rfc3339 == false)
        for t in ["2013-05-18", "2013-5-18T05:32:34Z", "2013-05-18T05:32:34.Z", "2013-13-01T00:00:00Z", "2013-04-31T00:00:00Z",
                  "2013-05-18T05:60:00Z", "2013-05-18T24:00:01Z", "2013-05-18T05:32:34+24:00", "2013-05-18T05:32:34-0000",
                  "2013-05-18T05:32:34+05:3", "20130518T053234Z", "2013-05-18T05:32:34 Z"] {
            #expect(XAPITime.timestamp(t) == nil, "\(t)")
        }
    }

    @Test func identifierFormats() {
        #expect(XAPIFormat.isUUID("00000000-0000-0000-0000-000000000000"))
        #expect(!XAPIFormat.isUUID("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}"))
        #expect(!XAPIFormat.isUUID("fd41c918b88b4b20a0a5a4c32391aaa0"))
        #expect(XAPIFormat.iriProblem("http://example.com/é/%20") == nil)
        #expect(XAPIFormat.iriProblem("urn:isbn:0451450523") == nil)
        #expect(XAPIFormat.iriProblem("http://example.com/%2") != nil)
        #expect(XAPIFormat.iriProblem("1http://x") != nil)
        #expect(XAPIFormat.iriProblem("http:") != nil)
        #expect(XAPIFormat.iriProblem("http://x.y/<a>") != nil)
        #expect(XAPIFormat.mailtoProblem("mailto:a@b") == nil)
        #expect(XAPIFormat.mailtoProblem("mailto:a@b@c") != nil)
        #expect(XAPIFormat.mailtoProblem("MAILTO:a@b") != nil)
        #expect(XAPIFormat.mailtoProblem("mailto:a b@c") != nil)
    }

    // MARK: messages and batches

    @Test func problemsSayWhatIsWrong() {
        let s = Self.statement([("actor.mbox", #""user@example.com""#), ("Actor", "1")])
        let texts = XAPIValidator.validate(s).map(\.text)
        #expect(texts.contains("actor.mbox: must be a mailto: IRI (\"mailto:name@example.org\")"))
        #expect(texts.contains { $0.hasPrefix("Actor: unknown property (allowed: id, actor, verb") })
    }

    @Test func ndjsonBatchReportsEachLine() throws {
        let good = Self.base.serialized()
        let text = "\(good)\n\n{\"actor\": 1}\nnot json\n{\"actor\": {\"a\": 1, \"a\": 2}}\n\(good)"
        var reports: [XAPIReport] = []
        try XAPIValidator.validate(.source(.bytes(Array(text.utf8)))) { r in
            reports.append(r)
            return .more
        }
        #expect(reports.map(\.index) == [0, 1, 2, 3, 4])
        #expect(reports.map(\.line) == [1, 3, 4, 5, 6])
        #expect(reports.map(\.valid) == [true, false, false, false, true])
        #expect(reports[1].errors.map(\.path) == ["actor", "verb", "object"])
        #expect(reports[2].statement == nil && reports[2].errors.map(\.path) == [""])
        #expect(reports[2].errors[0].message.hasPrefix("not JSON: "))
        #expect(reports[3].errors.map(\.path) == ["actor"] && reports[3].errors[0].message.contains("duplicate key"))
        #expect(reports[4].statement == Self.base)
    }

    @Test func arrayBatchAndLongLines() throws {
        let good = Self.base.serialized()
        var valid: [Bool] = []
        try XAPIValidator.validate(.source(.bytes(Array("  [\(good), {}]".utf8)))) { r in
            #expect(r.line == nil)
            valid.append(r.valid)
            return .more
        }
        #expect(valid == [true, false])
        var long: [XAPIReport] = []
        try XAPIValidator.validate(.source(.bytes(Array("\(good)\n\(good)\n".utf8))), maxLineBytes: 100) { r in
            long.append(r)
            return .stop
        }
        #expect(long.count == 1 && long[0].line == 1 && long[0].errors[0].message.contains("over the limit"))
        #expect(throws: IHubError.self) {
            try XAPIValidator.validate(.source(.bytes(Array("[{}".utf8)))) { _ in .more }
        }
    }

    @Test func methodCountsAndLists() throws {
        let engine = try freshEngine()
        let good = Self.base.serialized()
        let r = try engine.call("xapi.validate", ["text": .string("\(good)\n{\"verb\": {}}\n")])
        #expect(r["valid"] == 1 && r["invalid"] == 1)
        let results = r["results"]?.array ?? []
        #expect(results.count == 1)
        #expect(results.first?["line"] == 2 && results.first?["index"] == 1 && results.first?["valid"] == false)
        let all = try engine.call("xapi.validate", ["statements": [Self.base, Self.base], "all": true])
        #expect(all["valid"] == 2 && all["results"]?.array?.count == 2 && all["results"]?.array?.first?["line"] == nil)
        let limited = try engine.call("xapi.validate", ["statements": [[:], [:], [:]], "limit": 2])
        #expect(limited["invalid"] == 3 && limited["results"]?.array?.count == 2 && limited["truncated"] == true)
        #expect(throws: IHubError.self) { try engine.call("xapi.validate", ["statements": [], "text": ""]) }
    }
}
