using Hl7.Fhir.Model;
using static Samjournal.Clinical.Demo.DemoLabs;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// The diagnoses of the demo region. GPs and municipal services code with ICPC-2, hospitals
/// with ICD-10, as in Norway. Medicines are coded with ATC; the text is what the label says.
/// </summary>
internal static class DemoCareProfiles
{
    private static readonly DemoMedication Paracetamol = new(
        DemoCode.Atc("N02BE01", "paracetamol", "Paracetamol tablett 500 mg"), "2 tabletter inntil 3 ganger daglig ved behov", Prescribed: false);

    private static readonly DemoMedication Atorvastatin = new(
        DemoCode.Atc("C10AA05", "atorvastatin", "Atorvastatin tablett 20 mg"), "1 tablett om kvelden");

    private static readonly DemoMedication Apixaban = new(
        DemoCode.Atc("B01AF02", "apixaban", "Apixaban tablett 5 mg"), "1 tablett morgen og kveld");

    public static readonly CareProfile[] All =
    [
        // Primary care (ICPC-2).
        new("asthma", CareSetting.Gp, DemoCode.Icpc2("R96", "Astma"), true, 0,
            [new(DemoCode.Atc("R03AC02", "salbutamol", "Salbutamol inhalasjonsaerosol 0,1 mg/dose"), "1-2 inhalasjoner ved behov, inntil 4 ganger daglig"),
             new(DemoCode.Atc("R03BA02", "budesonide", "Budesonid inhalasjonspulver 200 mikrog/dose"), "1 inhalasjon morgen og kveld")],
            []),
        new("adhd", CareSetting.Gp, DemoCode.Icpc2("P81", "Hyperkinetisk forstyrrelse"), true, 0,
            [new(DemoCode.Atc("N06BA04", "methylphenidate", "Metylfenidat depottablett 18 mg"), "1 tablett om morgenen")],
            []),
        new("eczema", CareSetting.Gp, DemoCode.Icpc2("S87", "Dermatitt/atopisk eksem"), true, 0,
            [new(DemoCode.Atc("D07AA02", "hydrocortisone", "Hydrokortison krem 1 %"), "Smøres tynt på eksemet 1-2 ganger daglig i inntil 2 uker", Prescribed: false)],
            []),
        new("otitis", CareSetting.Gp, DemoCode.Icpc2("H71", "Akutt mellomørebetennelse"), false, 0,
            [new(DemoCode.Atc("J01CE02", "phenoxymethylpenicillin", "Fenoksymetylpenicillin mikstur 50 mg/ml"), "5 ml 4 ganger daglig i 5 dager")],
            []),
        new("tonsillitis", CareSetting.Gp, DemoCode.Icpc2("R76", "Akutt tonsillitt/peritonsillær abscess"), false, 0,
            [new(DemoCode.Atc("J01CE02", "phenoxymethylpenicillin", "Fenoksymetylpenicillin tablett 660 mg"), "1 tablett 4 ganger daglig i 10 dager")],
            [CrpResult(62m)]),
        new("acne", CareSetting.Gp, DemoCode.Icpc2("S96", "Akne"), true, 0,
            [new(DemoCode.Atc("J01AA04", "lymecycline", "Lymesyklin kapsel 300 mg"), "1 kapsel daglig i 3 måneder")],
            []),
        new("migraine", CareSetting.Gp, DemoCode.Icpc2("N89", "Migrene"), true, 0,
            [new(DemoCode.Atc("N02CC01", "sumatriptan", "Sumatriptan tablett 50 mg"), "1 tablett ved anfall, høyst 2 per døgn")],
            []),
        new("depression", CareSetting.Gp, DemoCode.Icpc2("P76", "Depresjon"), true, 0,
            [new(DemoCode.Atc("N06AB06", "sertraline", "Sertralin tablett 50 mg"), "1 tablett om morgenen")],
            []),
        new("hypothyroidism", CareSetting.Gp, DemoCode.Icpc2("T86", "Hypotyreose/myksødem"), true, 0,
            [new(DemoCode.Atc("H03AA01", "levothyroxine sodium", "Levotyroksin tablett 100 mikrog"), "1 tablett om morgenen på tom mage")],
            [TshResult(6.2m)]),
        new("hypertension", CareSetting.Gp, DemoCode.Icpc2("K86", "Hypertensjon ukomplisert"), true, 0,
            [new(DemoCode.Atc("C08CA01", "amlodipine", "Amlodipin tablett 5 mg"), "1 tablett daglig")],
            [Kreatinin(88m), Kalium(4.1m)]),
        new("type2-diabetes", CareSetting.Gp, DemoCode.Icpc2("T90", "Diabetes type 2"), true, 0,
            [new(DemoCode.Atc("A10BA02", "metformin", "Metformin tablett 500 mg"), "1 tablett 2 ganger daglig til måltid")],
            [HbA1cResult(58m), EgfrResult(72m)]),
        new("hypercholesterolemia", CareSetting.Gp, DemoCode.Icpc2("T93", "Lipidforstyrrelse"), true, 0,
            [Atorvastatin],
            [Kolesterol(7.4m)]),
        new("copd", CareSetting.Gp, DemoCode.Icpc2("R95", "Kronisk obstruktiv lungesykdom"), true, 0,
            [new(DemoCode.Atc("R03BB04", "tiotropium bromide", "Tiotropium inhalasjonspulver 18 mikrog"), "1 inhalasjon daglig")],
            []),
        new("knee-osteoarthritis", CareSetting.Gp, DemoCode.Icpc2("L90", "Kneartrose"), true, 0,
            [Paracetamol],
            []),

        // Hospital (ICD-10).
        new("type1-diabetes", CareSetting.MedicalWard, DemoCode.Icd10("E10.9", "Diabetes mellitus type 1 uten komplikasjoner"), true, 4,
            [new(DemoCode.Atc("A10AB05", "insulin aspart", "Insulin aspart injeksjon 100 E/ml"), "Etter karbohydratmengde, vanligvis 4-8 E til måltidene"),
             new(DemoCode.Atc("A10AE04", "insulin glargine", "Insulin glargin injeksjon 100 E/ml"), "14 E om kvelden")],
            [HbA1cResult(68m), Glukose(14.2m)]),
        new("copd-exacerbation", CareSetting.MedicalWard, DemoCode.Icd10("J44.1", "Kronisk obstruktiv lungesykdom med akutt forverring, uspesifisert"), false, 5,
            [new(DemoCode.Atc("H02AB06", "prednisolone", "Prednisolon tablett 5 mg"), "40 mg daglig i 5 dager")],
            [CrpResult(48m), Leukocytter(12.8m)]),
        new("heart-failure", CareSetting.MedicalWard, DemoCode.Icd10("I50.0", "Hjertesvikt med stuvning"), true, 6,
            [new(DemoCode.Atc("C03CA01", "furosemide", "Furosemid tablett 40 mg"), "1 tablett om morgenen")],
            [NtProBnpResult(2400m), Natrium(134m), Kreatinin(112m)]),
        new("atrial-fibrillation", CareSetting.MedicalWard, DemoCode.Icd10("I48.9", "Atrieflimmer og atrieflutter, uspesifisert"), true, 3,
            [Apixaban,
             new(DemoCode.Atc("C07AB02", "metoprolol", "Metoprolol depottablett 50 mg"), "1 tablett daglig")],
            [Kalium(3.9m)]),
        new("pneumonia", CareSetting.MedicalWard, DemoCode.Icd10("J18.9", "Pneumoni, uspesifisert"), false, 4,
            [new(DemoCode.Atc("J01CE01", "benzylpenicillin", "Benzylpenicillin injeksjon 1,2 g"), "1,2 g intravenøst 4 ganger daglig")],
            [CrpResult(180m), Leukocytter(14.1m)]),
        new("stroke", CareSetting.MedicalWard, DemoCode.Icd10("I63.9", "Hjerneinfarkt, uspesifisert"), false, 8,
            [new(DemoCode.Atc("B01AC04", "clopidogrel", "Klopidogrel tablett 75 mg"), "1 tablett daglig"), Atorvastatin],
            [Kolesterol(5.9m), Glukose(6.8m)]),
        new("hip-fracture", CareSetting.SurgicalWard, DemoCode.Icd10("S72.0", "Brudd på lårhals"), false, 7,
            [Paracetamol with { Prescribed = true, Dosage = "2 tabletter 4 ganger daglig" }],
            [Hb(9.8m)]),
        new("appendicitis", CareSetting.SurgicalWard, DemoCode.Icd10("K35.8", "Akutt appendisitt, annen og uspesifisert"), false, 2,
            [],
            [CrpResult(96m), Leukocytter(15.2m)]),
        new("wrist-fracture", CareSetting.SurgicalWard, DemoCode.Icd10("S52.5", "Brudd i nedre ende av radius"), false, 1,
            [],
            [Hb(13.9m)]),

        // Municipal care.
        new("leg-ulcer", CareSetting.HomeCare, DemoCode.Icpc2("S97", "Kronisk sår/ulcus"), true, 0,
            [],
            []),
        new("b12-deficiency", CareSetting.HomeCare, DemoCode.Icpc2("B81", "Anemi, vitamin B12/folatmangel"), true, 0,
            [new(DemoCode.Atc("B03BA01", "cyanocobalamin", "Cyanokobalamin injeksjon 1 mg/ml"), "1 mg intramuskulært hver 3. måned, settes av hjemmesykepleien")],
            [B12(120m), Hb(11.2m)]),
        new("dementia", CareSetting.NursingHome, DemoCode.Icd10("F03", "Uspesifisert demens"), true, 0,
            [new(DemoCode.Atc("N06DA02", "donepezil", "Donepezil tablett 5 mg"), "1 tablett om kvelden")],
            [TshResult(2.1m), B12(310m)]),
    ];

