using System.Diagnostics;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Validation;
using Xunit.Abstractions;
using static Samjournal.Tests.Validation.OutcomeAssert;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;

namespace Samjournal.Tests.Validation;

[Collection(ValidatorCollection.Name)]
public sealed class ResourceValidatorTests(ValidatorFixture fixture, ITestOutputHelper output)
{
    private readonly ResourceValidator _validator = fixture.Validator;

    [Fact]
    public void Valid_patient_has_no_errors_and_one_information_issue()
    {
        var outcome = _validator.Validate(ValidatorFixture.ValidPatient());

        Assert.True(ResourceValidator.IsValid(outcome), Describe(outcome));
        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(Severity.Information, issue.Severity);
        Assert.Equal(OperationOutcome.IssueType.Informational, issue.Code);
        Assert.Equal(ResourceValidator.NoIssuesMessage, issue.Diagnostics);
    }

    [Fact]
    public void Valid_heart_rate_has_no_errors_against_base_and_vital_signs()
    {
        NoErrors(_validator.Validate(ValidatorFixture.HeartRate()));
        NoErrors(_validator.Validate(ValidatorFixture.HeartRate(), ValidatorFixture.VitalSigns));
        NoErrors(_validator.Validate(ValidatorFixture.HeartRate(), ValidatorFixture.VitalSigns + "|4.0.1"));
    }

    [Fact]
    public void Invalid_gender_code_is_an_error_on_Patient_gender()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.GenderElement = new Code<AdministrativeGender> { JsonValue = "bogus" };

        var outcome = _validator.Validate(patient);

