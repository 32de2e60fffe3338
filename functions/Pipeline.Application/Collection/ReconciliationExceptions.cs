using System.Collections.ObjectModel;
using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <summary>
/// Reconciliation exceptions (docs/COLLECTION.md "Exceptions"): what the matching or a statement could not settle,
/// each raised once (its id derives from what raised it), listed for the merchant it concerns (or the platform), and
/// resolved by <see cref="ExceptionResolutions"/> — open → resolving → resolved, each step by compare-and-swap.
/// </summary>
public sealed class ReconciliationExceptions(Database database, TimeProvider time)
{
    public const string ContainerName = "reconciliation-exceptions";

    /// <summary>The owner of what belongs to no merchant yet (credits in suspense, statement lines nobody can place).</summary>
    public const string PlatformOwner = "platform";

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;

    private const string IdPrefix = "rex_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties()
    {
        var properties = new ContainerProperties(ContainerName, "/owner");
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/createdMicros", Order = CompositePathSortOrder.Descending },
            new() { Path = "/id", Order = CompositePathSortOrder.Descending },
        });
        return properties;
    }

    public static bool IsExceptionId(string id) => ResourceIds.IsValid(id, IdPrefix);

    /// <summary>
    /// The exception a booked credit's placement raises, if any: the money the ladder could not place (in suspense, the
    /// platform's; or on the payer's balance, the merchant's), or the excess of an overpayment (on the payer's balance:
    /// for the merchant to apply to the payer's next collection, refund, or keep).
    /// </summary>
    public Task RaiseForCreditAsync(BankCreditDocument credit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credit);
        var placement = credit.Placement!;
        var (kind, amount) = placement.Exception is { } exception
            ? (KindOf(exception), credit.AmountMinor)
            : (ExceptionKind.Overpaid, placement.Allocations.Where(a => a.Target == AllocationTarget.PayerBalance).Sum(a => a.AmountMinor));
        if (amount == 0)
        {
            return Task.CompletedTask;
        }

        var heldIn = placement.MerchantId is null
            ? "suspense"
            : CollectionLedger.PayerBalanceIdOf(placement.MerchantId, placement.PayerReference!, Currency.Parse(credit.Currency));
        return RaiseAsync(NewOf(credit, kind, $"credit\n{credit.Id}", heldIn, null) with { AmountMinor = amount }, cancellationToken);
    }

    /// <summary>
    /// An exception about a credit that holds no money of its own (a statement's disagreement, a credit no statement
    /// listed). Only about a booked credit: its owner (the exception's partition) is final then, so raising it again is
    /// the same document — before, a credit's owner can still change (found in review: raised twice, in two partitions).
    /// </summary>
    public Task RaiseAboutCreditAsync(BankCreditDocument credit, ExceptionKind kind, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credit);
        if (credit.State != BankCreditState.Booked)
        {
            throw new InvalidOperationException($"Bank credit {credit.Id} is {credit.State}: finish it before raising an exception about it.");
        }

        return RaiseAsync(NewOf(credit, kind, $"{kind}\n{credit.Id}\n{detail}", null, detail), cancellationToken);
    }

    /// <summary>A statement's debit nothing of ours explains (the platform's; it holds no money of ours: the bank's balance moved, the ledger did not).</summary>
    public Task RaiseForDebitAsync(string statementId, string bankTransactionId, long amountMinor, string currency, string account, string? detail, CancellationToken cancellationToken)
    {
        var now = CosmosTime.ToMicros(time.GetUtcNow());
        return RaiseAsync(new ExceptionDocument
        {
            Id = ResourceIds.Derived(IdPrefix, $"debit\n{statementId}\n{bankTransactionId}"), Owner = PlatformOwner, Kind = ExceptionKind.UnexplainedDebit,
            Status = ExceptionStatus.Open, BankTransactionId = bankTransactionId, AmountMinor = amountMinor, Currency = currency, VirtualAccount = account,
            Detail = detail, CreatedMicros = now, UpdatedMicros = now,
        }, cancellationToken);
    }

    /// <summary>A credit a statement lists after all: its not-on-statement exception, if one was raised, is resolved by that statement.</summary>
    public async Task SettleNotOnStatementAsync(BankCreditDocument credit, string statementId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credit);
        var id = ResourceIds.Derived(IdPrefix, $"{ExceptionKind.NotOnStatement}\n{credit.Id}\n{NotOnStatementDetail}");
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var exception = await container.ReadOrNullAsync<ExceptionDocument>(id, credit.Placement?.MerchantId ?? PlatformOwner, cancellationToken);
            if (exception is not { Status: ExceptionStatus.Open })
            {
                return;
            }

            var resolution = new ExceptionResolution(ResolutionAction.Acknowledge, "statement", $"Listed by statement {statementId}", CosmosTime.ToMicros(time.GetUtcNow()), null, null);
            if (await ReplaceAsync(exception, exception with { Status = ExceptionStatus.Resolved, Resolution = resolution }, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Claims a refund's execution for a statement debit (its bank reference, compare-and-swap, once): true when this
    /// debit is the one that executes it — the first to claim it, or the same debit again.
    /// </summary>
    internal async Task<bool> ClaimExecutionAsync(ExceptionDocument refund, string bankTransactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            if (refund.ExecutedBy is { } executedBy)
            {
                return executedBy == bankTransactionId;
            }

            refund = await ReplaceAsync(refund, refund with { ExecutedBy = bankTransactionId }, cancellationToken)
                ?? await container.ReadOrNullAsync<ExceptionDocument>(refund.Id, refund.Owner, cancellationToken)
                ?? throw new InvalidOperationException($"Exception {refund.Id} vanished.");
        }

        throw new InvalidOperationException($"Exception {refund.Id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>The detail of every not-on-statement exception (one per credit, whichever statement found it missing).</summary>
    public const string NotOnStatementDetail = "No statement lists this credit two days after its booking date.";

    /// <summary>A merchant's exceptions, or the platform's (<see cref="PlatformOwner"/>), newest first, after the cursor of the previous page.</summary>
    public async Task<ExceptionsPage> ListAsync(string owner, ExceptionStatus? status, int limit, (long Micros, string Id)? after, CancellationToken cancellationToken)
    {
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE c.owner = @owner";
        text += status is null ? "" : " AND c.status = @status";
        text += NewestFirstCursor.After(after);
        var query = new QueryDefinition(text + " ORDER BY c.createdMicros DESC, c.id DESC")
            .WithParameter("@owner", owner)
            .WithParameter("@status", status is { } s ? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.ToString()) : "")
            .WithParameter("@afterId", after?.Id ?? "");
        var found = await container.QueryAllAsync<ExceptionDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(owner), MaxItemCount = limit + 1 }, cancellationToken);
        var page = found.Take(limit).ToList();
        return new ExceptionsPage([.. page.Select(ExceptionView.Of)], found.Count > limit ? NewestFirstCursor.Of(page[^1].CreatedMicros, page[^1].Id) : null);
    }

    /// <summary>The exception; <paramref name="owner"/> null (the admin) looks in every partition.</summary>
    public async Task<ExceptionDocument?> GetAsync(string? owner, string id, CancellationToken cancellationToken)
    {
        if (!IsExceptionId(id))
        {
            return null;
        }

        if (owner is not null)
        {
            return await container.ReadOrNullAsync<ExceptionDocument>(id, owner, cancellationToken);
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id").WithParameter("@id", id);
        return (await container.QueryAllAsync<ExceptionDocument>(query, null, cancellationToken)).FirstOrDefault();
    }

    /// <summary>Replaces the exception If-Match; null when another writer came first.</summary>
    internal async Task<ExceptionDocument?> ReplaceAsync(ExceptionDocument before, ExceptionDocument after, CancellationToken cancellationToken)
    {
        var stored = after with { ETag = null, UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) };
        try
        {
            var response = await container.ReplaceItemAsync(stored, before.Id, new PartitionKey(before.Owner),
                new ItemRequestOptions { IfMatchEtag = before.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            return stored with { ETag = response.ETag };
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>Exceptions whose resolution has been under way since before <paramref name="beforeMicros"/> (a request that died): across owners.</summary>
    internal Task<IReadOnlyList<ExceptionDocument>> ResolvingSinceAsync(long beforeMicros, CancellationToken cancellationToken) =>
        container.QueryAllAsync<ExceptionDocument>(
            new QueryDefinition($"SELECT * FROM c WHERE c.status = 'resolving' AND c.updatedMicros < {Numbers.Literal(beforeMicros)}"), null, cancellationToken);

    /// <summary>Every open exception, across owners (the statement import's and tests' view).</summary>
    internal Task<IReadOnlyList<ExceptionDocument>> AllOpenAsync(CancellationToken cancellationToken) =>
        container.QueryAllAsync<ExceptionDocument>(new QueryDefinition("SELECT * FROM c WHERE c.status IN ('open', 'resolving')"), null, cancellationToken);

    private ExceptionDocument NewOf(BankCreditDocument credit, ExceptionKind kind, string seed, string? heldIn, string? detail)
    {
        var now = CosmosTime.ToMicros(time.GetUtcNow());
        var merchantId = credit.Placement?.MerchantId;
        return new ExceptionDocument
        {
            Id = ResourceIds.Derived(IdPrefix, seed), Owner = merchantId ?? PlatformOwner, Kind = kind, Status = ExceptionStatus.Open, MerchantId = merchantId,
            CreditId = credit.Id, BankTransactionId = credit.BankTransactionId, AmountMinor = credit.AmountMinor, Currency = credit.Currency,
            VirtualAccount = credit.VirtualAccount, PayerReference = credit.Placement?.PayerReference, PayerName = credit.PayerName,
            RemittanceInfo = credit.RemittanceInfo, HeldIn = heldIn, Detail = detail, CreatedMicros = now, UpdatedMicros = now,
        };
    }

    private async Task RaiseAsync(ExceptionDocument exception, CancellationToken cancellationToken) =>
        await ContainerExtensions.IgnoringAsync(HttpStatusCode.Conflict,
            () => container.CreateItemAsync(exception, new PartitionKey(exception.Owner), NoContent.Item, cancellationToken));

    private static ExceptionKind KindOf(MatchException exception) => exception switch
    {
        MatchException.UnknownAccount => ExceptionKind.UnknownAccount,
        MatchException.CollectionClosed => ExceptionKind.CollectionClosed,
        MatchException.CollectionAlreadyPaid => ExceptionKind.CollectionAlreadyPaid,
        MatchException.NoOpenCollection => ExceptionKind.NoOpenCollection,
        _ => ExceptionKind.CurrencyMismatch,
    };
}
