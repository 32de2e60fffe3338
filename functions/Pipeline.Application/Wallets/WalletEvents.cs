using System.Text.Json;
using Pipeline.Application.Events;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Wallets;

/// <summary>
/// A wallet's events (docs/EVENTS.md). Neither has an outbox document: each is the record the change already wrote,
/// created once and never replaced — <c>wallet.created</c> is the wallet document (change 1), and the k-th entry of
/// the wallet's ledger account is <c>wallet.balance_changed</c> (change k + 1), numbered by the batch that wrote it.
/// </summary>
public static class WalletEvents
{
    public const string Created = "wallet.created";
    public const string BalanceChanged = "wallet.balance_changed";

    public static IReadOnlyList<string> Types { get; } = [Created, BalanceChanged];

    /// <summary>The wallet as it was opened: nothing in it yet (its account is new, and no entry can precede the document).</summary>
    internal static RelayedEvent CreatedOf(WalletDocument wallet) =>
        Of(Created, wallet, 1, wallet.CreatedMicros, new WalletBalances(0, 0, 0), transferId: null);

    /// <summary>The wallet with its balances just after <paramref name="entry"/>, and the transfer that wrote it.</summary>
    internal static RelayedEvent BalanceChangedOf(WalletDocument wallet, TaggedEntry entry) =>
        Of(BalanceChanged, wallet, entry.Sequence + 1, entry.TimestampMicros, EntryView.From(entry.Entry).BalancesAfter, entry.Entry.TransferId.ToString());

    private static RelayedEvent Of(string type, WalletDocument wallet, long sequence, long timeMicros, WalletBalances balances, string? transferId)
    {
        var data = JsonSerializer.SerializeToElement(wallet.ToView(balances), ApiJson.Options);
        var envelope = EventEnvelope.Of(type, $"/v1/wallets/{wallet.Id}", wallet.Id, sequence, timeMicros, data) with { TransferId = transferId };
        return new RelayedEvent(wallet.MerchantId, envelope);
    }
}
