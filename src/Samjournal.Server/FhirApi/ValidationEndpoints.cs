namespace Samjournal.Server.FhirApi;

// Interim until the validation branch lands.
internal static class ValidationEndpoints
{
    public static Task ValidateType(HttpContext http) => Task.CompletedTask;

    public static Task ValidateInstance(HttpContext http) => Task.CompletedTask;
}
