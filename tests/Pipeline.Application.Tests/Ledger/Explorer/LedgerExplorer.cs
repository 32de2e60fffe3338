using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger.Explorer;

/// <summary>
/// Seeded exploration of interleavings of the Cosmos ledger: several store instances (processes, each with its own
/// cache and its own skewed clock) on one database take random operations — transfers, charges, holds near their
/// due time, posts and voids, chains, resubmissions, account creations racing, recovery passes and expiry sweeps —
/// while writers crash or pause at random points of the protocol and other processes act meanwhile. After every step
/// <see cref="ExplorerInvariants"/> checks the books. Everything but the emulator's own timing follows the seed, and
/// operations only overlap at the chosen pause points, so a seed replays the same run.
/// </summary>
internal sealed class LedgerExplorer
{
    private const int Processes = 3;
    private static readonly Currency Eur = Currency.EUR;
    private static readonly LedgerId Funding = LedgerId.FromName("explorer:funding");

    private static readonly LedgerStep[] TransferSteps = [LedgerStep.TransferRecorded, LedgerStep.DebitApplied, LedgerStep.CreditApplied];
    private static readonly LedgerStep[] ChargeSteps = [LedgerStep.ChargeDebited, LedgerStep.ChargeCredited];
    private static readonly LedgerStep[] ResolveSteps =
        [LedgerStep.TransferRecorded, LedgerStep.HoldRead, LedgerStep.HoldClaimed, LedgerStep.Committed, LedgerStep.DebitApplied, LedgerStep.CreditApplied];

    private readonly Database database;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private readonly Random random;
    private readonly int seed;
    private readonly List<string> trace = [];
    private readonly TimeSpan[] skews = new TimeSpan[Processes];
    private readonly (CosmosLedgerStore Store, ScriptedFaults Faults)[] processes = new (CosmosLedgerStore, ScriptedFaults)[Processes];
    private readonly List<LedgerId> wallets = [];
    private readonly List<LedgerId> payees = [];
    private readonly List<Transfer> holds = [];
    private readonly List<Transfer> submitted = [];
    private readonly HashSet<LedgerId> charges = [];
    private int ids;
    private int hots;
    private readonly HashSet<LedgerId> closable = [];

    /// <summary>Transfers of this step's operations that may park: another process may decide them meanwhile, so their answers are not judged against the state after.</summary>
    private readonly HashSet<LedgerId> unjudged = [];

    public LedgerExplorer(Database database, int seed)
    {
        this.database = database;
        this.seed = seed;
        random = new Random(seed);
        for (var p = 0; p < Processes; p++)
        {
            skews[p] = TimeSpan.FromMilliseconds(random.Next(-3_000, 3_001));
            processes[p] = Start(p);
        }

        Invariants = new ExplorerInvariants(database, clock);
    }

    public IReadOnlyList<string> Trace => trace;

    public ExplorerInvariants Invariants { get; }

    /// <summary>Opens the accounts (the sharded merchant through a creation race), then takes <paramref name="steps"/> random steps.</summary>
    public async Task RunAsync(int steps)
    {
        var setup = processes[0].Store;
        await setup.CreateAccountAsync(new NewAccount(Funding, Eur, NormalBalance.Debit));
        for (var i = 0; i < 3; i++)
        {
            var wallet = LedgerId.FromName($"explorer:wallet:{i}");
            await setup.CreateAccountAsync(new NewAccount(wallet, Eur, Flags: AccountFlags.DebitsMustNotExceedCredits, LimitMinor: i == 2 ? 200 : 0, Tag: $"explorer-wallet-{i}"));
            await setup.CreateTransferAsync(new Transfer { Id = NextId("fund"), DebitAccountId = Funding, CreditAccountId = wallet, Amount = 1_500, Currency = Eur });
            wallets.Add(wallet);
        }

        payees.Add(LedgerId.FromName("explorer:payee"));
        await setup.CreateAccountAsync(new NewAccount(payees[0], Eur));
        payees.Add(LedgerId.FromName("explorer:hot:0"));
        closable.Add(payees[1]);
        await setup.CreateAccountAsync(new NewAccount(payees[1], Eur), creditShards: 3);
        await OpenAccountRaceAsync();
        await Invariants.CheckAsync("after opening the accounts");
        for (var step = 0; step < steps; step++)
        {
            await StepAsync(step);
            await Invariants.CheckAsync($"after step {step}");
        }

        await SettleAsync();
    }

