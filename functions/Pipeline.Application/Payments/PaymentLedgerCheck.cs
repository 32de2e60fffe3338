using Microsoft.Azure.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Ledger;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>
/// Whether each payment says what its ledger transfers say: every hold the payment shows held is pending in the
/// ledger, every captured one posted for exactly the captured amount, every released one voided or expired; the
/// charge and every refund applied for their amounts; and no step the payment counts as refused applied at all.
/// A payment and its ledger that disagree is money shown one way and held another — the defect class that a hold
/// "released" by the payment but held by the ledger forever belonged to. Tests run it after every payment test;
/// an operator can run it for a merchant.
/// </summary>
public sealed class PaymentLedgerCheck(Database database, ILedgerStore ledger, TimeProvider time)
{
    private readonly Container container = database.GetContainer(PaymentStore.ContainerName);

    /// <summary>
    /// One line per disagreement, for the merchant's payments; empty when every payment agrees with the ledger.
    /// Owed credits of charges are settled first (idempotent), so finished transfers are compared.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindDisagreementsAsync(string merchantId, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        using var iterator = container.GetItemQueryIterator<Payment>(
            new QueryDefinition($"SELECT * FROM c WHERE {EventLimits.NotAnEvent}"), requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) });
        while (iterator.HasMoreResults)
        {
            foreach (var payment in await iterator.ReadNextAsync(cancellationToken))
            {
                var check = new Findings(payment, found);
                if (payment.Pending is not null)
                {
                    check.Add($"has {payment.Pending.Kind} pending; finish it before checking");
                    continue;
                }

                await CheckChargeAsync(payment, check, cancellationToken);
                await CheckHoldsAsync(payment, check, cancellationToken);
                await CheckRefundsAsync(payment, check, cancellationToken);
            }
        }

        return found;
    }

    private async Task CheckChargeAsync(Payment payment, Findings check, CancellationToken cancellationToken)
    {
        if (payment.CaptureMethod != CaptureMethod.Automatic)
        {
            return;
        }

        var charge = PaymentStore.TransferOf(payment, new PaymentStep(StepKind.Charge, 0, payment.Amount));
        await ledger.SettleChargeAsync(charge, cancellationToken);
        var applied = await ledger.GetTransferAsync(charge.Id, cancellationToken);
        if (payment.Status == PaymentStatus.Declined)
        {
            check.When(applied is not null, "is declined but its charge is applied");
            return;
        }

        check.When(applied?.AmountMinor != payment.AmountCaptured, $"captured {payment.AmountCaptured} but its charge moved {applied?.AmountMinor}");
    }

    private async Task CheckHoldsAsync(Payment payment, Findings check, CancellationToken cancellationToken)
    {
        var nowTicks = time.GetUtcNow().UtcTicks;
        for (var index = 0; index < payment.HoldSteps; index++)
        {
            var shown = payment.Holds.FirstOrDefault(h => h.Index == index);
            var hold = await ledger.GetTransferAsync(payment.TransferIdOf(StepKind.Hold, index), cancellationToken);
            if (shown is null || hold is null)
            {
                check.When(shown is not null || hold is not null, $"hold {index}: the payment shows {shown?.State.ToString() ?? "none"}, the ledger {hold?.State.ToString() ?? "none"}");
                continue;
            }

            check.When(hold.Value.AmountMinor != shown.Amount, $"hold {index} is {shown.Amount} but the ledger held {hold.Value.AmountMinor}");
            var agrees = (shown.State, hold.Value.State) switch
            {
                (HoldState.Held, PendingState.Pending) => true,
                // Past its window the ledger may expire a hold before the payment records it (readers show it released).
                (HoldState.Held, PendingState.Expired) => hold.Value.ExpiresAt != 0 && hold.Value.ExpiresAt <= nowTicks,
                (HoldState.Captured, PendingState.Posted) => await CapturedAsync(payment, index, cancellationToken) == shown.AmountCaptured,
                (HoldState.Released, PendingState.Voided or PendingState.Expired) => true,
                _ => false,
            };
            check.When(!agrees, $"hold {index} is {shown.State} (captured {shown.AmountCaptured}) but the ledger says {hold.Value.State}");
        }

        var captured = payment.Holds.Sum(h => h.AmountCaptured);
        check.When(payment.CaptureMethod == CaptureMethod.Manual && captured != payment.AmountCaptured, $"captured {payment.AmountCaptured} but its holds captured {captured}");
    }

    private async Task<long?> CapturedAsync(Payment payment, int index, CancellationToken cancellationToken) =>
        (await ledger.GetTransferAsync(payment.TransferIdOf(StepKind.Capture, index), cancellationToken))?.AmountMinor;

    private async Task CheckRefundsAsync(Payment payment, Findings check, CancellationToken cancellationToken)
    {
        for (var index = 0; index < payment.RefundSteps; index++)
        {
            var shown = payment.Refunds.FirstOrDefault(r => r.Index == index);
            var refund = await ledger.GetTransferAsync(payment.TransferIdOf(StepKind.Refund, index), cancellationToken);
            check.When(shown?.Amount != refund?.AmountMinor, $"refund {index} is {shown?.Amount.ToString() ?? "none"} but the ledger moved {refund?.AmountMinor.ToString() ?? "nothing"}");
        }

        var refunded = payment.Refunds.Sum(r => r.Amount);
        check.When(refunded != payment.AmountRefunded, $"refunded {payment.AmountRefunded} but its refunds add up to {refunded}");
    }

    /// <summary>Disagreements of one payment, each line naming it.</summary>
    private sealed class Findings(Payment payment, List<string> found)
    {
        public void Add(string disagreement) => found.Add($"Payment {payment.Id} ({payment.Status}) {disagreement}.");

        public void When(bool disagrees, string disagreement)
        {
            if (disagrees)
            {
                Add(disagreement);
            }
        }
    }
}
