using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Benchmarks;

/// <summary>
/// The ledger core's apply path on in-memory state: one million operations per iteration against 10k or 1M
/// accounts, with a fresh ledger per iteration (built outside the measurement) so every transfer is new. Results
/// are reported per operation; throughput = 1 / mean. Accounts enforce "no overdraft" with a large limit, so the
/// limit check runs on every transfer but never refuses.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class LedgerCoreBenchmarks
{
    private const int Operations = 1_000_000;
    private const int BatchSize = 8_190;

    private LedgerId[] accountIds = [];
    private Transfer[] simple = [];
    private Transfer[] chainsOfThree = [];
    private Transfer[] pendingThenPost = [];
    private Ledger ledger = null!;
    private NaiveBalances naive = null!;
    private TransferResult[] results = [];

    [Params(10_000, 1_000_000)]
    public int Accounts { get; set; }

    [GlobalSetup]
    public void CreateWorkload()
    {
        var random = new Random(42);
        accountIds = [.. Enumerable.Range(0, Accounts).Select(_ => LedgerId.Random(random))];
        simple = [.. Enumerable.Range(0, Operations).Select(_ => RandomTransfer(random, TransferFlags.None))];
        chainsOfThree = [.. Enumerable.Range(0, Operations).Select(i =>
            RandomTransfer(random, i % 3 == 2 || i == Operations - 1 ? TransferFlags.None : TransferFlags.Linked))];
        pendingThenPost = [.. Enumerable.Range(0, Operations / 2).SelectMany(_ =>
        {
            var hold = RandomTransfer(random, TransferFlags.Pending);
            var post = new Transfer { Id = LedgerId.Random(random), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.PostPending };
            return new[] { hold, post };
        })];
        results = new TransferResult[Operations];
    }

    [IterationSetup]
    public void OpenAccounts()
    {
        ledger = new Ledger(TimeProvider.System, Accounts, Operations);
        naive = new NaiveBalances(Accounts, Operations);
        foreach (var id in accountIds)
        {
            ledger.CreateAccount(new NewAccount(id, Currency.EUR, NormalBalance.Credit, AccountFlags.DebitsMustNotExceedCredits, long.MaxValue / 4));
            naive.Open(id);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public int NaiveDictionary()
    {
        var applied = 0;
        foreach (ref readonly var transfer in simple.AsSpan())
        {
            applied += naive.Apply(transfer) ? 1 : 0;
        }

        return Check(applied);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int SingleTransfers()
    {
        var applied = 0;
        foreach (ref readonly var transfer in simple.AsSpan())
        {
            applied += ledger.CreateTransfer(transfer) == TransferResult.Ok ? 1 : 0;
        }

        return Check(applied);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int BatchedTransfers() => ApplyInBatches(simple);

    [Benchmark(OperationsPerInvoke = Operations)]
    public int LinkedChainsOfThree() => ApplyInBatches(chainsOfThree);

    [Benchmark(OperationsPerInvoke = Operations)]
    public int PendingThenPost() => ApplyInBatches(pendingThenPost);

    /// <summary>Batches end on a chain boundary (a multiple of 3) so no chain is cut open.</summary>
    private int ApplyInBatches(Transfer[] transfers)
    {
        for (var start = 0; start < transfers.Length; start += BatchSize)
        {
            var length = Math.Min(BatchSize, transfers.Length - start);
            ledger.CreateTransfers(transfers.AsSpan(start, length), results.AsSpan(start, length));
        }

        return Check(results.Count(r => r == TransferResult.Ok));
    }

    private static int Check(int applied) =>
        applied == Operations ? applied : throw new InvalidOperationException($"Only {applied} of {Operations} applied.");

    private Transfer RandomTransfer(Random random, TransferFlags flags)
    {
        var debit = random.Next(accountIds.Length);
        var credit = (debit + 1 + random.Next(accountIds.Length - 1)) % accountIds.Length;
        return new Transfer
        {
            Id = LedgerId.Random(random),
            DebitAccountId = accountIds[debit],
            CreditAccountId = accountIds[credit],
            Amount = 1 + random.Next(10_000),
            Currency = Currency.EUR,
            Flags = flags,
        };
    }
}
