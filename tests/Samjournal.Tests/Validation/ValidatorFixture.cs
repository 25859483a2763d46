using System.Diagnostics;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Validation;

namespace Samjournal.Tests.Validation;

/// <summary>One validator for all validation tests: it is meant to be a singleton, and its first use is slow.</summary>
public sealed class ValidatorFixture
{
    public const string VitalSigns = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

    public ValidatorFixture()
    {
        Validator = new ResourceValidator();
        var started = Stopwatch.GetTimestamp();
        WarmUp = Validator.WarmUp("Patient", "Observation");
        _ = Validator.Validate(HeartRate(), VitalSigns);
        WarmUpWithProfile = Stopwatch.GetElapsedTime(started);
    }

    public ResourceValidator Validator { get; }

    /// <summary>Time of the first validations of a Patient and an Observation (loading the archive included).</summary>
    public TimeSpan WarmUp { get; }

    /// <summary><see cref="WarmUp"/> plus the first validation against the vital signs profile.</summary>
    public TimeSpan WarmUpWithProfile { get; }

    public static Patient ValidPatient() => new()
    {
        Id = "p1",
        Active = true,
        Gender = AdministrativeGender.Female,
        BirthDateElement = new Date("1980-02-03"),
        Name = [new HumanName { Family = "Nordmann", Given = ["Kari"] }],
        Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.1", "13038012345")],
        Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+4791234567")],
    };

    /// <summary>A heart rate that satisfies both the base Observation and the vital signs profile.</summary>
    public static Observation HeartRate() => new()
    {
        Id = "o1",
        Status = ObservationStatus.Final,
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
        Subject = new ResourceReference("Patient/p1"),
        Effective = new FhirDateTime("2024-01-01T10:00:00Z"),
        Value = new Quantity(72, "/min", "http://unitsofmeasure.org") { Unit = "beats/minute" },
    };
}

[CollectionDefinition(Name)]
public sealed class ValidatorCollection : ICollectionFixture<ValidatorFixture>
{
    public const string Name = "Validation";
}
