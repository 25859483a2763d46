namespace Samjournal.Access.Policy;

/// <summary>The code list of reasons for emergency access (akuttilgang); free text comes with each.</summary>
public static class EmergencyReasons
{
    public const string System = "https://samjournal.no/fhir/CodeSystem/emergency-access-reason";

    public sealed record Reason(string Code, string Display);

    public static readonly IReadOnlyList<Reason> All =
    [
        new("acute-care", "Akutt behandling: pasienten trenger helsehjelp nå"),
        new("unconscious", "Pasienten kan ikke samtykke (bevisstløs, forvirret)"),
        new("transfer", "Overflytting eller mottak av pasient før henvisning er registrert"),
        new("on-call", "Vakt: tilsyn av pasient ved annen enhet"),
    ];

    public static Reason? Find(string? code) => All.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.Ordinal));
}
