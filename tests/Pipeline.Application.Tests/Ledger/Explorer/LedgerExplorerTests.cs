using System.Globalization;

namespace Pipeline.Application.Tests.Ledger.Explorer;

/// <summary>
/// The interleaving explorer over a fixed set of seeds (CI). To look further, run many seeds, or replay one:
/// <c>PIPELINE_EXPLORER_SEEDS=2000 dotnet test tests/Pipeline.Application.Tests --filter LedgerExplorerTests</c>, or
/// <c>PIPELINE_EXPLORER_SEED=1234 ...</c>. A failing seed names itself and prints the run's trace.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class LedgerExplorerTests(CosmosFixture cosmos)
{
    private const int SeedsInCi = 12;
    private const int StepsPerRun = 40;

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        if (int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_EXPLORER_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var one))
        {
            data.Add(one);
            return data;
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_EXPLORER_SEEDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var many) ? many : SeedsInCi;
        for (var seed = 1; seed <= count; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_explored_interleaving_keeps_the_books(int seed)
    {
        var explorer = new LedgerExplorer(await cosmos.CreateLedgerDatabaseAsync(), seed);
        try
        {
            await explorer.RunAsync(StepsPerRun);
        }
        catch (Exception e)
        {
            throw new ExplorerFailure(seed, explorer.Trace, e);
        }
    }

    private sealed class ExplorerFailure(int seed, IReadOnlyList<string> trace, Exception cause) : Exception(
        $"Seed {seed} failed (replay it with PIPELINE_EXPLORER_SEED={seed}): {cause.Message}{Environment.NewLine}Trace:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}",
        cause);
}
