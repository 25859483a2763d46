using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// The 30 people of Fjordvik. Made up: names are common Norwegian names, numbers are synthetic.
/// A family may share an address. Ages are on the reference date the bundle is built for.
/// </summary>
internal static class DemoPatients
{
    private const AdministrativeGender F = AdministrativeGender.Female;
    private const AdministrativeGender M = AdministrativeGender.Male;

    public static readonly DemoPatient[] All =
    [
        // Children and teenagers.
        new("Emma", "Ødegård", F, 5, "Skolebakken 7", "saether", ["asthma", "otitis"], ["cashew"]),
        new("Nora", "Næss", F, 8, "Elvebakken 11", "fossum", ["eczema", "tonsillitis"], []),
        new("Noah", "Bjørnstad", M, 11, "Bjørkelia 15", "fossum", ["adhd"], []),
        new("Sofie", "Åsheim", F, 12, "Nordåsen 4", "saether", ["type1-diabetes"], []),
        new("Jakob", "Løvås", M, 15, "Fjordveien 12", "lunde", ["acne", "wrist-fracture"], []),
        new("Maja", "Grønli", F, 16, "Sjøgata 21", "fossum", ["migraine", "eczema"], []),
        new("Oskar", "Håland", M, 17, "Havnegata 9", "lunde", ["appendicitis", "asthma"], ["penicillin"]),

        // Adults.
        new("Ola", "Kvæstad", M, 24, "Kirkegata 3", "lunde", ["depression"], []),
        new("Ida", "Holm", F, 27, "Kirkegata 5", "saether", ["appendicitis"], ["sulfonamide"]),
        // Strictly confidential address (strengt fortrolig adresse): staff never see where she lives.
        new("Thea", "Brænne", F, 31, "Elvebakken 2", "saether", ["hypothyroidism", "migraine"], [], "strengt-fortrolig"),
        new("Mathias", "Berge", M, 35, "Sjøgata 4", "lunde", ["pneumonia"], []),
        new("Henrik", "Sæterdal", M, 38, "Fjellveien 8", "fossum", ["hypertension"], []),
        new("Kristian", "Fjellstad", M, 42, "Fjellveien 19", "fossum", ["migraine", "hypercholesterolemia"], []),
        new("Marit", "Fossheim", F, 45, "Lykkjvegen 6", "saether", ["depression", "hypothyroidism"], ["penicillin"]),
        new("Anne", "Bjørnstad", F, 47, "Bjørkelia 15", "fossum", ["asthma"], ["nsaid"]),
        new("Lars", "Ødegård", M, 52, "Skolebakken 7", "saether", ["type2-diabetes", "hypertension", "hypercholesterolemia"], []),
        new("Hilde", "Rønning", F, 55, "Granlia 3", "lunde", ["hypothyroidism", "depression", "pneumonia"], ["nsaid"]),
        new("Kjell", "Aune", M, 58, "Havnegata 27", "lunde", ["copd", "copd-exacerbation"], []),

        // Older people, some with home care.
        new("Berit", "Strøm", F, 63, "Granlia 12", "saether", ["knee-osteoarthritis", "hypertension"], ["sulfonamide"]),
        new("Tor", "Vik", M, 67, "Fjordveien 40", "fossum", ["atrial-fibrillation", "hypercholesterolemia"], []),
        new("Solveig", "Dæhlie", F, 71, "Kirkegata 14", "lunde", ["type2-diabetes", "knee-osteoarthritis"], ["penicillin"]),
        new("Arvid", "Haugland", M, 74, "Sjøgata 33", "fossum", ["stroke", "hypertension"], []),
        new("Randi", "Åsheim", F, 78, "Nordåsen 2", "saether", ["heart-failure", "atrial-fibrillation", "b12-deficiency"], []),
        new("Egil", "Grønli", M, 81, "Strandvegen 5", "lunde", ["copd", "heart-failure", "leg-ulcer"], ["nsaid"]),
        new("Gunvor", "Løkken", F, 84, "Strandvegen 9", "fossum", ["hip-fracture", "b12-deficiency", "knee-osteoarthritis"], []),
        new("Sverre", "Tømmerås", M, 93, "Fjellveien 2", "saether", ["leg-ulcer", "type2-diabetes"], ["penicillin"]),

        // Long-term residents of Fjordvik sykehjem, followed by the nursing home doctor.
        new("Ragnhild", "Sørli", F, 86, "Solbakken 2", "dahl", ["dementia", "hypertension"], []),
        new("Olav", "Bjørnstad", M, 88, "Solbakken 2", "dahl", ["dementia", "heart-failure"], []),
        new("Astrid", "Ødegård", F, 90, "Solbakken 2", "dahl", ["dementia", "hip-fracture", "hypothyroidism"], []),
        new("Margit", "Kvåle", F, 97, "Solbakken 2", "dahl", ["dementia", "pneumonia"], ["sulfonamide"]),
    ];

    /// <summary>Children and the parent with parental responsibility (foreldreansvar) who signs in
    /// as a citizen and sees the child's record by its age band (pasient- og brukerrettighetsloven § 3-4).</summary>
    public static readonly (string Child, string Parent)[] Parents =
    [
        ("Emma Ødegård", "Lars Ødegård"),
        ("Noah Bjørnstad", "Anne Bjørnstad"),
    ];
}
