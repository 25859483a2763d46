using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Fhir.Policy;

/// <summary>
/// Address protection (adressebeskyttelse, from the National Population Register): a patient
/// marked <c>fortrolig</c> or <c>strengt-fortrolig</c> in <c>Patient.meta.security</c> must not be
/// locatable through the record. For everyone not allowed to see it, what reveals where they live
/// (addresses and telecom, their own and their contacts') is removed from every copy of the
/// Patient the store hands out, and searches on those fields never match them.
/// </summary>
internal static class ProtectedAddress
{
    public const string System = "https://samjournal.no/fhir/CodeSystem/address-protection";
    public const string Confidential = "fortrolig";
    public const string StrictlyConfidential = "strengt-fortrolig";

    private static readonly byte[] Marker = Encoding.UTF8.GetBytes(System);

    /// <summary>Patient parameters whose matches would reveal where a person lives.</summary>
    public static readonly IReadOnlySet<string> RevealingParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "address", "address-city", "address-country", "address-postalcode", "address-state", "address-use", "phone", "telecom", "email",
    };

    public static bool IsProtected(Resource resource) =>
        resource.Meta?.Security.Any(c => c.System == System && c.Code is Confidential or StrictlyConfidential) == true;

    /// <summary>The Patient JSON without what reveals where the person lives, or the same bytes
    /// when the patient is not protected. A cheap byte search comes first: most are not.</summary>
    public static byte[] Masked(byte[] json)
    {
        if (json.AsSpan().IndexOf(Marker) < 0 || FhirFormat.Parse(json, FhirMediaType.Json) is not Patient patient || !IsProtected(patient))
        {
            return json;
        }

        patient.Address = [];
        patient.Telecom = [];
        foreach (var contact in patient.Contact)
        {
            contact.Address = null;
            contact.Telecom = [];
        }

        patient.Meta!.Security.Add(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "REDACTED", "redacted"));
        return FhirFormat.ToJsonBytes(patient);
    }
}
