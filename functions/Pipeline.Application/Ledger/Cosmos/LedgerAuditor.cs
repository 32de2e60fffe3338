using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Whether the ledger on Cosmos DB balances: every partition summed per currency, with what is in flight.</summary>
internal sealed class LedgerAuditor(AccountDocuments accounts, TransferDocuments transfers)
{
    private const string AccountsAndChargesQuery = "SELECT * FROM c WHERE c.type = 'account' OR c.type = 'charge'";

    /// <summary>
    /// Sums every account partition per currency and adds what is in flight: for each unfinished transfer, what
    /// its debit-side entries moved minus what its credit-side entries moved; for each charge record, its debit if the
    /// scan holds it minus its credit if the scan holds that. A transfer that moves during the
    /// scan can make one scan inconsistent, so the audit repeats until the in-flight set is the same before and
    /// after the account scan (bounded); on a quiet ledger one scan is exact.
    /// </summary>
    public async Task<LedgerAudit> AuditAsync(CancellationToken cancellationToken)
    {
        LedgerAudit? audit = null;
        for (var scan = 0; scan < LedgerLimits.AuditScansMax; scan++)
        {
            var before = await transfers.Container.QueryAllAsync<TransferDocument>(new QueryDefinition(TransferDocuments.InFlightQuery), null, cancellationToken);
            // Accounts and charge records in one scan: a charge's record is written with its debit, and each side is
            // counted only if the scanned account already holds it (entry time ≤ the account's last entry time), so
            // charges that move during the scan are counted exactly, however fast they come.
            var scanned = await accounts.Container.QueryAllAsync<JsonElement>(new QueryDefinition(AccountsAndChargesQuery), null, cancellationToken);
            var all = scanned.Where(d => d.GetProperty("type").GetString() == "account").Select(d => d.Deserialize<AccountDocument>(CosmosJson.Options)!).ToList();
            var charges = scanned.Where(d => d.GetProperty("type").GetString() == "charge").Select(d => d.Deserialize<ChargeDocument>(CosmosJson.Options)!).ToList();
            var totals = new Dictionary<Currency, (Int128 Dp, Int128 Cp, Int128 Dpe, Int128 Cpe, Int128 Fp, Int128 Fpe)>();
            foreach (var account in all)
            {
                var currency = Currency.Parse(account.Currency);
                var t = totals.GetValueOrDefault(currency);
                totals[currency] = (t.Dp + account.DebitsPosted, t.Cp + account.CreditsPosted, t.Dpe + account.DebitsPending,
                    t.Cpe + account.CreditsPending, t.Fp, t.Fpe);
            }

            var shards = all.Where(a => a.Shard == 0).ToDictionary(a => a.AccountId, a => a.Shards, StringComparer.Ordinal);
            foreach (var transfer in before)
            {
                var (currency, posted, pending) = await InFlightAsync(transfer, shards, cancellationToken);
                var t = totals.GetValueOrDefault(currency);
                totals[currency] = t with { Fp = t.Fp + posted, Fpe = t.Fpe + pending };
            }

            var lastEntries = all.ToDictionary(a => a.Pk, a => a.LastEntryMicros, StringComparer.Ordinal);
            foreach (var charge in charges)
            {
                var debited = charge.DebitMicros <= lastEntries.GetValueOrDefault(charge.Pk, long.MinValue);
                var credit = await accounts.ReadEntryAsync(charge.CreditPartition, EntryId(charge.Request.Id), cancellationToken);
                var credited = ChargeCredits.IsCreditOf(credit, charge) && credit!.TimestampMicros <= lastEntries.GetValueOrDefault(charge.CreditPartition, long.MinValue);
                var t = totals.GetValueOrDefault(charge.Request.Currency);
                totals[charge.Request.Currency] = t with { Fp = t.Fp + (debited ? charge.Request.Amount : 0) - (credited ? charge.Request.Amount : 0) };
            }

            audit = new LedgerAudit(totals.ToDictionary(p => p.Key, p => new CurrencyAudit(p.Value.Dp, p.Value.Cp, p.Value.Dpe, p.Value.Cpe, p.Value.Fp, p.Value.Fpe)));
            var after = await transfers.Container.QueryAllAsync<TransferDocument>(new QueryDefinition(TransferDocuments.InFlightQuery), null, cancellationToken);
            if (SameInFlight(before, after) && audit.Balanced)
            {
                return audit;
            }
        }

        return audit!;
    }

    /// <summary>What one unfinished transfer has moved on its debit side and not yet on its credit side.</summary>
    private async Task<(Currency Currency, long Posted, long Pending)> InFlightAsync(TransferDocument transfer, Dictionary<string, int> shards, CancellationToken cancellationToken)
    {
        var request = transfer.Request;
        var debit = transfer.DebitAccountId ?? request.DebitAccountId.ToString();
        var credit = transfer.CreditAccountId ?? request.CreditAccountId.ToString();
        var shardKey = request.IsPostOrVoid ? request.PendingId : request.Id;
        if (!shards.TryGetValue(debit, out _) || !shards.TryGetValue(credit, out var creditShards))
        {
            return (default, 0, 0); // An account is missing: no side of this transfer can have been applied.
        }

        var debitPartition = AccountPartition(ParseId(debit), 0);
        var creditPartition = AccountPartition(ParseId(credit), CreditShard(shardKey, creditShards));
        long posted = 0, pending = 0;
        string[] entryIds = transfer.ChainId is null
            ? [EntryId(request.Id), ReversalId(request.Id)]
            : [.. "hpv".Select(phase => ChainEntryId(transfer.ChainId, phase, request.Id))];
        var sides = entryIds.Select(id => (debitPartition, id, 1)).Concat(entryIds.Take(transfer.ChainId is null ? 1 : 3).Select(id => (creditPartition, id, -1)));
        foreach (var (partition, id, sign) in sides)
        {
            var entry = await accounts.ReadEntryAsync(partition, id, cancellationToken);
            if (entry is { IsFence: false })
            {
                posted += sign * entry.PostedDelta;
                pending += sign * entry.PendingDelta;
            }
        }

        var account = await accounts.ReadCachedAsync(debitPartition, cancellationToken)
            ?? throw new InvalidOperationException($"Account partition {debitPartition} was scanned but cannot be read.");
        return (Currency.Parse(account.Currency), posted, pending);
    }

    private static bool SameInFlight(IReadOnlyList<TransferDocument> before, IReadOnlyList<TransferDocument> after) =>
        before.Select(t => t.ETag).Order(StringComparer.Ordinal).SequenceEqual(after.Select(t => t.ETag).Order(StringComparer.Ordinal));
}
