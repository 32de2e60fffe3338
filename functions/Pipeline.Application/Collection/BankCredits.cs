using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <summary>What became of a credit announced again.</summary>
public enum BankCreditRefusal
{
    /// <summary>The bank's transaction id names a credit we have with other details.</summary>
    ConflictingDetails,
}

/// <summary>
/// Bank credits to the collection accounts, from the bank's webhook or a statement (docs/COLLECTION.md "Bank credits").
/// Each credit is one document (id derived from the bank's transaction id) that goes through three states, each
/// stored by compare-and-swap, so any number of processes may work on the same credit, and any of them may die
/// between two writes:
/// <list type="number">
/// <item>received — stored as the bank sent it;</item>
/// <item>decided — the matching ladder's placement stored on it; a placement on a collection is then recorded on the
/// collection's version it was made on (If-Match), with the collection's new status and event; when that version is
/// gone and the collection does not list the credit, the placement is made again (it could never be recorded);</item>
/// <item>booked — its ledger chain applied (ids from the credit's) and its exception raised (id from the credit's).</item>
/// </list>
/// No money moves before the placement is final: on a collection, once the collection lists the credit; otherwise
/// once it is stored. A credit left half-way is finished by the bank's retry, by a statement that lists it, or by
/// the maintenance pass (<see cref="FinishAbandonedAsync"/>).
/// </summary>
public sealed class BankCredits(
    Database database, CollectionStore collections, VirtualAccounts accounts, CollectionLedger ledger, ReconciliationExceptions exceptions,
    TimeProvider time, ILogger<BankCredits> logger)
{
    public const string ContainerName = "bank-credits";

    private const string IdPrefix = "bcr_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    /// <summary>The credit's id: the same for the same bank transaction, however often and by whatever route it comes.</summary>
    public static string IdOf(string bankTransactionId) => ResourceIds.Derived(IdPrefix, "bank-transaction\n" + bankTransactionId);

    /// <summary>
    /// Takes a credit (or finds it taken already) and carries it to booked. A credit announced again with other details
    /// (amount, currency, account, date) is refused and changes nothing.
    /// </summary>
    public async Task<(BankCreditDocument? Credit, BankCreditRefusal? Refusal)> ReceiveAsync(IncomingCredit incoming, BankCreditSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        // The ladder places credits of at least one minor unit; a zero would be stored and never finished (found in review).
        ArgumentOutOfRangeException.ThrowIfLessThan(incoming.AmountMinor, 1);
        if (source == BankCreditSource.Webhook && await GetAsync(IdOf(incoming.BankTransactionId), cancellationToken) is null
            && await ListedAsAsync(incoming, cancellationToken) is { } listed)
        {
            return (await FinishAsync(listed, cancellationToken), null);
        }

        var now = CosmosTime.ToMicros(time.GetUtcNow());
        var credit = new BankCreditDocument
        {
            Id = IdOf(incoming.BankTransactionId), BankTransactionId = incoming.BankTransactionId, VirtualAccount = incoming.VirtualAccount,
            AmountMinor = incoming.AmountMinor, Currency = incoming.Currency, PayerName = incoming.PayerName, RemittanceInfo = incoming.RemittanceInfo,
            CreditorReference = incoming.CreditorReference, EndToEndId = incoming.EndToEndId, BookedOn = incoming.BookedOn,
            Source = source, State = BankCreditState.Received, ReceivedMicros = now, UpdatedMicros = now,
        };
        var stored = await CreateOrReadAsync(credit, cancellationToken);
        if (!SameDetails(stored, incoming))
        {
            return (stored, BankCreditRefusal.ConflictingDetails);
        }

        return (await FinishAsync(stored, cancellationToken), null);
    }

    /// <summary>The credit with this id, or null.</summary>
    public Task<BankCreditDocument?> GetAsync(string id, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix) ? container.ReadOrNullAsync<BankCreditDocument>(id, id, cancellationToken) : Task.FromResult<BankCreditDocument?>(null);

    /// <summary>Carries a stored credit to booked from wherever it stands; the same credit finished twice, or by two processes at once, books once.</summary>
    public async Task<BankCreditDocument> FinishAsync(BankCreditDocument credit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credit);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            if (credit.State == BankCreditState.Booked)
            {
                return credit;
            }

            if (credit.Placement is null)
            {
                credit = await ReplaceOrReadAsync(credit, credit with { State = BankCreditState.Decided, Placement = await DecideAsync(credit, cancellationToken) }, cancellationToken);
                continue;
            }

            if (credit.Placement.CollectionId is { } collectionId && !await RecordOnCollectionAsync(credit, collectionId, cancellationToken))
            {
                // The collection moved on without this credit: its placement can never be recorded; decide again.
                credit = await ReplaceOrReadAsync(credit, credit with { State = BankCreditState.Received, Placement = null }, cancellationToken);
                await Contention.BackOffAsync(attempt, cancellationToken);
                continue;
            }

            if (credit.Placement.CollectionId is not null)
            {
                // Recorded — by this call or another: book what the credit says now (the placement the collection took).
                credit = await container.ReadOrNullAsync<BankCreditDocument>(credit.Id, credit.Id, cancellationToken) ?? credit;
                if (credit.State == BankCreditState.Booked)
                {
                    return credit;
                }
            }

            await ledger.BookAsync(credit, cancellationToken);
            await exceptions.RaiseForCreditAsync(credit, cancellationToken);

            credit = await ReplaceOrReadAsync(credit, credit with { State = BankCreditState.Booked, UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) }, cancellationToken);
            logger.LogInformation("Bank credit {CreditId} booked: {Placement}", credit.Id, Describe(credit.Placement!));
        }

        throw new InvalidOperationException($"Bank credit {credit.Id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>Finishes the credits a process left before booked for longer than <paramref name="olderThan"/> (the maintenance pass); returns how many.</summary>
    public async Task<int> FinishAbandonedAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var before = CosmosTime.ToMicros(time.GetUtcNow() - olderThan);
        // A literal: a long parameter would be sent as a string (the document format writes numbers as strings) and compare as none.
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.state IN ('received', 'decided') AND c.updatedMicros < {Numbers.Literal(before)}");
        return await EachOnItsOwn.FinishAsync(await container.QueryAllAsync<BankCreditDocument>(query, null, cancellationToken),
            credit => FinishAsync(credit, cancellationToken), credit => credit.Id, "Bank credit {CreditId}", logger);
    }

    /// <summary>
    /// The webhook's credit a statement line is, when the bank's reference on the statement is not the one its webhook
    /// sent: not on any statement yet, the same account, amount and currency, booked within two days of the line, and
    /// the same end-to-end id or creditor reference when the line has one. Without this a credit announced under one
    /// reference and listed under another would be booked twice.
    /// </summary>
    internal async Task<BankCreditDocument?> FindAnnouncedAsync(IncomingCredit line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = "SELECT * FROM c WHERE c.source = 'webhook' AND NOT IS_DEFINED(c.listedAs) AND c.virtualAccount = @account AND c.amountMinor = @amount"
            + " AND c.currency = @currency AND c.bookedOn >= @from AND c.bookedOn <= @to";
        text += line.EndToEndId is null ? "" : " AND c.endToEndId = @endToEnd";
        text += line.CreditorReference is null ? "" : " AND c.creditorReference = @reference";
        return Earliest(await container.QueryAllAsync<BankCreditDocument>(DetailsQuery(text, line), null, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// The other way round: a webhook that comes after a statement listed its credit under another bank reference (a
    /// webhook delayed by days) is that credit, marked as announced by it (once; its retries find it by that mark).
    /// </summary>
    private async Task<BankCreditDocument?> ListedAsAsync(IncomingCredit incoming, CancellationToken cancellationToken)
    {
        var byMark = new QueryDefinition("SELECT * FROM c WHERE c.source = 'statement' AND c.announcedAs = @transaction").WithParameter("@transaction", incoming.BankTransactionId);
        if ((await container.QueryAllAsync<BankCreditDocument>(byMark, null, cancellationToken)).FirstOrDefault() is { } marked)
        {
            return marked;
        }

        var text = "SELECT * FROM c WHERE c.source = 'statement' AND NOT IS_DEFINED(c.announcedAs) AND c.virtualAccount = @account AND c.amountMinor = @amount"
            + " AND c.currency = @currency AND c.bookedOn >= @from AND c.bookedOn <= @to";
        text += incoming.EndToEndId is null ? "" : " AND c.endToEndId = @endToEnd";
        text += incoming.CreditorReference is null ? "" : " AND c.creditorReference = @reference";
        foreach (var listed in Earliest(await container.QueryAllAsync<BankCreditDocument>(DetailsQuery(text, incoming), null, cancellationToken)))
        {
            if (await TryReplaceAsync(listed, listed with { AnnouncedAs = incoming.BankTransactionId }, cancellationToken) is { } announced)
            {
                return announced;
            }
        }

        return null;
    }

    /// <summary>Candidates in a fixed order (sorted here: a cross-partition ORDER BY would need its own index for a handful of results).</summary>
    private static IEnumerable<BankCreditDocument> Earliest(IEnumerable<BankCreditDocument> credits) =>
        credits.OrderBy(c => c.BookedOn).ThenBy(c => c.Id, StringComparer.Ordinal);

    private static QueryDefinition DetailsQuery(string text, IncomingCredit line) =>
        new QueryDefinition(text)
            .WithParameter("@account", line.VirtualAccount).WithParameter("@amount", line.AmountMinor).WithParameter("@currency", line.Currency)
            .WithParameter("@from", line.BookedOn.AddDays(-StatementDateToleranceDays)).WithParameter("@to", line.BookedOn.AddDays(StatementDateToleranceDays))
            .WithParameter("@endToEnd", line.EndToEndId ?? "").WithParameter("@reference", line.CreditorReference ?? "");

    /// <summary>Credits the webhook announced, booked on or before <paramref name="bookedOnOrBefore"/>, that no statement has listed.</summary>
    internal Task<IReadOnlyList<BankCreditDocument>> NotOnStatementAsync(DateOnly bookedOnOrBefore, CancellationToken cancellationToken) =>
        container.QueryAllAsync<BankCreditDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.source = 'webhook' AND NOT IS_DEFINED(c.listedAs) AND c.state = 'booked' AND c.bookedOn <= @date")
                .WithParameter("@date", bookedOnOrBefore), null, cancellationToken);

    /// <summary>How far a statement's booking date and the webhook's may differ for the same credit (banks book late in the day, statements cut at midnight).</summary>
    public const int StatementDateToleranceDays = 2;

    /// <summary>The credit a statement line (its bank reference) claimed before — by details, under another reference — or null.</summary>
    internal async Task<BankCreditDocument?> ClaimedByAsync(string lineReference, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.listedAs = @line").WithParameter("@line", lineReference);
        return (await container.QueryAllAsync<BankCreditDocument>(query, null, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Claims the credit for a statement line (If-Match on the copy given): listed as <paramref name="lineReference"/> by
    /// <paramref name="statementId"/>. Null when the credit changed meanwhile (read it again and judge again).
    /// </summary>
    internal Task<BankCreditDocument?> ClaimAsync(BankCreditDocument credit, string lineReference, string statementId, CancellationToken cancellationToken) =>
        TryReplaceAsync(credit, credit with { ListedAs = lineReference, StatementId = statementId, UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) }, cancellationToken);

    /// <summary>The ladder's placement of the credit, on what the collections are now (docs/COLLECTION.md "Matching").</summary>
    private async Task<CreditPlacement> DecideAsync(BankCreditDocument credit, CancellationToken cancellationToken)
    {
        var owner = await accounts.OwnerOfAsync(credit.VirtualAccount, cancellationToken);
        // An account given out for one collection names it, as a reference would (the reference the credit carries wins).
        var reference = credit.CreditorReference
            ?? (owner?.CollectionId is { } own ? (await collections.ReadAsync(owner.MerchantId, own, cancellationToken))?.CreditorReference : null);
        var candidates = await collections.CandidatesAsync(owner?.MerchantId, owner?.PayerReference, reference, cancellationToken);
        var match = CreditMatching.Match(
            new BankCredit(credit.BankTransactionId, credit.AmountMinor, credit.Currency, reference, credit.BookedOn), owner is not null, [.. candidates.Select(DueOf)]);
        var collection = match.CollectionId is { } id ? candidates.Single(c => c.Id == id) : null;
        // A credit placed by its reference alone (or aside, to the payer of a closed collection it names) belongs to that collection's payer.
        var named = collection ?? (reference is null ? null : candidates.FirstOrDefault(c => c.CreditorReference == reference));
        var merchantId = owner?.MerchantId ?? named?.MerchantId;
        var payer = owner?.PayerReference ?? named?.Payer.Reference;
        var walletId = collection is null ? null : collection.WalletId ?? CollectionLedger.CollectionWalletIdOf(collection.MerchantId, Currency.Parse(credit.Currency));
        var allocations = merchantId is null
            ? [new Allocation(AllocationTarget.Suspense, credit.AmountMinor)] // A known collection's reference with no payer cannot happen; suspense is the safe side.
            : match.Allocations;
        return new CreditPlacement(merchantId, payer, collection?.Id, collection?.ETag, walletId, allocations, match.WrittenOffMinor, match.NewStatus, match.Exception);
    }

    /// <summary>
    /// Records the placement on its collection, or finds it recorded: true then. False when the collection changed since
    /// the placement was made and does not list the credit (nobody can record that placement any more).
    /// </summary>
    private async Task<bool> RecordOnCollectionAsync(BankCreditDocument credit, string collectionId, CancellationToken cancellationToken)
    {
        var placement = credit.Placement!;
        var collection = await collections.ReadAsync(placement.MerchantId!, collectionId, cancellationToken)
            ?? throw new InvalidOperationException($"Bank credit {credit.Id} is placed on collection {collectionId}, which does not exist.");
        if (collection.Credits.Any(c => c.CreditId == credit.Id))
        {
            return true;
        }

        if (collection.ETag != placement.CollectionETag)
        {
            return false;
        }

        return await collections.RecordCreditAsync(collection, credit, cancellationToken) is not null
            || (await collections.ReadAsync(placement.MerchantId!, collectionId, cancellationToken))?.Credits.Any(c => c.CreditId == credit.Id) == true;
    }

    private static CollectionDue DueOf(CollectionDocument c) =>
        new(c.Id, c.Currency, c.AmountMinor, c.PaidMinor, c.ToleranceMinor, new DateTimeOffset(CosmosTime.ToTicks(c.DueAtMicros), TimeSpan.Zero), c.Status, c.CreditorReference);

    /// <summary>Whether a statement's line is this credit as the webhook told it: the account, amount and currency, and the booking date within the tolerance.</summary>
    internal static bool SameDetails(BankCreditDocument credit, IncomingCredit line) =>
        credit.VirtualAccount == line.VirtualAccount && credit.AmountMinor == line.AmountMinor && credit.Currency == line.Currency
        && Math.Abs(credit.BookedOn.DayNumber - line.BookedOn.DayNumber) <= StatementDateToleranceDays;

    private static string Describe(CreditPlacement p) =>
        string.Join(", ", p.Allocations.Select(a => $"{a.AmountMinor} to {a.Target}")) + (p.CollectionId is { } id ? $" (collection {id}, {p.NewStatus})" : "")
        + (p.Exception is { } e ? $", exception {e}" : "");

    private async Task<BankCreditDocument> CreateOrReadAsync(BankCreditDocument credit, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.CreateItemAsync(credit, new PartitionKey(credit.Id), NoContent.Item, cancellationToken);
            return credit with { ETag = response.ETag };
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return await container.ReadOrNullAsync<BankCreditDocument>(credit.Id, credit.Id, cancellationToken)
                ?? throw new InvalidOperationException($"Bank credit {credit.Id} conflicted on create but cannot be read.");
        }
    }

    /// <summary>Replaces the credit If-Match; null when another writer came first.</summary>
    private async Task<BankCreditDocument?> TryReplaceAsync(BankCreditDocument before, BankCreditDocument after, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.ReplaceItemAsync(after with { ETag = null }, before.Id, new PartitionKey(before.Id),
                new ItemRequestOptions { IfMatchEtag = before.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            return after with { ETag = response.ETag };
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>Replaces the credit If-Match; when another writer came first, answers what it wrote instead.</summary>
    private async Task<BankCreditDocument> ReplaceOrReadAsync(BankCreditDocument before, BankCreditDocument after, CancellationToken cancellationToken) =>
        await TryReplaceAsync(before, after with { UpdatedMicros = Math.Max(after.UpdatedMicros, CosmosTime.ToMicros(time.GetUtcNow())) }, cancellationToken)
        ?? await container.ReadOrNullAsync<BankCreditDocument>(before.Id, before.Id, cancellationToken)
        ?? throw new InvalidOperationException($"Bank credit {before.Id} vanished.");
}

/// <summary>A credit as the bank announces it (webhook) or lists it (statement), checked.</summary>
/// <param name="VirtualAccount">Electronic IBAN.</param>
/// <param name="CreditorReference">The RF reference of the remittance information, normalized, or null.</param>
public sealed record IncomingCredit(
    string BankTransactionId, string VirtualAccount, long AmountMinor, string Currency, string? PayerName, string? RemittanceInfo,
    string? CreditorReference, string? EndToEndId, DateOnly BookedOn);
