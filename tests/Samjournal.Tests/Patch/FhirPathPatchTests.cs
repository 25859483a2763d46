using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Patch;

namespace Samjournal.Tests.Patch;

public class FhirPathPatchTests
{
    [Fact]
    public void deleting_the_last_child_removes_the_emptied_parents_but_not_the_resource()
    {
        var patient = new Patient { Contact = [new() { Name = new HumanName { Text = "a name" } }] };

        var result = (Patient)FhirPathPatch.Apply(patient, Patch(Operation("delete", "Patient.contact[0].name.text")));

        Assert.Empty(result.Contact);
        Assert.Equal("a name", patient.Contact[0].Name!.Text);
    }

    [Fact]
    public void delete_of_nothing_is_not_an_error()
    {
        var result = FhirPathPatch.Apply(new Patient { Active = true }, Patch(Operation("delete", "Patient.birthDate")));

        Assert.True(((Patient)result).Active);
    }

    [Fact]
    public void choice_elements_take_any_of_their_types_by_plain_or_typed_name()
    {
        var result = (Patient)FhirPathPatch.Apply(
            new Patient(),
            Patch(
                Operation("add", "Patient", name: "deceased", value: new FhirBoolean(false)),
                Operation("replace", "Patient.deceased", value: new FhirDateTime("2020-01-01")),
                Operation("add", "Patient", name: "multipleBirthInteger", value: new Integer(2))));

        Assert.Equal("2020-01-01", Assert.IsType<FhirDateTime>(result.Deceased).Value);
        Assert.Equal(2, Assert.IsType<Integer>(result.MultipleBirth).Value);
    }

    [Fact]
    public void extensions_can_be_added_to_primitives()
    {
        var extension = new Extension("http://example.org/x", new FhirString("y"));

        var result = (Patient)FhirPathPatch.Apply(
            new Patient { BirthDate = "2000-01-01" },
            Patch(Operation("add", "Patient.birthDate", name: "extension", value: extension)));

        Assert.Equal("http://example.org/x", Assert.Single(result.BirthDateElement!.Extension).Url);
    }

    [Fact]
    public void deleting_a_primitive_extension_keeps_the_primitive_value()
    {
        var patient = new Patient { BirthDateElement = new Date("2000-01-01") };
        patient.BirthDateElement.Extension.Add(new Extension("http://example.org/x", new FhirString("y")));

        var result = (Patient)FhirPathPatch.Apply(patient, Patch(Operation("delete", "Patient.birthDate.extension[0]")));

        Assert.Equal("2000-01-01", result.BirthDate);
        Assert.Empty(result.BirthDateElement!.Extension);
    }

    [Fact]
    public void resources_can_be_added_as_contained_resources()
    {
        var value = new Parameters.ParameterComponent { Resource = new Organization { Id = "org", Name = "Clinic" } };

        var result = (Patient)FhirPathPatch.Apply(new Patient(), Patch(Operation("add", "Patient", name: "contained", value: value)));

        Assert.Equal("Clinic", Assert.IsType<Organization>(Assert.Single(result.Contained)).Name);
    }

    [Fact]
    public void insert_and_move_work_on_primitive_lists()
    {
        var patient = new Patient { Name = [new HumanName { Given = ["a", "b"] }] };

        var result = (Patient)FhirPathPatch.Apply(
            patient,
            Patch(
                Operation("insert", "Patient.name[0].given", index: 2, value: new FhirString("c")),
                Operation("move", "Patient.name[0].given", source: 0, destination: 2)));

        Assert.Equal(["b", "c", "a"], result.Name[0].Given);
    }

    [Fact]
    public void paths_are_evaluated_against_the_state_left_by_earlier_operations()
    {
        var patient = new Patient { Identifier = [new() { System = "a" }, new() { System = "b" }] };

        var result = (Patient)FhirPathPatch.Apply(
            patient,
            Patch(
                Operation("delete", "Patient.identifier.where(system = 'a')"),
                Operation("replace", "Patient.identifier[0].system", value: new FhirUri("c"))));

        Assert.Equal("c", Assert.Single(result.Identifier).System);
    }

