namespace Samjournal.Clinical.Demo;

/// <summary>Lab tests (LOINC, with the units Norwegian laboratories report) and typical results.</summary>
internal static class DemoLabs
{
    private static readonly DemoCode Hemoglobin = DemoCode.Loinc("718-7", "Hemoglobin [Mass/volume] in Blood", "Hemoglobin");
    private static readonly DemoCode Creatinine = DemoCode.Loinc("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "Kreatinin");
    private static readonly DemoCode Potassium = DemoCode.Loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "Kalium");
    private static readonly DemoCode Sodium = DemoCode.Loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "Natrium");
    private static readonly DemoCode Crp = DemoCode.Loinc("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "CRP");
    private static readonly DemoCode Leukocytes = DemoCode.Loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "Leukocytter");
    private static readonly DemoCode HbA1c = DemoCode.Loinc("59261-8", "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol", "HbA1c");
    private static readonly DemoCode Glucose = DemoCode.Loinc("14749-6", "Glucose [Moles/volume] in Serum or Plasma", "Glukose");
    private static readonly DemoCode Tsh = DemoCode.Loinc("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "TSH");
    private static readonly DemoCode NtProBnp = DemoCode.Loinc(
        "33762-6", "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma", "NT-proBNP");
    private static readonly DemoCode Cholesterol = DemoCode.Loinc("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma", "Kolesterol");
    private static readonly DemoCode Egfr = DemoCode.Loinc(
        "62238-1", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)", "eGFR");
    private static readonly DemoCode VitaminB12 = DemoCode.Loinc("14685-2", "Cobalamin (Vitamin B12) [Moles/volume] in Serum or Plasma", "Vitamin B12");

    public static DemoLab Hb(decimal value) => new(Hemoglobin, value, "g/dL", "g/dL", 11.7m, 17.0m);

    public static DemoLab Kreatinin(decimal value) => new(Creatinine, value, "umol/L", "µmol/L", 45m, 105m);

    public static DemoLab Kalium(decimal value) => new(Potassium, value, "mmol/L", "mmol/L", 3.6m, 4.6m);

    public static DemoLab Natrium(decimal value) => new(Sodium, value, "mmol/L", "mmol/L", 137m, 145m);

    public static DemoLab CrpResult(decimal value) => new(Crp, value, "mg/L", "mg/L", null, 5m);

    public static DemoLab Leukocytter(decimal value) => new(Leukocytes, value, "10*9/L", "10^9/L", 3.5m, 10.0m);

    public static DemoLab HbA1cResult(decimal value) => new(HbA1c, value, "mmol/mol", "mmol/mol", 20m, 42m);

    public static DemoLab Glukose(decimal value) => new(Glucose, value, "mmol/L", "mmol/L", 4.0m, 6.0m);

    public static DemoLab TshResult(decimal value) => new(Tsh, value, "m[IU]/L", "mIE/L", 0.4m, 4.0m);

    public static DemoLab NtProBnpResult(decimal value) => new(NtProBnp, value, "ng/L", "ng/L", null, 300m);

    public static DemoLab Kolesterol(decimal value) => new(Cholesterol, value, "mmol/L", "mmol/L", 3.3m, 6.9m);

    public static DemoLab EgfrResult(decimal value) => new(Egfr, value, "mL/min/{1.73_m2}", "mL/min/1,73 m²", 60m, null);

    public static DemoLab B12(decimal value) => new(VitaminB12, value, "pmol/L", "pmol/L", 150m, 650m);
}
