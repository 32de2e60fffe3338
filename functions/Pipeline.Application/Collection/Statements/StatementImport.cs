using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection.Statements;

/// <summary>What became of a statement's import when it could not run.</summary>
public enum StatementRefusal
{
    /// <summary>A statement with the same message, statement and account ids was imported with other entries.</summary>
    ConflictingEntries,
}

/// <summary>
/// Reconciles the collection account's bank statements (docs/COLLECTION.md "Statements"). Every booked entry is
/// matched to the ledger: a credit the webhook announced (by the bank's reference, or else by account, amount,
/// end-to-end id or reference and date) is confirmed; one it never announced is booked through the same matching
/// ladder; one announced with other details, and a debit nothing of ours explains, become exceptions; a debit that
/// executes one of our refunds (its end-to-end id) books the money out of the bank. Announced credits no statement
/// lists two days after their booking date become exceptions too. Each entry is idempotent, so the same file imported
/// again — or after an import died half-way — changes nothing twice.
/// </summary>
public sealed class StatementImport(Database database, BankCredits credits, ReconciliationExceptions exceptions, CollectionLedger ledger, TimeProvider time, ILogger<StatementImport> logger)
{
    public const string ContainerName = "statements";

    /// <summary>Entries taken at once: they are independent (each credit's placement is compare-and-swap), and a statement has thousands.</summary>
    public const int EntriesInParallel = 8;

    private const string IdPrefix = "stm_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    public static bool IsStatementId(string id) => ResourceIds.IsValid(id, IdPrefix);

    public Task<StatementDocument?> GetAsync(string id, CancellationToken cancellationToken) =>
        IsStatementId(id) ? container.ReadOrNullAsync<StatementDocument>(id, id, cancellationToken) : Task.FromResult<StatementDocument?>(null);

    /// <summary>Imports one statement read from a file (validated): its report, or why it was refused.</summary>
    public async Task<(StatementReport? Report, StatementRefusal? Refusal)> ImportAsync(BankStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var id = ResourceIds.Derived(IdPrefix, $"{statement.MessageId}\n{statement.StatementId}\n{statement.AccountIban}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(statement.Entries)));
        var document = await container.ReadOrNullAsync<StatementDocument>(id, id, cancellationToken);
        if (document is null)
        {
            document = new StatementDocument
            {
                Id = id, MessageId = statement.MessageId, StatementId = statement.StatementId, AccountIban = statement.AccountIban, EntriesHash = hash,
                Status = StatementStatus.Importing, CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
            };
            await ContainerExtensions.IgnoringAsync(HttpStatusCode.Conflict, () => container.CreateItemAsync(document, new PartitionKey(id), NoContent.Item, cancellationToken));
            document = await container.ReadOrNullAsync<StatementDocument>(id, id, cancellationToken) ?? document;
        }

        if (document.EntriesHash != hash)
        {
            return (null, StatementRefusal.ConflictingEntries);
        }

        if (document is { Status: StatementStatus.Imported, Report: { } done })
        {
            return (done, null);
        }

        var report = await ReconcileAsync(id, statement, cancellationToken);
        await container.ReplaceItemAsync(document with { Status = StatementStatus.Imported, Report = report, ETag = null }, id, new PartitionKey(id), NoContent.Item, cancellationToken);
        logger.LogInformation("Statement {StatementId} ({Id}) imported: {Report}", statement.StatementId, id, report);
        return (report, null);
    }

    private async Task<StatementReport> ReconcileAsync(string id, BankStatement statement, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<EntryOutcome>();
        await Parallel.ForEachAsync(statement.Entries, new ParallelOptions { MaxDegreeOfParallelism = EntriesInParallel, CancellationToken = cancellationToken },
            async (entry, token) => outcomes.Add(await TakeAsync(id, entry, token)));

        var notOnStatement = 0;
        if (statement.Entries.Where(e => e.IsBooked).Select(e => (DateOnly?)e.BookingDate).Max() is { } last)
        {
            foreach (var credit in await credits.NotOnStatementAsync(last.AddDays(-BankCredits.StatementDateToleranceDays), cancellationToken))
            {
                await exceptions.RaiseAboutCreditAsync(credit, ExceptionKind.NotOnStatement, ReconciliationExceptions.NotOnStatementDetail, cancellationToken);
                notOnStatement++;
            }
        }

        int Count(EntryOutcome outcome) => outcomes.Count(o => o == outcome);
        var closing = statement.Balances.LastOrDefault(b => b.Type == "CLBD");
        long? clearing = closing is null ? null : await ledger.PostedAsync(CollectionLedger.BankClearingOf(Currency.Parse(closing.Currency)), cancellationToken);
        return new StatementReport(id, statement.MessageId, statement.StatementId, statement.AccountIban, statement.Entries.Count,
            Count(EntryOutcome.CreditAnnounced), Count(EntryOutcome.CreditBooked), Count(EntryOutcome.CreditDisagreeing), Count(EntryOutcome.RefundConfirmed),
            Count(EntryOutcome.DebitUnexplained), Count(EntryOutcome.PendingSkipped), notOnStatement, closing?.Currency, closing?.AmountMinor, clearing, time.GetUtcNow());
    }

    private async Task<EntryOutcome> TakeAsync(string statementId, StatementEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.IsBooked)
        {
            return EntryOutcome.PendingSkipped;
        }

        if (!entry.IsCredit)
        {
            return await TakeDebitAsync(statementId, entry, cancellationToken);
        }

        var line = new IncomingCredit(entry.BankTransactionId, entry.VirtualAccount, entry.AmountMinor, entry.Currency, entry.PayerName, entry.RemittanceText,
            entry.CreditorReference ?? CreditorReference.FindIn(entry.RemittanceText), entry.EndToEndId, entry.BookingDate);
        var known = await credits.GetAsync(BankCredits.IdOf(entry.BankTransactionId), cancellationToken) ?? await credits.FindAnnouncedAsync(line, cancellationToken);
        if (known is not null && !BankCredits.SameDetails(known, line))
        {
            // The credit as the webhook told it is booked regardless (the bank said so); the person decides who is right.
            known = await credits.FinishAsync(known, cancellationToken);
            await exceptions.RaiseAboutCreditAsync(known, ExceptionKind.StatementDisagrees,
                $"Statement {statementId} lists {entry.AmountMinor} {entry.Currency} to {entry.VirtualAccount} booked {entry.BookingDate:yyyy-MM-dd} (line {entry.Line}).", cancellationToken);
            return EntryOutcome.CreditDisagreeing;
        }

        var credit = known is null
            ? (await credits.ReceiveAsync(line, BankCreditSource.Statement, cancellationToken)).Credit!
            : await credits.FinishAsync(known, cancellationToken);
        await credits.MarkOnStatementAsync(credit, statementId, cancellationToken);
        await exceptions.SettleNotOnStatementAsync(credit, statementId, cancellationToken);
        return known is null || known.Source == BankCreditSource.Statement ? EntryOutcome.CreditBooked : EntryOutcome.CreditAnnounced;
    }

