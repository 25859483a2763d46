using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samjournal.Clinical.Medications.Catalogue;

/// <summary>
/// Loads the demo catalogue shipped inside this assembly (<c>demo-fest-catalogue.json</c>): FEST's
/// records written as JSON with FEST's names in camelCase.
/// </summary>
public sealed class DemoFestCatalogueLoader : IFestCatalogueLoader
{
    private const string ResourceName = "Samjournal.Clinical.Medications.demo-fest-catalogue.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public FestExtract Load()
    {
        using var stream = typeof(DemoFestCatalogueLoader).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The demo medication catalogue ({ResourceName}) is not embedded in the assembly.");
        return JsonSerializer.Deserialize<FestExtract>(stream, Options)
            ?? throw new InvalidOperationException("The demo medication catalogue is empty.");
    }
}
