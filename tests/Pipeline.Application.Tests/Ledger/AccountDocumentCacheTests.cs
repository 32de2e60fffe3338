using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

public sealed class AccountDocumentCacheTests
{
    [Fact]
    public void A_read_that_finishes_late_never_puts_an_older_copy_over_a_newer_one()
    {
        var cache = new AccountDocumentCache();
        var opened = AccountDocument.Open(new NewAccount(LedgerId.FromName("wallet"), Currency.EUR), 0, 1, 0);
        var credited = opened.WithTotals(new Account { Id = LedgerId.FromName("wallet"), Currency = Currency.EUR, CreditsPosted = 500 }, 1);

        cache.Set(credited);
        cache.Set(opened);

        Assert.Equal(500, cache.Get(opened.Pk)!.CreditsPosted);
        Assert.Equal(1, cache.Get(opened.Pk)!.Revision);
    }
}
