using Microsoft.AspNetCore.Http;

namespace Samjournal.Web;

/// <summary>The web app's words, in Norwegian bokmål (default) and English, chosen by the
/// <see cref="Cookie"/> cookie (<c>/language?lang=en</c>).</summary>
public sealed class Texts
{
    public const string Cookie = "samjournal-lang";

    private static readonly Texts Norwegian = new("nb");
    private static readonly Texts English = new("en");

    private Texts(string lang) => Lang = lang;

    public string Lang { get; }

    private bool En => Lang == "en";

    public static Texts Of(HttpContext? http) => http?.Request.Cookies[Cookie] == "en" ? English : Norwegian;

    public string SkipToContent => En ? "Skip to content" : "Hopp til innhold";
    public string MainMenu => En ? "Main menu" : "Hovedmeny";
    public string MyWork => En ? "My work" : "Mine oppgaver";
    public string FindPatient => En ? "Find patient" : "Finn pasient";
    public string SignIn => En ? "Sign in" : "Logg inn";
    public string SignOut => En ? "Sign out" : "Logg ut";
    public string Password => En ? "Password" : "Passord";
    public string DemoPasswordHint => En ? "the demo password, see README" : "demopassordet, se README";
    public string HealthPersonnel => En ? "Health personnel" : "Helsepersonell";
    public string WrongPassword => En ? "The username or password is wrong." : "Feil brukernavn eller passord.";
    public string NothingToDo => En ? "Nothing waiting for you." : "Ingenting venter på deg.";
    public string Overdue => En ? "Overdue" : "Forfalt";
    public string Deadline => En ? "Deadline" : "Frist";
    public string Patient => En ? "Patient" : "Pasient";
    public string Task => En ? "Task" : "Oppgave";
    public string Priority => En ? "Priority" : "Prioritet";
    public string SearchLabel => En ? "Name, birth date (dd.mm.yyyy) or national identity number" : "Navn, fødselsdato (dd.mm.åååå) eller fødselsnummer";
    public string Search => En ? "Search" : "Søk";
    public string NoMatches => En ? "No patient you have access to matches." : "Ingen pasient du har tilgang til passer med søket.";
    public string BirthDate => En ? "Born" : "Født";
    public string NationalId => En ? "National identity number" : "Fødselsnummer";
    public string Show => En ? "Show" : "Vis";
    public string Age(int years) => En ? $"{years} years" : $"{years} år";
    public string EmergencyAccess => En ? "Emergency access" : "Akuttilgang";
    public string EmergencyAccessIntro => En
        ? "You have no care relationship with this patient. If the patient needs care now, you may open the record for a limited time. State why; your unit leader reviews it."
        : "Du har ikke tjenstlig behov registrert for denne pasienten. Trenger pasienten helsehjelp nå, kan du åpne journalen for en begrenset tid. Oppgi hvorfor; enhetsleder gjennomgår det.";
    public string Reason => En ? "Reason" : "Begrunnelse";
    public string ReasonText => En ? "In your own words (at least 10 characters)" : "Med egne ord (minst 10 tegn)";
    public string OpenRecord => En ? "Open the record" : "Åpne journalen";
    public string EmergencyBanner(DateTimeOffset? until) => En
        ? "Emergency access: you read this record without a care relationship. It is logged and reviewed."
        : "Akuttilgang: du leser journalen uten registrert tjenstlig behov. Det er logget og blir gjennomgått.";
    public string ProtectedAddress => En ? "Protected address: do not disclose where the patient lives" : "Skjermet adresse: ikke opplys hvor pasienten bor";
    public string Cave => "CAVE";
    public string NoAllergies => En ? "No known allergies recorded" : "Ingen kjente allergier registrert";
    public string CriticalInformation => En ? "Critical information" : "Kritisk informasjon";
    public string Problems => En ? "Active problems" : "Aktive problemer";
    public string NoProblems => En ? "No active problems" : "Ingen aktive problemer";
    public string Medications => En ? "Current medications" : "Legemidler i bruk";
    public string NoMedications => En ? "No medications in use" : "Ingen legemidler i bruk";
    public string Results => En ? "Recent results" : "Siste prøvesvar";
    public string NoResults => En ? "No results" : "Ingen prøvesvar";
    public string Abnormal => En ? "abnormal" : "avvikende";
    public string Encounters => En ? "Encounters" : "Kontakter";
    public string NoEncounters => En ? "No encounters" : "Ingen kontakter";
    public string Messages => En ? "Referrals and messages" : "Henvisninger og meldinger";
    public string NoMessages => En ? "No referrals or messages" : "Ingen henvisninger eller meldinger";
    public string Loading => En ? "Loading…" : "Laster…";
    public string NoAccess => En ? "You have no access to this patient's record." : "Du har ikke tilgang til denne pasientens journal.";

    public string ToSign => En ? "Results to sign" : "Svar til kvittering";
    public string SignResult => En ? "Sign" : "Kvitter";
    public string Notes => En ? "Notes" : "Notater";
    public string NoNotes => En ? "No notes" : "Ingen notater";
    public string NewNote => En ? "Write and sign a note" : "Skriv og signer notat";
    public string NoteText => En ? "Note" : "Notat";
    public string SignNote => En ? "Sign note" : "Signer notat";
    public string Prescribe => En ? "Prescribe" : "Forskriv";
    public string Drug => En ? "Medicine (substance)" : "Legemiddel (virkestoff)";
    public string Dosage => En ? "Dosage in words" : "Dosering med ord";
    public string Stop => En ? "Prescribing stop" : "Forskrivningsstopp";
    public string OverrideReason => En ? "Reason to go ahead despite the stop" : "Begrunnelse for å forskrive likevel";
    public string PrescribeAnyway => En ? "Prescribe anyway" : "Forskriv likevel";
    public string Prescribed => En ? "Prescribed:" : "Forskrevet:";
    public string Signed => En ? "Signed." : "Signert.";
    public string SendReferral => En ? "Send referral" : "Send henvisning";
    public string Receiver => En ? "To" : "Til";
    public string ReferralWhat => En ? "What is asked for" : "Hva det henvises til";
    public string ReferralReason => En ? "Reason and question" : "Problemstilling";

    public string Role(string? role) => role switch
    {
        "doctor" => En ? "Doctor" : "Lege",
        "nurse" => En ? "Nurse" : "Sykepleier",
        "unit-leader" => En ? "Unit leader" : "Enhetsleder",
        "secretary" => En ? "Secretary" : "Sekretær",
        "assistant" => En ? "Health care assistant" : "Helsefagarbeider",
        _ => role ?? "",
    };
}
