using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// Rewrites references inside a transaction: a reference to another entry's fullUrl (usually
/// <c>urn:uuid:</c>) becomes that entry's Type/id; a conditional reference (<c>Type?criteria</c>)
/// becomes the one resource it matches.
/// </summary>
internal static class ReferenceRewriter
{
    public static async Task RewriteAsync(BundleEntryRequest entry, IReadOnlyDictionary<string, string> identities, Func<string, string, Task<string>> resolveConditional)
    {
        var resource = entry.Resource!;
        foreach (var reference in References(resource))
        {
            var value = reference.Reference;
            if (string.IsNullOrEmpty(value) || value.StartsWith('#'))
            {
                continue;
            }

            if (identities.TryGetValue(value, out var local))
            {
                reference.Reference = local;
            }
            else if (value.StartsWith("urn:uuid:", StringComparison.Ordinal) || value.StartsWith("urn:oid:", StringComparison.Ordinal))
            {
                throw FhirOperationException.BadRequest($"Entry {entry.Index} refers to '{value}', but no entry of the transaction has that fullUrl.");
            }
            else if (!value.Contains("://", StringComparison.Ordinal) && value.IndexOf('?', StringComparison.Ordinal) is var q and > 0)
            {
                reference.Reference = await resolveConditional(value[..q], value[(q + 1)..]);
            }
        }

        // Narrative links to other entries follow the same rewrite (http.html#trules).
        if (resource is DomainResource { Text.Div: { } div } domain && identities.Count > 0 && div.Contains("urn:", StringComparison.Ordinal))
        {
            foreach (var (fullUrl, local) in identities)
            {
                div = div.Replace(fullUrl, local, StringComparison.Ordinal);
            }

            domain.Text.Div = div;
        }
    }

    /// <summary>Every Reference element in the resource, contained resources included.</summary>
    public static IEnumerable<ResourceReference> References(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is ResourceReference reference)
            {
                yield return reference;
            }

            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child when child is not PrimitiveType:
                        stack.Push(child);
                        break;
                    case IEnumerable<Base> children:
                        foreach (var child in children)
                        {
                            if (child is not PrimitiveType)
                            {
                                stack.Push(child);
                            }
                        }

                        break;
                }
            }
        }
    }
}
