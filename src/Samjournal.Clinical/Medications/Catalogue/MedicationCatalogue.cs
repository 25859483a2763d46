namespace Samjournal.Clinical.Medications.Catalogue;

/// <summary>
/// The medication catalogue the prescribing checks consult: products by id and substance,
/// maximum doses per substance, and interactions between substances. Built once from a
/// <see cref="FestExtract"/>; an extract that does not hold together is refused at start, so a
/// broken catalogue never silently weakens the checks.
/// </summary>
public sealed class MedicationCatalogue
{
    private readonly Dictionary<string, LegemiddelMerkevare> _byId;
    private readonly Dictionary<string, List<LegemiddelMerkevare>> _bySubstance;
    private readonly Dictionary<string, MaksimalDose> _maximumDoses;

    public MedicationCatalogue(FestExtract extract)
    {
        Source = extract.Kilde;
        _byId = new Dictionary<string, LegemiddelMerkevare>(StringComparer.Ordinal);
        _bySubstance = new Dictionary<string, List<LegemiddelMerkevare>>(StringComparer.Ordinal);
        foreach (var product in extract.LegemiddelMerkevarer)
        {
            Require(AtcCode.Level(product.Atc.Kode) == 5, $"product {product.Id} has ATC code '{product.Atc.Kode}', not a substance (level 5)");
            Require(product.Virkestoff.Count > 0, $"product {product.Id} names no active substance");
            Require(_byId.TryAdd(product.Id, product), $"product id {product.Id} appears twice");
            if (!_bySubstance.TryGetValue(product.Atc.Kode, out var list))
            {
                _bySubstance[product.Atc.Kode] = list = [];
            }

            list.Add(product);
        }

        _maximumDoses = new Dictionary<string, MaksimalDose>(StringComparer.Ordinal);
        foreach (var dose in extract.MaksimaleDoser)
        {
            Require(_bySubstance.ContainsKey(dose.Atc), $"the maximum dose for {dose.Atc} names a substance with no product");
            Require(dose.Mengde.Verdi > 0, $"the maximum dose for {dose.Atc} is not positive");
            Require(_maximumDoses.TryAdd(dose.Atc, dose), $"{dose.Atc} has two maximum doses");
        }

        foreach (var interaction in extract.Interaksjoner)
        {
            Require(interaction.Substansgrupper.Count == 2, $"interaction {interaction.Id} has {interaction.Substansgrupper.Count} substance groups, not 2");
            Require(
                interaction.Substansgrupper.All(g => g.Substanser.Count > 0 && g.Substanser.All(s => AtcCode.Level(s.Atc) > 0)),
                $"interaction {interaction.Id} has an empty group or a malformed ATC code");
        }

        Interactions = extract.Interaksjoner;
    }

    /// <summary>Where the catalogue came from, as its extract says.</summary>
    public string Source { get; }

    public IReadOnlyList<Interaksjon> Interactions { get; }

    public IEnumerable<LegemiddelMerkevare> Products => _byId.Values;

    public LegemiddelMerkevare? Product(string id) => _byId.GetValueOrDefault(id);

    public IReadOnlyList<LegemiddelMerkevare> ProductsOf(string atc) =>
        _bySubstance.TryGetValue(atc, out var list) ? list : [];

    public bool Knows(string atc) => _bySubstance.ContainsKey(atc);

    /// <summary>The substance's name as the catalogue spells it (Norwegian), or the code itself.</summary>
    public string NameOf(string atc) => _bySubstance.TryGetValue(atc, out var list) ? list[0].Atc.Navn : atc;

    public MaksimalDose? MaximumDoseOf(string atc) => _maximumDoses.GetValueOrDefault(atc);

    /// <summary>The known interactions between two substances, in either order.</summary>
    public IEnumerable<Interaksjon> InteractionsBetween(string atc, string otherAtc) =>
        Interactions.Where(i =>
            (Holds(i.Substansgrupper[0], atc) && Holds(i.Substansgrupper[1], otherAtc))
            || (Holds(i.Substansgrupper[0], otherAtc) && Holds(i.Substansgrupper[1], atc)));

    /// <summary>Products whose name contains <paramref name="text"/>, ignoring case.</summary>
    public IEnumerable<LegemiddelMerkevare> Search(string text) =>
        _byId.Values.Where(p => p.NavnFormStyrke.Contains(text, StringComparison.OrdinalIgnoreCase)
            || p.Atc.Navn.Contains(text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(p.Atc.Kode, text, StringComparison.OrdinalIgnoreCase));

    private static bool Holds(Substansgruppe group, string atc) => group.Substanser.Any(s => AtcCode.Contains(s.Atc, atc));

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The medication catalogue does not hold together: {problem}.");
        }
    }
}
