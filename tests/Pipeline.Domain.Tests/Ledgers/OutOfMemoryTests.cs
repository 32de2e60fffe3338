using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Domain.Tests.Ledgers.LedgerHarness;

namespace Pipeline.Domain.Tests.Ledgers;

/// <summary>
/// A transfer whose append runs out of memory must leave nothing behind (found in review: its id stayed in the index,
/// pointing at the next transfer's record, so a void of the failed id released another transfer's hold). Running out
/// of memory needs a small heap, which is a setting of the whole process: the test runs itself again in a child
/// test host with the heap limited to 512 MiB.
/// </summary>
public sealed class OutOfMemoryTests
{
    private const string ChildVariable = "PIPELINE_OUT_OF_MEMORY_CHILD";

    [Fact]
    public async Task An_append_that_runs_out_of_memory_leaves_its_id_unknown()
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) == "1")
        {
            Assert.True(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes <= 1L << 30, "The child runs with a limited heap.");
            AppendUntilOutOfMemoryThenCheck();
            return;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "test", typeof(OutOfMemoryTests).Assembly.Location, "--filter", $"FullyQualifiedName={typeof(OutOfMemoryTests).FullName}.{nameof(An_append_that_runs_out_of_memory_leaves_its_id_unknown)}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [ChildVariable] = "1", ["DOTNET_GCHeapHardLimit"] = "0x20000000" },
        };
        using var child = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = child.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = child.StandardError.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        var text = await output + await errors;
        Assert.True(child.ExitCode == 0 && text.Contains("Passed:     1", StringComparison.Ordinal), text);
    }

    private static void AppendUntilOutOfMemoryThenCheck()
    {
        const int transfers = 1 << 19; // the index is sized beyond this, so only the records' list grows next
        var ledger = new Ledger(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), 4, transfers);
        var funding = new LedgerId(1);
        var wallet = new LedgerId(2);
        Assert.Equal(CreateAccountResult.Ok, ledger.CreateAccount(new NewAccount(funding, Currency.EUR, NormalBalance.Debit)));
        Assert.Equal(CreateAccountResult.Ok, ledger.CreateAccount(new NewAccount(wallet, Currency.EUR)));
        for (var i = 0; i < transfers; i++)
        {
            Assert.Equal(TransferResult.Ok, ledger.CreateTransfer(Move(new LedgerId((UInt128)(1_000 + i)), funding, wallet, 1)));
        }

        var failed = AppendWithTheHeapFull(ledger, funding, wallet);

        var hold = new LedgerId((UInt128)0xBBBB << 64);
        Assert.False(ledger.TryGetTransfer(failed, out _));
        Assert.Equal(TransferResult.Ok, ledger.CreateTransfer(Move(hold, funding, wallet, 700, TransferFlags.Pending)));
        Assert.False(ledger.TryGetTransfer(failed, out _));
        Assert.Equal(TransferResult.PendingTransferNotFound, ledger.CreateTransfer(Void(new LedgerId((UInt128)0xCCCC << 64), failed)));
        Assert.True(ledger.TryGetTransfer(hold, out var held));
        Assert.Equal(PendingState.Pending, held.State);
    }

    /// <summary>Fills the heap but for a little, then appends transfers until one runs out of memory; its id.</summary>
    private static LedgerId AppendWithTheHeapFull(Ledger ledger, LedgerId funding, LedgerId wallet)
    {
        var ballast = new List<byte[]>();
        try
        {
            for (var i = 0; i < 1_000; i++)
            {
                ballast.Add(GC.AllocateUninitializedArray<byte>(4 << 20));
            }
        }
        catch (OutOfMemoryException)
        {
            // The heap is full: what is left is for the appends below.
        }

        ballast.RemoveRange(ballast.Count - 4, 4);
        GC.Collect();
        Exception? thrown = null;
        var id = default(LedgerId);
        for (var i = 1; thrown is null && i < 300_000; i++)
        {
            id = new LedgerId((UInt128)(uint)i << 64);
            var attempt = id;
            thrown = Record.Exception(() => ledger.CreateTransfer(Move(attempt, funding, wallet, 5)));
        }

        Assert.IsType<OutOfMemoryException>(thrown);
        ballast.Clear();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return id;
    }
}
