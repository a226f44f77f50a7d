import Testing
@testable import IHubCore

@Suite struct SchemaTests {
    let schools: Shape = .object([.required("schools", .array(.object([
        .required("code", .string, "code"), .optional("size", .integer, "size"), .optional("opened", .date, "date"),
        .optional("level", .oneOf(["primary", "vet"]), "level"),
    ])), "the schools")])

    func message(_ json: String) -> String? {
        do {
            try schools.validate(try JSONParser.parse(json), at: "params")
            return nil
        } catch let e as IHubError {
            #expect(e.status == .invalid)
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func errorsNameTheFieldPath() {
        #expect(message(#"{"schools":[{"code":"a"},{"code":"b"},{"code":"c"},{"code":7}]}"#)
                == "params.schools[3].code: expected a string, got an integer")
        #expect(message(#"{"schools":[{"code":"a","size":"big"}]}"#) == "params.schools[0].size: expected an integer, got a string")
        #expect(message(#"{"schools":[{"size":1}]}"#)?.hasPrefix("params.schools[0].code: missing") == true)
        #expect(message(#"{"schools":[{"code":"a","colour":"red"}]}"#)?.hasPrefix("params.schools[0].colour: unknown field") == true)
        #expect(message(#"{"schools":{}}"#) == "params.schools: expected an array, got an object")
        #expect(message(#"{"schools":[{"code":"a","opened":"2024-02-30"}]}"#)?.contains("expected a date") == true)
        #expect(message(#"{"schools":[{"code":"a","level":"college"}]}"#)?.contains("is not one of primary, vet") == true)
        #expect(message(#"[]"#) == "params: expected an object, got an array")
    }

    @Test func validInputPasses() {
        #expect(message(#"{"schools":[{"code":"a","size":3.0,"opened":"2024-02-29","level":"vet"},{"code":"b","size":null}]}"#) == nil)
    }

    @Test(arguments: ["2024-02-29", "2023-12-31", "1999-01-01"]) func datesAccepted(_ d: String) { #expect(Shape.isDate(d)) }
    @Test(arguments: ["2023-02-29", "2023-13-01", "2023-1-01", "20230101", "2023-00-10", "abcd-ef-gh"])
    func datesRefused(_ d: String) { #expect(!Shape.isDate(d)) }
}
