using Samjournal.Clinical.Medications.Catalogue;

namespace Samjournal.Web.Components.Overview;

/// <summary>The substances one can prescribe or record, by name, from the medication catalogue.</summary>
public static class SubstanceChoices
{
    public static IEnumerable<(string Code, string Name)> Of(MedicationCatalogue catalogue) =>
        catalogue.Products.Select(p => (p.Atc.Kode, p.Atc.Navn)).Distinct().OrderBy(s => s.Navn, StringComparer.OrdinalIgnoreCase);
}
