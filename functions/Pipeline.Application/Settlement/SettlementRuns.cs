using System.Net;
using System.Text.Json.Serialization;
using DurableTask.Core.Exceptions;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Merchants;

namespace Pipeline.Application.Settlement;

/// <summary>What a run did so far: merchants looked at, settlements and payouts made, merchants that failed (the first few named).</summary>
public sealed record SettlementRunTotals(int Merchants, int Settlements, int Payouts, int Failed, int Activities, IReadOnlyList<string> FailedMerchants)
{
    public static SettlementRunTotals Zero { get; } = new(0, 0, 0, 0, 0, []);

    public SettlementRunTotals Plus(SettlementRunTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Merchants + other.Merchants, Settlements + other.Settlements, Payouts + other.Payouts, Failed + other.Failed,
            Activities + other.Activities, [.. FailedMerchants.Concat(other.FailedMerchants).Take(SettlementLimits.FailedMerchantsNamedMax)]);
    }
}

/// <summary>A settlement run (container "settlement-runs", partition = id): one Durable orchestration with the same id.</summary>
public sealed record SettlementRunDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required DateOnly Date { get; init; }

    /// <summary>The run settles nothing that happened after this (Unix microseconds).</summary>
    public required long RunMicros { get; init; }

    public required string Trigger { get; init; }

    /// <summary>The merchants the run settles; null: every merchant.</summary>
    public IReadOnlyList<string>? MerchantIds { get; init; }
    public string Status { get; init; } = "running";
    public SettlementRunTotals? Totals { get; init; }
    public long? CompletedMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>The input of a run's orchestration, and of each generation of it (a page of merchants per generation).</summary>
/// <param name="MerchantIds">The merchants to settle; null: every merchant, a page per generation from <paramref name="Continuation"/>.</param>
public sealed record SettlementRunInput(string RunId, DateOnly Date, long RunMicros, string? Continuation, SettlementRunTotals SoFar, IReadOnlyList<string>? MerchantIds = null);

/// <summary>Starting runs (admin request or daily timer) and recording how they ended.</summary>
public sealed class SettlementRuns(Database database, MerchantStore merchants, TimeProvider time)
{
    public const string ContainerName = "settlement-runs";

    private const string IdPrefix = "run_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    /// <summary>The daily run's id for a date: the timer firing on several instances, or twice, starts it once.</summary>
    public static string DailyRunIdOf(DateOnly date) => ResourceIds.Derived(IdPrefix, $"daily\n{date:yyyy-MM-dd}");

    public static string RequestedRunIdOf(string scope, string? idempotencyKey) => ResourceIds.NewOrDerived(IdPrefix, scope, idempotencyKey);

    /// <summary>
    /// Records the run and starts its orchestration unless it exists: safe to call again (a crash between the record and
    /// the start is mended by the next call). Returns the run as recorded (an earlier call's, if any).
    /// </summary>
    /// <param name="merchantIds">Only these merchants (an operator settling one merchant again); null: every merchant.</param>
    public async Task<SettlementRunDocument> StartAsync(
        DurableTaskClient client, string runId, DateOnly date, string trigger, IReadOnlyList<string>? merchantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var run = new SettlementRunDocument { Id = runId, Date = date, RunMicros = CosmosTime.ToMicros(time.GetUtcNow()), Trigger = trigger, MerchantIds = merchantIds };
        try
        {
            await container.CreateItemAsync(run, new PartitionKey(runId), NoContent.Item, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            run = await GetAsync(runId, cancellationToken) ?? throw new InvalidOperationException($"Run {runId} conflicted on create but cannot be read.");
        }

        if (run.Status == "running" && await client.GetInstanceAsync(runId, cancellationToken) is null)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    nameof(SettlementRunOrchestrator), new SettlementRunInput(runId, run.Date, run.RunMicros, null, SettlementRunTotals.Zero, run.MerchantIds), new StartOrchestrationOptions(runId), cancellationToken);
            }
            catch (OrchestrationAlreadyExistsException)
            {
                // Another caller started it between the read and the start.
            }
        }

        return run;
    }

    public Task<SettlementRunDocument?> GetAsync(string runId, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(runId, IdPrefix) ? container.ReadOrNullAsync<SettlementRunDocument>(runId, runId, cancellationToken) : Task.FromResult<SettlementRunDocument?>(null);

    /// <summary>A page of every merchant's id, for a run's next generation.</summary>
    public async Task<MerchantPage> MerchantPageAsync(string? continuation, CancellationToken cancellationToken)
    {
        var (ids, next) = await merchants.ListIdsAsync(continuation, SettlementLimits.MerchantsPerPage, cancellationToken);
        return new MerchantPage(ids, next);
    }

    public async Task CompleteAsync(string runId, SettlementRunTotals totals, CancellationToken cancellationToken)
    {
        var now = CosmosTime.ToMicros(time.GetUtcNow());
        await container.UpdateAsync<SettlementRunDocument>(runId, runId, r => r with { Status = "completed", Totals = totals, CompletedMicros = now, ETag = null }, r => r.ETag, cancellationToken);
    }
}
