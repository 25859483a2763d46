using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Clinical.Demo;

/// <summary>What a staff member does. Coded with ISCO-08 (the base of Norway's STYRK-08), plus
/// the HL7 practitioner-role code where that small code system has one (doctor, nurse).</summary>
internal enum StaffRole
{
    HospitalDoctor,
    GeneralPractitioner,
    Nurse,
    UnitLeader,
    MedicalSecretary,
    HealthCareAssistant,
}

/// <summary>
/// A member of staff: Practitioner with a synthetic HPR number, and a PractitionerRole at one
/// unit. HPR numbers have no check digit; these are made up and marked as test data.
/// </summary>
internal sealed record DemoStaff(string Key, string Given, string Family, AdministrativeGender Gender, string Hpr, StaffRole Role, DemoUnit Unit)
{
    public static readonly DemoStaff[] All =
    [
        new("haugen", "Ingrid", "Haugen", AdministrativeGender.Female, "9100101", StaffRole.HospitalDoctor, DemoUnit.MedicalWard),
        new("strand", "Magnus", "Strand", AdministrativeGender.Male, "9100102", StaffRole.Nurse, DemoUnit.MedicalWard),
        new("lie", "Sigrid", "Lie", AdministrativeGender.Female, "9100103", StaffRole.UnitLeader, DemoUnit.MedicalWard),
        new("berg", "Håkon", "Berg", AdministrativeGender.Male, "9100201", StaffRole.HospitalDoctor, DemoUnit.SurgicalWard),
        new("solberg", "Marte", "Solberg", AdministrativeGender.Female, "9100202", StaffRole.Nurse, DemoUnit.SurgicalWard),
        new("nygard", "Liv", "Nygård", AdministrativeGender.Female, "91000301", StaffRole.UnitLeader, DemoUnit.HomeCare),
        new("hagen", "Jonas", "Hagen", AdministrativeGender.Male, "91000302", StaffRole.Nurse, DemoUnit.HomeCare),
        new("moe", "Åse", "Moe", AdministrativeGender.Female, "91000303", StaffRole.HealthCareAssistant, DemoUnit.HomeCare),
        new("dahl", "Per", "Dahl", AdministrativeGender.Male, "91000401", StaffRole.GeneralPractitioner, DemoUnit.NursingHome),
        new("brekke", "Kristin", "Brekke", AdministrativeGender.Female, "91000402", StaffRole.Nurse, DemoUnit.NursingHome),
        new("fossum", "Eirik", "Fossum", AdministrativeGender.Male, "91000501", StaffRole.GeneralPractitioner, DemoUnit.FjordvikLegekontor),
        new("saether", "Hanne", "Sæther", AdministrativeGender.Female, "91000502", StaffRole.GeneralPractitioner, DemoUnit.FjordvikLegekontor),
        new("eide", "Grete", "Eide", AdministrativeGender.Female, "91000503", StaffRole.MedicalSecretary, DemoUnit.FjordvikLegekontor),
        new("lunde", "Øystein", "Lunde", AdministrativeGender.Male, "91000601", StaffRole.GeneralPractitioner, DemoUnit.SentrumLegesenter),
        new("bakke", "Nina", "Bakke", AdministrativeGender.Female, "91000602", StaffRole.MedicalSecretary, DemoUnit.SentrumLegesenter),
    ];

    public string PractitionerKey => $"Practitioner/{Key}";

    public string FullName => $"{Given} {Family}";

    public static DemoStaff Of(string key) => All.Single(s => string.Equals(s.Key, key, StringComparison.Ordinal));

    /// <summary>The doctor who writes notes and prescriptions for a unit.</summary>
    public static DemoStaff DoctorAt(DemoUnit unit) =>
        All.First(s => s.Unit == unit && s.Role is StaffRole.HospitalDoctor or StaffRole.GeneralPractitioner);

    /// <summary>The nurse who carries out home care visits.</summary>
    public static DemoStaff HomeCareNurse => Of("hagen");

    public static void AddAll(DemoBundleBuilder builder)
    {
        foreach (var staff in All)
        {
            builder.Add(
                staff.PractitionerKey,
                new Practitioner
                {
                    Identifier = [new Identifier(NorwegianSystems.HprNummer, staff.Hpr)],
                    Active = true,
                    Name = [new HumanName { Use = HumanName.NameUse.Official, Family = staff.Family, Given = [staff.Given] }],
                    Gender = staff.Gender,
                },
                ifNoneExist: $"identifier={NorwegianSystems.HprNummer}|{staff.Hpr}",
                display: staff.FullName);

            var unit = DemoOrganisation.Of(staff.Unit);
            builder.Add($"PractitionerRole/{staff.Key}", new PractitionerRole
            {
                Active = true,
                Practitioner = DemoBundleBuilder.Reference(staff.PractitionerKey, staff.FullName),
                Organization = DemoBundleBuilder.Reference(unit.Key, unit.Name),
                Location = unit.LocationName is null ? [] : [DemoBundleBuilder.Reference(unit.LocationKey, unit.LocationName)],
                Code = [RoleConcept(staff.Role)],
            });
        }
    }

    private static CodeableConcept RoleConcept(StaffRole role)
    {
        var (hl7, isco, iscoDisplay, text) = role switch
        {
            StaffRole.HospitalDoctor => ("doctor", "2212", "Specialist medical practitioners", "Lege"),
            StaffRole.GeneralPractitioner => ("doctor", "2211", "Generalist medical practitioners", "Allmennlege"),
            StaffRole.Nurse => ("nurse", "2221", "Nursing professionals", "Sykepleier"),
            StaffRole.UnitLeader => (null, "1342", "Health services managers", "Avdelingsleder"),
            StaffRole.MedicalSecretary => (null, "3344", "Medical secretaries", "Helsesekretær"),
            _ => ((string?)null, "5321", "Health care assistants", "Helsefagarbeider"),
        };

        var concept = new CodeableConcept { Text = text };
        if (hl7 is not null)
        {
            concept.Coding.Add(new Coding(DemoCodes.PractitionerRole, hl7, hl7 == "doctor" ? "Doctor" : "Nurse"));
        }

        concept.Coding.Add(new Coding(DemoCodes.Isco08, isco, iscoDisplay));
        return concept;
    }
}
