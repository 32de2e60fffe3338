using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Opens accounts (with their credit shards) and reads an account's totals summed over its shards.</summary>
internal sealed class AccountBook(AccountDocuments accounts, TimeProvider time, ILedgerFaults faults)
{
    public async Task<CreateAccountResult> CreateAsync(NewAccount spec, int creditShards, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(creditShards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(creditShards, LedgerLimits.CreditShardsMax);
        if (spec.Tag is not null && creditShards != 1)
        {
            // Entries are numbered per partition: only an account of one partition numbers its entries without gaps.
            throw new ArgumentException("A tagged account has one partition.", nameof(creditShards));
        }

        var invalid = AccountRules.Validate(spec);
        if (invalid != CreateAccountResult.Ok)
        {
            return invalid;
        }

        var existing = await accounts.ReadAsync(AccountPartition(spec.Id, 0), cancellationToken);
        if (existing is null)
        {
            await faults.AfterAsync(LedgerStep.AccountAbsent, spec.Id);
            var main = AccountDocument.Open(spec, 0, creditShards, time.GetUtcNow().UtcTicks);
            try
            {
                existing = await accounts.CreateAsync(main, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                existing = await accounts.ReadAsync(main.Pk, cancellationToken)
                    ?? throw new InvalidOperationException($"Account {spec.Id} conflicted on create but cannot be read.");
                return AccountRules.CompareWithExisting(spec, existing.ToAccount());
            }

            await accounts.EnsureShardsAsync(existing, cancellationToken);
            return CreateAccountResult.Ok;
        }

        // A creation that died before opening every shard left the rest for whoever comes next.
        await accounts.EnsureShardsAsync(existing, cancellationToken);
        return AccountRules.CompareWithExisting(spec, existing.ToAccount());
    }

    public async Task<Account?> GetAsync(LedgerId id, CancellationToken cancellationToken)
    {
        var shards = await accounts.ReadShardsAsync(id, cancellationToken);
        if (shards.Count == 0)
        {
            return null;
        }

        var sum = shards[0].ToAccount();
        foreach (var shard in shards.Skip(1))
        {
            sum = sum
                .Debit(shard.DebitsPending, pending: true).Debit(shard.DebitsPosted, pending: false)
                .Credit(shard.CreditsPending, pending: true).Credit(shard.CreditsPosted, pending: false);
        }

        return sum;
    }
}
