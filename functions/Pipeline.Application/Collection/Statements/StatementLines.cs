using Pipeline.Application.Settlement;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection.Statements;

/// <summary>What one statement line did.</summary>
internal enum LineOutcome
{
    CreditAnnounced,
    CreditBooked,
    CreditDisagreeing,
    RefundConfirmed,
    DebitUnexplained,
    PendingSkipped,
    ZeroSkipped,
}

/// <summary>
/// One statement line against the ledger (docs/COLLECTION.md "Statements"). A credit line is taken in two steps: first
/// by its bank reference (the credit with that id, or the one this line claimed before), then — for the lines that
/// named nothing — by details among the webhook's credits no line has claimed. Every match is a claim on the credit
/// (compare-and-swap on <see cref="BankCreditDocument.ListedAs"/>): one line, one credit, whatever runs at once or
/// dies half-way (found in review: without claims a re-import, two imports, or two identical lines booked or
/// confirmed a credit twice).
/// </summary>
internal sealed class StatementLines(BankCredits credits, ReconciliationExceptions exceptions, CollectionLedger ledger)
{
    /// <summary>The line taken by its reference, or null when it names nothing yet (take it by details, after every line of the statement was taken so).</summary>
    public async Task<LineOutcome?> TakeByReferenceAsync(string statementId, StatementEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.IsBooked)
        {
            return LineOutcome.PendingSkipped;
        }

        if (entry.AmountMinor < 1)
        {
            return LineOutcome.ZeroSkipped; // Nothing moved; the ladder takes one minor unit at least (found in review).
        }

        if (!entry.IsCredit)
        {
            return await TakeDebitAsync(statementId, entry, cancellationToken);
        }

        var line = LineOf(entry);
        if (await credits.GetAsync(BankCredits.IdOf(entry.BankTransactionId), cancellationToken) is { } named)
        {
            return await TakeAsync(statementId, entry, line, await credits.FinishAsync(named, cancellationToken), cancellationToken);
        }

