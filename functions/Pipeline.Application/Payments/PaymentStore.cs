using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>What became of a payment request: the payment, and the refusal when the operation did not go through.</summary>
public sealed record PaymentOutcome(PaymentView? Payment, PaymentRefusal? Refusal);

/// <summary>
/// Payments from wallets: the document (see <see cref="Payment"/> for the protocol) and the ledger
/// transfers behind each transition. Money goes from the wallet to the merchant's revenue account and back.
/// </summary>
public sealed partial class PaymentStore(
    Database database, ILedgerStore ledger, WalletStore wallets, TimeProvider time, IOptions<PaymentOptions> options, ILogger<PaymentStore> logger)
{
    public const string ContainerName = "payments";

    private const string IdPrefix = "pay_";

    /// <summary>Rounds of read, finish-what-is-pending, try-to-begin before a request gives up under contention (each round is a whole operation, so fewer than <see cref="Contention.AttemptsMax"/>).</summary>
    private const int AttemptsMax = 64;

    /// <summary>A read finishes an operation left pending only after this long: a younger one is still being run by its request.</summary>
    private static readonly TimeSpan ReadFinishesAfter = TimeSpan.FromSeconds(5);

    /// <summary>The merchant's revenue account takes a credit from every payment: spread over partitions.</summary>
    private const int RevenueCreditShards = 4;

    private readonly Container container = database.GetContainer(ContainerName);
    private readonly ConcurrentDictionary<LedgerId, bool> openedAccounts = new();

    public static ContainerProperties ContainerProperties() => OutboxContainers.ListedNewestFirst(ContainerName);

    /// <summary>Where a merchant's payments are credited in a currency (credit-normal; refunds are debited from it).</summary>
    public static LedgerId RevenueAccountOf(string merchantId, Currency currency) => LedgerId.FromName($"merchant:{merchantId}:revenue:{currency}");

    private long NowMicros => CosmosTime.ToMicros(time.GetUtcNow());

    /// <param name="idempotencyKey">
    /// The request's Idempotency-Key, if any. The payment's id is then derived from it: a retry after an answer
    /// that never arrived (a crash, a 5xx — whose response is not kept) finds the payment the first attempt made,
    /// or its charge, instead of charging a second time.
    /// </param>
    public async Task<PaymentOutcome> CreateAsync(string merchantId, CreatePaymentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wallet = await wallets.FindAsync(merchantId, request.Source.WalletId, cancellationToken);
        if (wallet is null)
        {
            return Refused(PaymentRefusalKind.NotFound, ErrorCodes.NotFound, "No wallet of yours has the id in source.walletId.");
        }

        if (wallet.Currency != request.Currency)
        {
            return Refused(PaymentRefusalKind.CurrencyMismatch, PaymentErrors.CurrencyMismatch, $"The wallet holds {wallet.Currency}; the payment is in {request.Currency}.");
        }

        await EnsureRevenueAccountAsync(merchantId, Currency.Parse(request.Currency), cancellationToken);
        var id = idempotencyKey is null ? ResourceIds.New(IdPrefix) : ResourceIds.Derived(IdPrefix, $"{merchantId}\n{idempotencyKey}");
        if (request.CaptureMethod == CaptureMethod.Automatic)
        {
            return await ChargeAsync(merchantId, id, request, idempotencyKey is not null, cancellationToken);
        }

        var payment = PaymentRules.Open(id, merchantId, request.Terms(), options.Value.AuthorizationWindow, NowMicros);
        if (await PaymentWrites.CreateAsync(container, payment, cancellationToken) is { } created)
        {
            var finished = await FinishPendingAsync(created, cancellationToken);
            return OutcomeOf(finished, payment.Pending!.Id);
        }

        // The id is taken: by the first attempt under this Idempotency-Key (resume it), or — without a key, with 96
        // random bits — never.
        return idempotencyKey is not null
            ? await ResumeAsync(merchantId, id, request, cancellationToken)
            : throw new InvalidOperationException($"Payment {id} exists already: a new payment's random id was taken.");
    }

    /// <summary>
    /// An automatic payment in two writes: the ledger charge (the wallet's debit, with the finished payment document
    /// as its memo, in one batch of the wallet's partition), then the payment document. A crash between the two
    /// leaves the charge in flight with its memo, and the ledger's recovery stores the payment from it before it
    /// credits the merchant; the merchant's credit follows in the background, many payments per write.
    /// </summary>
    private async Task<PaymentOutcome> ChargeAsync(string merchantId, string id, CreatePaymentRequest request, bool keyed, CancellationToken cancellationToken)
    {
        // Under an Idempotency-Key the id may be taken already: by the first attempt (resume it), or by another payment (refuse).
        if (keyed && await ReadAsync(merchantId, id, cancellationToken) is not null)
        {
            return await ResumeAsync(merchantId, id, request, cancellationToken);
        }

        var now = NowMicros;
        var opened = PaymentRules.Open(id, merchantId, request.Terms(), options.Value.AuthorizationWindow, now);
        var transfer = TransferOf(opened, opened.Pending!.Steps[0]);
        var charged = PaymentCompletion.Complete(opened, [TransferResult.Ok], now);
        var result = await ledger.ChargeAsync(transfer, JsonSerializer.Serialize(charged, CosmosJson.Options), cancellationToken);
        var payment = result.IsSuccess() ? charged : PaymentCompletion.Complete(opened, [result], now);
        var outcome = await CreateChargedAsync(payment, request, cancellationToken);
        if (result.IsSuccess() && outcome.Refusal?.Code != ErrorCodes.IdempotencyKeyReused)
        {
            ledger.CompleteCharge(transfer);
        }

        // Refused as a reuse, the charge belongs to no payment the merchant can see: it is left in flight, where
        // recovery finds that its memo is not the stored payment and reports it (the audit shows the amount).
        return outcome;
    }

    /// <summary>
    /// Stores the charged (or declined) payment with its event; if it exists already — recorded by recovery, or by a
    /// retry — answers from that.
    /// </summary>
    private async Task<PaymentOutcome> CreateChargedAsync(Payment payment, CreatePaymentRequest request, CancellationToken cancellationToken)
    {
        return await PaymentWrites.CreateAsync(container, payment, cancellationToken) is not null
            ? OutcomeOf(payment, payment.History[0].Id)
            : await ResumeAsync(payment.MerchantId, payment.Id, request, cancellationToken);
    }

    /// <summary>The payment an earlier attempt with the same Idempotency-Key made, finished; refused if it was a different payment.</summary>
    private async Task<PaymentOutcome> ResumeAsync(string merchantId, string id, CreatePaymentRequest request, CancellationToken cancellationToken)
    {
        var payment = await ReadAsync(merchantId, id, cancellationToken)
            ?? throw new InvalidOperationException($"Payment {id} conflicted on create but cannot be read.");
        // Its first operation is the authorisation; finishing it gives the payment its history (bounded all the same).
        for (var attempt = 0; payment.History.Count == 0; attempt++)
        {
            payment = payment.Pending is null || attempt == Contention.AttemptsMax
                ? throw new InvalidOperationException($"Payment {id} has neither history nor a pending operation it can finish.")
                : await FinishPendingAsync(payment, cancellationToken);
        }

        return PaymentRules.IsPaymentOf(payment, request.Terms())
            ? OutcomeOf(payment, payment.History[0].Id)
            : Refused(PaymentRefusalKind.IdempotencyKeyReused, ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used for a different payment; use a new key.");
    }

    /// <summary>The payment, or null when the merchant has none with this id.</summary>
    public async Task<PaymentView?> GetAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        var payment = await ReadAsync(merchantId, id, cancellationToken);
        if (payment?.Pending is { } pending && NowMicros - pending.StartedMicros > ReadFinishesAfter.Ticks / 10)
        {
            payment = await FinishPendingAsync(payment, cancellationToken);
        }

        return payment is null ? null : View(payment);
    }

    private async Task EnsureRevenueAccountAsync(string merchantId, Currency currency, CancellationToken cancellationToken)
    {
        var account = RevenueAccountOf(merchantId, currency);
        if (openedAccounts.ContainsKey(account))
        {
            return;
        }

        var opened = await ledger.CreateAccountAsync(new NewAccount(account, currency, NormalBalance.Credit), RevenueCreditShards, cancellationToken);
        if (opened is not (CreateAccountResult.Ok or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"Opening the revenue account of merchant {merchantId} in {currency} answered {opened.Code()}.");
        }

        openedAccounts.TryAdd(account, true);
    }

    /// <summary>The payment, or null; an id that is not one of ours is not looked up at all.</summary>
    private async Task<Payment?> ReadAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        IsPaymentId(id) ? await container.ReadOrNullAsync<Payment>(id, merchantId, cancellationToken) : null;

    private static bool IsPaymentId(string id) => ResourceIds.IsValid(id, IdPrefix);

    private PaymentOutcome OutcomeOf(Payment payment, string operationId)
    {
        var record = payment.History.LastOrDefault(h => h.Id == operationId)
            ?? throw new InvalidOperationException($"Payment {payment.Id} finished without operation {operationId}.");
        return new PaymentOutcome(View(payment), record.Failure is { } code ? FailureOf(record.Kind, code) : null);
    }

    /// <summary>A refused ledger step: a decline for what authorises money, an expired window, else the ledger's own refusal.</summary>
    private static PaymentRefusal FailureOf(PaymentOperationKind kind, string code) => kind switch
    {
        PaymentOperationKind.Authorize or PaymentOperationKind.Increment => new(PaymentRefusalKind.Declined, code, "The wallet cannot pay this amount: the payment was declined."),
        _ when code == PaymentErrors.AuthorizationExpired => new(PaymentRefusalKind.AuthorizationExpired, code, "The authorisation window passed before the capture: the hold was released."),
        _ => new(PaymentRefusalKind.LedgerRefused, code, $"The ledger refused the {kind.ToString().ToLowerInvariant()}."),
    };

    private static PaymentOutcome Refused(PaymentRefusalKind kind, string code, string detail) => new(null, new PaymentRefusal(kind, code, detail));

    private static PartitionKey Key(string merchantId) => new(merchantId);
}
