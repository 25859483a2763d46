namespace Samjournal.Fhir.Policy;

/// <summary>
/// What one caller may see, in terms the SQL can apply inside every query, so counts, totals and
/// pages are computed over permitted rows only. Resources outside any patient's compartment
/// (organisations, practitioners, medications, code systems) are visible to every signed-in
/// caller; a resource in a patient's compartment is visible when the patient is.
/// </summary>
/// <param name="Grantees">Care-relation grantees the caller acts as (<c>Organization/{id}</c> of
/// their unit, <c>Practitioner/{id}</c>, <c>PractitionerRole/{id}</c>): a patient is visible when a
/// current care relation names one of them.</param>
/// <param name="OwnPatientKey">A citizen's own Patient key: that compartment is visible.</param>
/// <param name="AllowedTypes">When set, only these resource types (a role's limits).</param>
/// <param name="Now">The moment relations are evaluated at.</param>
/// <param name="SeesProtectedAddresses">On the allow-list for protected addresses.</param>
internal sealed record AccessFilter(
    IReadOnlyList<string> Grantees,
    long? OwnPatientKey,
    IReadOnlySet<string>? AllowedTypes,
    DateTimeOffset Now,
    bool SeesProtectedAddresses = false)
{
    /// <summary>Children whose whole record a parent sees (under 12, or 16 and over with consent).</summary>
    public IReadOnlyList<long> ChildKeys { get; init; } = [];

    /// <summary>Children of 12 to 16 whose record a parent sees without what is reserved from parents.</summary>
    public IReadOnlyList<long> LimitedChildKeys { get; init; } = [];

    /// <summary>Care-relation bases found for patients during this request (the filter lives for one request).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<long, string> FoundBases { get; } = new();

    /// <summary>A token bound to one patient (SMART <c>patient/</c> scopes): nothing outside that
    /// patient's record, whatever else the caller could see. -1 when the token names no patient.</summary>
    public long? OnlyPatientKey { get; init; }

    /// <summary>Who a block (sperring) can name that this caller is: their person, roles, unit and
    /// organisation. Blocks hold on every basis, emergency access included.</summary>
    public IReadOnlyList<string> BlockTargets { get; init; } = [];
}

/// <summary>One block from a Consent: <paramref name="Target"/> (Practitioner/, PractitionerRole/ or
/// Organization/) may not see <paramref name="ItemType"/>/<paramref name="ItemId"/> nor what refers to it.</summary>
internal sealed record RecordBlock(string Target, string ItemType, string ItemId)
{
    /// <summary>The item type of a block by source: <see cref="ItemId"/> names the organisation
    /// (<c>Organization/{id}</c>) whose entries are blocked, not one entry.</summary>
    public const string Source = "";

    /// <summary>For a block by source, the time window of the entries it covers (Consent
    /// provision.dataPeriod); null ends are open, so an open end covers future entries too.</summary>
    public DateTimeOffset? DataFrom { get; init; }

    public DateTimeOffset? DataUntil { get; init; }

    public bool IsSource => ItemType.Length == 0;
}

/// <summary>Marks on a resource's <c>meta.security</c> that keep it from some readers.</summary>
internal static class Reservation
{
    public const string System = "https://samjournal.no/fhir/CodeSystem/reservation";

    /// <summary>Reserved from parents by the young person (12–16) or a clinician (pasient- og brukerrettighetsloven § 3-4).</summary>
    public const string FromParents = "reserved-from-parents";

    /// <summary>Held back from the patient by a clinician (pasient- og brukerrettighetsloven § 5-1 second
    /// paragraph), with the reason in the <see cref="ReasonExtension"/> of the label.</summary>
    public const string FromPatient = "withheld-from-patient";

    public const string ReasonExtension = "https://samjournal.no/fhir/StructureDefinition/withheld-reason";

    /// <summary>Whether a stored body carries the reservation <paramref name="code"/>: a byte search
    /// first (most bodies carry none), then a parse to be sure.</summary>
    public static bool Carries(byte[]? json, string code) =>
        json is not null && json.AsSpan().IndexOf(global::System.Text.Encoding.UTF8.GetBytes(code)) >= 0
        && Serialization.FhirFormat.Parse(json, Serialization.FhirMediaType.Json).Meta?.Security.Any(c => c.System == System && c.Code == code) == true;

    /// <summary>A label that holds a resource back from its patient must say why: the law asks for a reason on record.</summary>
    public static void RequireReason(Hl7.Fhir.Model.Resource resource)
    {
        var label = resource.Meta?.Security.FirstOrDefault(c => c.System == System && c.Code == FromPatient);
        if (label is not null && (label.Extension.FirstOrDefault(e => e.Url == ReasonExtension)?.Value as Hl7.Fhir.Model.FhirString)?.Value is not { Length: > 0 })
        {
            throw Errors.FhirOperationException.Unprocessable(
                $"A resource held back from the patient needs the reason: add the extension {ReasonExtension} (valueString) to its '{FromPatient}' security label.",
                "Resource.meta.security");
        }
    }
}

/// <summary>A care relation a resource makes: the grantee may see the patient between the two times.</summary>
/// <param name="Basis">encounter, episode-of-care, care-team, referral, gp-list, emergency.</param>
internal sealed record CareRelation(string Grantee, string Basis, DateTimeOffset From, DateTimeOffset Until);

/// <summary>Reads the care relations a resource makes; the rules live in Samjournal.Access.</summary>
internal interface ICareRelationRules
{
    /// <summary>True when resources of this type can make relations (the others skip all work).</summary>
    bool Applies(string type);

    IReadOnlyList<CareRelation> RelationsOf(Hl7.Fhir.Model.Resource resource);

    /// <summary>The blocks a resource (a Consent) makes; none for other types.</summary>
    IReadOnlyList<RecordBlock> BlocksOf(Hl7.Fhir.Model.Resource resource);

    /// <summary>The organisations (<c>Organization/{id}</c>) an entry names as its maker
    /// (an encounter's service provider, a report's performer): sources a block can name.</summary>
    IReadOnlyList<string> SourcesOf(Hl7.Fhir.Model.Resource resource);
}
