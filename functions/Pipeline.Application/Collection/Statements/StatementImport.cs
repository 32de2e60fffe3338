using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
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
/// matched to the ledger, one claim per line (<see cref="StatementLines"/>): a credit the webhook announced (by the
/// bank's reference, or else by account, amount, end-to-end id or reference and date) is confirmed; one it never
/// announced is booked through the same matching ladder; one announced with other details, and a debit nothing of
/// ours explains, become exceptions; a debit that executes one of our refunds (its end-to-end id) books the money out
/// of the bank. Announced credits no statement lists two days after their booking date become exceptions too. Each
/// line is idempotent, so the same file imported again — at once, or after an import died half-way — changes nothing twice.
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
        var hash = HashOf(statement.Entries);
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
        var lines = new StatementLines(credits, exceptions, ledger);
        var outcomes = new ConcurrentBag<LineOutcome>();
        var byDetails = new ConcurrentBag<StatementEntry>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = EntriesInParallel, CancellationToken = cancellationToken };
        // Every line that names its credit first, then the others by details: a details match never takes a credit a line of
        // this statement names exactly (found in review).
        await Parallel.ForEachAsync(statement.Entries, parallel, async (entry, token) =>
        {
            if (await lines.TakeByReferenceAsync(id, entry, token) is { } outcome)
            {
                outcomes.Add(outcome);
            }
            else
            {
                byDetails.Add(entry);
            }
        });
        await Parallel.ForEachAsync(byDetails.OrderBy(e => e.Index), parallel, async (entry, token) => outcomes.Add(await lines.TakeByDetailsAsync(id, entry, token)));

        var notOnStatement = 0;
        if (statement.Entries.Where(e => e.IsBooked).Select(e => (DateOnly?)e.BookingDate).Max() is { } last)
        {
            foreach (var credit in await credits.NotOnStatementAsync(last.AddDays(-BankCredits.StatementDateToleranceDays), cancellationToken))
            {
                await exceptions.RaiseAboutCreditAsync(credit, ExceptionKind.NotOnStatement, ReconciliationExceptions.NotOnStatementDetail, cancellationToken);
                notOnStatement++;
                // Another import may have listed it between the query and the raise, and found nothing to settle then (found in review).
                if (await credits.GetAsync(credit.Id, cancellationToken) is { ListedAs: not null, StatementId: { } listedBy } listed)
                {
                    await exceptions.SettleNotOnStatementAsync(listed, listedBy, cancellationToken);
                }
            }
        }

        int Count(LineOutcome outcome) => outcomes.Count(o => o == outcome);
        var closing = statement.Balances.LastOrDefault(b => b.Type == "CLBD");
        long? clearing = closing is null ? null : await ledger.PostedAsync(CollectionLedger.BankClearingOf(Currency.Parse(closing.Currency)), cancellationToken);
        return new StatementReport(id, statement.MessageId, statement.StatementId, statement.AccountIban, statement.Entries.Count,
            Count(LineOutcome.CreditAnnounced), Count(LineOutcome.CreditBooked), Count(LineOutcome.CreditDisagreeing), Count(LineOutcome.RefundConfirmed),
            Count(LineOutcome.DebitUnexplained), Count(LineOutcome.PendingSkipped), Count(LineOutcome.ZeroSkipped), notOnStatement,
            closing?.Currency, closing?.AmountMinor, clearing, time.GetUtcNow());
    }

    /// <summary>
    /// What the bank booked, in order, without the file's layout (the line an entry stands on, the other statements of
    /// the file) or any field a later release adds to the record: the same statement in another file is the same
    /// statement (found in review: the same statement split out of its file was refused).
    /// </summary>
    private static string HashOf(IReadOnlyList<StatementEntry> entries)
    {
        var canonical = entries.Select(e => string.Join('\u001f',
            e.Index.ToString(CultureInfo.InvariantCulture), e.BankTransactionId, e.IsCredit ? "C" : "D", e.IsBooked ? "B" : "P",
            e.AmountMinor.ToString(CultureInfo.InvariantCulture), e.Currency, e.BookingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            e.ValueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", e.VirtualAccount, e.EndToEndId ?? "", e.CreditorReference ?? "",
            e.RemittanceText ?? "", e.PayerName ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', canonical))));
    }
}
