using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Settlement;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Collection;

/// <summary>camt.053 statements reconciled against the ledger: every booked entry matched or booked once, the rest exceptions, the clearing account equal to the bank's.</summary>
[Collection(CosmosCollection.Name)]
public sealed class StatementImportTests(CosmosFixture cosmos)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(CollectionWorld.Now.UtcDateTime);

    [Fact]
    public async Task Announced_credits_are_confirmed_unannounced_ones_booked_and_the_clearing_account_equals_the_bank()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var first = await world.CollectionAsync(10_000, "cust-1");
        var second = await world.CollectionAsync(2_500, "cust-2");
        await world.ReceiveAsync(CollectionWorld.Credit(first.VirtualAccount, 10_000, first.CreditorReference, transactionId: "BANK-1"));

        var xml = Camt053Builder.Build("STMT-1", CollectionWorld.CollectionAccount, 0, "EUR",
        [
            Credit("BANK-1", 10_000, first.VirtualAccount, first.CreditorReference),
            Credit("BANK-2", 2_500, second.VirtualAccount, null, remittance: $"Invoice {second.CreditorReference}"),
            Credit("BANK-3", 999, first.VirtualAccount, null) with { IsBooked = false },
        ]);
        var report = (await world.ImportAsync(xml)).Single();

        Assert.Equal((1, 1, 1, 0), (report.CreditsAnnounced, report.CreditsBooked, report.PendingSkipped, report.CreditsDisagreeing));
        Assert.Equal((12_500L, 12_500L), (report.ClosingBalance, report.ClearingBalance));
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(second.Id)).Status);
        Assert.Equal(12_500, await world.CollectionWalletAsync());
        await world.AssertBalancedAsync(12_500);

        // The same statement again: nothing changes; the same ids with other entries: refused.
        Assert.Equal(report, (await world.ImportAsync(xml)).Single());
        var other = Camt053Builder.Build("STMT-1", CollectionWorld.CollectionAccount, 0, "EUR", [Credit("BANK-9", 1, first.VirtualAccount, null)]);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(other));
        var (_, refusal) = await world.Statements.ImportAsync(Camt053.Read(stream).Statements.Single(), default);
        Assert.Equal(StatementRefusal.ConflictingEntries, refusal);
        await world.AssertBalancedAsync(12_500);
    }

    [Fact]
    public async Task A_credit_announced_and_listed_under_different_bank_references_is_booked_once_either_way_round()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 4_000, collection.CreditorReference, transactionId: "WEBHOOK-REF"));
        var report = (await world.ImportAsync(Camt053Builder.Build("STMT-1", CollectionWorld.CollectionAccount, 0, "EUR",
            [Credit("STATEMENT-REF", 4_000, collection.VirtualAccount, collection.CreditorReference, Today.AddDays(1))]))).Single();
        Assert.Equal((1, 0), (report.CreditsAnnounced, report.CreditsBooked));

        // Listed first, announced days later under another reference.
        report = (await world.ImportAsync(Camt053Builder.Build("STMT-2", CollectionWorld.CollectionAccount, 4_000, "EUR",
            [Credit("STATEMENT-REF-2", 6_000, collection.VirtualAccount, collection.CreditorReference)]))).Single();
        Assert.Equal((0, 1), (report.CreditsAnnounced, report.CreditsBooked));
        var late = await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 6_000, collection.CreditorReference, transactionId: "LATE-WEBHOOK"));
        Assert.Equal("STATEMENT-REF-2", late.BankTransactionId);
        Assert.Equal("STATEMENT-REF-2", (await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 6_000, collection.CreditorReference, transactionId: "LATE-WEBHOOK"))).BankTransactionId);

        Assert.Equal((CollectionStatus.Paid, 10_000L), ((await world.GetAsync(collection.Id)).Status, (await world.GetAsync(collection.Id)).AmountPaid));
        await world.AssertBalancedAsync(10_000);
    }

    [Fact]
    public async Task A_statement_that_disagrees_or_a_credit_no_statement_lists_is_an_exception_until_a_statement_lists_it()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 3_000, transactionId: "BANK-1"));
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 2_000, transactionId: "BANK-2"));

        var report = (await world.ImportAsync(Camt053Builder.Build("STMT-5", CollectionWorld.CollectionAccount, 0, "EUR",
            [Credit("BANK-1", 3_001, collection.VirtualAccount, null), Credit("OTHER", 10, collection.VirtualAccount, null, Today.AddDays(3))]))).Single();
        Assert.Equal((1, 1, 2), (report.CreditsDisagreeing, report.CreditsBooked, report.NotOnStatement)); // BANK-1 disagrees, so neither is listed
        var open = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data;
        Assert.Contains(open, e => e.Kind == ExceptionKind.StatementDisagrees && e.BankTransactionId == "BANK-1" && e.HeldIn is null);
        Assert.Equal(2, open.Count(e => e.Kind == ExceptionKind.NotOnStatement));

        await world.ImportAsync(Camt053Builder.Build("STMT-6", CollectionWorld.CollectionAccount, 0, "EUR", [Credit("BANK-2", 2_000, collection.VirtualAccount, null)]));
        open = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data;
        Assert.DoesNotContain(open, e => e.Kind == ExceptionKind.NotOnStatement && e.BankTransactionId == "BANK-2");
        await world.AssertBalancedAsync(5_010);
    }

    [Fact]
    public async Task A_debit_executing_our_refund_books_it_out_of_the_bank_and_any_other_debit_is_an_exception()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var nobodys = CollectionWorld.Options.Value.Scheme().IbanOf(999_999);
        await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 2_500, transactionId: "BANK-1"));
        var exception = (await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, null, 10, null, default)).Data.Single();
        await world.Resolutions.ResolveAsync(null, exception.Id,
            new ResolveExceptionRequest(ResolutionAction.Refund, "Unknown sender", RefundAccount: new RefundAccount("X", "DE02120300000000202051")), "admin", default);

        var report = (await world.ImportAsync(Camt053Builder.Build("STMT-1", CollectionWorld.CollectionAccount, 0, "EUR",
        [
            Credit("BANK-1", 2_500, nobodys, null),
            Credit("BANK-2", 2_500, CollectionWorld.CollectionAccount, null) with { IsCredit = false, EndToEndId = PayoutFiles.EpcIdOf(exception.Id) },
            Credit("BANK-3", 700, CollectionWorld.CollectionAccount, null) with { IsCredit = false, EndToEndId = "SOMETHING-ELSE" },
        ]))).Single();

        Assert.Equal((1, 1, 1), (report.CreditsAnnounced, report.RefundsConfirmed, report.DebitsUnexplained));
        Assert.Equal(0, await world.BalanceAsync(CollectionLedger.RefundsOf(Currency.EUR)));
        Assert.Equal((-700L, 0L), (report.ClosingBalance, report.ClearingBalance)); // the unexplained debit: the bank and the ledger disagree by it
        Assert.Contains((await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, ExceptionStatus.Open, 10, null, default)).Data,
            e => e.Kind == ExceptionKind.UnexplainedDebit && e.Amount == 700);
        await world.AssertBalancedAsync(0);
    }

    private static Camt053EntrySpec Credit(string transaction, long amount, string account, string? reference, DateOnly? booked = null, string? remittance = null) =>
        new(transaction, amount, "EUR", IsCredit: true, IsBooked: true, booked ?? Today, account, null, reference, remittance, "ACME Bau GmbH");
}
