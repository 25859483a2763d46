namespace Samjournal.Clinical.Medications.Catalogue;

// The medication catalogue in the shape of FEST (Forskrivnings- og ekspedisjonsstøtte), the
// national catalogue the Norwegian Medicines Agency publishes. Names follow FEST's elements, so a
// loader for a real FEST extract fills the same records. Only the parts the prescribing checks use
// are modelled.

/// <summary>An amount with a unit, as FEST writes strengths and doses (<c>V</c> and <c>U</c>).</summary>
public sealed record Styrke(decimal Verdi, string Enhet);

/// <summary>An ATC code with its name (FEST <c>Atc</c>, a coded value with <c>V</c> and <c>DN</c>).</summary>
public sealed record Atc(string Kode, string Navn);

/// <summary>One active substance of a product and how much of it one unit of the form holds: one
/// tablet, one capsule, one inhaled dose, one millilitre (FEST <c>VirkestoffMedStyrke</c>).</summary>
public sealed record VirkestoffMedStyrke(string Virkestoff, Styrke Styrke);

/// <summary>
/// A medication product: one name, form and strength (FEST <c>LegemiddelMerkevare</c>). The id is
/// what a prescription names when it names the product and not only the substance.
/// </summary>
public sealed record LegemiddelMerkevare(
    string Id,
    string Varenavn,
    string NavnFormStyrke,
    Atc Atc,
    string Legemiddelform,
    IReadOnlyList<VirkestoffMedStyrke> Virkestoff);

/// <summary>The period a maximum dose is counted over.</summary>
public enum DosePeriode
{
    Dogn,
    Uke,
}

/// <summary>
/// The highest dose of a substance an adult may be prescribed over a period. FEST itself does not
/// carry maximum doses (they are in the product information, SPC); the demo catalogue keeps them
/// beside the FEST records, per substance (ATC level 5).
/// </summary>
public sealed record MaksimalDose(string Atc, Styrke Mengde, DosePeriode Periode, string Merknad);

/// <summary>How serious an interaction is (FEST <c>Relevans</c>).</summary>
public enum Alvorlighetsgrad
{
    /// <summary>Bør unngås: the combination should not be used.</summary>
    BorUnngas,

    /// <summary>Forsiktighetsregler: may be used with precautions (dose, monitoring).</summary>
    Forsiktighet,

    /// <summary>Ingen tiltak nødvendig: known, but needs no action.</summary>
    IngenTiltak,
}

/// <summary>A substance in an interaction group (FEST <c>Substans</c>). The demo catalogue lets
/// the ATC code be a class (any level), so "all NSAIDs" is one entry.</summary>
public sealed record Substans(string Navn, string Atc);

/// <summary>One side of an interaction (FEST <c>Substansgruppe</c>).</summary>
public sealed record Substansgruppe(IReadOnlyList<Substans> Substanser);

/// <summary>A known clinically significant interaction between two groups of substances (FEST
/// <c>Interaksjon</c>): what happens and what to do, in Norwegian.</summary>
public sealed record Interaksjon(
    string Id,
    Alvorlighetsgrad Alvorlighetsgrad,
    IReadOnlyList<Substansgruppe> Substansgrupper,
    string KliniskKonsekvens,
    string Handtering);

/// <summary>Everything a catalogue source delivers: one extract, loaded whole.</summary>
public sealed record FestExtract(
    string Kilde,
    IReadOnlyList<LegemiddelMerkevare> LegemiddelMerkevarer,
    IReadOnlyList<MaksimalDose> MaksimaleDoser,
    IReadOnlyList<Interaksjon> Interaksjoner);

/// <summary>
/// Where the catalogue comes from. The demo implementation reads the small catalogue shipped in
/// this repository; a production implementation reads a FEST extract (the M30 XML message) into
/// the same records.
/// </summary>
public interface IFestCatalogueLoader
{
    FestExtract Load();
}
