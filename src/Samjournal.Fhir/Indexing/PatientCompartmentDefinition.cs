using System.Collections.Frozen;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// The R4 Patient compartment: for each resource type in it, the search parameters whose reference
/// to a Patient puts the resource in that patient's compartment, in definition order.
/// </summary>
/// <remarks>
/// Transcribed from the official CompartmentDefinition <c>http://hl7.org/fhir/CompartmentDefinition/patient</c> (FHIR 4.0.1),
/// <c>package/CompartmentDefinition-patient.json</c> in <c>hl7.fhir.r4.examples-4.0.1.tgz</c>
/// (/work/shared/data/fhir-r4-examples). Types listed there without parameters are not in the
/// compartment and are left out. Kept as a table rather than loaded at run time so the access rules
/// cannot change with a data file.
/// </remarks>
public static class PatientCompartmentDefinition
{
    public static FrozenDictionary<string, IReadOnlyList<string>> ParamsByType { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["Account"] = ["subject"],
        ["AdverseEvent"] = ["subject"],
        ["AllergyIntolerance"] = ["patient", "recorder", "asserter"],
        ["Appointment"] = ["actor"],
        ["AppointmentResponse"] = ["actor"],
        ["AuditEvent"] = ["patient"],
        ["Basic"] = ["patient", "author"],
        ["BodyStructure"] = ["patient"],
        ["CarePlan"] = ["patient", "performer"],
        ["CareTeam"] = ["patient", "participant"],
        ["ChargeItem"] = ["subject"],
        ["Claim"] = ["patient", "payee"],
        ["ClaimResponse"] = ["patient"],
        ["ClinicalImpression"] = ["subject"],
        ["Communication"] = ["subject", "sender", "recipient"],
        ["CommunicationRequest"] = ["subject", "sender", "recipient", "requester"],
        ["Composition"] = ["subject", "author", "attester"],
        ["Condition"] = ["patient", "asserter"],
        ["Consent"] = ["patient"],
        ["Coverage"] = ["policy-holder", "subscriber", "beneficiary", "payor"],
        ["CoverageEligibilityRequest"] = ["patient"],
        ["CoverageEligibilityResponse"] = ["patient"],
        ["DetectedIssue"] = ["patient"],
        ["DeviceRequest"] = ["subject", "performer"],
        ["DeviceUseStatement"] = ["subject"],
        ["DiagnosticReport"] = ["subject"],
        ["DocumentManifest"] = ["subject", "author", "recipient"],
        ["DocumentReference"] = ["subject", "author"],
        ["Encounter"] = ["patient"],
        ["EnrollmentRequest"] = ["subject"],
        ["EpisodeOfCare"] = ["patient"],
        ["ExplanationOfBenefit"] = ["patient", "payee"],
        ["FamilyMemberHistory"] = ["patient"],
        ["Flag"] = ["patient"],
        ["Goal"] = ["patient"],
        ["Group"] = ["member"],
        ["ImagingStudy"] = ["patient"],
        ["Immunization"] = ["patient"],
        ["ImmunizationEvaluation"] = ["patient"],
        ["ImmunizationRecommendation"] = ["patient"],
        ["Invoice"] = ["subject", "patient", "recipient"],
        ["List"] = ["subject", "source"],
        ["MeasureReport"] = ["patient"],
        ["Media"] = ["subject"],
        ["MedicationAdministration"] = ["patient", "performer", "subject"],
        ["MedicationDispense"] = ["subject", "patient", "receiver"],
        ["MedicationRequest"] = ["subject"],
        ["MedicationStatement"] = ["subject"],
        ["MolecularSequence"] = ["patient"],
        ["NutritionOrder"] = ["patient"],
        ["Observation"] = ["subject", "performer"],
        ["Patient"] = ["link"],
        ["Person"] = ["patient"],
        ["Procedure"] = ["patient", "performer"],
        ["Provenance"] = ["patient"],
        ["QuestionnaireResponse"] = ["subject", "author"],
        ["RelatedPerson"] = ["patient"],
        ["RequestGroup"] = ["subject", "participant"],
        ["ResearchSubject"] = ["individual"],
        ["RiskAssessment"] = ["subject"],
        ["Schedule"] = ["actor"],
        ["ServiceRequest"] = ["subject", "performer"],
        ["Specimen"] = ["subject"],
        ["SupplyDelivery"] = ["patient"],
        ["SupplyRequest"] = ["subject"],
        ["VisionPrescription"] = ["patient"],
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
