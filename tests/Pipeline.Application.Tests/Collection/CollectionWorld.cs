using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Merchants;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Collection;

/// <summary>
/// Collection on Cosmos DB with the real ledger: one merchant, its collections, bank credits, exceptions and their
/// resolutions, on a clock the tests move. Several "processes" (each with its own caches) share one database.
/// </summary>
internal sealed class CollectionWorld
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private CollectionWorld(Database database, string merchantId, FakeTimeProvider clock, IOptions<CollectionOptions> settings)
    {
        Settings = settings;
        Database = database;
        MerchantId = merchantId;
        Clock = clock;
        Ledger = new CosmosLedgerStore(database, clock);
        var process = NewProcess();
        (Store, Credits, Exceptions, Resolutions, Statements) = (process.Store, process.Credits, process.Exceptions, process.Resolutions, process.Statements);
    }

    public Database Database { get; }
    public string MerchantId { get; }
    public FakeTimeProvider Clock { get; }
    public CosmosLedgerStore Ledger { get; }
    public CollectionStore Store { get; }
    public BankCredits Credits { get; }
    public ReconciliationExceptions Exceptions { get; }
    public ExceptionResolutions Resolutions { get; }
    public StatementImport Statements { get; }

    /// <summary>The default settings (one virtual account per payer), whose scheme the tests use to make IBANs of the range.</summary>
    public static IOptions<CollectionOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new CollectionOptions { BankBic = "COBADEFFXXX" });

    /// <summary>This world's settings.</summary>
    public IOptions<CollectionOptions> Settings { get; }

    public static async Task<CollectionWorld> CreateAsync(CosmosFixture cosmos, CollectionOptions? settings = null)
    {
        var clock = new FakeTimeProvider(Now);
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var merchant = (await new MerchantStore(database, clock).CreateAsync("Müller Großhandel", null, default))!.Merchant.Id;
        return new CollectionWorld(database, merchant, clock, settings is null ? Options : Microsoft.Extensions.Options.Options.Create(settings));
    }

    /// <summary>Another process on the same database: its own ledger store, caches and services.</summary>
    public Process NewProcess()
    {
        var ledger = new CosmosLedgerStore(Database, Clock);
        var wallets = new WalletStore(Database, ledger, Clock);
        var accounts = new VirtualAccounts(Database, Settings);
        var store = new CollectionStore(Database, accounts, wallets, new MerchantStore(Database, Clock), new StartedWatches(), Settings, Clock);
        var collectionLedger = new CollectionLedger(ledger, wallets);
        var exceptions = new ReconciliationExceptions(Database, Clock);
        var credits = new BankCredits(Database, store, accounts, collectionLedger, exceptions, Clock, NullLogger<BankCredits>.Instance);
        return new Process(store, credits, exceptions, new ExceptionResolutions(exceptions, credits, store, collectionLedger, Clock),
            new StatementImport(Database, credits, exceptions, collectionLedger, Clock, NullLogger<StatementImport>.Instance));
    }

    public sealed record Process(CollectionStore Store, BankCredits Credits, ReconciliationExceptions Exceptions, ExceptionResolutions Resolutions, StatementImport Statements);

    /// <summary>The collecting account a statement is of: the platform's own account at the bank (its virtual accounts are under it).</summary>
    public const string CollectionAccount = "DE89370400440532013000";

    /// <summary>Imports a statement file built by <see cref="Camt053Builder"/>: its reports (the file must be valid).</summary>
    public async Task<IReadOnlyList<StatementReport>> ImportAsync(string xml)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml));
        var read = Camt053.Read(stream);
        Assert.Empty(read.Errors);
        var reports = new List<StatementReport>();
        foreach (var statement in read.Statements)
        {
            var (report, refusal) = await Statements.ImportAsync(statement, default);
            Assert.Null(refusal);
            reports.Add(report!);
        }

        return reports;
    }

    public async Task<CollectionView> CollectionAsync(long amount, string payer, int dueInDays = 14, long tolerance = 0, string currency = "EUR")
    {
        var request = new CreateCollectionRequest(amount, currency, new CollectionPayer("ACME Bau GmbH", payer), Now.AddDays(dueInDays), "PO-1", tolerance);
        return (await Store.CreateAsync(MerchantId, request, null, default)).Collection!;
    }

    public Task<CollectionView> GetAsync(string id) => Store.GetAsync(MerchantId, id, default)!;

    /// <summary>A credit as the bank's webhook announces it (a fresh bank transaction id unless given).</summary>
    public static IncomingCredit Credit(string account, long amount, string? reference = null, string currency = "EUR", string? transactionId = null, string? remittance = null) =>
        new(transactionId ?? $"TX-{Guid.NewGuid():N}", account, amount, currency, "ACME Bau GmbH", remittance ?? reference, reference ?? CreditorReference.FindIn(remittance), null,
            DateOnly.FromDateTime(Now.UtcDateTime));

    public async Task<BankCreditDocument> ReceiveAsync(IncomingCredit credit)
    {
        var (stored, refusal) = await Credits.ReceiveAsync(credit, BankCreditSource.Webhook, default);
        Assert.Null(refusal);
        return stored!;
    }

    public async Task<long> BalanceAsync(Domain.Ledgers.LedgerId account) => (await Ledger.GetAccountAsync(account))?.PostedMinor ?? 0;

    public Task<long> WalletBalanceAsync(string walletId) => BalanceAsync(WalletStore.AccountOf(walletId));

    public Task<long> CollectionWalletAsync(string currency = "EUR") => WalletBalanceAsync(CollectionLedger.CollectionWalletIdOf(MerchantId, Currency.Parse(currency)));

    public Task<long> PayerBalanceAsync(string payer, string currency = "EUR") => WalletBalanceAsync(CollectionLedger.PayerBalanceIdOf(MerchantId, payer, Currency.Parse(currency)));

    /// <summary>The ledger balances, and the bank clearing account holds exactly the credits booked from the bank.</summary>
    public async Task AssertBalancedAsync(long bankCreditsMinor, string currency = "EUR")
    {
        Assert.True((await Ledger.AuditAsync()).Balanced, "The ledger audit does not balance.");
        Assert.Equal(bankCreditsMinor, await BalanceAsync(CollectionLedger.BankClearingOf(Currency.Parse(currency))));
    }
}

/// <summary>No Durable engine here: the watches a collection starts are recorded (the local host's tests run the real orchestration).</summary>
internal sealed class StartedWatches : ICollectionWatch
{
    public List<CollectionWork> Started { get; } = [];

    public Task EnsureStartedAsync(CollectionWork work, CancellationToken cancellationToken)
    {
        lock (Started)
        {
            Started.Add(work);
        }

        return Task.CompletedTask;
    }
}
