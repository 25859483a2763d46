using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Clinical.Demo;

/// <summary>The care units of the demo region.</summary>
internal enum DemoUnit
{
    Hospital,
    MedicalWard,
    SurgicalWard,
    Municipality,
    HomeCare,
    NursingHome,
    FjordvikLegekontor,
    SentrumLegesenter,
}

/// <summary>Where care for a patient happens; decides the kind of encounter and who records it.</summary>
internal enum CareSetting
{
    Gp,
    MedicalWard,
    SurgicalWard,
    HomeCare,
    NursingHome,
}

/// <summary>
/// A care unit: Organization, plus a Location where patients are seen. Home care has no
/// Location of its own: its care happens in the patient's home.
/// </summary>
/// <remarks>
/// Organisation numbers are synthetic with a valid check digit. Enhetsregisteret issues real
/// numbers starting with 8 or 9; these start with 3 and so can never name a real organisation.
/// </remarks>
internal sealed record DemoOrganisation(
    DemoUnit Unit,
    string Name,
    string OrganisationNumber,
    string TypeCode,
    string TypeDisplay,
    DemoUnit? PartOf,
    string Street,
    string? LocationName = null,
    string? LocationTypeCode = null,
    string? LocationTypeDisplay = null)
{
    public static readonly DemoOrganisation[] All =
    [
        new(DemoUnit.Hospital, "Nidaros universitetssykehus HF", "310900109", "prov", "Healthcare Provider", null, "Sykehusveien 1"),
        new(DemoUnit.MedicalWard, "Medisinsk sengepost", "310900117", "dept", "Hospital Department", DemoUnit.Hospital, "Sykehusveien 1",
            "Medisinsk sengepost, 3. etasje", "HU", "Hospital unit"),
        new(DemoUnit.SurgicalWard, "Kirurgisk sengepost", "310900125", "dept", "Hospital Department", DemoUnit.Hospital, "Sykehusveien 1",
            "Kirurgisk sengepost, 5. etasje", "HU", "Hospital unit"),
        new(DemoUnit.Municipality, "Fjordvik kommune", "310900206", "govt", "Government", null, "Rådhusplassen 1"),
        new(DemoUnit.HomeCare, "Hjemmetjenesten Fjordvik", "310900303", "prov", "Healthcare Provider", DemoUnit.Municipality, "Rådhusplassen 1"),
        new(DemoUnit.NursingHome, "Fjordvik sykehjem", "310900311", "prov", "Healthcare Provider", DemoUnit.Municipality, "Solbakken 2",
            "Fjordvik sykehjem, avdeling Solsiden", "NCCF", "Nursing or custodial care facility"),
        new(DemoUnit.FjordvikLegekontor, "Fjordvik legekontor", "310900508", "prov", "Healthcare Provider", null, "Storgata 14",
            "Fjordvik legekontor", "PC", "primary care clinic"),
        new(DemoUnit.SentrumLegesenter, "Sentrum legesenter Fjordvik", "310900605", "prov", "Healthcare Provider", null, "Torget 3",
            "Sentrum legesenter Fjordvik", "PC", "primary care clinic"),
    ];

    public string Key => $"Organization/{Unit}";

    public string LocationKey => $"Location/{Unit}";

    public static DemoOrganisation Of(DemoUnit unit) => All.Single(o => o.Unit == unit);

    public static DemoUnit UnitFor(CareSetting setting, DemoUnit gpOffice) => setting switch
    {
        CareSetting.MedicalWard => DemoUnit.MedicalWard,
        CareSetting.SurgicalWard => DemoUnit.SurgicalWard,
        CareSetting.HomeCare => DemoUnit.HomeCare,
        CareSetting.NursingHome => DemoUnit.NursingHome,
        _ => gpOffice,
    };

    /// <summary>Adds every unit as Organization (conditional on its organisation number) and Location.</summary>
    public static void AddAll(DemoBundleBuilder builder)
    {
        foreach (var unit in All)
        {
            var organization = new Organization
            {
                Identifier = [new Identifier(NorwegianSystems.Organisasjonsnummer, unit.OrganisationNumber)],
                Active = true,
                Type = [DemoCodes.Concept(DemoCodes.OrganizationType, unit.TypeCode, unit.TypeDisplay)],
                Name = unit.Name,
                Address = [DemoAddress.Of(unit.Street, Address.AddressUse.Work)],
                PartOf = unit.PartOf is { } parent ? DemoBundleBuilder.Reference(Of(parent).Key, Of(parent).Name) : null,
            };
            builder.Add(
                unit.Key,
                organization,
                ifNoneExist: $"identifier={NorwegianSystems.Organisasjonsnummer}|{unit.OrganisationNumber}",
                display: unit.Name);

            if (unit.LocationName is not null)
            {
                builder.Add(unit.LocationKey, new Location
                {
                    Status = Location.LocationStatus.Active,
                    Name = unit.LocationName,
                    Mode = Location.LocationMode.Instance,
                    Type = [DemoCodes.Concept(DemoCodes.RoleCode, unit.LocationTypeCode!, unit.LocationTypeDisplay!)],
                    Address = DemoAddress.Of(unit.Street, Address.AddressUse.Work),
                    ManagingOrganization = DemoBundleBuilder.Reference(unit.Key, unit.Name),
                });
            }
        }
    }
}

/// <summary>Addresses in the (fictional) municipality of Fjordvik.</summary>
internal static class DemoAddress
{
    public const string PostalCode = "7999";
    public const string City = "Fjordvik";

    public static Address Of(string street, Address.AddressUse use) => new()
    {
        Use = use,
        Type = Address.AddressType.Both,
        Line = [street],
        PostalCode = PostalCode,
        City = City,
        District = "Fjordvik kommune",
        Country = "NO",
    };
}
