using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Clinical.MedicationList;

namespace Samjournal.Tests.MedicationList;

/// <summary>The hash a discharge summary carries: the same list gives the same hash whatever the
/// entry order or line breaks in the dosage, and anything a reader would act on changes it.</summary>
public sealed class ReconciledMedicationHashTests
{
    private static readonly ReconciledMedication Metformin = new("http://www.whocc.no/atc", "A10BA02", "Metformin", "500 mg morgen og kveld", "active");
    private static readonly ReconciledMedication Simvastatin = new("http://www.whocc.no/atc", "C10AA01", "Simvastatin", "20 mg om kvelden", "active");

    [Fact]
    public void The_same_list_in_another_order_or_with_other_line_breaks_has_the_same_hash()
    {
        var hash = ReconciledMedication.Hash([Metformin, Simvastatin]);
        Assert.Equal(hash, ReconciledMedication.Hash([Simvastatin, Metformin]));
        Assert.Equal(hash, ReconciledMedication.Hash([Metformin with { Dosage = "500 mg\nmorgen  og kveld " }, Simvastatin]));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Substance_dosage_status_and_membership_each_change_the_hash()
    {
        var hash = ReconciledMedication.Hash([Metformin, Simvastatin]);
        ReconciledMedication[][] changed =
        [
            [Metformin with { SubstanceCode = "A10BB01" }, Simvastatin],
            [Metformin with { Dosage = "1000 mg morgen og kveld" }, Simvastatin],
            [Metformin with { Status = "stopped" }, Simvastatin],
            [Metformin],
            [Metformin, Simvastatin, Simvastatin with { SubstanceCode = "C10AA05" }],
        ];
        Assert.All(changed, list => Assert.NotEqual(hash, ReconciledMedication.Hash(list)));
        // The display name is not part of it: renaming a drug does not change what was reconciled.
        Assert.Equal(hash, ReconciledMedication.Hash([Metformin with { Name = "Metformin Sandoz" }, Simvastatin]));
    }

    [Fact]
    public void The_snapshot_survives_the_trip_through_a_list_entry()
    {
        var entry = new List.EntryComponent { Item = new ResourceReference("MedicationStatement/x/_history/1") };
        entry.Extension.Add(Metformin.ToExtension());
        var json = new FhirJsonSerializer().SerializeToString(new List { Status = List.ListStatus.Current, Mode = ListMode.Snapshot, Entry = [entry] });
        var parsed = (List)new FhirJsonDeserializer().DeserializeResource(json);
        Assert.Equal(Metformin, ReconciledMedication.FromEntry(parsed.Entry[0]));
    }
}
