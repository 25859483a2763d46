using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// Which patients' compartments a resource is in, by the R4 Patient CompartmentDefinition
/// (<see cref="PatientCompartmentDefinition"/>). The store uses the first id as the row's
/// compartment key.
/// </summary>
public static class PatientCompartment
{
    /// <summary>
    /// Types R4 leaves out of the Patient compartment that still belong to a patient's record here:
    /// a Task about a patient (a result to sign, an emergency access to review) carries patient
    /// data, and the compartment key is what access control filters on. By Task.for, through the
    /// R4 <c>patient</c> search parameter.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> RecordAdditions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["Task"] = ["patient"],
    };

    /// <summary>
    /// For a Patient: its own id first, then the patients it links to (the definition's <c>link</c>
    /// parameter). For other types: the ids of the local <c>Patient/id</c> references found under
    /// the type's compartment parameters, parameters in definition order, distinct. Types outside
    /// the compartment (Organization, Practitioner...) give none.
    /// </summary>
    /// <remarks>Only local references count: absolute URLs and <c>urn:uuid:</c> ones must be resolved
    /// to local ones before indexing, or the resource would silently leave its patient's
    /// compartment.</remarks>
    public static IReadOnlyList<string> PatientIds(Resource resource, IndexEntries entries)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(entries);

        var ids = new List<string>();
        if (resource is Patient && !string.IsNullOrEmpty(resource.Id))
        {
            ids.Add(resource.Id);
        }

        if (!PatientCompartmentDefinition.ParamsByType.TryGetValue(resource.TypeName, out var parameters)
            && !RecordAdditions.TryGetValue(resource.TypeName, out parameters))
        {
            return ids;
        }

        foreach (var parameter in parameters)
        {
            foreach (var reference in entries.References)
            {
                if (string.Equals(reference.Param, parameter, StringComparison.Ordinal)
                    && string.Equals(reference.TargetType, "Patient", StringComparison.Ordinal)
                    && reference.TargetId is { Length: > 0 } id
                    && !ids.Contains(id, StringComparer.Ordinal))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }
}
