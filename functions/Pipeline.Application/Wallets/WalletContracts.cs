using Pipeline.Application.Http;
using Pipeline.Application.Ledger;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Wallets;

/// <summary>Bounds of wallet amounts, enforced at the edge.</summary>
public static class WalletLimits
{
    /// <summary>Largest single amount in minor units (10^12: ten billion in a two-decimal currency).</summary>
    public const long AmountMinorMax = AmountLimits.AmountMinorMax;

    public const int ReferenceLengthMax = 140;
}

public sealed record CreateWalletRequest(WalletOwner Owner, string Currency, long? OverdraftLimit = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Owner.Reference) || Owner.Reference.Length > WalletLimits.ReferenceLengthMax)
        {
            errors["owner.reference"] = [$"Give the owner's reference, 1 to {WalletLimits.ReferenceLengthMax} characters."];
        }

        if (!Domain.Monetary.Currency.TryParse(Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (OverdraftLimit is < 0 or > WalletLimits.AmountMinorMax)
        {
            errors["overdraftLimit"] = [$"Use 0 to {WalletLimits.AmountMinorMax} minor units."];
        }

        return errors;
    }
}

public sealed record TopUpRequest(long Amount, string Reference) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => AmountRules.Check(Amount, Reference);
}

public sealed record TransferRequest(string FromWalletId, string ToWalletId, long Amount, string Currency, string Reference) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(AmountRules.Check(Amount, Reference));
        if (!Domain.Monetary.Currency.TryParse(Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (FromWalletId == ToWalletId)
        {
            errors["toWalletId"] = ["Pay another wallet than the one paying."];
        }

        return errors;
    }
}

/// <summary>The checks every amount and reference of a money movement share.</summary>
internal static class AmountRules
{
    public static IReadOnlyDictionary<string, string[]> Check(long amount, string reference)
    {
        var errors = new Dictionary<string, string[]>();
        CheckAmount(amount, "amount", errors);
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > WalletLimits.ReferenceLengthMax)
        {
            errors["reference"] = [$"Give a reference of 1 to {WalletLimits.ReferenceLengthMax} characters."];
        }

        return errors;
    }

    public static void CheckAmount(long amount, string field, Dictionary<string, string[]> errors)
    {
        if (amount is < 1 or > WalletLimits.AmountMinorMax)
        {
            errors[field] = [$"Use 1 to {WalletLimits.AmountMinorMax} minor units."];
        }
    }

    /// <summary>An amount that may be left out (meaning "all of it"), but when given is in range.</summary>
    public static IReadOnlyDictionary<string, string[]> CheckOptional(long? amount)
    {
        var errors = new Dictionary<string, string[]>();
        if (amount is { } value)
        {
            CheckAmount(value, "amount", errors);
        }

        return errors;
    }
}

/// <summary>A completed movement of money: the ledger transfer behind it.</summary>
public sealed record MoneyMovement(string TransferId, string? FromWalletId, string ToWalletId, long Amount, string Currency, string Reference);

public sealed record EntryView(string TransferId, string Kind, long PostedDelta, long PendingDelta, WalletBalances BalancesAfter, DateTimeOffset At)
{
    /// <summary>A wallet entry from the ledger's: wallets are credit-normal, so balance = credits − debits.</summary>
    internal static EntryView From(LedgerEntry entry) => new(
        entry.TransferId.ToString(),
        entry.Kind,
        entry.PostedDeltaMinor,
        entry.PendingDeltaMinor,
        new WalletBalances(
            entry.CreditsPosted - (entry.DebitsPosted + entry.DebitsPending),
            entry.DebitsPending,
            entry.CreditsPosted - entry.DebitsPosted),
        new DateTimeOffset(entry.Timestamp, TimeSpan.Zero));
}

public sealed record EntriesPage(IReadOnlyList<EntryView> Entries, string? Next);