    [Theory]
    [MemberData(nameof(UnprocessableOperations))]
    public void operation_that_does_not_fit_the_resource_is_a_422_naming_index_and_path(string why, Parameters.ParameterComponent operation, string message)
    {
        var patient = new Patient
        {
            Active = true,
            Gender = AdministrativeGender.Male,
            Identifier = [new() { System = "a" }, new() { System = "b" }],
        };

        var error = Assert.Throws<FhirOperationException>(
            () => FhirPathPatch.Apply(patient, Patch(Operation("delete", "Patient.birthDate"), operation)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("operation [1]", error.Message);
        Assert.Contains(operation.Part.Single(p => p.Name == "path").Value!.ToString()!, error.Message);
        Assert.Equal("Parameters.parameter[1]", error.Expression);
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    public static TheoryData<string, Parameters.ParameterComponent, string> UnprocessableOperations() => new()
    {
        { "add: nothing at path", Operation("add", "Patient.maritalStatus", name: "text", value: new FhirString("x")), "No content found at Patient.maritalStatus" },
        { "add: many at path", Operation("add", "Patient.identifier", name: "value", value: new FhirString("x")), "the path matches 2 elements; it must match exactly one" },
        { "add: no such element", Operation("add", "Patient", name: "colour", value: new FhirString("x")), "a Patient has no element 'colour'" },
        { "add: single element already set", Operation("add", "Patient", name: "active", value: new FhirBoolean(false)), "'active' already has a value" },
        { "add: wrong type", Operation("add", "Patient", name: "birthDate", value: new Coding("s", "c")), "'birthDate' takes date, not Coding" },
        { "add: invalid literal", Operation("add", "Patient", name: "birthDate", value: new FhirString("not a date")), "'not a date' is not a valid date for 'birthDate'" },
        { "replace: code outside the bound enum", Operation("replace", "Patient.gender", value: new Code("martian")), "'martian' is not a valid code for 'gender'" },
        { "replace: nothing at path", Operation("replace", "Patient.birthDate", value: new Date("2000")), "No content found at Patient.birthDate" },
        { "replace: the resource itself", Operation("replace", "Patient", value: new FhirString("x")), "the path does not select an element of the resource" },
        { "replace: not an element", Operation("replace", "'literal'", value: new FhirString("x")), "the path does not select an element of the resource" },
        { "add: not an element", Operation("add", "'literal'", name: "extension", value: new Extension("http://example.org/x", new FhirString("y"))), "the path does not select an element of the resource" },
        { "add: choice type not allowed", Operation("add", "Patient", name: "deceased", value: new FhirString("x")), "'deceased' takes boolean or dateTime, not string" },
        { "delete: many at path", Operation("delete", "Patient.identifier"), "the path matches 2 elements; it must match exactly one" },
        { "insert: past the end", Operation("insert", "Patient.identifier", index: 3, value: new Identifier()), "index 3 is past the end of the list of 2" },
        { "insert: not a list", Operation("insert", "Patient.active", index: 0, value: new FhirBoolean(true)), "'active' is not a list" },
        { "insert: empty list", Operation("insert", "Patient.name", index: 0, value: new HumanName()), "No content found at Patient.name" },
        { "move: source out of range", Operation("move", "Patient.identifier", source: 2, destination: 0), "source 2 and destination 0 must both be below the list size" },
        { "move: destination out of range", Operation("move", "Patient.identifier", source: 0, destination: 2), "source 0 and destination 2 must both be below the list size" },
        { "parts for a primitive", Operation("replace", "Patient.active", value: Parts("value", new FhirBoolean(true))), "'active' needs a value[x]" },
        { "unknown part in anonymous type", Operation("add", "Patient", name: "contact", value: Parts("colour", new FhirString("x"))), "a Patient.contact has no element 'colour'" },
        { "evaluation fails", Operation("delete", "Patient.identifier.single()"), "evaluating the path failed: Invocation of function 'single'" },
    };

    [Theory]
    [MemberData(nameof(MalformedOperations))]
    public void malformed_operation_is_a_400_even_after_one_that_would_fail(string why, Parameters.ParameterComponent operation, string message)
    {
        var error = Assert.Throws<FhirOperationException>(
            () => FhirPathPatch.Apply(new Patient(), Patch(Operation("replace", "Patient.birthDate", value: new Date("2000")), operation)));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("operation [1]", error.Message);
        Assert.Equal("Parameters.parameter[1]", error.Expression);
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    public static TheoryData<string, Parameters.ParameterComponent, string> MalformedOperations()
    {
        var wrongName = Operation("delete", "Patient.active");
        wrongName.Name = "op";
        var withValue = Operation("delete", "Patient.active");
        withValue.Value = new FhirString("x");
        var twoPaths = Operation("delete", "Patient.active");
        twoPaths.Part.Add(new() { Name = "path", Value = new FhirString("Patient.gender") });
        var valueAndParts = Operation("add", "Patient", name: "contact", value: new FhirString("x"));
        valueAndParts.Part.Single(p => p.Name == "value").Part.Add(new() { Name = "gender", Value = new Code("male") });
        return new()
        {
            { "not named operation", wrongName, "the parameter is named 'op', not 'operation'" },
            { "operation with a value", withValue, "an operation has parts only, not a value or resource of its" },
            { "part twice", twoPaths, "the part 'path' is given twice" },
            { "no type", new() { Name = "operation", Part = [new() { Name = "path", Value = new FhirString("Patient") }] }, "the part 'type' is missing" },
            { "unknown type", Operation("upsert", "Patient"), "the type 'upsert' is not one of add, insert, delete, replace" },
            { "type not a string", new() { Name = "operation", Part = [new() { Name = "type", Value = new Integer(1) }, new() { Name = "path", Value = new FhirString("Patient") }] }, "the part 'type' must be a valueCode or valueString" },
            { "missing path", new() { Name = "operation", Part = [new() { Name = "type", Value = new Code("delete") }] }, "'delete' needs the part 'path'" },
            { "path not FHIRPath", Operation("delete", "Patient.name["), "the path 'Patient.name[' is not a valid FHIRPath expression:" },
            { "add without name", Operation("add", "Patient", value: new FhirString("x")), "'add' needs the part 'name'" },
            { "add without value", Operation("add", "Patient", name: "active"), "'add' needs the part 'value'" },
            { "insert without index", Operation("insert", "Patient.name", value: new HumanName()), "'insert' needs the part 'index'" },
            { "move without destination", Operation("move", "Patient.name", source: 0), "'move' needs the part 'destination'" },
            { "negative index", Operation("insert", "Patient.name", index: -1, value: new HumanName()), "the part 'index' must be a valueInteger of 0 or more" },
            { "part the type does not take", Operation("delete", "Patient.active", index: 0), "'delete' does not take the part 'index'" },
            { "value with value and parts", valueAndParts, "the part 'value' must have exactly one of value[x], resource" },
            { "unnamed part in a value", Operation("add", "Patient", name: "contact", value: Parts(null, new Code("male"))), "a part inside 'value' has no name" },
        };
    }

    [Fact]
    public void a_failing_patch_leaves_the_input_untouched()
    {
        var patient = new Patient { Active = true };

        Assert.Throws<FhirOperationException>(() => FhirPathPatch.Apply(
            patient,
            Patch(Operation("delete", "Patient.active"), Operation("replace", "Patient.active", value: new FhirBoolean(false)))));

        Assert.True(patient.Active);
    }

    private static Parameters Patch(params Parameters.ParameterComponent[] operations) => new() { Parameter = [.. operations] };

    /// <summary>A value given as one named part (an anonymous-type value).</summary>
    private static Parameters.ParameterComponent Parts(string? name, DataType value) => new() { Part = [new() { Name = name, Value = value }] };

    private static Parameters.ParameterComponent Operation(
        string type,
        string path,
        string? name = null,
        object? value = null,
        int? index = null,
        int? source = null,
        int? destination = null)
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new() { Name = "type", Value = new Code(type) });
        operation.Part.Add(new() { Name = "path", Value = new FhirString(path) });
        if (name is not null)
        {
            operation.Part.Add(new() { Name = "name", Value = new FhirString(name) });
        }

        if (value is DataType data)
        {
            operation.Part.Add(new() { Name = "value", Value = data });
        }
        else if (value is Parameters.ParameterComponent parts)
        {
            parts.Name = "value";
            operation.Part.Add(parts);
        }

        foreach (var (part, number) in new[] { ("index", index), ("source", source), ("destination", destination) })
        {
            if (number is not null)
            {
                operation.Part.Add(new() { Name = part, Value = new Integer(number) });
            }
        }

        return operation;
    }
}
