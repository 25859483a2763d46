using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

// Interim: replaced by the clinical branch.
public static class DemoRegion
{
    public static Bundle BuildTransaction(DateOnly today) => new() { Type = Bundle.BundleType.Transaction };
}
