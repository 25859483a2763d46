using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>Code systems the demo region uses, and a compact way to write a code in a table.</summary>
internal static class DemoCodes
{
    /// <summary>ICD-10 as published by Direktoratet for e-helse (used in hospitals).</summary>
    public const string Icd10 = "urn:oid:2.16.578.1.12.4.1.1.7110";

    /// <summary>ICPC-2 (used by GPs and municipal services).</summary>
    public const string Icpc2 = "urn:oid:2.16.578.1.12.4.1.1.7170";

    public const string Atc = "http://www.whocc.no/atc";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>ISCO-08, the basis of Norway's STYRK-08 occupation codes (OID as used by eHDSI).</summary>
    public const string Isco08 = "urn:oid:2.16.840.1.113883.2.9.6.2.7";

    public const string PractitionerRole = "http://terminology.hl7.org/CodeSystem/practitioner-role";
    public const string OrganizationType = "http://terminology.hl7.org/CodeSystem/organization-type";
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    public static CodeableConcept Concept(string system, string code, string display, string? text = null) =>
        new() { Coding = [new Coding(system, code, display)], Text = text ?? display };

    public static CodeableConcept Concept(DemoCode code) => Concept(code.System, code.Code, code.Display, code.Text);
}

/// <summary>One coded concept in a demo table; <see cref="Text"/> is what a Norwegian clinician reads.</summary>
internal sealed record DemoCode(string System, string Code, string Display, string? Text = null)
{
    public static DemoCode Icd10(string code, string display) => new(DemoCodes.Icd10, code, display);

    public static DemoCode Icpc2(string code, string display) => new(DemoCodes.Icpc2, code, display);

    public static DemoCode Atc(string code, string display, string? product = null) => new(DemoCodes.Atc, code, display, product);

    public static DemoCode Loinc(string code, string display, string text) => new(DemoCodes.Loinc, code, display, text);
}
