using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>Operations on a payment after it opened: begin, run the ledger steps, finish; and the sweep of abandoned ones.</summary>
public sealed partial class PaymentStore
{
    /// <summary>
    /// Runs one operation on the payment. Requests on one payment are serialised by its ETag: each first finishes
    /// whatever operation it finds pending, so the state it plans from is settled, and concurrent requests that
    /// want the same transition see it done by the first and are refused.
    /// </summary>
    /// <param name="idempotencyKey">
    /// The request's Idempotency-Key, if any. The operation's id is then derived from it, so a retry after an
    /// answer that never arrived finds its operation in the payment's history (or still pending, and finishes
    /// it) and answers with that outcome, instead of refunding or incrementing a second time.
    /// </param>
    internal async Task<PaymentOutcome> RunAsync(
        string merchantId, string id, PaymentOperationKind kind, long? amount, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var operationId = idempotencyKey is null ? null : ResourceIds.Derived("op_", $"{kind}\n{idempotencyKey}");
        for (var attempt = 0; attempt < AttemptsMax; attempt++)
        {
            if (attempt > 0)
            {
                // The round before met another request's operation or lost the race to begin: pause, as every CAS loop does.
                await Contention.BackOffAsync(attempt - 1, cancellationToken);
            }

            var payment = await ReadAsync(merchantId, id, cancellationToken);
            if (payment is null)
            {
                return Refused(PaymentRefusalKind.NotFound, ErrorCodes.NotFound, "No payment of yours has this id.");
            }

            if (operationId is not null && payment.History.LastOrDefault(h => h.Id == operationId) is { } earlier)
            {
                return earlier.Request == PaymentRules.RequestOf(amount)
                    ? OutcomeOf(payment, operationId)
                    : Refused(PaymentRefusalKind.IdempotencyKeyReused, ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used with a different amount; use a new key.");
            }

            if (payment.Pending is not null)
            {
                await FinishPendingAsync(payment, cancellationToken);
                continue;
            }

            var now = NowMicros;
            if (PaymentRules.IsDue(payment, now))
            {
                PaymentPlans.Plan(payment, PaymentOperationKind.Expire, null, now, out var expiry);
                await TryBeginAsync(payment, expiry, cancellationToken);
                continue;
            }

            if (PaymentPlans.Plan(payment, kind, amount, now, out var operation, operationId) is { } refusal)
            {
                return new PaymentOutcome(View(payment), refusal);
            }

            if (await TryBeginAsync(payment, operation, cancellationToken) is { } finished)
            {
                return OutcomeOf(finished, operation.Id);
            }
        }

        // 503, not 409: nothing was started, and an answer of 5xx is not kept against the Idempotency-Key, so a
        // retry under the same key runs again instead of being told "busy" for 48 hours.
        logger.LogWarning("Payment {PaymentId}: {Kind} gave up after {Attempts} rounds of contention", id, kind, AttemptsMax);
        return Refused(PaymentRefusalKind.Busy, PaymentErrors.Busy, "The payment is being changed by other requests; try again.");
    }

    /// <summary>
    /// Finishes the operations that requests left pending when they died (the maintenance sweep calls this);
    /// returns how many. Until then, the next request on such a payment finishes it too.
    /// </summary>
    public Task<int> FinishAbandonedAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var before = Numbers.Literal(NowMicros - (olderThan.Ticks / 10));
        // IS_OBJECT, not "!= null": in Cosmos DB comparing an object with null is undefined, which matches nothing.
        var query = $"SELECT * FROM c WHERE IS_OBJECT(c.pending) AND c.updatedMicros <= {before}";
        return SweepAsync(query, "finish its pending operation", async p => { await FinishPendingAsync(p, cancellationToken); return true; }, cancellationToken);
    }