    public static readonly DemoAllergy[] Allergies =
    [
        new("penicillin", DemoCode.Atc("J01C", "BETA-LACTAM ANTIBACTERIALS, PENICILLINS", "Penicilliner"),
            AllergyIntolerance.AllergyIntoleranceCategory.Medication,
            AllergyIntolerance.AllergyIntoleranceCriticality.High,
            new() { Text = "Elveblest og hevelse i ansiktet" }),
        new("nsaid", DemoCode.Atc("M01A", "ANTIINFLAMMATORY AND ANTIRHEUMATIC PRODUCTS, NON-STEROIDS", "NSAIDs"),
            AllergyIntolerance.AllergyIntoleranceCategory.Medication,
            AllergyIntolerance.AllergyIntoleranceCriticality.Low,
            new() { Text = "Astmaanfall" }),
        new("sulfonamide", DemoCode.Atc("J01E", "SULFONAMIDES AND TRIMETHOPRIM", "Sulfonamider og trimetoprim"),
            AllergyIntolerance.AllergyIntoleranceCategory.Medication,
            AllergyIntolerance.AllergyIntoleranceCriticality.Low,
            new() { Text = "Utslett" }),
        new("cashew", new DemoCode(DemoCodes.Snomed, "227493005", "Cashew nuts", "Cashewnøtter"),
            AllergyIntolerance.AllergyIntoleranceCategory.Food,
            AllergyIntolerance.AllergyIntoleranceCriticality.High,
            DemoCodes.Concept(DemoCodes.Snomed, "39579001", "Anaphylactic reaction", "Anafylaktisk reaksjon")),
    ];

    public static CareProfile Of(string key) => All.Single(p => string.Equals(p.Key, key, StringComparison.Ordinal));

    public static DemoAllergy AllergyOf(string key) => Allergies.Single(a => string.Equals(a.Key, key, StringComparison.Ordinal));
}
