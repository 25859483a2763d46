using Hl7.Fhir.Model;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.MedicationList;

/// <summary>A source the reconciler compared against: a record (a List, a MedicationStatement, an
/// imported document) or a coded source such as the patient interview or the e-prescription register.</summary>
public sealed record ReconciliationSource(ResourceReference? Record, Coding? Coded)
{
    public string Describe() => Record?.Reference ?? Coded?.Display ?? Coded?.Code ?? "";
}

/// <summary>One decision: keep, change, stop an existing medication record, or add a new one.</summary>
/// <param name="Existing">The MedicationStatement or MedicationRequest decided about (keep, change, stop).</param>
/// <param name="Resource">The medication as it is to be (change, new).</param>
public sealed record ReconciliationDecision(int Index, string Action, string? Existing, MedicationStatement? Resource, string? Reason);

/// <summary>
/// The body of <c>$reconcile-medications</c>, checked for shape before anything is read or written.
/// Every problem names the parameter, so a client can fix it: this is the user's input, and a
/// 400 that says what is wrong is the answer to bad input (never a 500, never a partial list).
/// </summary>
public sealed record ReconciliationRequest(string Occasion, string Encounter, IReadOnlyList<ReconciliationSource> Sources, IReadOnlyList<ReconciliationDecision> Decisions)
{
    public static ReconciliationRequest Parse(Parameters body)
    {
        var occasion = CodeOf(body.Parameter.FirstOrDefault(p => p.Name == "occasion")?.Value)
            ?? throw FhirError.BadRequest($"Parameter 'occasion' is required: one of {string.Join(", ", MedicationListCodes.Occasions)} (valueCode).", "occasion");
        if (!MedicationListCodes.Occasions.Contains(occasion))
        {
            throw FhirError.BadRequest($"'{occasion}' is not a reconciliation occasion; use one of {string.Join(", ", MedicationListCodes.Occasions)}.", "occasion");
        }

        var encounter = (body.Parameter.FirstOrDefault(p => p.Name == "encounter")?.Value as ResourceReference)?.Reference;
        if (encounter is null || !encounter.StartsWith("Encounter/", StringComparison.Ordinal) || encounter.Length == "Encounter/".Length)
        {
            throw FhirError.BadRequest("Parameter 'encounter' is required: the stay the reconciliation belongs to, as valueReference Encounter/{id}.", "encounter");
        }

        var sources = body.Parameter.Where(p => p.Name == "source").Select((p, i) => Source(p, i)).ToList();
        if (sources.Count == 0)
        {
            throw FhirError.BadRequest(
                $"At least one 'source' is required: what the list was compared against, as valueReference or valueCoding ({MedicationListCodes.SourceSystem}: {string.Join(", ", MedicationListCodes.KnownSources.Keys)}).", "source");
        }

        var decisions = body.Parameter.Where(p => p.Name == "entry").Select((p, i) => Decision(p, i)).ToList();
        var repeated = decisions.Where(d => d.Existing is not null).GroupBy(d => d.Existing).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw FhirError.BadRequest($"{repeated.Key} is decided about more than once (entries {string.Join(", ", repeated.Select(d => d.Index))}); decide once per medication.", "entry");
        }

        return new ReconciliationRequest(occasion, encounter, sources, decisions);
    }

    private static ReconciliationSource Source(Parameters.ParameterComponent parameter, int index) => parameter.Value switch
    {
        ResourceReference { Reference: { Length: > 0 } reference } r when reference.Contains('/', StringComparison.Ordinal) => new ReconciliationSource(r, null),
        Coding { Code: { Length: > 0 } } coding => new ReconciliationSource(null, KnownCoding(coding, index)),
        Code { Value: { Length: > 0 } code } => new ReconciliationSource(null, KnownCoding(new Coding(MedicationListCodes.SourceSystem, code), index)),
        _ => throw FhirError.BadRequest($"Source {index} must be a valueReference (Type/id) or a valueCoding.", "source"),
    };

    private static Coding KnownCoding(Coding coding, int index)
    {
        if (coding.System is null or MedicationListCodes.SourceSystem)
        {
            if (!MedicationListCodes.KnownSources.TryGetValue(coding.Code ?? "", out var display))
            {
                throw FhirError.BadRequest($"Source {index}: '{coding.Code}' is not a known source; use one of {string.Join(", ", MedicationListCodes.KnownSources.Keys)}, or a reference.", "source");
            }

            return new Coding(MedicationListCodes.SourceSystem, coding.Code, display);
        }

        return coding;
    }

    private static ReconciliationDecision Decision(Parameters.ParameterComponent entry, int index)
    {
        var action = CodeOf(entry.Part.FirstOrDefault(p => p.Name == "action")?.Value);
        if (action is null || !MedicationListCodes.Actions.Contains(action))
        {
            throw FhirError.BadRequest($"Entry {index} needs an 'action': one of {string.Join(", ", MedicationListCodes.Actions)}{(action is null ? "" : $"; '{action}' is not one")}.", $"entry[{index}].action");
        }

        var existing = (entry.Part.FirstOrDefault(p => p.Name == "medication")?.Value as ResourceReference)?.Reference;
        var resource = entry.Part.FirstOrDefault(p => p.Name == "resource")?.Resource;
        var reason = (entry.Part.FirstOrDefault(p => p.Name == "reason")?.Value as FhirString)?.Value;
        if (existing is not null && !IsMedicationRecord(existing))
        {
            throw FhirError.BadRequest($"Entry {index}: 'medication' must reference a MedicationStatement or MedicationRequest (Type/id); '{existing}' does not.", $"entry[{index}].medication");
        }

        if (resource is not null and not MedicationStatement)
        {
            throw FhirError.BadRequest($"Entry {index}: 'resource' must be a MedicationStatement; this is a {resource.TypeName}.", $"entry[{index}].resource");
        }

        var statement = resource as MedicationStatement;
        var needsExisting = action is MedicationListCodes.Keep or MedicationListCodes.Change or MedicationListCodes.Stop;
        if (needsExisting && existing is null)
        {
            throw FhirError.BadRequest($"Entry {index} ({action}) names no medication: give 'medication' as a reference to the MedicationStatement or MedicationRequest decided about.", $"entry[{index}].medication");
        }

        if (action is MedicationListCodes.Change or MedicationListCodes.New && (statement is null || Substance.Of(statement.Medication) is null))
        {
            throw FhirError.BadRequest($"Entry {index} ({action}) names no medication: give 'resource', a MedicationStatement with medicationCodeableConcept (ATC code) and dosage.", $"entry[{index}].resource");
        }

        if (action == MedicationListCodes.New && existing is not null)
        {
            throw FhirError.BadRequest($"Entry {index}: a new medication is given as 'resource' only; to decide about {existing} use keep, change or stop.", $"entry[{index}].medication");
        }

        return new ReconciliationDecision(index, action, existing, statement, reason);
    }

    private static bool IsMedicationRecord(string reference)
    {
        var parts = reference.Split('/');
        return parts.Length == 2 && parts[0] is "MedicationStatement" or "MedicationRequest" && parts[1].Length > 0;
    }

    private static string? CodeOf(DataType? value) => value switch
    {
        Code code => code.Value,
        Coding coding => coding.Code,
        FhirString text => text.Value,
        _ => null,
    };
}
