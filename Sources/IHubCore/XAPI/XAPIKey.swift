/// The property names of xAPI 1.0.3 objects, found from a key by its
/// length and first letter: the validator's switches then compare one or
/// two strings per property, not every name of the object in turn.
enum XAPIKey: UInt8 {
    case account, actor, attachments, authority, category, choices, completion, contentType
    case context, contextActivities, correctResponsesPattern, definition, description, display, duration, extensions
    case fileUrl, grouping, homePage, id, instructor, interactionType, language, length
    case max, mbox, mbox_sha1sum, member, min, moreInfo, name, object
    case objectType, openid, other, parent, platform, raw, registration, response
    case result, revision, scale, scaled, score, sha2, source, statement
    case steps, stored, success, target, team, timestamp, `type`, usageType
    case verb, version

    init?(_ s: String) {
        let u = s.utf8
        guard let first = u.first else { return nil }
        let key: XAPIKey?
        switch (u.count, first) {
        case (2, UInt8(ascii: "i")): key = s == "id" ? .id : nil
        case (3, UInt8(ascii: "m")): key = s == "max" ? .max : s == "min" ? .min : nil
        case (3, UInt8(ascii: "r")): key = s == "raw" ? .raw : nil
        case (4, UInt8(ascii: "m")): key = s == "mbox" ? .mbox : nil
        case (4, UInt8(ascii: "n")): key = s == "name" ? .name : nil
        case (4, UInt8(ascii: "s")): key = s == "sha2" ? .sha2 : nil
        case (4, UInt8(ascii: "t")): key = s == "team" ? .team : s == "type" ? .`type` : nil
        case (4, UInt8(ascii: "v")): key = s == "verb" ? .verb : nil
        case (5, UInt8(ascii: "a")): key = s == "actor" ? .actor : nil
        case (5, UInt8(ascii: "o")): key = s == "other" ? .other : nil
        case (5, UInt8(ascii: "s")): key = s == "scale" ? .scale : s == "score" ? .score : s == "steps" ? .steps : nil
        case (6, UInt8(ascii: "l")): key = s == "length" ? .length : nil
        case (6, UInt8(ascii: "m")): key = s == "member" ? .member : nil
        case (6, UInt8(ascii: "o")): key = s == "object" ? .object : s == "openid" ? .openid : nil
        case (6, UInt8(ascii: "p")): key = s == "parent" ? .parent : nil
        case (6, UInt8(ascii: "r")): key = s == "result" ? .result : nil
        case (6, UInt8(ascii: "s")): key = s == "scaled" ? .scaled : s == "source" ? .source : s == "stored" ? .stored : nil
        case (6, UInt8(ascii: "t")): key = s == "target" ? .target : nil
        case (7, UInt8(ascii: "a")): key = s == "account" ? .account : nil
        case (7, UInt8(ascii: "c")): key = s == "choices" ? .choices : s == "context" ? .context : nil
        case (7, UInt8(ascii: "d")): key = s == "display" ? .display : nil
        case (7, UInt8(ascii: "f")): key = s == "fileUrl" ? .fileUrl : nil
        case (7, UInt8(ascii: "s")): key = s == "success" ? .success : nil
        case (7, UInt8(ascii: "v")): key = s == "version" ? .version : nil
        case (8, UInt8(ascii: "c")): key = s == "category" ? .category : nil
        case (8, UInt8(ascii: "d")): key = s == "duration" ? .duration : nil
        case (8, UInt8(ascii: "g")): key = s == "grouping" ? .grouping : nil
        case (8, UInt8(ascii: "h")): key = s == "homePage" ? .homePage : nil
        case (8, UInt8(ascii: "l")): key = s == "language" ? .language : nil
        case (8, UInt8(ascii: "m")): key = s == "moreInfo" ? .moreInfo : nil
        case (8, UInt8(ascii: "p")): key = s == "platform" ? .platform : nil
        case (8, UInt8(ascii: "r")): key = s == "response" ? .response : s == "revision" ? .revision : nil
        case (9, UInt8(ascii: "a")): key = s == "authority" ? .authority : nil
        case (9, UInt8(ascii: "s")): key = s == "statement" ? .statement : nil
        case (9, UInt8(ascii: "t")): key = s == "timestamp" ? .timestamp : nil
        case (9, UInt8(ascii: "u")): key = s == "usageType" ? .usageType : nil
        case (10, UInt8(ascii: "c")): key = s == "completion" ? .completion : nil
        case (10, UInt8(ascii: "d")): key = s == "definition" ? .definition : nil
        case (10, UInt8(ascii: "e")): key = s == "extensions" ? .extensions : nil
        case (10, UInt8(ascii: "i")): key = s == "instructor" ? .instructor : nil
        case (10, UInt8(ascii: "o")): key = s == "objectType" ? .objectType : nil
        case (11, UInt8(ascii: "a")): key = s == "attachments" ? .attachments : nil
        case (11, UInt8(ascii: "c")): key = s == "contentType" ? .contentType : nil
        case (11, UInt8(ascii: "d")): key = s == "description" ? .description : nil
        case (12, UInt8(ascii: "m")): key = s == "mbox_sha1sum" ? .mbox_sha1sum : nil
        case (12, UInt8(ascii: "r")): key = s == "registration" ? .registration : nil
        case (15, UInt8(ascii: "i")): key = s == "interactionType" ? .interactionType : nil
        case (17, UInt8(ascii: "c")): key = s == "contextActivities" ? .contextActivities : nil
        case (23, UInt8(ascii: "c")): key = s == "correctResponsesPattern" ? .correctResponsesPattern : nil
        default: key = nil
        }
        guard let key else { return nil }
        self = key
    }
}
