using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Local;

/// <summary>
/// A walk through the ledger core with the flows the platform is built for: a top-up, a card-style hold that is
/// partly captured with the platform fee split off in a linked chain, a refund, and the audit that proves the
/// books balance. Every step prints what happened and the balances after it.
/// </summary>
public static class LedgerDemo
{
    private static readonly LedgerId Funding = LedgerId.FromName("demo:funding");
    private static readonly LedgerId Customer = LedgerId.FromName("demo:wallet:customer");
    private static readonly LedgerId Merchant = LedgerId.FromName("demo:wallet:merchant");
    private static readonly LedgerId Fees = LedgerId.FromName("demo:platform-fees");

    public static void Run(TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(output);
        var ledger = new Ledger(time);
        ledger.CreateAccount(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        ledger.CreateAccount(new NewAccount(Customer, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        ledger.CreateAccount(new NewAccount(Merchant, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        ledger.CreateAccount(new NewAccount(Fees, Currency.EUR));
        output.WriteLine("Pipeline ledger demo (in memory; the HTTP host arrives with the service runtime).");

        Step(output, ledger, "Top up the customer wallet with 100.00 EUR", Move("topup", Funding, Customer, 10_000));
        Step(output, ledger, "Authorise 60.00 EUR (a hold, 7 days)",
            Move("payment:auth", Customer, Merchant, 6_000) with { Flags = TransferFlags.Pending, TimeoutSeconds = 7 * 24 * 3600 });
        Transfer[] capture =
        [
            new() { Id = LedgerId.FromName("demo:payment:capture"), PendingId = LedgerId.FromName("demo:payment:auth"), Amount = 4_500, Flags = TransferFlags.PostPending | TransferFlags.Linked },
            Move("payment:fee", Merchant, Fees, 100),
        ];
        Step(output, ledger, "Capture 45.00 EUR and take a 1.00 EUR fee, linked: all or nothing", capture);
        Step(output, ledger, "Send the same capture again (a network retry): nothing moves twice", capture);
        Step(output, ledger, "Refund 50.00 EUR: more than the merchant holds", Move("refund", Merchant, Customer, 5_000));
        Step(output, ledger, "Refund 20.00 EUR", Move("refund-2", Merchant, Customer, 2_000));

        foreach (var (currency, totals) in ledger.Totals())
        {
            output.WriteLine($"Audit {currency}: debits {totals.DebitsPosted} = credits {totals.CreditsPosted} posted, "
                + $"{totals.DebitsPending} = {totals.CreditsPending} pending -> balanced: {totals.Balanced}");
        }
    }

    private static Transfer Move(string name, LedgerId from, LedgerId to, long amount) => new()
    {
        Id = LedgerId.FromName("demo:" + name),
        DebitAccountId = from,
        CreditAccountId = to,
        Amount = amount,
        Currency = Currency.EUR,
    };

    private static void Step(TextWriter output, Ledger ledger, string title, params Transfer[] batch)
    {
        var results = ledger.CreateTransfers(batch);
        output.WriteLine($"- {title}: {string.Join(", ", results.Select(r => r.Code()))}");
        output.WriteLine($"    customer {Balance(ledger, Customer)} | merchant {Balance(ledger, Merchant)} | fees {Balance(ledger, Fees)}");
    }

    private static string Balance(Ledger ledger, LedgerId id)
    {
        ledger.TryGetAccount(id, out var account);
        var available = new Money(account.AvailableMinor, account.Currency);
        var held = new Money(account.PendingOutMinor, account.Currency);
        return $"available {available.ToMajorString()}, held {held.ToMajorString()}";
    }
}
