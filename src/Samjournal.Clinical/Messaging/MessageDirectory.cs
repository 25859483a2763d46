using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.WorkItems;

namespace Samjournal.Clinical.Messaging;

/// <summary>Where a message to a receiver goes: the receiving unit (with its organisation number),
/// the channel, and for FHIR messaging the endpoint's address.</summary>
public sealed record MessageAddress(ResourceReference Receiver, string ReceiverNumber, string Channel, string? Endpoint);

/// <summary>
/// The address directory (adresseregister): which organisation or unit takes which message type on
/// which channel. Two sources, in this order:
/// <list type="number">
/// <item>an active <c>Endpoint</c> with connection type <c>hl7-fhir-msg</c> managed by the receiver or
/// an organisation it is part of, whose <c>payloadType</c> names the message type (answers, receipts
/// and referral status, go to any such endpoint): an organisation on its own system, reached over HTTP;</item>
/// <item>a work-item route at the receiving unit on this Samjournal (referrals to the <c>referral</c>
/// queue, everything else to <c>message-to-read</c>): the local channel.</item>
/// </list>
/// A receiver found in neither cannot take the message, and sending to it fails at once.
/// </summary>
public sealed class MessageDirectory(WorkItemRoutes routes, TimeProvider time)
{
    // Who takes what changes seldom; a form that offers receivers need not look them all up each time.
    private static readonly TimeSpan ReceiverListLifetime = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (IReadOnlyList<ResourceReference> Receivers, DateTimeOffset Until)> _receivers = new(StringComparer.Ordinal);
    private readonly Lock _receiversLock = new();

    public delegate Task<IReadOnlyList<Resource>> Search(string type, string criteria, int limit, CancellationToken ct);

    /// <summary>The work-item type a message of <paramref name="messageType"/> becomes in a local unit's queue.</summary>
    public static string LocalWorkType(string messageType) => messageType == MessageTypes.Referral ? WorkItemTypes.Referral : WorkItemTypes.MessageToRead;

    /// <summary>The receiving Organization <paramref name="receiver"/> names (literal or organisation number), or null.</summary>
    public static async Task<Organization?> OrganisationAsync(ResourceReference receiver, Search search, CancellationToken ct)
    {
        if (WorkItemTasks.Literal(receiver) is { } literal && literal.StartsWith("Organization/", StringComparison.Ordinal))
        {
            return (await search("Organization", "_id=" + literal["Organization/".Length..], 1, ct)).OfType<Organization>().FirstOrDefault();
        }

        return receiver.Identifier is { System: NorwegianSystems.Organisasjonsnummer, Value: { } number }
            ? (await search("Organization", $"identifier={NorwegianSystems.Organisasjonsnummer}|{number}", 1, ct)).OfType<Organization>().FirstOrDefault()
            : null;
    }

    /// <summary>Every receiver the directory has for <paramref name="messageType"/>: units on this record
    /// with a queue for it, then organisations with an active message endpoint taking it, by name
    /// (looked up at most once a minute). Sending still checks the directory as it is.</summary>
    public async Task<IReadOnlyList<ResourceReference>> ReceiversAsync(string messageType, Search search, CancellationToken ct)
    {
        lock (_receiversLock)
        {
            if (_receivers.TryGetValue(messageType, out var cached) && cached.Until > time.GetUtcNow())
            {
                return cached.Receivers;
            }
        }

        var found = await LookUpReceiversAsync(messageType, search, ct);
        lock (_receiversLock)
        {
            _receivers[messageType] = (found, time.GetUtcNow() + ReceiverListLifetime);
        }

        return found;
    }

    private async Task<IReadOnlyList<ResourceReference>> LookUpReceiversAsync(string messageType, Search search, CancellationToken ct)
    {
        var people = new WorkItemDirectory((t, q, c) => search(t, q, 5, c));
        var receivers = new List<ResourceReference>();
        foreach (var unit in routes.All.Where(r => r.Type == LocalWorkType(messageType)).Select(r => (r.UnitOrganisationNumber, r.UnitName)).Distinct())
        {
            receivers.Add(await people.UnitAsync(unit.UnitOrganisationNumber, unit.UnitName, ct));
        }

        foreach (var endpoint in (await search("Endpoint", $"payload-type={MessageTypes.System}|{messageType}&status=active", 100, ct)).OfType<Endpoint>())
        {
            if (endpoint.ManagingOrganization is { } owner && await OrganisationAsync(owner, search, ct) is { } organisation
                && !receivers.Any(r => r.Reference == "Organization/" + organisation.Id))
            {
                receivers.Add(new ResourceReference("Organization/" + organisation.Id, organisation.Name));
            }
        }

        return [.. receivers.Where(r => r.Reference is not null).OrderBy(r => r.Display, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Where a <paramref name="messageType"/> message to <paramref name="receiver"/> goes, or
    /// null when the directory has no way to it (Why then says so in the user's terms).</summary>
    public async Task<(MessageAddress? Address, string Why)> FindAsync(ResourceReference receiver, string messageType, Search search, CancellationToken ct)
    {
        var organisation = await OrganisationAsync(receiver, search, ct);
        var name = organisation?.Name ?? receiver.Display ?? receiver.Reference ?? receiver.Identifier?.Value ?? "?";
        var number = organisation?.Identifier.FirstOrDefault(i => i.System == NorwegianSystems.Organisasjonsnummer)?.Value;
        if (organisation is null || number is null)
        {
            return (null, $"The receiver {name} is not in the address directory (no Organization with an organisation number).");
        }

        var unit = new ResourceReference("Organization/" + organisation.Id, organisation.Name)
        {
            Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, number),
            Type = "Organization",
        };
        var level = organisation;
        for (var depth = 0; level is not null && depth < 4; depth++)
        {
            foreach (var endpoint in (await search("Endpoint", $"organization=Organization/{level.Id}&status=active", 20, ct)).OfType<Endpoint>())
            {
                if (endpoint.ConnectionType?.Code == MessageRecords.FhirMessagingChannel && !string.IsNullOrWhiteSpace(endpoint.Address)
                    && (MessageTypes.Answers.Contains(messageType) || endpoint.PayloadType.SelectMany(p => p.Coding).Any(c => c.System == MessageTypes.System && c.Code == messageType)))
                {
                    return (new MessageAddress(unit, number, MessageRecords.FhirMessagingChannel, endpoint.Address.TrimEnd('/')), "");
                }
            }

            level = level.PartOf is { } parent ? await OrganisationAsync(parent, search, ct) : null;
        }

        if (MessageTypes.Sendable.Contains(messageType) && routes.Find(LocalWorkType(messageType), number) is not null)
        {
            return (new MessageAddress(unit, number, MessageRecords.LocalChannel, null), "");
        }

        return (null, $"{name} ({number}) does not take {MessageTypes.Display(messageType)} ({messageType}): the address directory has no active Endpoint for it with that payload type, and no queue for it on this Samjournal.");
    }
}
