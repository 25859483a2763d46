using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// Collects demo resources as POST entries of a transaction. Every entry gets a urn:uuid
/// derived from a readable key ("Patient/7"), so the bundle is the same on every run and
/// references can be made before the target is added.
/// </summary>
internal sealed class DemoBundleBuilder
{
    private readonly Bundle bundle = new() { Type = Bundle.BundleType.Transaction };

    /// <summary>Adds <paramref name="resource"/> under <paramref name="key"/> and returns a reference to it.</summary>
    public ResourceReference Add(string key, Resource resource, string? ifNoneExist = null, string? display = null)
    {
        // Marks every demo resource as test data, so exports and audits can tell it from real care.
        resource.Meta = new Meta
        {
            Security = [new Coding(DemoCodes.ActReason, "HTEST", "test health data")],
        };

        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = FullUrl(key),
            Resource = resource,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.POST,
                Url = resource.TypeName,
                IfNoneExist = ifNoneExist,
            },
        });
        return Reference(key, display);
    }

    /// <summary>A reference to the entry added (or to be added) under <paramref name="key"/>.</summary>
    public static ResourceReference Reference(string key, string? display = null) =>
        new(FullUrl(key), display);

    public Bundle Build() => bundle;

    private static string FullUrl(string key)
    {
        // A name-based UUID (RFC 9562 version 8 layout over SHA-256): stable across runs and machines.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("samjournal-demo-region/" + key));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}
