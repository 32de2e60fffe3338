using Pipeline.Application.Cosmos;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Architecture;

/// <summary>
/// The shape charging, collection, settlement and events will copy: no two folders of Pipeline.Application use each
/// other (directly or around a loop), and the domain knows nothing of Azure or ASP.NET.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] PlatformPrefixes = ["Azure.", "Microsoft.Azure.", "Microsoft.AspNetCore.", "Microsoft.Extensions.", "Microsoft.DurableTask"];

    [Fact]
    public void No_folder_of_the_application_uses_a_folder_that_uses_it()
    {
        var graph = FolderGraph.Read(typeof(CosmosOptions).Assembly.Location, "Pipeline.Application");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, Describe(graph, cycles));
    }

    /// <summary>The kernels every capability builds on use no capability: only each other.</summary>
    [Fact]
    public void The_kernels_use_no_capability()
    {
        string[] kernels = ["Http", "Cosmos", "Diagnostics", "Settings", "Secrets", "Durable"];
        var graph = FolderGraph.Read(typeof(CosmosOptions).Assembly.Location, "Pipeline.Application");
        var reaching = kernels.SelectMany(kernel => (graph.Edges.GetValueOrDefault(kernel) ?? []).Where(to => !kernels.Contains(to))
            .Select(to => $"{kernel} → {to}: {graph.Examples[(kernel, to)]}")).ToList();
        Assert.True(reaching.Count == 0, string.Join("\n", reaching));
    }

    [Fact]
    public void The_domain_references_no_platform_assembly()
    {
        var platform = typeof(Money).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!).Where(name => PlatformPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(platform.Count == 0, $"Pipeline.Domain references {string.Join(", ", platform)}");
    }

    private static string Describe(FolderGraph graph, IReadOnlyList<IReadOnlyList<string>> cycles) =>
        string.Join("\n", cycles.Select(cycle =>
            $"cycle: {string.Join(" ⇄ ", cycle.Select(Name))}\n" + string.Join("\n", cycle.SelectMany(from => graph.Edges[from]
                .Where(cycle.Contains).Select(to => $"    {Name(from)} → {Name(to)}: {graph.Examples[(from, to)]}")))));

    private static string Name(string folder) => folder.Length == 0 ? "(root)" : folder;
}
