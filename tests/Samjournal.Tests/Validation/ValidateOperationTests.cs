using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Validation;
using static Samjournal.Tests.Validation.OutcomeAssert;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;

namespace Samjournal.Tests.Validation;

[Collection(ValidatorCollection.Name)]
public sealed class ValidateOperationTests(ValidatorFixture fixture)
{
    private readonly ResourceValidator _validator = fixture.Validator;

    private static Patient BadGenderPatient()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.GenderElement = new Code<AdministrativeGender> { JsonValue = "bogus" };
        return patient;
    }

    private static Parameters Params(Resource? resource = null, string? mode = null, string? profile = null)
    {
        var parameters = new Parameters();
        if (resource is not null)
        {
            parameters.Add("resource", resource);
        }

        if (mode is not null)
        {
            parameters.Add("mode", new Code(mode));
        }

        if (profile is not null)
        {
            parameters.Add("profile", new FhirUri(profile));
        }

        return parameters;
    }

    private static FhirOperationException BadRequest(Action act, string? expression = null)
    {
        var ex = Assert.Throws<FhirOperationException>(act);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        if (expression is not null)
        {
            Assert.Equal(expression, ex.Expression);
        }

        return ex;
    }

    [Fact]
    public void Resource_body_is_validated()
    {
        var outcome = ValidateOperation.Run(BadGenderPatient(), null, "Patient", null, _validator);

        HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'bogus'");
    }

    [Fact]
    public void Valid_resource_body_gives_the_information_issue_only()
    {
        var outcome = ValidateOperation.Run(ValidatorFixture.ValidPatient(), null, "Patient", null, _validator);

        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(Severity.Information, issue.Severity);
        Assert.True(ResourceValidator.IsValid(outcome));
    }

    [Fact]
    public void Resource_parameter_is_validated()
    {
        var outcome = ValidateOperation.Run(null, Params(BadGenderPatient()), "Patient", null, _validator);

        HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'bogus'");
    }

    [Fact]
    public void Parameters_posted_as_the_body_are_read_as_the_operation_parameters()
    {
        var outcome = ValidateOperation.Run(Params(BadGenderPatient(), mode: "create"), null, "Patient", null, _validator);

        HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'bogus'");
    }

    [Fact]
    public void Parameters_resource_itself_is_validated_at_the_Parameters_endpoint()
    {
        var parameters = Params(mode: "create");

        var request = ValidateOperation.Parse(parameters, null, "Parameters");

        Assert.Same(parameters, request.Resource);
        Assert.Null(request.Mode);
    }

    [Fact]
    public void Profile_parameter_validates_against_that_profile()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.Category.Clear();

        var outcome = ValidateOperation.Run(null, Params(observation, profile: ValidatorFixture.VitalSigns), "Observation", null, _validator);

        HasIssue(outcome, Severity.Error, "Observation", "'category'");
    }

    [Fact]
    public void Profile_from_the_query_applies_to_a_resource_body()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.Category.Clear();
        var query = new Parameters();
        query.Add("profile", new Canonical(ValidatorFixture.VitalSigns));

        var outcome = ValidateOperation.Run(observation, query, "Observation", null, _validator);

        HasIssue(outcome, Severity.Error, "Observation", "category:VSCat");
    }

    [Fact]
    public void Parse_takes_mode_and_profile_from_code_uri_canonical_and_string_values()
    {
        var parameters = new Parameters();
        parameters.Add("mode", new FhirString(" update "));
        parameters.Add("profile", new Canonical(ValidatorFixture.VitalSigns));
        parameters.Add("resource", ValidatorFixture.HeartRate());
        parameters.Add("unknown", new FhirString("ignored"));

        var request = ValidateOperation.Parse(null, parameters, "Observation");

        Assert.Equal(ValidationMode.Update, request.Mode);
        Assert.Equal(ValidatorFixture.VitalSigns, request.Profile);
        Assert.IsType<Observation>(request.Resource);
    }

    [Fact]
    public void Resource_parameter_wins_over_the_stored_resource_at_instance_level()
    {
        var stored = ValidatorFixture.ValidPatient();

        var outcome = ValidateOperation.Run(stored, Params(BadGenderPatient()), "Patient", "p1", _validator);

        HasIssue(outcome, Severity.Error, "Patient.gender[0]", "'bogus'");
    }

    [Fact]
    public void Mode_update_needs_an_id()
    {
        var patient = ValidatorFixture.ValidPatient();
        patient.Id = null;

        var outcome = ValidateOperation.Run(null, Params(patient, "update"), "Patient", null, _validator);

        var issue = HasIssue(outcome, Severity.Error, "Patient.id", "mode=update", "must have an id");
        Assert.Equal(OperationOutcome.IssueType.Required, issue.Code);
        Assert.Single(outcome.Issue); // the "no issues" placeholder is gone
        Assert.False(ResourceValidator.IsValid(outcome));
    }

    [Fact]
    public void Mode_update_needs_the_id_of_the_url()
    {
        var outcome = ValidateOperation.Run(null, Params(ValidatorFixture.ValidPatient(), "update"), "Patient", "other", _validator);

        HasIssue(outcome, Severity.Error, "Patient.id", "'p1'", "'other'");
    }

    [Fact]
    public void Mode_update_with_matching_id_is_valid()
    {
        var outcome = ValidateOperation.Run(null, Params(ValidatorFixture.ValidPatient(), "update"), "Patient", "p1", _validator);

        NoErrors(outcome);
    }

    [Fact]
    public void Mode_create_notes_that_an_id_would_be_ignored()
    {
        var outcome = ValidateOperation.Run(null, Params(ValidatorFixture.ValidPatient(), "create"), "Patient", null, _validator);

        HasIssue(outcome, Severity.Information, "Patient.id", "'p1'", "ignored");
        Assert.Single(outcome.Issue);
        Assert.True(ResourceValidator.IsValid(outcome));
    }

    [Fact]
    public void Mode_delete_at_instance_level_validates_nothing()
    {
        var outcome = ValidateOperation.Run(BadGenderPatient(), Params(mode: "delete"), "Patient", "p1", _validator);

        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(Severity.Information, issue.Severity);
        Assert.Contains("Patient/p1", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void Mode_delete_at_type_level_is_a_bad_request() =>
        BadRequest(() => ValidateOperation.Run(null, Params(mode: "delete"), "Patient", null, _validator));

    [Fact]
    public void Mode_profile_without_any_profile_is_a_bad_request() =>
        BadRequest(() => ValidateOperation.Run(null, Params(ValidatorFixture.ValidPatient(), "profile"), "Patient", null, _validator), "profile");

    [Fact]
    public void Mode_profile_uses_meta_profile()
    {
        var observation = ValidatorFixture.HeartRate();
        observation.Category.Clear();
        observation.Meta = new Meta { Profile = [ValidatorFixture.VitalSigns] };

        var outcome = ValidateOperation.Run(null, Params(observation, "profile"), "Observation", null, _validator);

        HasIssue(outcome, Severity.Error, "Observation", "'category'");
    }

    [Fact]
    public void Unknown_mode_is_a_bad_request()
    {
        var ex = BadRequest(() => ValidateOperation.Run(null, Params(ValidatorFixture.ValidPatient(), "Create"), "Patient", null, _validator), "mode");
        Assert.Contains("'Create'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_resource_is_a_bad_request()
    {
        BadRequest(() => ValidateOperation.Run(null, null, "Patient", null, _validator));
        BadRequest(() => ValidateOperation.Run(null, Params(profile: ValidatorFixture.VitalSigns), "Observation", null, _validator));
    }

    [Fact]
    public void Resource_of_another_type_is_a_bad_request()
    {
        var ex = BadRequest(() => ValidateOperation.Run(ValidatorFixture.HeartRate(), null, "Patient", null, _validator), "Observation");
        Assert.Contains("Patient", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_parameter_is_a_bad_request()
    {
        var parameters = Params(ValidatorFixture.ValidPatient());
        parameters.Add("resource", ValidatorFixture.ValidPatient());

        BadRequest(() => ValidateOperation.Run(null, parameters, "Patient", null, _validator), "resource");
    }

    [Fact]
    public void Empty_parameters_are_bad_requests()
    {
        var noResource = new Parameters();
        noResource.Parameter.Add(new Parameters.ParameterComponent { Name = "resource" });
        var emptyProfile = Params(ValidatorFixture.ValidPatient());
        emptyProfile.Add("profile", new FhirUri(" "));

        BadRequest(() => ValidateOperation.Parse(null, noResource, "Patient"), "resource");
        BadRequest(() => ValidateOperation.Parse(null, emptyProfile, "Patient"), "profile");
    }
}
