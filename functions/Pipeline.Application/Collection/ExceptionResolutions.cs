using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <summary>Why a resolution was refused (nothing moved).</summary>
public enum ResolutionRefusal
{
    NotFound,

    /// <summary>Resolved already in another way, or another resolution is under way.</summary>
    AlreadyResolved,

    /// <summary>Match, refund or write-off of an exception that holds no money; or acknowledge of one that does.</summary>
    WrongActionForException,

    CollectionNotFound,
    CollectionNotOpen,
    CurrencyMismatch,

    /// <summary>The payer's balance that held the money was spent meanwhile (it is the merchant's wallet).</summary>
    MoneyGone,
}

/// <summary>
/// Resolves exceptions (docs/COLLECTION.md "Resolutions"). The resolution is stored first (open → resolving, with
/// who, why and what), then its money moves, then it is resolved; a request that dies half-way is finished by the same
/// request again (the stored resolution says what to do; every transfer's id derives from it). Money on a payer's
/// balance is first taken back to suspense — refused, and the exception reopened, if the balance was spent — so
/// every resolution then moves it from suspense: to a collection (as a credit naming it, through the ladder), to
/// the refunds account (money owed back, sent by its pain.001), or to a write-off account.
/// </summary>
public sealed class ExceptionResolutions(
    ReconciliationExceptions exceptions, BankCredits credits, CollectionStore collections, CollectionLedger ledger, TimeProvider time)
{
    /// <param name="owner">The merchant resolving its own exception, or null for the admin (any).</param>
    /// <param name="by">Who resolves: kept with the resolution.</param>
    public async Task<(ExceptionDocument? Exception, ResolutionRefusal? Refusal)> ResolveAsync(
        string? owner, string id, ResolveExceptionRequest request, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request.Normalized();
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            if (await exceptions.GetAsync(owner, id, cancellationToken) is not { } exception)
            {
                return (null, ResolutionRefusal.NotFound);
            }

            if (exception.Status != ExceptionStatus.Open)
            {
                var same = exception.Resolution is { } r && r.Action == request.Action && r.CollectionId == request.CollectionId && r.Refund == request.RefundAccount;
                return !same ? (exception, ResolutionRefusal.AlreadyResolved)
                    : exception.Status == ExceptionStatus.Resolved ? (exception, null)
                    : await PerformAsync(exception, cancellationToken);
            }

            if ((exception.HeldIn is null) != (request.Action == ResolutionAction.Acknowledge))
            {
                return (exception, ResolutionRefusal.WrongActionForException);
            }

            if (request.Action == ResolutionAction.Match && await CheckCollectionAsync(exception, request.CollectionId!, cancellationToken) is { } refusal)
            {
                return (exception, refusal);
            }

            var resolution = new ExceptionResolution(request.Action, by, request.Reason, CosmosTime.ToMicros(time.GetUtcNow()), request.CollectionId, request.RefundAccount);
            if (await exceptions.ReplaceAsync(exception, exception with { Status = ExceptionStatus.Resolving, Resolution = resolution }, cancellationToken) is { } resolving)
            {
                return await PerformAsync(resolving, cancellationToken);
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Exception {id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>
    /// Finishes the resolutions a request left under way for longer than <paramref name="olderThan"/> (the maintenance
    /// pass): each does what its stored resolution says, as the request's retry would (found in review: nothing else
    /// would, and the money could sit in suspense). Returns how many it finished.
    /// </summary>
    public async Task<int> FinishAbandonedAsync(TimeSpan olderThan, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return await EachOnItsOwn.FinishAsync(await exceptions.ResolvingSinceAsync(CosmosTime.ToMicros(time.GetUtcNow() - olderThan), cancellationToken),
            exception => PerformAsync(exception, cancellationToken), exception => exception.Id, "The resolution of exception {ExceptionId}", logger);
    }

    private async Task<(ExceptionDocument?, ResolutionRefusal?)> PerformAsync(ExceptionDocument exception, CancellationToken cancellationToken)
    {
        var resolution = exception.Resolution!;
        var currency = Currency.Parse(exception.Currency);
        var suspense = CollectionLedger.SuspenseOf(currency);
        var name = $"exception:{exception.Id}:{resolution.AtMicros}";
        if (exception.HeldIn is { } heldIn && heldIn != "suspense")
        {
            await ledger.EnsureAsync(new NewAccount(suspense, currency), cancellationToken);
            var taken = await ledger.MoveAsync($"{name}:to-suspense", WalletStore.AccountOf(heldIn), suspense, exception.AmountMinor, currency, cancellationToken);
            if (!taken.IsSuccess())
            {
                // Nothing moved (a refused transfer changes nothing): the exception is open again, for another try later.
                var reopened = await exceptions.ReplaceAsync(exception, exception with { Status = ExceptionStatus.Open, Resolution = null }, cancellationToken);
                return (reopened ?? exception, ResolutionRefusal.MoneyGone);
            }
        }

        switch (resolution.Action)
        {
            case ResolutionAction.Match:
                var collection = await FindCollectionAsync(exception, resolution.CollectionId!, cancellationToken)
                    ?? throw new InvalidOperationException($"Collection {resolution.CollectionId} of a resolution vanished.");
                // Dated by the stored resolution, not the clock: a retry on another day is the same credit (found in review).
                var bookedOn = DateOnly.FromDateTime(new DateTime(CosmosTime.ToTicks(resolution.AtMicros), DateTimeKind.Utc));
                var (_, refused) = await credits.ReceiveAsync(new IncomingCredit(
                    $"resolution:{exception.Id}", collection.VirtualAccount, exception.AmountMinor, exception.Currency, exception.PayerName,
                    $"Resolution of exception {exception.Id}", collection.CreditorReference, null, bookedOn),
                    BankCreditSource.Resolution, cancellationToken);
                if (refused is not null)
                {
                    throw new InvalidOperationException($"The credit of exception {exception.Id}'s match was refused ({refused}); it stays resolving.");
                }

                break;
            case ResolutionAction.Refund:
                await MustAsync(ledger.MoveAsync($"{name}:refund", suspense, await OpenedAsync(CollectionLedger.RefundsOf(currency), currency, cancellationToken),
                    exception.AmountMinor, currency, cancellationToken), exception);
                break;
            case ResolutionAction.WriteOff:
                var to = exception.MerchantId is { } merchantId
                    ? await ledger.WalletAsync(merchantId, CollectionLedger.CollectionWalletIdOf(merchantId, currency), CollectionLedger.CollectionWalletOwner, currency, cancellationToken)
                    : await OpenedAsync(CollectionLedger.PlatformWriteOffsOf(currency), currency, cancellationToken);
                await MustAsync(ledger.MoveAsync($"{name}:write-off", suspense, to, exception.AmountMinor, currency, cancellationToken), exception);
                break;
        }

        var resolved = await exceptions.ReplaceAsync(exception, exception with { Status = ExceptionStatus.Resolved }, cancellationToken);
        return (resolved ?? await exceptions.GetAsync(exception.Owner, exception.Id, cancellationToken), null);
    }

    private async Task<ResolutionRefusal?> CheckCollectionAsync(ExceptionDocument exception, string collectionId, CancellationToken cancellationToken)
    {
        var collection = await FindCollectionAsync(exception, collectionId, cancellationToken);
        return collection switch
        {
            null => ResolutionRefusal.CollectionNotFound,
            { Currency: var c } when c != exception.Currency => ResolutionRefusal.CurrencyMismatch,
            { Status: not (CollectionStatus.Open or CollectionStatus.PartiallyPaid) } => ResolutionRefusal.CollectionNotOpen,
            _ => null,
        };
    }

    /// <summary>The collection to pay: the exception's merchant's; for the platform's (suspense), any merchant's.</summary>
    private Task<CollectionDocument?> FindCollectionAsync(ExceptionDocument exception, string collectionId, CancellationToken cancellationToken) =>
        exception.MerchantId is { } merchantId ? collections.ReadAsync(merchantId, collectionId, cancellationToken) : collections.FindAnyAsync(collectionId, cancellationToken);

    private async Task<LedgerId> OpenedAsync(LedgerId account, Currency currency, CancellationToken cancellationToken)
    {
        await ledger.EnsureAsync(new NewAccount(account, currency), cancellationToken);
        return account;
    }

    /// <summary>From suspense nothing is refused (it has no limit); a refusal is a defect, not an answer.</summary>
    private static async Task MustAsync(Task<TransferResult> move, ExceptionDocument exception)
    {
        var result = await move;
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"The ledger refused the resolution of exception {exception.Id}: {result.Code()}.");
        }
    }
}
