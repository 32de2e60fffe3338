using CsCheck;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Tests.Properties;

/// <summary>One randomly generated transfer, in terms of small indexes that a scenario turns into ids.</summary>
internal readonly record struct RawTransfer(int Id, int Debit, int Credit, long Amount, int Kind, int Pending, bool Linked, uint Timeout);

/// <summary>A batch of transfers, then the clock moves on by some seconds.</summary>
internal sealed record Step(RawTransfer[] Batch, int AdvanceSeconds);

/// <summary>A chart of accounts and the steps to run against it.</summary>
internal sealed record Scenario(NewAccount[] Accounts, Step[] Steps, int ReplayPrefix);

/// <summary>
/// Generators for random ledger workloads. Ids come from a small pool so that resubmissions, conflicting
/// resubmissions and posts of unrelated transfers happen often; amounts are small so that balance limits bite.
/// </summary>
internal static class LedgerModel
{
    public const int AccountCount = 8;
    public const int IdPool = 96;

    public static readonly Currency[] Currencies = [Currency.EUR, Currency.JPY];

    private static readonly Gen<NewAccount> Account =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 1], Gen.Int[0, 2], Gen.Long[0, 300], (currency, normal, flag, limit) =>
        {
            var flags = flag switch
            {
                1 => AccountFlags.DebitsMustNotExceedCredits,
                2 => AccountFlags.CreditsMustNotExceedDebits,
                _ => AccountFlags.None,
            };
            return new NewAccount(default, Currencies[currency], (NormalBalance)normal, flags, flags == AccountFlags.None ? 0 : limit);
        });

    private static readonly Gen<long> Amount = Gen.Frequency(
        (20, Gen.Long[1, 400]),
        (1, Gen.Const(0L)),
        (1, Gen.Const(Transfer.AmountOfPending)),
        (1, Gen.Long[long.MaxValue / 4, long.MaxValue / 2]));

    private static readonly Gen<RawTransfer> RawTransferGen =
        Gen.Select(Gen.Int[0, IdPool - 1], Gen.Int[0, AccountCount - 1], Gen.Int[0, AccountCount - 1], Amount,
            Gen.Int[0, 9], Gen.Int[0, IdPool - 1], Gen.Int[0, 4], Gen.Frequency((3, Gen.Const(0u)), (1, Gen.UInt[1, 90])),
            (id, debit, credit, amount, kind, pending, linked, timeout) =>
                new RawTransfer(id, debit, credit, amount, kind, pending, linked == 0, timeout));

    private static readonly Gen<Step> StepGen =
        Gen.Select(RawTransferGen.Array[1, 5], Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 60])), (batch, advance) => new Step(batch, advance));

    public static readonly Gen<Scenario> Scenarios =
        Gen.Select(Account.Array[AccountCount], StepGen.Array[30, 50], Gen.Int[1, 50], (accounts, steps, prefix) =>
            new Scenario(
                [.. accounts.Select((a, i) => a with { Id = AccountId(i) })],
                steps,
                Math.Min(prefix, steps.Length)));

    public static LedgerId AccountId(int index) => LedgerId.FromName($"account-{index}");

    public static LedgerId TransferId(int index) => LedgerId.FromName($"transfer-{index}");

    /// <summary>Turns a raw transfer into a request; kind 9 sends it in the wrong currency on purpose.</summary>
    public static Transfer ToTransfer(RawTransfer raw, NewAccount[] accounts)
    {
        var flags = raw.Kind switch
        {
            <= 3 or 9 => TransferFlags.None,
            4 or 5 => TransferFlags.Pending,
            6 or 7 => TransferFlags.PostPending,
            _ => TransferFlags.VoidPending,
        };
        var isResolve = flags is TransferFlags.PostPending or TransferFlags.VoidPending;
        var currency = accounts[raw.Debit].Currency;
        return new Transfer
        {
            Id = TransferId(raw.Id),
            DebitAccountId = isResolve ? LedgerId.None : AccountId(raw.Debit),
            CreditAccountId = isResolve ? LedgerId.None : AccountId(raw.Credit),
            Amount = raw.Amount,
            Currency = raw.Kind == 9 ? Currencies.First(c => c != currency) : isResolve ? default : currency,
            PendingId = isResolve ? TransferId(raw.Pending) : LedgerId.None,
            TimeoutSeconds = flags == TransferFlags.Pending ? raw.Timeout : 0,
            Flags = flags | (raw.Linked ? TransferFlags.Linked : TransferFlags.None),
        };
    }
}
