using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Durable;
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

    /// <summary>
    /// Every Functions instance's timer (and every local host) starts the eternal orchestration when it finds it not
    /// alive; started together, they all find it absent. No caller fails, the one instance ends up alive, and a
    /// later start leaves it alone instead of restarting it.
    /// </summary>
    [Fact]
    public async Task Starters_racing_on_an_absent_orchestration_start_it_once_and_none_fails()
    {
        var client = fixture.Host.Durable.Client;
        var instanceId = $"maintenance-race-{Guid.NewGuid():N}";
        var schedule = new MaintenanceSchedule(TimeSpan.FromHours(1));
        try
        {
            using var start = new Barrier(8);
            var started = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return MaintenanceScheduler.EnsureRunningAsync(client, instanceId, schedule, CancellationToken.None);
            })));

            // At least one start went through. How many report "started" depends on the backend: the Functions host
            // refuses a start whose instance is alive (OrchestrationAlreadyExistsException, a no-op here); the local
            // engine's gRPC sidecar ignores dedupe statuses, and its Azure Storage backend absorbs the duplicates.
            Assert.Contains(true, started);
            var first = await client.GetInstanceAsync(instanceId);
            Assert.NotNull(first);
            Assert.Contains(first.RuntimeStatus, SingletonOrchestration.Alive);

            // Asked again while it waits on its timer: left alone, not restarted (a restart makes a new creation time).
            await client.WaitForInstanceStartAsync(instanceId);
            Assert.False(await MaintenanceScheduler.EnsureRunningAsync(client, instanceId, schedule, CancellationToken.None));
            var again = await client.GetInstanceAsync(instanceId);
            Assert.Equal(first.CreatedAt, again!.CreatedAt);
            Assert.Equal(OrchestrationRuntimeStatus.Running, again.RuntimeStatus);
        }
        finally
        {
            await client.TerminateInstanceAsync(instanceId);
        }
    }
}
