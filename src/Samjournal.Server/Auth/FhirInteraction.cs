namespace Samjournal.Server.Auth;

/// <summary>What a FHIR request needs from the scopes: a permission on a type (<c>*</c> when the
/// interaction spans every type), nothing (the CapabilityStatement), or a look at each entry (a batch
/// or transaction, checked where the bundle is read).</summary>
internal sealed record FhirInteraction(string Name, string Type, SmartPermission? Permission)
{
    public static readonly FhirInteraction Public = new("capabilities", "", null);

    public static readonly FhirInteraction Bundle = new("batch-transaction", "*", null);

    public bool IsPublic => ReferenceEquals(this, Public);

    public bool IsBundle => ReferenceEquals(this, Bundle);

    /// <summary>
    /// Classifies <paramref name="method"/> on <paramref name="path"/> (relative to the FHIR base,
    /// without query). create = c; read, vread, instance history and <c>$validate</c> = r; update and
    /// patch = u; delete = d; search, type and system history, compartment search and
    /// <c>$everything</c> = s. A path that is no known interaction needs the wildcard with every
    /// permission, so an endpoint added later without a rule here fails closed for narrow tokens.
    /// </summary>
    public static FhirInteraction Classify(string method, string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var post = HttpMethods.IsPost(method);
        switch (parts.Length)
        {
            case 0 when post:
                return Bundle;
            case 1 when parts[0] == "metadata" && get:
                return Public;
            case 1 when parts[0] == "$medication-catalogue" && get:
                // The catalogue holds no patient data; any token that may search medications may read it.
                return new("medication-catalogue", "Medication", SmartPermission.Search);
            case 1 when parts[0].StartsWith('$'):
                // System-level operations ($verify-audit-trail): only a wildcard grant of everything.
                return Unknown();
            case 1 when parts[0] == "_history" && get:
                return new("history-system", "*", SmartPermission.Search);
            case 1:
                return method.ToUpperInvariant() switch
                {
                    "GET" or "HEAD" => new("search-type", parts[0], SmartPermission.Search),
                    "POST" => new("create", parts[0], SmartPermission.Create),
                    "PUT" => new("conditional-update", parts[0], SmartPermission.Update),
                    "DELETE" => new("conditional-delete", parts[0], SmartPermission.Delete),
                    _ => Unknown(),
                };
            case 2 when parts[1] == "_search" && post:
                return new("search-type", parts[0], SmartPermission.Search);
            case 2 when parts[1] == "_history" && get:
                return new("history-type", parts[0], SmartPermission.Search);
            case 2 when parts[1] == "$validate" && post:
                return new("validate", parts[0], SmartPermission.Read);
            case 2 when parts[1] == "$check-prescription" && parts[0] == "MedicationRequest" && post:
                // Reads the patient's allergies and medication list, as $everything reads a record.
                return new("check-prescription", "*", SmartPermission.Search);
            case 2 when parts[1] == "$everything" && parts[0] == "Patient":
                return new("everything", "*", SmartPermission.Search);
            case 2:
                return method.ToUpperInvariant() switch
                {
                    "GET" or "HEAD" => new("read", parts[0], SmartPermission.Read),
                    "PUT" => new("update", parts[0], SmartPermission.Update),
                    "PATCH" => new("patch", parts[0], SmartPermission.Update),
                    "DELETE" => new("delete", parts[0], SmartPermission.Delete),
                    _ => Unknown(),
                };
            case 3 when parts[2] == "$validate":
                return new("validate", parts[0], SmartPermission.Read);
            case 3 when parts[2] == "_history" && get:
                return new("history-instance", parts[0], SmartPermission.Read);
            case 3 when parts[2] == "$everything" && parts[0] == "Patient":
                return new("everything", "*", SmartPermission.Search);
            case 3 when parts[2] == "$access-log" && parts[0] == "Patient" && get:
                // The patient's access log is a list of AuditEvents about them.
                return new("patient-access-log", "AuditEvent", SmartPermission.Read);
            case 3 when parts[0] == "Patient" && get && parts[2] is "$medication-list" or "$critical-info":
                // Summaries of the patient's record across types, like $everything.
                return new(parts[2][1..], "*", SmartPermission.Search);
            case 3 when parts[2] == "$reindex-status" && get:
                return new("reindex-status", parts[0], SmartPermission.Read);
            case 3 when parts[0] == "Patient" && get && char.IsAsciiLetterUpper(parts[2][0]):
                return new("search-compartment", parts[2], SmartPermission.Search);
            case 4 when parts[2] == "_history" && get:
                return new("vread", parts[0], SmartPermission.Read);
            default:
                return Unknown();
        }
    }

    private static FhirInteraction Unknown() => new("unknown", "*", null);

    /// <summary>Whether <paramref name="scopes"/> cover this interaction. Unknown ones need a
    /// wildcard grant of every permission.</summary>
    public bool AllowedBy(SmartScopes scopes) => Permission is { } needed
        ? scopes.Allows(Type, needed)
        : Enum.GetValues<SmartPermission>().All(p => scopes.Allows("*", p));

    /// <summary>The scope a client would ask for to be allowed this, for the 403's text.</summary>
    public string Needed => Permission switch
    {
        SmartPermission.Create => $"{Type}.c",
        SmartPermission.Read => $"{Type}.r",
        SmartPermission.Update => $"{Type}.u",
        SmartPermission.Delete => $"{Type}.d",
        SmartPermission.Search => $"{Type}.s",
        _ => "*.cruds",
    };
}