        Assert.False(ResourceValidator.IsValid(outcome));
        var issue = HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'bogus'", "administrative-gender", "required");
        Assert.Equal(OperationOutcome.IssueType.CodeInvalid, issue.Code);
        Assert.Single(outcome.Issue);
    }

    [Fact]
    public void Invalid_gender_parsed_from_json_is_an_error_on_Patient_gender()
    {
        var settings = new DeserializerSettings().UsingMode(DeserializationMode.Recoverable);
        var patient = new FhirJsonDeserializer(settings)
            .Deserialize<Patient>("""{"resourceType":"Patient","gender":"mann"}""");

        var outcome = _validator.Validate(patient);

        HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'mann'");
    }

    [Fact]
    public void Observation_without_status_and_code_has_an_error_naming_each()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.StatusElement = null!;
        observation.Code = null!;

        var outcome = _validator.Validate(observation);

        Assert.False(ResourceValidator.IsValid(outcome));
        // A missing element is reported on its parent, with the element named in the text.
        var status = HasIssue(outcome, Severity.Error, "Observation", "Missing required member", "'status'");
        var code = HasIssue(outcome, Severity.Error, "Observation", "Missing required member", "'code'");
        Assert.Equal(OperationOutcome.IssueType.Invalid, status.Code);
        Assert.Equal(OperationOutcome.IssueType.Invalid, code.Code);
        Assert.Equal(2, outcome.Issue.Count);
    }

    [Fact]
    public void Backbone_element_missing_its_required_child_is_a_cardinality_error()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.Communication.Add(new Patient.CommunicationComponent { Preferred = true }); // language is 1..1
        patient.Link.Add(new Patient.LinkComponent { Type = Patient.LinkType.Seealso });     // other is 1..1

        var outcome = _validator.Validate(patient);

        HasIssue(outcome, Severity.Error, "Patient.communication[0]", "'language'");
        HasIssue(outcome, Severity.Error, "Patient.link[0]", "'other'");
        Assert.DoesNotContain(outcome.Issue, i => Text(i).Contains("'type'", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_many_repetitions_for_a_profile_slice_is_a_cardinality_error()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.Category.Add(new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs"));

        NoErrors(_validator.Validate(observation)); // the base spec allows any number of categories
        var outcome = _validator.Validate(observation, ValidatorFixture.VitalSigns);

        HasIssue(outcome, Severity.Error, "Observation", "is 2", "cardinality of 1..1", "VSCat");
    }

    [Fact]
    public void Observation_without_vital_signs_category_fails_the_vital_signs_profile()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.Category.Clear();

        NoErrors(_validator.Validate(observation));
        var outcome = _validator.Validate(observation, ValidatorFixture.VitalSigns);

        Assert.False(ResourceValidator.IsValid(outcome));
        HasIssue(outcome, Severity.Error, "Observation", "Missing required member", "'category'");
        HasIssue(outcome, Severity.Error, "Observation", "category:VSCat");
    }

    [Fact]
    public void Profile_of_another_type_is_an_error()
    {
        var outcome = _validator.Validate(ValidatorFixture.ValidPatient(), ValidatorFixture.VitalSigns);

        HasIssue(outcome, Severity.Error, "Patient", "incompatible");
    }

    [Fact]
    public void Unknown_profile_is_an_error()
    {
        var outcome = _validator.Validate(ValidatorFixture.ValidPatient(), "http://example.org/StructureDefinition/nope");

        var issue = HasIssue(outcome, Severity.Error, "Patient", "Unable to resolve", "http://example.org/StructureDefinition/nope");
        Assert.Equal(OperationOutcome.IssueType.Incomplete, issue.Code);
    }

    [Fact]
    public void Failed_invariant_is_an_error_on_the_element()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.Telecom.Add(new ContactPoint { Value = "12345678" }); // cpt-2: a value needs a system

        var outcome = _validator.Validate(patient);

        var issue = HasIssue(outcome, Severity.Error, "Patient.telecom[1]", "cpt-2");
        Assert.Equal(OperationOutcome.IssueType.Invariant, issue.Code);
    }

    [Fact]
    public void Unknown_extension_is_a_warning_and_leaves_the_resource_valid()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.Extension.Add(new Extension("http://example.org/fhir/StructureDefinition/shoe-size", new Integer(44)));

        var outcome = _validator.Validate(patient);

        HasIssue(outcome, Severity.Warning, "Patient.extension[0]", "http://example.org/fhir/StructureDefinition/shoe-size");
        Assert.True(ResourceValidator.IsValid(outcome));
    }

    [Fact]
    public void Errors_inside_contained_resources_are_reported_on_their_path()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.Contained.Add(new Organization { Id = "org" }); // org-1: name or identifier
        patient.ManagingOrganization = new ResourceReference("#org");

        var outcome = _validator.Validate(patient);

        HasIssue(outcome, Severity.Error, "Patient.contained[0]", "org-1");
    }

    [Fact]
    public void Unknown_meta_profile_is_a_warning_but_a_known_one_is_checked()
    {
        const string Unknown = "http://example.org/StructureDefinition/no-patient";
        var patient = ValidatorFixture.ValidPatient();
        patient.Meta = new Meta { Profile = [Unknown] };

        var outcome = _validator.Validate(patient);

        var issue = HasIssue(outcome, Severity.Warning, "Patient", "Unable to resolve", Unknown, "meta.profile");
        Assert.Equal(OperationOutcome.IssueType.Incomplete, issue.Code);
        Assert.True(ResourceValidator.IsValid(outcome));

        // Asked for explicitly, the same profile is an error.
        HasIssue(_validator.Validate(patient, Unknown), Severity.Error, "Patient", "Unable to resolve", Unknown);

        var observation = ValidatorFixture.HeartRate();
        observation.Category.Clear();
        observation.Meta = new Meta { Profile = [ValidatorFixture.VitalSigns] };
        HasIssue(_validator.Validate(observation), Severity.Error, "Observation", "category:VSCat");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(Severity.Information, true)]
    [InlineData(Severity.Warning, true)]
    [InlineData(Severity.Error, false)]
    [InlineData(Severity.Fatal, false)]
    public void IsValid_is_false_only_for_error_and_fatal(Severity? severity, bool valid)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = Severity.Information, Code = OperationOutcome.IssueType.Informational });
        if (severity is { } s)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = s, Code = OperationOutcome.IssueType.Invalid });
        }

        Assert.Equal(valid, ResourceValidator.IsValid(outcome));
    }

    [Fact]
    public void Missing_specification_archive_is_reported_clearly()
    {
        var validator = new ResourceValidator(specificationZipPath: "/nonexistent/specification.zip");

        var ex = Assert.Throws<SpecificationNotFoundException>(() => validator.Validate(ValidatorFixture.ValidPatient()));
        Assert.Contains("/nonexistent/specification.zip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_validations_give_the_same_results_as_sequential_ones()
    {
        static Resource Make(int i) => (i % 3) switch
        {
            0 => ValidatorFixture.ValidPatient(),
            1 => new Observation(),
            _ => new Patient { GenderElement = new Code<AdministrativeGender> { JsonValue = "x" } },
        };
        var expected = Enumerable.Range(0, 3).Select(i => Describe(_validator.Validate(Make(i)))).ToArray();

        var results = new string[48];
        Parallel.For(0, results.Length, i => results[i] = Describe(_validator.Validate(Make(i))));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % 3], results[i]);
        }
    }

    [Fact]
    public void Validation_after_warm_up_is_fast()
    {
        var patient = ValidatorFixture.ValidPatient();
        var observation = ValidatorFixture.HeartRate();
        const int n = 200;
        // Let tiered JIT settle on the hot paths before measuring.
        _ = Measure(() => _validator.Validate(patient), n);
        _ = Measure(() => _validator.Validate(observation), n);
        _ = Measure(() => _validator.Validate(observation, ValidatorFixture.VitalSigns), n);

        var patientMs = Measure(() => _validator.Validate(patient), n);
        var observationMs = Measure(() => _validator.Validate(observation), n);
        var vitalSignsMs = Measure(() => _validator.Validate(observation, ValidatorFixture.VitalSigns), n);

        output.WriteLine($"warm-up (archive + Patient + Observation): {fixture.WarmUp.TotalMilliseconds:F0} ms; " +
            $"+ vital signs profile: {fixture.WarmUpWithProfile.TotalMilliseconds:F0} ms");
        output.WriteLine($"per validation, mean of {n}: Patient {patientMs:F2} ms, Observation {observationMs:F2} ms, " +
            $"Observation vs vitalsigns {vitalSignsMs:F2} ms");
        // Generous bounds: a shared CI core is slow, but a cold (uncached) validation takes seconds.
        Assert.True(patientMs < 100, $"Patient: {patientMs} ms");
        Assert.True(observationMs < 100, $"Observation: {observationMs} ms");
        Assert.True(vitalSignsMs < 100, $"Observation vs vitalsigns: {vitalSignsMs} ms");
    }

    private static double Measure(Func<OperationOutcome> validate, int n)
    {
        _ = validate();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            _ = validate();
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds / n;
    }
}