    /// <summary>
    /// One step: a random operation on a random process, run plainly, crashed at a random point, or parked at one or
    /// two; while it is parked another process runs an operation (half the time a retry of the same request), which
    /// may park too; then the parked writers are resumed in random order, each until it parks again or ends.
    /// </summary>
    private async Task StepAsync(int step)
    {
        trace.Add($"step {step}:");
        // One step in eight races two attempts of one post or void near the hold's due time, both parking everywhere.
        var racing = random.Next(8) == 0 && holds.Count > 0;
        var operation = racing ? Resolve(nearDue: true) : NextOperation();
        var p = random.Next(Processes);
        var parked = new List<Running>();
        await LaunchAsync(p, operation, parked, parkEverywhere: racing);
        if (parked.Count > 0)
        {
            await Invariants.CheckAsync($"while P{p} is parked in step {step}");
            var retry = (racing || random.Next(3) > 0) && submitted.Count > 0 && submitted[^1].Id == operation.Target;
            await LaunchAsync((p + random.Next(1, Processes)) % Processes, retry ? Retry(submitted[^1]) : NextOperation(), parked, parkEverywhere: racing);
        }

        while (parked.Count > 0)
        {
            var next = parked[random.Next(parked.Count)];
            parked.Remove(next);
            trace.Add($"  resume P{next.Process} ({next.Operation.Name})");
            next.Faults.Resume();
            await ParkedOrDoneAsync(next, parked);
        }

        unjudged.Clear();
    }

    private async Task LaunchAsync(int p, Operation operation, List<Running> parked, bool parkEverywhere = false)
    {
        var (store, faults) = processes[p];
        var mode = parkEverywhere ? 2 : random.Next(8);
        (LedgerStep, LedgerId)? crash = mode < 2 ? Pick(operation.Gates) : null;
        // A parking writer stops at one or two of its points, or at every one of them (then each resume runs it to the next).
        var pauses = mode is >= 2 and < 5
            ? parkEverywhere || random.Next(2) == 0 ? [.. operation.Gates] : Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(operation.Gates)).Distinct().ToList()
            : new List<(LedgerStep, LedgerId)>();
        faults.Plan(pauses, crash);
        if (pauses.Count > 0)
        {
            unjudged.Add(operation.Target);
        }