    /// <summary>
    /// Cancels the authorisations whose window has closed (the maintenance sweep calls this); returns how many. A read
    /// already shows such a payment canceled, but only a write emits its payment.canceled event, and releases the hold
    /// before the ledger's own expiry would.
    /// </summary>
    public Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var query = $"SELECT * FROM c WHERE {Events.EventLimits.NotAnEvent} AND c.status = 'requiresCapture' " +
            $"AND c.expiresAtMicros <= {Numbers.Literal(NowMicros)} AND NOT IS_OBJECT(c.pending)";
        return SweepAsync(query, "expire", p => ExpireIfDueAsync(p, cancellationToken), cancellationToken);
    }

    /// <summary>Runs <paramref name="act"/> on every payment the query finds; one that fails is logged and left for the next pass.</summary>
    private async Task<int> SweepAsync(string query, string what, Func<Payment, Task<bool>> act, CancellationToken cancellationToken)
    {
        var done = 0;
        using var iterator = container.GetItemQueryIterator<Payment>(new QueryDefinition(query));
        while (iterator.HasMoreResults)
        {
            foreach (var payment in await iterator.ReadNextAsync(cancellationToken))
            {
                try
                {
                    done += await act(payment) ? 1 : 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One payment that cannot be handled must not hold up the others; it is tried again next pass.
                    logger.LogError(e, "Payment {PaymentId}: the maintenance sweep could not {What} it", payment.Id, what);
                }
            }
        }

        return done;
    }

    /// <summary>
    /// Expires the payment as a request on it would (<see cref="RunAsync"/> expires a due payment before anything
    /// else); false when it is no longer due or another request got to it first (which expires it, if still due).
    /// </summary>
    private async Task<bool> ExpireIfDueAsync(Payment payment, CancellationToken cancellationToken)
    {
        var now = NowMicros;
        if (payment.Pending is not null || !PaymentRules.IsDue(payment, now))
        {
            return false;
        }

        PaymentPlans.Plan(payment, PaymentOperationKind.Expire, null, now, out var expiry);
        return await TryBeginAsync(payment, expiry, cancellationToken) is not null;
    }

    /// <summary>Records the operation (If-Match) and runs it; null when another request changed the payment first.</summary>
    private async Task<Payment?> TryBeginAsync(Payment payment, PaymentOperation operation, CancellationToken cancellationToken)
    {
        var begun = await PaymentWrites.ReplaceAsync(container, payment, PaymentRules.Begin(payment, operation), payment.ETag!, cancellationToken);
        return begun is null ? null : await FinishPendingAsync(begun, cancellationToken);
    }

    /// <summary>
    /// Runs the pending operation's ledger steps (again, if someone ran them before: the ledger answers "exists")
    /// and records the outcome. Returns the payment with that operation finished, by this call or another.
    /// </summary>
    private async Task<Payment> FinishPendingAsync(Payment payment, CancellationToken cancellationToken)
    {
        var operation = payment.Pending ?? throw new InvalidOperationException($"Payment {payment.Id}: no operation is pending.");
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var results = await RunStepsAsync(payment, operation, cancellationToken);
            var finished = await PaymentWrites.ReplaceAsync(container, payment, PaymentCompletion.Complete(payment, results, NowMicros), payment.ETag!, cancellationToken);
            if (finished is not null)
            {
                return finished;
            }

            var current = await ReadAsync(payment.MerchantId, payment.Id, cancellationToken)
                ?? throw new InvalidOperationException($"Payment {payment.Id} disappeared while an operation was pending.");
            if (current.Pending?.Id != operation.Id)
            {
                return current;
            }

            payment = current;
            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Payment {payment.Id}: operation {operation.Id} could not be recorded after {Contention.AttemptsMax} attempts.");
    }

    private async Task<TransferResult[]> RunStepsAsync(Payment payment, PaymentOperation operation, CancellationToken cancellationToken)
    {
        var results = new TransferResult[operation.Steps.Count];
        if (payment.CaptureMethod == CaptureMethod.Automatic && operation.Steps.Any(s => s.Kind == StepKind.Refund))
        {
            // The charge's credit may still be on its way to the revenue account: it must be there before money leaves it.
            await ledger.SettleChargeAsync(TransferOf(payment, new PaymentStep(StepKind.Charge, 0, payment.History[0].Amount)), cancellationToken);
        }

        for (var i = 0; i < results.Length; i++)
        {
            var transfer = TransferOf(payment, operation.Steps[i]);
            results[i] = await ledger.CreateTransferAsync(transfer, cancellationToken);

            // A step refused on an earlier run answers only "already failed" now; the payment records the reason.
            if (results[i] == TransferResult.IdAlreadyFailed)
            {
                results[i] = await ledger.GetFailureAsync(transfer.Id, cancellationToken) ?? TransferResult.IdAlreadyFailed;
            }
        }

        return results;
    }

    internal static Transfer TransferOf(Payment payment, PaymentStep step)
    {
        var wallet = WalletStore.AccountOf(payment.WalletId);
        var currency = Currency.Parse(payment.Currency);
        var revenue = RevenueAccountOf(payment.MerchantId, currency);
        var id = payment.TransferIdOf(step.Kind, step.Index);
        return step.Kind switch
        {
            StepKind.Charge => new Transfer { Id = id, DebitAccountId = wallet, CreditAccountId = revenue, Amount = step.Amount, Currency = currency, Code = TransferCodes.PaymentCharge },
            StepKind.Hold => new Transfer
            {
                Id = id, DebitAccountId = wallet, CreditAccountId = revenue, Amount = step.Amount, Currency = currency,
                Flags = TransferFlags.Pending, TimeoutSeconds = step.TimeoutSeconds, Code = TransferCodes.PaymentHold,
            },
            StepKind.Capture => new Transfer
            {
                Id = id, PendingId = payment.TransferIdOf(StepKind.Hold, step.Index), Amount = step.Amount, Flags = TransferFlags.PostPending, Code = TransferCodes.PaymentCapture,
            },
            StepKind.Release => new Transfer
            {
                Id = id, PendingId = payment.TransferIdOf(StepKind.Hold, step.Index), Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending, Code = TransferCodes.PaymentRelease,
            },
            StepKind.Refund => new Transfer { Id = id, DebitAccountId = revenue, CreditAccountId = wallet, Amount = step.Amount, Currency = currency, Code = TransferCodes.PaymentRefund },
            _ => throw new ArgumentOutOfRangeException(nameof(step), step.Kind, null),
        };
    }
}
