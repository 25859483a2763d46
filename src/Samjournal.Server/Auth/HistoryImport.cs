namespace Samjournal.Server.Auth;

/// <summary>
/// Migration of a record from another system (header <c>Samjournal-Purpose: history-import</c>,
/// system clients only): results in it were signed in the system they come from, so they make no
/// new sign-off work items. The purpose is in every audit record of the request.
/// </summary>
internal static class HistoryImport
{
    public const string Header = "Samjournal-Purpose";
    public const string Purpose = Samjournal.Fhir.Interactions.WriteAuthor.HistoryImport;
}
