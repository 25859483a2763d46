using System.Reflection;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;

namespace Samjournal.Tests.Architecture;

/// <summary>The raw store is reachable only inside the Fhir/Access pair; everything else goes
/// through the scoped repository, so rules in the door hold on every path.</summary>
public sealed class DoorToDataTests
{
    private static readonly Type[] Internals = [typeof(SqlStore), typeof(StoreSession), typeof(FhirEngine), typeof(ResourceWriter)];

    [Fact]
    public void The_store_and_engine_are_not_public()
    {
        Assert.All(Internals, t => Assert.False(t.IsPublic || t.IsNestedPublic, $"{t.Name} must stay internal."));
    }

    [Fact]
    public void No_public_member_of_the_Fhir_or_Access_assemblies_hands_out_the_store()
    {
        var assemblies = new[] { typeof(SqlStore).Assembly, typeof(ScopedRepository).Assembly };
        var leaks = assemblies
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => MentionedTypes(m).Any(t => Internals.Contains(t)))
            .Select(m => $"{m.DeclaringType?.Name}.{m.Name}")
            .ToList();

        Assert.Empty(leaks);
    }

    [Fact]
    public void A_scoped_repository_can_only_be_made_by_the_Access_layer()
    {
        Assert.Empty(typeof(ScopedRepository).GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void The_host_and_clinical_rules_do_not_reference_the_database_drivers()
    {
        var forbidden = new[] { "Npgsql", "Microsoft.Data.Sqlite" };
        foreach (var assembly in new[] { typeof(Samjournal.Server.Hosting.ServerSetup).Assembly, typeof(Samjournal.Clinical.Demo.DemoRegion).Assembly })
        {
            var references = assembly.GetReferencedAssemblies().Select(a => a.Name);
            Assert.DoesNotContain(references, r => forbidden.Contains(r));
        }
    }

    private static IEnumerable<Type> MentionedTypes(MemberInfo member) => member switch
    {
        MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).SelectMany(Unwrap),
        PropertyInfo p => Unwrap(p.PropertyType),
        FieldInfo f => Unwrap(f.FieldType),
        ConstructorInfo c => c.GetParameters().SelectMany(p => Unwrap(p.ParameterType)),
        _ => [],
    };

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type) : [type.GetElementType() ?? type];
}
