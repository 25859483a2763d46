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
    public string PriorityName(string code) => (En, code) switch
    {
        (true, _) => code,
        (false, "stat") => "øyeblikkelig",
        (false, "asap") => "snarest",
        (false, "urgent") => "haster",
        _ => "vanlig",
    };
    public string Act => En ? "Act" : "Handling";
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
    public string ShowMore => En ? "Show older" : "Vis eldre";
    public string Loading => En ? "Loading…" : "Laster…";
    public string NoAccess => En ? "You have no access to this patient's record." : "Du har ikke tilgang til denne pasientens journal.";

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
    public string Accept => En ? "Accept" : "Ta imot";
    public string Accepted => En ? "Referral accepted." : "Henvisningen er tatt imot.";
    public string Reject => En ? "Reject" : "Avvis";
    public string Rejected => En ? "Referral rejected; the referrer is told why." : "Henvisningen er avvist; henviser får vite hvorfor.";
    public string RejectReason => En ? "Why (the referrer reads this)" : "Hvorfor (henviser leser dette)";
    public string CloseReview => En ? "Close review" : "Avslutt gjennomgang";
    public string ReviewFinding => En ? "What the review found" : "Hva gjennomgangen fant";
    public string ReviewClosed => En ? "Review closed." : "Gjennomgangen er avsluttet.";
    public string MarkRead => En ? "Mark as read" : "Merk som lest";
    public string Reconcile => En ? "Reconcile medications" : "Samstem legemidler";
    public string CareTeam => En ? "Care team" : "Behandlere og team";
    public string NoCareTeam => En ? "No care team recorded" : "Ingen behandlere registrert";
    public string GeneralPractitioner => En ? "GP" : "Fastlege";
    public string OpenStay => En ? "current stay" : "pågående opphold";
    public string EpisodeOfCare => En ? "episode of care" : "forløp";
    public string BackToOverview => En ? "Back to the overview" : "Tilbake til oversikten";
    public string NoStayToReconcile => En ? "The patient has no stay to reconcile for." : "Pasienten har ikke noe opphold å samstemme for.";
    public string Occasion => En ? "When" : "Anledning";
    public string OccasionName(string occasion) => (En, occasion) switch
    {
        (true, "admission") => "Admission",
        (true, "transfer") => "Transfer",
        (true, _) => "Discharge",
        (false, "admission") => "Innleggelse",
        (false, "transfer") => "Overflytting",
        _ => "Utskrivning",
    };
    public string Stay => En ? "Stay" : "Opphold";

    /// <summary>An encounter in a line: when it started, where, and where it stands.</summary>
    public string StayLine(Hl7.Fhir.Model.Encounter encounter)
    {
        var start = encounter.Period?.StartElement?.ToDateTimeOffset(TimeSpan.Zero).ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var status = (En, encounter.Status) switch
        {
            (_, null) => "",
            (true, var s) => s.ToString()!.ToLowerInvariant(),
            (false, Hl7.Fhir.Model.Encounter.EncounterStatus.Planned) => "planlagt",
            (false, Hl7.Fhir.Model.Encounter.EncounterStatus.Arrived) => "ankommet",
            (false, Hl7.Fhir.Model.Encounter.EncounterStatus.InProgress) => "pågår",
            (false, Hl7.Fhir.Model.Encounter.EncounterStatus.Finished) => "avsluttet",
            (false, Hl7.Fhir.Model.Encounter.EncounterStatus.Cancelled) => "avlyst",
            (false, var s) => s.ToString()!.ToLowerInvariant(),
        };
        return string.Join(" ", new[] { start, encounter.ServiceProvider?.Display, status.Length > 0 ? $"({status})" : null }.Where(x => !string.IsNullOrEmpty(x)));
    }
    public string ComparedWith => En ? "Compared with (at least one)" : "Sammenholdt med (minst én kilde)";
    public string RecordsToDecide => En ? "Every medication the patient has on record, from every organisation" : "Alle legemidler pasienten har registrert, fra alle virksomheter";
    public string Recorded => En ? "Recorded by" : "Registrert av";
    public string Decision => En ? "Decision" : "Beslutning";
    public string NewDosageOrReason => En ? "New dosage / reason" : "Ny dosering / begrunnelse";
    public string Choose => En ? "Choose…" : "Velg…";
    public string ActionName(string action) => (En, action) switch
    {
        (true, "keep") => "Keep",
        (true, "change") => "Change",
        (true, "stop") => "Stop",
        (false, "keep") => "Fortsett",
        (false, "change") => "Endre",
        (false, "stop") => "Seponer",
        _ => action,
    };
    public string NewDosage => En ? "New dosage (when changed)" : "Ny dosering (ved endring)";
    public string DecisionReason => En ? "Reason" : "Begrunnelse";
    public string NewMedications => En ? "New medications" : "Nye legemidler";
    public string SaveReconciliation => En ? "Save the reconciled list" : "Lagre samstemt liste";
    public string Reconciled => En ? "The medication list is reconciled." : "Legemiddellisten er samstemt.";
    public string NameASource => En ? "Tick what the list was compared with." : "Kryss av for hva listen er sammenholdt med.";
    public string DecideAbout(string name) => En ? $"Decide what happens to {name}: keep, change or stop." : $"Bestem hva som skal skje med {name}: fortsett, endre eller seponer.";
    public string ChangeNeedsDosage(string name) => En ? $"Give the dosage in words for {name}." : $"Skriv doseringen med ord for {name}.";
    public string WorkForPatient => En ? "Tasks for this patient" : "Oppgaver for denne pasienten";
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
