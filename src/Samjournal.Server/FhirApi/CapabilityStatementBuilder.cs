using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// The CapabilityStatement at /fhir/metadata. It states what this server really does, no more:
/// clients and tests read it to decide what to call.
/// </summary>
internal sealed class CapabilityStatementBuilder(TimeProvider time)
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
        [SearchParamType.Token, SearchParamType.String, SearchParamType.Reference, SearchParamType.Uri, SearchParamType.Date, SearchParamType.Number, SearchParamType.Quantity];

    private static IEnumerable<IndexedSearchParameter> Answered(string type) =>
        SearchParameterCatalog.Instance.For(type).Where(p => Searchable.Contains(p.Type) && p.Code != "_id");

    // _list has no SearchParameter definition in R4; it is answered for every type (SearchEndpoints).
    private static CapabilityStatement.SearchParamComponent ListParameter => new()
    {
        Name = "_list",
        Type = SearchParamType.Special,
        Documentation = "The resources a stored List names in entry.item (_list=[List id]). Functional lists ($current-allergies and the like) are not supported.",
    };

    private readonly DateTimeOffset _started = time.GetUtcNow();

    private static List<CapabilityStatement.OperationComponent> Operations(string type)
    {
        List<CapabilityStatement.OperationComponent> operations = [new() { Name = "validate", Definition = "http://hl7.org/fhir/OperationDefinition/Resource-validate" }];
        if (type == "Patient")
        {
            operations.Add(new() { Name = "everything", Definition = EverythingEndpoints.Definition });
        }

        return operations;
    }

    public CapabilityStatement Build(string baseUrl)
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
        };

        foreach (var type in Hl7.Fhir.Model.ModelInfo.SupportedResources.Where(ResourceIds.IsKnownType).Order(StringComparer.Ordinal))
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
                SearchParam = Answered(type)
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
