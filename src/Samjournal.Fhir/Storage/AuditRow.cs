using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// One row of the audit trail as stored: who (actor), what (action, interaction, what), whose
/// record (patient key), on what legal basis, and how it ended. Strings only, so the storage
/// layer needs no knowledge of callers or policy.
/// </summary>
internal sealed record AuditRow(
    DateTimeOffset Recorded,
    string ActorKind,
    string ActorSubject,
    string? ActorName,
    string? ActorHpr,
    string? ActorRole,
    string? ActorOrganisation,
    string? ActorUnit,
    string Purpose,
    string Action,
    string Interaction,
    string What,
    long? PatientKey,
    string Basis,
    short Outcome,
    string? Detail)
{
    public object?[] ToColumns() =>
    [
        StoreSession.ToMicros(Recorded), ActorKind, ActorSubject, ActorName, ActorHpr, ActorRole, ActorOrganisation, ActorUnit, Purpose,
        Action, Interaction, What, PatientKey, Basis, Outcome, Detail,
    ];

    /// <summary>
    /// SHA-256 over the row's sequence number and every column, each length-prefixed so no two
    /// different rows encode alike. Changing any byte of any column changes the digest.
    /// </summary>
    public byte[] Digest(long seq)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, seq);
        hash.AppendData(number);
        foreach (var column in ToColumns())
        {
            var text = column switch
            {
                null => null,
                string s => s,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => column.ToString(),
            };
            var bytes = text is null ? null : Encoding.UTF8.GetBytes(text);
            BinaryPrimitives.WriteInt64BigEndian(number, bytes?.Length ?? -1);
            hash.AppendData(number);
            if (bytes is not null)
            {
                hash.AppendData(bytes);
            }
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The chain's link: the previous link's hash followed by this row's digest.</summary>
    public static byte[] Link(byte[] previous, byte[] digest)
    {
        var both = new byte[previous.Length + digest.Length];
        previous.CopyTo(both, 0);
        digest.CopyTo(both, previous.Length);
        return SHA256.HashData(both);
    }

    /// <summary>What the first link follows.</summary>
    public static byte[] Genesis => new byte[32];
}

/// <summary>An audit row as read back, with its sequence number.</summary>
internal sealed record StoredAuditRow(long Seq, AuditRow Row);

/// <summary>The verdict on the chain: where it first breaks, if anywhere.</summary>
/// <param name="Chained">Links checked.</param>
/// <param name="Pending">Rows not yet linked (committed moments ago).</param>
/// <param name="StalePending">Rows left unlinked far longer than the chainer takes: inserted around it.</param>
/// <param name="Problem">What is wrong at <paramref name="ProblemPosition"/>; null when the chain holds.</param>
/// <param name="Head">The last link's hash: published elsewhere, it also shows if the end was cut off.</param>
internal sealed record AuditChainVerdict(long Chained, long Pending, long StalePending, long? ProblemPosition, string? Problem, long HeadPosition, byte[] Head);