        trace.Add($"  P{p} {operation.Name}{(crash is { } c ? $", crashing after {c.Item1}" : "")}"
            + (pauses.Count > 0 ? $", parking after {string.Join(" and ", pauses.Select(g => $"{g.Item1} of {Short(g.Item2)}"))}" : ""));
        await ParkedOrDoneAsync(new Running(p, operation, faults, Outcome(p, operation, operation.Run(store))), parked);
    }

    /// <summary>Waits until the writer parks (it joins <paramref name="parked"/>) or ends.</summary>
    private async Task ParkedOrDoneAsync(Running running, List<Running> parked)
    {
        var parking = running.Faults.Parked;
        if (await Task.WhenAny(parking, running.Done) == parking)
        {
            trace.Add($"    P{running.Process} parked");
            parked.Add(running);
            return;
        }

        await running.Done;
        running.Faults.Plan([], null);
    }

    /// <summary>Waits for an operation; a simulated crash restarts its process (a fresh cache); anything else is a defect.</summary>
    private async Task Outcome(int p, Operation operation, Task<string> running)
    {
        try
        {
            trace.Add($"    {operation.Name} -> {await running}");
        }
        catch (SimulatedCrashException e)
        {
            trace.Add($"    {operation.Name} -> {e.Message} P{p} restarts");
            processes[p] = Start(p);
        }
    }

    private (CosmosLedgerStore, ScriptedFaults) Start(int p)
    {
        var faults = new ScriptedFaults();
        return (new CosmosLedgerStore(database, new SkewedClock(clock, skews[p]), faults), faults);
    }

    private Operation NextOperation() => random.Next(20) switch
    {
        < 4 => PlainTransfer(),
        < 7 => Charge(),
        < 10 => Hold(),
        < 13 => Resolve(),
        13 => Chain(),
        14 => Resubmit(),
        15 when random.Next(3) == 0 => CloseAccount(),
        15 => Recover(),
        16 => Sweep(),
        17 => TopUp(),
        _ => AdvanceClock(),
    };

    private Operation PlainTransfer()
    {
        var transfer = Move(Pick(wallets), random.Next(2) == 0 ? Pick(wallets) : Pick(payees), random.Next(1, 700));
        return Submit("transfer", transfer, Gates(transfer.Id, TransferSteps));
    }

    private Operation TopUp()
    {
        var topUp = new Transfer { Id = NextId("top-up"), DebitAccountId = Funding, CreditAccountId = Pick(wallets), Amount = random.Next(100, 900), Currency = Eur };
        return Submit("top-up", topUp, Gates(topUp.Id, TransferSteps));
    }

    private Operation Charge()
    {
        // Never to an account that may be closed: a charge's credit account must stay open (ARCHITECTURE.md, "Charges").
        var move = Move(Pick(wallets), Pick(payees.Where(p => !closable.Contains(p)).ToList()), random.Next(1, 500));
        var charge = move with { Id = LedgerId.Reserved("explorer:charge:" + move.Id) }; // as payments' charges are
        var settle = random.Next(2) == 0;
        return new($"charge {Describe(charge)}{(settle ? " and settle it" : "")}", charge.Id, Gates(charge.Id, ChargeSteps), async store =>
        {
            submitted.Add(charge);
            charges.Add(charge.Id);
            var result = await JustifiedAsync(charge, await store.ChargeAsync(charge, null));
            if (settle)
            {
                await store.SettleChargeAsync(charge);
            }

            return result;
        });
    }

    private Operation Hold()
    {
        var hold = Move(Pick(wallets), Pick(payees), random.Next(1, 600)) with { Flags = TransferFlags.Pending, TimeoutSeconds = (uint)random.Next(1, 40) };
        holds.Add(hold);
        return Submit("hold", hold, Gates(hold.Id, TransferSteps));
    }

    private Operation Resolve(bool? nearDue = null)
    {
        if (holds.Count == 0)
        {
            return Hold();
        }

        var hold = random.Next(2) == 0 ? holds[^1] : Pick(holds);
        var post = random.Next(2) == 0;
        var amount = random.Next(4) switch
        {
            0 => Domain.Ledgers.Transfer.AmountOfPending,
            1 => hold.Amount + 1,
            _ => random.NextInt64(1, hold.Amount + 1),
        };
        var resolution = new Transfer
        {
            Id = NextId(post ? "post" : "void"), PendingId = hold.Id, Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
            Amount = post ? amount : Transfer.AmountOfPending,
        };
        // Half the time the clock is first brought to the hold's due instant, give or take the processes' skews, so that
        // one process finds it due while another does not. Its gates include those of the hold's expiry, which a
        // resolver that finds the hold due runs itself.
        nearDue ??= random.Next(2) == 0;
        var offset = TimeSpan.FromMilliseconds(random.Next(-3_000, 3_001));
        var submit = Submit($"{(post ? "post" : "void")} {amount} of hold {Short(hold.Id)}{(nearDue.Value ? " near its due time" : "")}", resolution,
            [.. Gates(resolution.Id, ResolveSteps), .. ExpiryGates(hold.Id)]);
        return submit with
        {
            Run = async store =>
            {
                if (nearDue.Value && (await new CosmosLedgerStore(database, clock).GetTransferAsync(hold.Id))?.ExpiresAt is > 0 and var due
                    && new DateTimeOffset(due, TimeSpan.Zero) + offset is var target && target > clock.GetUtcNow())
                {
                    clock.Advance(target - clock.GetUtcNow());
                }

                return await submit.Run(store);
            },
        };
    }

    private Operation Chain()
    {
        Transfer[] links =
        [
            new() { Id = NextId("link"), DebitAccountId = Funding, CreditAccountId = Pick(wallets), Amount = random.Next(1, 400), Currency = Eur, Flags = TransferFlags.Linked },
            Move(Pick(wallets), Pick(payees), random.Next(1, 900)) with { Flags = TransferFlags.Linked },
            Move(Pick(wallets), Pick(payees), random.Next(1, 300)) with { Flags = TransferFlags.Pending, TimeoutSeconds = (uint)random.Next(1, 40) },
        ];
        holds.Add(links[2] with { Flags = TransferFlags.Pending });
        (LedgerStep, LedgerId)[] gates = [.. links.Select(l => (LedgerStep.LinkHeld, l.Id)), (LedgerStep.Committed, links[0].Id)];
        return new($"chain {string.Join(" + ", links.Select(Describe))}", links[0].Id, gates, async store =>
            string.Join(",", (await store.CreateTransfersAsync(links)).Select(r => r.Code())));
    }

    /// <summary>
    /// A transfer or charge submitted before, again: the same (a retry) or with another amount (a client's mistake).
    /// A charge is retried as a charge: an id belongs to one kind of request (see ILedgerStore.ChargeAsync).
    /// </summary>
    private Operation Resubmit()
    {
        if (submitted.Count == 0)
        {
            return PlainTransfer();
        }

        var earlier = Pick(submitted);
        return Retry(random.Next(3) == 0 && !earlier.IsPostOrVoid ? earlier with { Amount = earlier.Amount + 1 } : earlier);
    }

    private Operation Retry(Transfer again)
    {
        var charge = charges.Contains(again.Id);
        (LedgerStep, LedgerId)[] gates = charge ? Gates(again.Id, ChargeSteps)
            : again.IsPostOrVoid ? [.. Gates(again.Id, ResolveSteps), .. ExpiryGates(again.PendingId)]
            : Gates(again.Id, TransferSteps);
        return new($"resubmit {(charge ? "charge " : "")}{Describe(again)}", again.Id, gates, async store =>
            (charge ? await store.ChargeAsync(again, null) : await store.CreateTransferAsync(again)).Code());
    }

    /// <summary>
    /// Closes the newest sharded account (a close races the credits and holds landing on its shards), and opens a new
    /// one for later credits: the account is closed in every partition or in none.
    /// </summary>
    private Operation CloseAccount()
    {
        var account = LedgerId.FromName($"explorer:hot:{hots}");
        var next = LedgerId.FromName($"explorer:hot:{++hots}");
        return new($"close {Short(account)}", account, [(LedgerStep.ShardClosed, account)], async store =>
        {
            await store.CreateAccountAsync(new NewAccount(next, Eur), creditShards: 3);
            payees.Add(next);
            closable.Add(next);
            return (await store.CloseAccountAsync(account)).Code();
        });
    }

    /// <summary>A recovery pass; its faults aim at some transfer it may drive.</summary>
    private Operation Recover()
    {
        var target = submitted.Count == 0 ? default : Pick(submitted).Id;
        return new("recovery pass", target, [.. Gates(target, [.. TransferSteps, .. ResolveSteps.Skip(1)]), .. Gates(target, ChargeSteps)],
            async store => $"{await store.RecoverAsync(TimeSpan.Zero)} driven");
    }

    private Operation Sweep()
    {
        var hold = holds.Count == 0 ? default : Pick(holds).Id;
        return new("expiry sweep", default, ExpiryGates(hold), async store => $"{await store.ExpirePendingTransfersAsync()} expired");
    }

    private Operation AdvanceClock()
    {
        var seconds = random.Next(1, 30);
        return new($"clock +{seconds} s", default, Gates(default, TransferSteps), _ =>
        {
            clock.Advance(TimeSpan.FromSeconds(seconds));
            return Task.FromResult("ok");
        });
    }

    /// <summary>A racing creation of a sharded account: one creator finds none and stalls, another opens it and credits land, then the first goes on.</summary>
    private async Task OpenAccountRaceAsync()
    {
        var merchant = LedgerId.FromName("explorer:merchant");
        var (late, lateFaults) = processes[1];
        lateFaults.Plan([(LedgerStep.AccountAbsent, merchant)], null);
        var parking = lateFaults.Parked;
        var creating = late.CreateAccountAsync(new NewAccount(merchant, Eur), creditShards: 4);
        await parking;
        await processes[2].Store.CreateAccountAsync(new NewAccount(merchant, Eur), creditShards: 4);
        payees.Add(merchant);
        for (var i = 0; i < 4; i++)
        {
            await processes[2].Store.CreateTransferAsync(Move(Pick(wallets), merchant, random.Next(1, 200)));
        }

        lateFaults.Resume();
        trace.Add($"  racing creation of the merchant account -> {(await creating).Code()}");
    }

    /// <summary>The end of a run: every clock far past every hold, every process recovers and sweeps; nothing may stay in flight.</summary>
    private async Task SettleAsync()
    {
        clock.Advance(TimeSpan.FromHours(2));
        foreach (var (store, _) in processes)
        {
            await store.RecoverAsync(TimeSpan.Zero);
            await store.ExpirePendingTransfersAsync();
            await store.RecoverAsync(TimeSpan.Zero);
        }

        await Invariants.CheckSettledAsync();
    }

    private Operation Submit(string kind, Transfer transfer, (LedgerStep, LedgerId)[] gates) =>
        new($"{kind} {Describe(transfer)}", transfer.Id, gates, async store =>
        {
            submitted.Add(transfer);
            return await JustifiedAsync(transfer, await store.CreateTransferAsync(transfer));
        });

    /// <summary>
    /// A new transfer refused for want of funds must be refused by the account as it stands right after (nothing else
    /// runs meanwhile but a parked writer): a refusal decided on a stale copy of the account would not be.
    /// </summary>
    private async Task<string> JustifiedAsync(Transfer transfer, TransferResult result)
    {
        if (result == TransferResult.InsufficientFunds && !unjudged.Contains(transfer.Id))
        {
            var debit = (await new CosmosLedgerStore(database, clock).GetAccountAsync(transfer.DebitAccountId))!.Value;
            Assert.True(TransferRules.CheckDebitSide(debit, transfer.Amount) == TransferResult.InsufficientFunds,
                $"{Describe(transfer)} was refused insufficient_funds, but its account holds {debit.CreditsPosted - debit.DebitsPosted - debit.DebitsPending} (+{debit.LimitMinor}).");
        }

        return result.Code();
    }

    private static (LedgerStep, LedgerId)[] Gates(LedgerId transfer, IEnumerable<LedgerStep> steps) => [.. steps.Select(step => (step, transfer))];

    /// <summary>The points of a hold's expiry (the ledger's own transfer "expire:&lt;hold&gt;").</summary>
    private static (LedgerStep, LedgerId)[] ExpiryGates(LedgerId hold) =>
        Gates(LedgerId.Reserved("expire:" + hold), [LedgerStep.TransferRecorded, LedgerStep.HoldRead, LedgerStep.HoldClaimed, LedgerStep.Committed]);

    private Transfer Move(LedgerId from, LedgerId to, long amount) =>
        new() { Id = NextId("t"), DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = Eur };

    private LedgerId NextId(string kind) => LedgerId.FromName($"explorer:{seed}:{kind}:{ids++}");

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Describe(Transfer t) =>
        t.IsPostOrVoid ? $"{Short(t.Id)} of {Short(t.PendingId)}" : $"{Short(t.Id)} {Short(t.DebitAccountId)}->{Short(t.CreditAccountId)} {t.Amount}{(t.IsPending ? " held" : "")}";

    private static string Short(LedgerId id) => id.ToString()[..6];

    /// <summary>An operation: what it is, its transfer, the points where its writer may crash or park, and how to run it on a process.</summary>
    private sealed record Operation(string Name, LedgerId Target, (LedgerStep Step, LedgerId Transfer)[] Gates, Func<CosmosLedgerStore, Task<string>> Run);

    /// <summary>An operation under way on a process.</summary>
    private sealed record Running(int Process, Operation Operation, ScriptedFaults Faults, Task Done);
}