        return await credits.ClaimedByAsync(entry.BankTransactionId, cancellationToken) is { } claimed
            ? await ConfirmedAsync(statementId, await credits.FinishAsync(claimed, cancellationToken), cancellationToken)
            : null;
    }

    /// <summary>
    /// A credit line that names no credit: the webhook's credit with the same details no line has claimed (the bank's
    /// statement reference differs from its webhook's), claimed for this line; else a credit of its own, booked through
    /// the ladder.
    /// </summary>
    public async Task<LineOutcome> TakeByDetailsAsync(string statementId, StatementEntry entry, CancellationToken cancellationToken)
    {
        var line = LineOf(entry);
        for (var attempt = 0; attempt < Cosmos.Contention.AttemptsMax; attempt++)
        {
            if (await credits.ClaimedByAsync(entry.BankTransactionId, cancellationToken) is { } claimed)
            {
                return await ConfirmedAsync(statementId, await credits.FinishAsync(claimed, cancellationToken), cancellationToken); // by a run of this line at once
            }

            if (await credits.FindAnnouncedAsync(line, cancellationToken) is { } announced)
            {
                if (await credits.ClaimAsync(announced, entry.BankTransactionId, statementId, cancellationToken) is { } taken)
                {
                    return await ConfirmedAsync(statementId, await credits.FinishAsync(taken, cancellationToken), cancellationToken);
                }

                await Cosmos.Contention.BackOffAsync(attempt, cancellationToken);
                continue;
            }

            var (credit, refusal) = await credits.ReceiveAsync(line, BankCreditSource.Statement, cancellationToken);
            // Refused: a credit under this reference came meanwhile (the webhook's) with other details (found in review).
            return refusal is null
                ? await TakeAsync(statementId, entry, line, credit!, cancellationToken)
                : await TakeAsync(statementId, entry, line, await credits.FinishAsync(credit!, cancellationToken), cancellationToken);
        }

        throw new InvalidOperationException($"Statement line {entry.BankTransactionId} kept finding its credits claimed; gave up after {Cosmos.Contention.AttemptsMax} attempts.");
    }

    /// <summary>
    /// A line and the credit its reference names (booked): a disagreement, or the credit listed as this line. A line
    /// that names a credit exactly takes it back from a line of another statement that had matched it by details — that
    /// line is booked as a credit of its own first (its money was never booked), then the credit changes hands.
    /// </summary>
    private async Task<LineOutcome> TakeAsync(string statementId, StatementEntry entry, IncomingCredit line, BankCreditDocument credit, CancellationToken cancellationToken)
    {
        if (!BankCredits.SameDetails(credit, line))
        {
            await exceptions.RaiseAboutCreditAsync(credit, ExceptionKind.StatementDisagrees,
                $"Statement {statementId} lists {entry.AmountMinor} {entry.Currency} to {entry.VirtualAccount} booked {entry.BookingDate:yyyy-MM-dd} (line {entry.Line}).", cancellationToken);
            return LineOutcome.CreditDisagreeing;
        }

        for (var attempt = 0; attempt < Cosmos.Contention.AttemptsMax; attempt++)
        {
            if (credit.ListedAs == entry.BankTransactionId)
            {
                return await ConfirmedAsync(statementId, credit, cancellationToken);
            }

            if (credit.ListedAs is { } other)
            {
                await BookDisplacedAsync(credit, other, cancellationToken);
            }

            credit = await credits.ClaimAsync(credit, entry.BankTransactionId, statementId, cancellationToken)
                ?? await credits.GetAsync(credit.Id, cancellationToken) ?? credit;
        }

        throw new InvalidOperationException($"Bank credit {credit.Id} kept changing hands; gave up after {Cosmos.Contention.AttemptsMax} attempts.");
    }

    /// <summary>
    /// The line of another statement that had matched <paramref name="credit"/> by details, under <paramref name="lineReference"/>:
    /// a credit of its own (the same details; its id from its reference, so this is done once), listed by that statement.
    /// </summary>
    private async Task BookDisplacedAsync(BankCreditDocument credit, string lineReference, CancellationToken cancellationToken)
    {
        var line = new IncomingCredit(lineReference, credit.VirtualAccount, credit.AmountMinor, credit.Currency, credit.PayerName, credit.RemittanceInfo,
            credit.CreditorReference, credit.EndToEndId, credit.BookedOn);
        var (own, _) = await credits.ReceiveAsync(line, BankCreditSource.Statement, cancellationToken);
        if (own!.ListedAs is null)
        {
            await credits.ClaimAsync(own, lineReference, credit.StatementId!, cancellationToken);
        }
    }

    /// <summary>The credit is listed: a not-on-statement exception about it, if one was raised, is resolved.</summary>
    private async Task<LineOutcome> ConfirmedAsync(string statementId, BankCreditDocument credit, CancellationToken cancellationToken)
    {
        await exceptions.SettleNotOnStatementAsync(credit, statementId, cancellationToken);
        return credit.Source == BankCreditSource.Webhook ? LineOutcome.CreditAnnounced : LineOutcome.CreditBooked;
    }

    /// <summary>
    /// A debit whose end-to-end id is one of our refunds (the refund pain.001 writes the exception's id) executes it,
    /// once: the first debit claims the refund (its bank reference on the exception), and only that debit — imported
    /// again, or listed by another statement — books the money from the refunds account out of the bank clearing
    /// account (the transfer's id is the refund's). Any other debit is the bank's doing, not ours: an exception.
    /// </summary>
    private async Task<LineOutcome> TakeDebitAsync(string statementId, StatementEntry entry, CancellationToken cancellationToken)
    {
        var refundId = entry.EndToEndId is { } endToEnd ? PayoutFiles.PayoutIdOf(endToEnd) : null;
        var refund = refundId is not null && ReconciliationExceptions.IsExceptionId(refundId) ? await exceptions.GetAsync(null, refundId, cancellationToken) : null;
        if (refund is { Status: ExceptionStatus.Resolved, Resolution.Action: ResolutionAction.Refund } && refund.AmountMinor == entry.AmountMinor && refund.Currency == entry.Currency
            && await exceptions.ClaimExecutionAsync(refund, entry.BankTransactionId, cancellationToken))
        {
            var currency = Currency.Parse(refund.Currency);
            var result = await ledger.MoveAsync($"refund-executed:{refund.Id}", CollectionLedger.RefundsOf(currency), CollectionLedger.BankClearingOf(currency),
                refund.AmountMinor, currency, cancellationToken);
            if (result.IsSuccess())
            {
                return LineOutcome.RefundConfirmed;
            }
        }

        await exceptions.RaiseForDebitAsync(statementId, entry.BankTransactionId, entry.AmountMinor, entry.Currency, entry.VirtualAccount,
            $"Statement line {entry.Line}, end-to-end id {entry.EndToEndId ?? "none"}: no refund of ours explains it.", cancellationToken);
        return LineOutcome.DebitUnexplained;
    }

    private static IncomingCredit LineOf(StatementEntry entry) =>
        new(entry.BankTransactionId, entry.VirtualAccount, entry.AmountMinor, entry.Currency, entry.PayerName, entry.RemittanceText,
            entry.CreditorReference ?? CreditorReference.FindIn(entry.RemittanceText), entry.EndToEndId, entry.BookingDate);
}
