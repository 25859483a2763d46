using Microsoft.Extensions.DependencyInjection;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Repository;

/// <summary>
/// Opens the door for a named caller outside a web request: background workers (the escalation
/// of overdue work items) act as a system caller of their own name, so their reads and writes are
/// audited as theirs. Inside a request, the scoped <see cref="ScopedRepository"/> is the caller's.
/// </summary>
public sealed class RecordAccess
{
    private readonly IServiceProvider _services;

    internal RecordAccess(IServiceProvider services) => _services = services;

    public ScopedRepository For(Caller caller) => new(
        _services.GetRequiredService<FhirEngine>(), _services.GetRequiredService<SqlStore>(), _services.GetRequiredService<Audit.AuditTrail>(),
        _services.GetRequiredService<Audit.AuditChainer>(), _services.GetRequiredService<Audit.AuditOptions>(),
        _services.GetRequiredService<Policy.CallerAccess>(), _services.GetRequiredService<Policy.AccessOptions>(), caller);
}