    /// <summary>
    /// A debit whose end-to-end id is one of our refunds (the refund pain.001 writes the exception's id) executes it:
    /// the money moves from the refunds account out of the bank clearing account, once (the transfer's id is the
    /// refund's). Any other debit is the bank's doing, not ours: an exception.
    /// </summary>
    private async Task<EntryOutcome> TakeDebitAsync(string statementId, StatementEntry entry, CancellationToken cancellationToken)
    {
        var refund = entry.EndToEndId is { } endToEnd && ReconciliationExceptions.IsExceptionId(Settlement.PayoutFiles.PayoutIdOf(endToEnd))
            ? await exceptions.GetAsync(null, Settlement.PayoutFiles.PayoutIdOf(endToEnd), cancellationToken)
            : null;
        if (refund is { Status: ExceptionStatus.Resolved, Resolution.Action: ResolutionAction.Refund } && refund.AmountMinor == entry.AmountMinor && refund.Currency == entry.Currency)
        {
            var currency = Currency.Parse(refund.Currency);
            var result = await ledger.MoveAsync($"refund-executed:{refund.Id}", CollectionLedger.RefundsOf(currency), CollectionLedger.BankClearingOf(currency),
                refund.AmountMinor, currency, cancellationToken);
            if (result.IsSuccess())
            {
                return EntryOutcome.RefundConfirmed;
            }
        }

        await exceptions.RaiseForDebitAsync(statementId, entry.BankTransactionId, entry.AmountMinor, entry.Currency, entry.VirtualAccount,
            $"Statement line {entry.Line}, end-to-end id {entry.EndToEndId ?? "none"}: no refund of ours explains it.", cancellationToken);
        return EntryOutcome.DebitUnexplained;
    }

    private enum EntryOutcome
    {
        CreditAnnounced,
        CreditBooked,
        CreditDisagreeing,
        RefundConfirmed,
        DebitUnexplained,
        PendingSkipped,
    }
}
