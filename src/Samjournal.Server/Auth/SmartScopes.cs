namespace Samjournal.Server.Auth;

/// <summary>One of SMART's five permissions on a resource type (scopes-and-launch-context, v2).</summary>
internal enum SmartPermission
{
    Create,
    Read,
    Update,
    Delete,
    Search,
}

/// <summary>
/// What a token's SMART scopes allow: <c>patient/</c>, <c>user/</c> and <c>system/</c> scopes on a
/// type or <c>*</c>, in v2 form (<c>.cruds</c>, any ordered subset) or v1 form (<c>.read</c> = rs,
/// <c>.write</c> = cud, <c>.*</c> = all). Which patient a <c>patient/</c> scope reaches, and whether
/// the caller may see a record at all, is the access policy's question, not this class's: here a
/// scope only says which interactions on which types the client was granted.
/// Granular v2 scopes with a query (<c>patient/Observation.rs?category=laboratory</c>) grant
/// nothing yet: honouring them as unrestricted would grant more than was asked.
/// </summary>
internal sealed class SmartScopes
{
    private readonly List<(string Type, HashSet<SmartPermission> Permissions)> _grants = [];

    public SmartScopes(IEnumerable<string> scopes)
    {
        foreach (var scope in scopes)
        {
            if (TryParse(scope, out var type, out var permissions))
            {
                _grants.Add((type, permissions));
            }
        }
    }

    public bool Any => _grants.Count > 0;

    /// <summary>Whether some scope grants <paramref name="permission"/> on <paramref name="type"/>;
    /// <c>*</c> as the type asks for a wildcard grant (an interaction that spans every type).</summary>
    public bool Allows(string type, SmartPermission permission) =>
        _grants.Any(g => (g.Type == "*" || g.Type == type) && g.Permissions.Contains(permission));

    public static bool TryParse(string scope, out string type, out HashSet<SmartPermission> permissions)
    {
        type = "";
        permissions = [];
        var slash = scope.IndexOf('/', StringComparison.Ordinal);
        var dot = scope.LastIndexOf('.');
        if (slash < 0 || dot < slash || scope.Contains('?', StringComparison.Ordinal))
        {
            return false;
        }

        var context = scope[..slash];
        if (context is not ("patient" or "user" or "system"))
        {
            return false;
        }

        type = scope[(slash + 1)..dot];
        if (type.Length == 0 || (type != "*" && !char.IsAsciiLetterUpper(type[0])))
        {
            return false;
        }

        var actions = scope[(dot + 1)..];
        switch (actions)
        {
            case "read":
                permissions = [SmartPermission.Read, SmartPermission.Search];
                return true;
            case "write":
                permissions = [SmartPermission.Create, SmartPermission.Update, SmartPermission.Delete];
                return true;
            case "*":
                permissions = [SmartPermission.Create, SmartPermission.Read, SmartPermission.Update, SmartPermission.Delete, SmartPermission.Search];
                return true;
        }

        // v2: a non-empty subset of c, r, u, d, s in that order, each at most once.
        var order = "cruds";
        var last = -1;
        foreach (var letter in actions)
        {
            var at = order.IndexOf(letter, StringComparison.Ordinal);
            if (at <= last)
            {
                permissions = [];
                return false;
            }

            last = at;
            permissions.Add(letter switch
            {
                'c' => SmartPermission.Create,
                'r' => SmartPermission.Read,
                'u' => SmartPermission.Update,
                'd' => SmartPermission.Delete,
                _ => SmartPermission.Search,
            });
        }

        return permissions.Count > 0;
    }
}
