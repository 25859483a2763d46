using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// The demo region "Fjordvik": a hospital with two wards, a municipality with home care and a
/// nursing home, two GP offices, 15 staff and 30 patients with plausible histories. Everyone is
/// made up; person numbers are synthetic (month + 80) and every resource is labelled as test
/// data (meta.security HTEST).
/// </summary>
public static class DemoRegion
{
    /// <summary>Fixed seed: the region is the same every time it is built for the same date.</summary>
    public const int Seed = 578;

    /// <summary>
    /// A FHIR transaction that creates the region. All entries are POSTs with urn:uuid fullUrls;
    /// Organizations, Practitioners and Patients are conditional on their national identifier
    /// (ifNoneExist), so seeding twice does not duplicate them. Ages and dates are relative to
    /// <paramref name="today"/>.
    /// </summary>
    public static Bundle BuildTransaction(DateOnly today)
    {
        var builder = new DemoBundleBuilder();
        DemoOrganisation.AddAll(builder);
        DemoStaff.AddAll(builder);

        var patients = new DemoPatientWriter(builder, today, Seed);
        for (var i = 0; i < DemoPatients.All.Length; i++)
        {
            patients.Add(i, DemoPatients.All[i]);
        }

        foreach (var (child, parent) in DemoPatients.Parents)
        {
            patients.AddParent(child, parent);
        }

        return builder.Build();
    }

    /// <summary>The region as of the local date of <paramref name="time"/>.</summary>
    public static Bundle BuildTransaction(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return BuildTransaction(DateOnly.FromDateTime(time.GetLocalNow().Date));
    }
}
