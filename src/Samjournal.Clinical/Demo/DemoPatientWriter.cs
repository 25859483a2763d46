using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// Writes one demo patient and their history. Dates are days before the reference date, drawn
/// from a generator seeded per patient, so one patient's history does not shift when another
/// row changes.
/// </summary>
internal sealed class DemoPatientWriter(DemoBundleBuilder builder, DateOnly today, int seed)
{
    private readonly SyntheticIdentityGenerator identities = new(seed);
    private readonly Dictionary<string, (ResourceReference Patient, string Fodselsnummer)> written = new(StringComparer.Ordinal);

    /// <summary>A parent (a RelatedPerson with parental responsibility, identified by the parent's
    /// fødselsnummer) on the child's record; both are demo patients written before.</summary>
    public void AddParent(string child, string parent)
    {
        var (childReference, _) = written[child];
        var (_, parentNumber) = written[parent];
        var parentName = parent.Split(' ', 2);
        builder.Add(
            $"RelatedPerson/{child}",
            new RelatedPerson
            {
                Active = true,
                Patient = childReference,
                Identifier = [new Identifier(NorwegianSystems.Fodselsnummer, parentNumber)],
                Relationship =
                [
                    new CodeableConcept("https://samjournal.no/fhir/CodeSystem/related-person-role", "parental-responsibility", "Foreldreansvar"),
                    new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "PRN", "parent"),
                ],
                Name = [new HumanName { Family = parentName[1], Given = [parentName[0]] }],
            },
            ifNoneExist: $"identifier={NorwegianSystems.Fodselsnummer}|{parentNumber}",
            display: parent);
    }

    public void Add(int index, DemoPatient row)
    {
        var random = new Random(seed + index);
        var birthDate = today.AddYears(-row.Age).AddDays(-random.Next(0, 360));
        var key = $"Patient/{index}";
        var name = $"{row.Given} {row.Family}";
        var gp = DemoStaff.Of(row.Gp);
        var gpUnit = DemoOrganisation.Of(gp.Unit);
        var fnr = identities.NextFodselsnummer(birthDate, row.Gender);

        var patient = builder.Add(
            key,
            new Patient
            {
                Identifier = [new Identifier(NorwegianSystems.Fodselsnummer, fnr) { Use = Identifier.IdentifierUse.Official }],
                Active = true,
                Meta = row.AddressProtection is { } protection
                    ? new Meta { Security = [new Coding("https://samjournal.no/fhir/CodeSystem/address-protection", protection)] }
                    : null,
                Name = [new HumanName { Use = HumanName.NameUse.Official, Family = row.Family, Given = [row.Given] }],
                Gender = row.Gender,
                BirthDate = DemoResources.Date(birthDate),
                Address = [DemoAddress.Of(row.Street, Address.AddressUse.Home)],
                GeneralPractitioner =
                [
                    DemoBundleBuilder.Reference(gp.PractitionerKey, gp.FullName),
                    DemoBundleBuilder.Reference(gpUnit.Key, gpUnit.Name),
                ],
            },
            ifNoneExist: $"identifier={NorwegianSystems.Fodselsnummer}|{fnr}",
            display: name);
        written[name] = (patient, fnr);

        var earliest = birthDate.AddDays(7);
        DateOnly Clamp(DateOnly date) => date < earliest ? earliest : date;

        for (var a = 0; a < row.Allergies.Length; a++)
        {
            var recorded = Clamp(today.AddDays(-random.Next(60, 2000)));
            builder.Add(
                $"AllergyIntolerance/{index}/{a}",
                DemoResources.Allergy(DemoCareProfiles.AllergyOf(row.Allergies[a]), patient, Ref(gp), recorded));
        }

        var stays = new Dictionary<DemoUnit, (ResourceReference Encounter, DateOnly Start)>();
        for (var p = 0; p < row.Profiles.Length; p++)
        {
            var profile = DemoCareProfiles.Of(row.Profiles[p]);
            var unit = DemoOrganisation.Of(DemoOrganisation.UnitFor(profile.Setting, gp.Unit));
            var clinician = unit.Unit switch
            {
                DemoUnit.HomeCare => DemoStaff.HomeCareNurse,
                _ when unit.Unit == gp.Unit => gp,
                _ => DemoStaff.DoctorAt(unit.Unit),
            };
            var prescriber = unit.Unit == DemoUnit.HomeCare ? gp : clinician;
            var inHospital = unit.Unit is DemoUnit.MedicalWard or DemoUnit.SurgicalWard;

            // When care happens, by where it happens.
            DateOnly start, onset, recorded;
            DateOnly? end;
            ResourceReference encounter;
            if (unit.Unit == DemoUnit.NursingHome && stays.TryGetValue(unit.Unit, out var stay))
            {
                // A resident's other problems are followed up within the same stay.
                encounter = stay.Encounter;
                start = Clamp(today.AddDays(-random.Next(5, Math.Max(6, today.DayNumber - stay.Start.DayNumber))));
                onset = Clamp(start.AddDays(-random.Next(365, 3000)));
                recorded = start;
                end = null;
            }
            else
            {
                (start, end, onset) = unit.Unit switch
                {
                    DemoUnit.MedicalWard or DemoUnit.SurgicalWard => Hospital(random, profile),
                    DemoUnit.NursingHome => NursingHome(random),
                    DemoUnit.HomeCare => Visit(random, profile, recentDays: 14),
                    _ => Visit(random, profile, recentDays: 180),
                };
                start = Clamp(start);
                end = end is { } e ? Clamp(e) : null;
                onset = Clamp(onset);
                recorded = profile.Ongoing && !inHospital ? start : onset;
                encounter = builder.Add($"Encounter/{index}/{p}", Encounter(unit, profile, patient, Ref(clinician), start, end));
                if (unit.Unit == DemoUnit.NursingHome)
                {
                    stays[unit.Unit] = (encounter, start);
                }
            }

            var condition = builder.Add(
                $"Condition/{index}/{p}",
                DemoResources.Condition(
                    profile, patient, encounter, Ref(clinician), onset, recorded,
                    profile.Ongoing ? null : Earliest((end ?? start).AddDays(10), today),
                    inHospital));

            // Continuing medicines from a hospital stay are prescribed at discharge.
            var prescribed = inHospital && profile.Ongoing && end is { } discharge ? discharge : start;
            for (var m = 0; m < profile.Medications.Length; m++)
            {
                builder.Add(
                    $"Medication/{index}/{p}/{m}",
                    DemoResources.Medication(profile.Medications[m], profile.Ongoing, patient, encounter, Ref(prescriber), condition, prescribed));
            }

            var performer = unit.Unit == DemoUnit.HomeCare
                ? DemoBundleBuilder.Reference(gpUnit.Key, gpUnit.Name)
                : DemoBundleBuilder.Reference(unit.Key, unit.Name);
            for (var l = 0; l < profile.Labs.Length; l++)
            {
                builder.Add($"Observation/{index}/{p}/{l}", DemoResources.Lab(profile.Labs[l], patient, encounter, performer, start));
            }
        }
    }

    private (DateOnly Start, DateOnly? End, DateOnly Onset) Hospital(Random random, CareProfile profile)
    {
        var admitted = today.AddDays(-random.Next(30, 720));
        return (admitted, admitted.AddDays(profile.StayDays), admitted);
    }

    private (DateOnly Start, DateOnly? End, DateOnly Onset) NursingHome(Random random)
    {
        var admitted = today.AddDays(-random.Next(120, 1500));
        return (admitted, null, admitted.AddDays(-random.Next(180, 1000)));
    }

    private (DateOnly Start, DateOnly? End, DateOnly Onset) Visit(Random random, CareProfile profile, int recentDays)
    {
        if (profile.Ongoing)
        {
            // A recent follow-up of a problem known for some time.
            var visit = today.AddDays(-random.Next(1, recentDays));
            return (visit, visit, visit.AddDays(-random.Next(200, 3000)));
        }

        var consultation = today.AddDays(-random.Next(20, 900));
        return (consultation, consultation, consultation.AddDays(-random.Next(1, 4)));
    }

    private static DateOnly Earliest(DateOnly a, DateOnly b) => a < b ? a : b;

    private static ResourceReference Ref(DemoStaff staff) => DemoBundleBuilder.Reference(staff.PractitionerKey, staff.FullName);

    private static Encounter Encounter(
        DemoOrganisation unit, CareProfile profile, ResourceReference patient, ResourceReference clinician, DateOnly start, DateOnly? end)
    {
        var (classCode, classDisplay, type) = unit.Unit switch
        {
            DemoUnit.MedicalWard or DemoUnit.SurgicalWard => ("IMP", "inpatient encounter", "Innleggelse"),
            DemoUnit.NursingHome => ("NONAC", "inpatient non-acute", "Langtidsopphold i sykehjem"),
            DemoUnit.HomeCare => ("HH", "home health", "Hjemmebesøk"),
            _ => ("AMB", "ambulatory", profile.Ongoing ? "Kontroll hos fastlege" : "Konsultasjon hos fastlege"),
        };

        return new Encounter
        {
            Status = end is null ? Hl7.Fhir.Model.Encounter.EncounterStatus.InProgress : Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
            Class = new Coding(DemoCodes.ActCode, classCode, classDisplay),
            Type = [new CodeableConcept { Text = type }],
            Subject = (ResourceReference)patient.DeepCopy(),
            Participant =
            [
                new Encounter.ParticipantComponent
                {
                    Type = [DemoCodes.Concept(DemoCodes.ParticipationType, "ATND", "attender")],
                    Individual = clinician,
                },
            ],
            Period = new Period { Start = DemoResources.Date(start), End = end is { } e ? DemoResources.Date(e) : null },
            Location = unit.LocationName is null
                ? []
                : [new Encounter.LocationComponent { Location = DemoBundleBuilder.Reference(unit.LocationKey, unit.LocationName) }],
            ServiceProvider = DemoBundleBuilder.Reference(unit.Key, unit.Name),
        };
    }
}
