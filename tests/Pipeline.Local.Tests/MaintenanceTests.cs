using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Ledger;
using Pipeline.Application.Maintenance;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Local.Tests;

/// <summary>The eternal maintenance orchestration runs on the Durable engine of the local host and expires holds.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class MaintenanceTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan PatienceMax = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_maintenance_orchestration_is_running_and_expires_a_hold_after_its_timeout()
    {
        var ledger = fixture.Host.App.Services.GetRequiredService<ILedgerStore>();
        var (funding, wallet, payee) = (LedgerId.Random(Random.Shared), LedgerId.Random(Random.Shared), LedgerId.Random(Random.Shared));
        await ledger.CreateAccountAsync(new NewAccount(funding, Currency.EUR, NormalBalance.Debit));
        await ledger.CreateAccountAsync(new NewAccount(wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        await ledger.CreateAccountAsync(new NewAccount(payee, Currency.EUR));
        Assert.Equal(TransferResult.Ok, await ledger.CreateTransferAsync(new Transfer { Id = LedgerId.Random(Random.Shared), DebitAccountId = funding, CreditAccountId = wallet, Amount = 500, Currency = Currency.EUR }));
        var hold = new Transfer { Id = LedgerId.Random(Random.Shared), DebitAccountId = wallet, CreditAccountId = payee, Amount = 200, Currency = Currency.EUR, Flags = TransferFlags.Pending, TimeoutSeconds = 1 };
        Assert.Equal(TransferResult.Ok, await ledger.CreateTransferAsync(hold));

        var instance = await fixture.Host.Durable.Client.GetInstanceAsync(LedgerMaintenanceOrchestrator.InstanceId);
        Assert.NotNull(instance);
        Assert.True(instance.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending, instance.RuntimeStatus.ToString());

        var deadline = DateTimeOffset.UtcNow + PatienceMax;
        while ((await ledger.GetTransferAsync(hold.Id))!.Value.State != PendingState.Expired && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(PendingState.Expired, (await ledger.GetTransferAsync(hold.Id))!.Value.State);
        Assert.Equal(500, (await ledger.GetAccountAsync(wallet))!.Value.AvailableMinor);
    }
}
