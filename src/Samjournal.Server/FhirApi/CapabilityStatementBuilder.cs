using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// The CapabilityStatement at /fhir/metadata. It states what this server really does, no more:
/// clients and tests read it to decide what to call.
/// </summary>
internal sealed class CapabilityStatementBuilder(TimeProvider time, Auth.AuthOptions? auth = null)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] TypeInteractions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read,
        CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update,
        CapabilityStatement.TypeRestfulInteraction.Patch,
        CapabilityStatement.TypeRestfulInteraction.Delete,
        CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType,
        CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    // The parameter types search answers today (see SearchEndpoints); others are not listed.
    private static readonly SearchParamType[] Searchable =
        [SearchParamType.Token, SearchParamType.String, SearchParamType.Reference, SearchParamType.Uri, SearchParamType.Date, SearchParamType.Number, SearchParamType.Quantity, SearchParamType.Composite];

    // The store's catalog: custom SearchParameters are listed once their reindex is done.
    private static IEnumerable<IndexedSearchParameter> Answered(SearchParameterCatalog catalog, string type) =>
        catalog.For(type).Where(p => Searchable.Contains(p.Type) && p.Code != "_id" && catalog.Unavailable(type, p.Code) is null);

    // _list has no SearchParameter definition in R4; it is answered for every type (SearchEndpoints).
    private static CapabilityStatement.SearchParamComponent ListParameter => new()
    {
        Name = "_list",
        Type = SearchParamType.Special,
        Documentation = "The resources a stored List names in entry.item (_list=[List id]). Functional lists ($current-allergies and the like) are not supported.",
    };

    private readonly DateTimeOffset _started = time.GetUtcNow();

    /// <summary>For each type, the <c>Source:param</c> references that can point at it: what
    /// <c>_revinclude</c> takes (a reference without declared targets can point at any type).</summary>
    private static Dictionary<string, List<string>> RevIncludes(SearchParameterCatalog catalog, IReadOnlyList<string> types)
    {
        var byTarget = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in types)
        {
            foreach (var parameter in Answered(catalog, source).Where(p => p.Type == SearchParamType.Reference))
            {
                foreach (var target in parameter.Targets.Count > 0 ? parameter.Targets : types)
                {
                    if (!byTarget.TryGetValue(target, out var list))
                    {
                        byTarget[target] = list = [];
                    }

                    list.Add($"{source}:{parameter.Code}");
                }
            }
        }

        return byTarget;
    }

    private static List<CapabilityStatement.OperationComponent> Operations(string type)
    {
        List<CapabilityStatement.OperationComponent> operations = [new() { Name = "validate", Definition = "http://hl7.org/fhir/OperationDefinition/Resource-validate" }];
        if (type == "Patient")
        {
            operations.Add(new() { Name = "everything", Definition = EverythingEndpoints.Definition });
            operations.AddRange(MedicationListEndpoints.PatientOperations);
            operations.AddRange(SummaryEndpoints.PatientOperations);
        }

        if (type == "Composition")
        {
            operations.AddRange(SummaryEndpoints.CompositionOperations);
        }

        if (type == "MedicationRequest")
        {
            operations.Add(new() { Name = "check-prescription", Definition = MedicationEndpoints.CheckPrescriptionDefinition });
        }

        return operations;
    }

    /// <summary>SMART App Launch: the service, and where the embedded server's endpoints are
    /// (an external provider's are in its discovery document, named by smart-configuration).</summary>
    private CapabilityStatement.SecurityComponent Security(string baseUrl)
    {
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = false,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
            Description = "OAuth 2.0 bearer tokens (SMART App Launch 2.0); see .well-known/smart-configuration under this base.",
        };
        if (auth is null || auth.Embedded)
        {
            var root = baseUrl[..^"/fhir".Length];
            var uris = new Extension { Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris" };
            uris.Extension.Add(new Extension("token", new FhirUri(root + Auth.EmbeddedServer.TokenPath)));
            uris.Extension.Add(new Extension("authorize", new FhirUri(root + Auth.EmbeddedServer.AuthorizePath)));
            security.Extension.Add(uris);
        }

        return security;
    }

    public CapabilityStatement Build(string baseUrl, SearchParameterCatalog? catalog = null)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Interaction =
            [
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
            ],
            Security = Security(baseUrl),
            Operation = [.. MessagingEndpoints.SystemOperations],
        };

        catalog ??= SearchParameterCatalog.Instance;
        var types = Hl7.Fhir.Model.ModelInfo.SupportedResources.Where(ResourceIds.IsKnownType).Order(StringComparer.Ordinal).ToList();
        var revIncludes = RevIncludes(catalog, types);
        foreach (var type in types)
        {
            rest.Resource.Add(new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalUpdate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotSupported,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Single,
                Interaction = TypeInteractions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList(),
                Operation = Operations(type),
                SearchInclude = [.. Answered(catalog, type).Where(p => p.Type == SearchParamType.Reference).Select(p => $"{type}:{p.Code}").Append("*")],
                SearchRevInclude = revIncludes.TryGetValue(type, out var sources) ? sources : [],
                SearchParam = Answered(catalog, type)
                    .Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Code, Type = p.Type })
                    .Prepend(new CapabilityStatement.SearchParamComponent { Name = "_id", Type = SearchParamType.Token })
                    .Concat(TextSearch.CodesFor(type).Select(code => new CapabilityStatement.SearchParamComponent
                    {
                        Name = code,
                        Type = SearchParamType.String,
                        Documentation = "Every word of the value starts a word of the " + (code == TextSearch.Narrative ? "narrative" : "resource's text") + ", ignoring case and accents; commas separate alternatives.",
                    }))
                    .Append(ListParameter)
                    .ToList(),
            });
        }

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = _started.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "Samjournal",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Samjournal", Version = typeof(CapabilityStatementBuilder).Assembly.GetName().Version?.ToString() },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Samjournal shared health record", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml"],
            PatchFormat = ["application/json-patch+json", "application/fhir+json", "application/fhir+xml"],
            Rest = [rest],
        };
    }
}
