using Microsoft.Azure.Cosmos;
using Pipeline.Application.Ledger;
using Pipeline.Application.Payments;

namespace Pipeline.Application.Tests.Payments;

internal static class PaymentAssertions
{
    /// <summary>The books balance, and each of the merchant's payments says what its ledger transfers say.</summary>
    public static async Task AssertAgreesWithLedgerAsync(Database database, ILedgerStore ledger, string merchant, TimeProvider time)
    {
        Assert.True((await ledger.AuditAsync()).Balanced, "The ledger audit is not balanced.");
        Assert.Empty(await new PaymentLedgerCheck(database, ledger, time).FindDisagreementsAsync(merchant, default));
    }
}
