using Microsoft.DurableTask;

namespace Pipeline.Application.Settlement;

/// <summary>A page of merchant ids and the continuation to the next (null after the last).</summary>
public sealed record MerchantPage(IReadOnlyList<string> Ids, string? Next);

/// <summary>Merchants for one activity of a run.</summary>
public sealed record SettleBatch(string RunId, DateOnly Date, long RunMicros, IReadOnlyList<string> MerchantIds);

/// <summary>The run's end: its totals, recorded on the run.</summary>
public sealed record RunCompletion(string RunId, SettlementRunTotals Totals);

public sealed class ListMerchantsActivity(SettlementRuns runs) : TaskActivity<string?, MerchantPage>
{
    public override Task<MerchantPage> RunAsync(TaskActivityContext context, string? input) => runs.MerchantPageAsync(input, CancellationToken.None);
}

public sealed class SettleMerchantsActivity(MerchantSettler settler) : TaskActivity<SettleBatch, SettlementRunTotals>
{
    public override Task<SettlementRunTotals> RunAsync(TaskActivityContext context, SettleBatch input) => settler.SettleBatchAsync(input, CancellationToken.None);
}

public sealed class CompleteRunActivity(SettlementRuns runs) : TaskActivity<RunCompletion, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RunCompletion input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await runs.CompleteAsync(input.RunId, input.Totals, CancellationToken.None);
        return true;
    }
}

/// <summary>
/// One run: a page of merchants per generation, settled by activities of <see cref="SettlementLimits.MerchantsPerActivity"/>
/// merchants each, all of a page at once; then continue-as-new with the next page, so the history stays one page long
/// however many merchants there are. 10,000 merchants: one orchestration start, 10 generations, 100 settling activities.
/// </summary>
public sealed class SettlementRunOrchestrator : TaskOrchestrator<SettlementRunInput, SettlementRunTotals>
{
    /// <summary>
    /// An activity that throws (Cosmos DB unreachable for a moment: each merchant's own failures are caught inside) is
    /// tried again: every activity of a run is safe to repeat.
    /// </summary>
    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(SettlementLimits.ActivityAttemptsMax, SettlementLimits.ActivityRetryDelay));

    public override async Task<SettlementRunTotals> RunAsync(TaskOrchestrationContext context, SettlementRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var page = input.MerchantIds is { } named
            ? new MerchantPage(named, null)
            : await context.CallActivityAsync<MerchantPage>(nameof(ListMerchantsActivity), input.Continuation, Retried);
        var batches = page.Ids.Chunk(SettlementLimits.MerchantsPerActivity)
            .Select(ids => context.CallActivityAsync<SettlementRunTotals>(nameof(SettleMerchantsActivity), new SettleBatch(input.RunId, input.Date, input.RunMicros, ids), Retried));
        var totals = (await Task.WhenAll(batches)).Aggregate(input.SoFar, (sum, batch) => sum.Plus(batch));
        if (page.Next is not null)
        {
            context.ContinueAsNew(input with { Continuation = page.Next, SoFar = totals });
            return totals;
        }

        await context.CallActivityAsync<bool>(nameof(CompleteRunActivity), new RunCompletion(input.RunId, totals), Retried);
        return totals;
    }
}
