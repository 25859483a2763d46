using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Medications;
using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Clinical.Notes;
using Samjournal.Clinical.WorkItems;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.Web;

/// <summary>
/// What the web app's forms do. Each maps a form to the same writes a FHIR client makes, through the
/// signed-in person's door, so every rule applies (prescribing checks, work-item signing rights,
/// audit); a refusal comes back to the overview in the user's terms, with what they typed.
/// </summary>
internal static class WebActions
{
    public static void MapWebActions(this WebApplication app)
    {
        app.MapPost("/auth/work-item", WorkItemAsync).DisableAntiforgery();
        app.MapPost("/auth/note", NoteAsync).DisableAntiforgery();
        app.MapPost("/auth/prescribe", PrescribeAsync).DisableAntiforgery();
        app.MapPost("/auth/referral", ReferralAsync).DisableAntiforgery();
    }

    /// <summary>A referral and its message in one transaction, as a FHIR client sends it: the outbox
    /// rules address it, or refuse a receiver that cannot take it.</summary>
    private static async Task<IResult> ReferralAsync(HttpContext http, ScopedRepository repo)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var patient = form["patient"].ToString();
        if (repo.Caller.Kind != CallerKind.Staff)
        {
            return Results.Redirect("/sign-in");
        }

        var referral = new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = new ServiceRequest
            {
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Category = [new CodeableConcept("http://snomed.info/sct", "3457005", "Patient referral")],
                Subject = new ResourceReference("Patient/" + patient),
                Code = new CodeableConcept { Text = form["what"].ToString() },
                ReasonCode = [new CodeableConcept { Text = form["reason"].ToString() }],
                Requester = await AuthorAsync(repo, http.RequestAborted),
            },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest" },
        };
        var message = new Communication
        {
            Status = EventStatus.Preparation,
            Category = [new CodeableConcept(Samjournal.Clinical.Messaging.MessageTypes.System, Samjournal.Clinical.Messaging.MessageTypes.Referral)],
            Subject = new ResourceReference("Patient/" + patient),
            Recipient = [new ResourceReference(form["receiver"].ToString())],
            Payload = [new Communication.PayloadComponent { Content = new ResourceReference(referral.FullUrl) }],
        };
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [referral, new() { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = message, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Communication" } }],
        };
        try
        {
            await repo.ProcessBundleAsync(bundle, "urn:samjournal", false, http.RequestAborted);
            return Results.Redirect(Overview(patient, "notice=" + Uri.EscapeDataString("Henvisningen er lagt til sending; se tilstanden under Henvisninger og meldinger.")) + "#messages");
        }
        catch (FhirError problem) when ((int)problem.Status is >= 400 and < 500)
        {
            // Refused (no address for the receiver, say): the form comes back filled in.
            return Results.Redirect(Overview(patient,
                $"notice={Uri.EscapeDataString(problem.Message)}&receiver={Uri.EscapeDataString(form["receiver"].ToString())}&what={Uri.EscapeDataString(form["what"].ToString())}&why={Uri.EscapeDataString(form["reason"].ToString())}") + "#refer");
        }
    }

    /// <summary>A work item acted on from the worklist or the overview: signed (a result, a message
    /// read), a referral accepted or rejected with a reason, an emergency-access review closed with
    /// what was found. Back to where it was done, with the outcome in words.</summary>
    private static async Task<IResult> WorkItemAsync(HttpContext http, ScopedRepository repo, WorkItemDesk desk)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var patient = form["patient"].ToString();
        var task = form["task"].ToString();
        var reason = form["reason"].ToString();
        var texts = Samjournal.Web.Texts.Of(http);
        if (repo.Caller.Kind != CallerKind.Staff)
        {
            return Results.Redirect("/sign-in");
        }

        var back = patient.Length > 0 ? (Func<string, string>)(query => Overview(patient, query)) : query => "/?" + query;
        try
        {
            var done = form["act"].ToString() switch
            {
                "sign" => await Then(desk.SignAsync(repo.Caller, task, null, http.RequestAborted), texts.Signed),
                "accept" => await Then(desk.AnswerReferralAsync(repo.Caller, task, true, null, http.RequestAborted), texts.Accepted),
                "reject" => await Then(desk.AnswerReferralAsync(repo.Caller, task, false, reason, http.RequestAborted), texts.Rejected),
                "close-review" => await Then(repo.CloseEmergencyAccessReviewAsync(task, reason, http.RequestAborted), texts.ReviewClosed),
                var other => throw FhirError.BadRequest($"'{other}' is not something to do with a work item.", "act"),
            };
            return Results.Redirect(back("notice=" + Uri.EscapeDataString(done)));
        }
        catch (FhirError problem) when ((int)problem.Status is >= 400 and < 500)
        {
            return Results.Redirect(back("notice=" + Uri.EscapeDataString(problem.Message)));
        }

        static async Task<string> Then<T>(Task<T> act, string words)
        {
            await act;
            return words;
        }
    }

    private static async Task<IResult> NoteAsync(HttpContext http, ScopedRepository repo, TimeProvider time)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var patient = form["patient"].ToString();
        var text = form["text"].ToString();
        return await ActAsync(http, repo, patient, async () =>
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw FhirError.BadRequest("Et notat trenger tekst.");
            }

            var note = ClinicalNotes.Signed(patient, null, await AuthorAsync(repo, http.RequestAborted), text, time.GetUtcNow());
            await repo.CreateAsync(note, null, http.RequestAborted);
        });
    }

    private static async Task<IResult> PrescribeAsync(HttpContext http, ScopedRepository repo, MedicationCatalogue catalogue, TimeProvider time)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var patient = form["patient"].ToString();
        var atc = form["atc"].ToString();
        var dosage = form["dosage"].ToString();
        if (repo.Caller.Kind != CallerKind.Staff)
        {
            return Results.Redirect("/sign-in");
        }

        var prescription = new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Subject = new ResourceReference("Patient/" + patient),
            Medication = new CodeableConcept(AtcCode.System, atc, catalogue.NameOf(atc)) { Text = catalogue.NameOf(atc) },
            DosageInstruction = [new Dosage { Text = dosage }],
            Requester = await AuthorAsync(repo, http.RequestAborted),
            AuthoredOnElement = new FhirDateTime(time.GetUtcNow()),
        };
        var reason = form["overrideReason"].ToString();
        if (!string.IsNullOrWhiteSpace(reason))
        {
            foreach (var code in form["stop"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var extension = new Extension { Url = PrescribingOverride.Url };
                extension.AddExtension("finding", new Code(code));
                extension.AddExtension("reason", new FhirString(reason.Trim()));
                prescription.Extension.Add(extension);
            }
        }

        try
        {
            await repo.CreateAsync(prescription, null, http.RequestAborted);
            return Results.Redirect(Overview(patient, "notice=" + Uri.EscapeDataString($"{Samjournal.Web.Texts.Of(http).Prescribed} {catalogue.NameOf(atc)}.")));
        }
        catch (PrescribingStopException stop)
        {
            var codes = string.Join(',', stop.Findings.Where(f => f.Blocks).Select(f => f.Code).Distinct());
            var text = string.Join(" ", stop.Findings.Where(f => f.Blocks).Select(f => f.Norwegian));
            return Results.Redirect(Overview(patient,
                $"atc={Uri.EscapeDataString(atc)}&dosage={Uri.EscapeDataString(dosage)}&stop={Uri.EscapeDataString(codes)}&stopText={Uri.EscapeDataString(text)}") + "#prescribe");
        }
        catch (FhirError problem) when ((int)problem.Status is >= 400 and < 500)
        {
            return Results.Redirect(Overview(patient, "notice=" + Uri.EscapeDataString(problem.Message)));
        }
    }

    /// <summary>Runs a write for the signed-in person and returns to the overview, with the refusal's words when refused.</summary>
    private static async Task<IResult> ActAsync(HttpContext http, ScopedRepository repo, string patient, Func<Task> act)
    {
        if (repo.Caller.Kind != CallerKind.Staff)
        {
            return Results.Redirect("/sign-in");
        }

        try
        {
            await act();
            return Results.Redirect(Overview(patient, "notice=" + Uri.EscapeDataString(Samjournal.Web.Texts.Of(http).Signed)));
        }
        catch (FhirError problem) when ((int)problem.Status is >= 400 and < 500)
        {
            return Results.Redirect(Overview(patient, "notice=" + Uri.EscapeDataString(problem.Message)));
        }
    }

    private static async Task<ResourceReference> AuthorAsync(ScopedRepository repo, CancellationToken ct)
    {
        var person = (await repo.StaffIdentityAsync(ct)).FirstOrDefault(g => g.StartsWith("Practitioner/", StringComparison.Ordinal));
        return new ResourceReference(person, repo.Caller.Name)
        {
            Identifier = repo.Caller.HprNumber is { } hpr ? new Identifier(Samjournal.Clinical.Identifiers.NorwegianSystems.HprNummer, hpr) : null,
        };
    }

    private static string Overview(string patient, string query) => $"/patients/{Uri.EscapeDataString(patient)}?{query}";
}
