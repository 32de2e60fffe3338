using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Charging;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// The money side of a running session: the token's answer and the hold behind it (a payment with manual capture,
/// docs/CHARGING.md "Sessions"), and the increments that keep the hold ahead of the running cost. Every payment call
/// has an idempotency key derived from the session, so two requests racing on one session make each hold and each
/// increment once; every decision is then recorded on the session by compare-and-swap.
/// </summary>
public sealed class SessionAuthorizer(
    ChargingSessionStore sessions, ChargingTokenStore tokens, WalletStore wallets, PaymentStore payments, IOptions<ChargingOptions> options,
    TimeProvider time, ILogger<SessionAuthorizer> logger)
{
    public const string Accepted = "Accepted";
    public const string Invalid = "Invalid";
    public const string Blocked = "Blocked";
    public const string NoCredit = "NoCredit";

    /// <summary>A hold is incremented when the running cost reaches this share of it (in percent).</summary>
    private const int IncrementAtPercent = 80;

    /// <summary>
    /// The decision <paramref name="record"/>'s token brings to <paramref name="session"/> (a draft when the event starts
    /// it), or null when it brings none: no token, or one decided already, or the session's price is fixed. The caller
    /// stores it with the event in one write, so no event with a token is ever stored without its decision (a finalizer
    /// that saw the event would otherwise capture nothing from a hold about to be made).
    /// </summary>
    public Task<SessionAuthorization?> DecisionAsync(ChargingSession session, SessionEventRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(record);
        return record.TokenId is null || session.Authorization is not null || session.IsFinal
            ? Task.FromResult<SessionAuthorization?>(null)
            : DecideAsync(session, record, cancellationToken)!;
    }

    /// <summary>
    /// A decision that was not stored (another request decided first, or the session's price was fixed meanwhile): the
    /// hold it made is released at once, unless it is the session's own (the same token's decision, made twice). A crash
    /// before this leaves the hold to expire with its window.
    /// </summary>
    public async Task ReleaseUnusedAsync(ChargingSession session, SessionAuthorization unused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(unused);
        if (unused is { Status: Accepted, PaymentId: { } paymentId } && session.Authorization?.PaymentId != paymentId)
        {
            await payments.RunAsync(session.MerchantId, paymentId, PaymentOperationKind.Cancel, null, $"charging:{session.Id}:unused", cancellationToken);
        }
    }

    /// <summary>
    /// Increments the hold when the running cost has reached <see cref="IncrementAtPercent"/> of it; when the wallet
    /// refuses, marks the session stop-requested (the station is answered NoCredit, and charging.session.stop_requested goes out).
    /// </summary>
    public async Task<ChargingSession> KeepAheadAsync(ChargingSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Authorization is not { Status: Accepted, PaymentId: { } paymentId } held || session.IsFinal || session.StopRequested
            || SessionPricing.Running(session).TotalMinor * 100 < held.HoldMinor * IncrementAtPercent)
        {
            return session;
        }

        var number = held.Increments + 1;
        var step = HoldStepMinor(session);
        var outcome = await payments.RunAsync(session.MerchantId, paymentId, PaymentOperationKind.Increment, step, $"charging:{session.Id}:increment:{number}", cancellationToken);
        if (outcome.Refusal is { Kind: PaymentRefusalKind.Busy })
        {
            return session; // Contention on the payment, not a refusal: the next event tries again.
        }

        var granted = outcome.Refusal is null;
        if (!granted)
        {
            logger.LogInformation("Session {SessionId}: increment {Number} of {Step} refused ({Code}); the station is asked to stop", session.Id, number, step, outcome.Refusal!.Code);
        }

        for (var attempt = 0; ; attempt++)
        {
            if (session.Authorization!.Increments >= number || session.StopRequested || session.IsFinal)
            {
                return session; // Recorded by another request already.
            }

            var next = session with
            {
                Authorization = granted ? session.Authorization with { HoldMinor = session.Authorization.HoldMinor + step, Increments = number } : session.Authorization,
                StopRequested = !granted,
                UpdatedMicros = Cosmos.CosmosTime.ToMicros(time.GetUtcNow()),
            };
            if (await sessions.WriteAsync(session, next, granted ? [] : [SessionEvents.StopRequested], cancellationToken) is { } written)
            {
                return written;
            }

            await Cosmos.Contention.BackOffAsync(attempt, cancellationToken);
            session = await sessions.GetAsync(session.MerchantId, session.Id, cancellationToken) ?? throw new InvalidOperationException($"Session {session.Id} vanished.");
        }
    }

    /// <summary>What the token alone says (a token presented to stop a session it did not start): Accepted, Blocked or Invalid.</summary>
    public async Task<string> TokenStatusAsync(string merchantId, SessionEventRecord record, CancellationToken cancellationToken) =>
        await FindTokenAsync(merchantId, record, cancellationToken) switch
        {
            null => Invalid,
            { Status: TokenStatus.Blocked } => Blocked,
            _ => Accepted,
        };

    /// <summary>
    /// The hold: what the tariff can charge a session up to the station's energy cap (or the default) over the session's
    /// longest run (<see cref="HoldSizing"/>). Increments add the same again.
    /// </summary>
    public long HoldStepMinor(ChargingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var hours = (decimal)(session.DeadlineMicros - session.CreatedMicros) / 3_600_000_000m;
        var energyKwh = (session.MaxEnergyWh ?? options.Value.HoldEnergyWh) / 1000m;
        return HoldSizing.UpperBoundMinor(TariffValidation.ToDomain(session.TariffId, session.Tariff), energyKwh, hours);
    }

    private async Task<SessionAuthorization?> DecideAsync(ChargingSession session, SessionEventRecord record, CancellationToken cancellationToken)
    {
        var token = await FindTokenAsync(session.MerchantId, record, cancellationToken);
        if (token is null)
        {
            return new SessionAuthorization { Status = Invalid, TokenId = record.TokenId };
        }

        if (token.Status == TokenStatus.Blocked)
        {
            return new SessionAuthorization { Status = Blocked, TokenId = token.Id };
        }

        var wallet = await wallets.FindAsync(session.MerchantId, token.WalletId, cancellationToken);
        if (wallet is null || wallet.Currency != session.Tariff.Currency)
        {
            logger.LogWarning("Session {SessionId}: token {TokenId}'s wallet {WalletId} is missing or not in the tariff's {Currency}", session.Id, token.Id, token.WalletId, session.Tariff.Currency);
            return new SessionAuthorization { Status = Invalid, TokenId = token.Id, WalletId = token.WalletId };
        }

        var amount = HoldStepMinor(session);
        var request = new CreatePaymentRequest(amount, session.Tariff.Currency, new PaymentSource(token.WalletId), CaptureMethod.Manual,
            Reference: $"Charging {session.StationId} {session.TransactionId}",
            Metadata: new Dictionary<string, string> { ["chargingSessionId"] = session.Id, ["stationId"] = session.StationId });
        var outcome = await payments.CreateAsync(session.MerchantId, request, HoldKey(session, token.Id), cancellationToken);
        var status = outcome.Payment?.Status switch
        {
            PaymentStatus.RequiresCapture => Accepted,
            PaymentStatus.Declined => NoCredit,
            _ when outcome.Refusal?.Kind == PaymentRefusalKind.Declined => NoCredit,
            _ => Invalid,
        };
        if (status == Invalid)
        {
            logger.LogWarning("Session {SessionId}: the hold of {Amount} was refused ({Code})", session.Id, amount, outcome.Refusal?.Code);
        }

        return new SessionAuthorization
        {
            Status = status, TokenId = token.Id, WalletId = token.WalletId, PaymentId = outcome.Payment?.Id, HoldMinor = status == Accepted ? amount : 0,
        };
    }

    private async Task<ChargingToken?> FindTokenAsync(string merchantId, SessionEventRecord record, CancellationToken cancellationToken) =>
        record.TokenId is null || ChargingTokenRules.Refusal(record.IdTokenType!, record.IdToken) is not null
            ? null
            : await tokens.GetAsync(merchantId, record.TokenId, cancellationToken);

    /// <summary>One hold per session and token: a retry finds the first attempt's payment; another token's hold is another payment.</summary>
    private static string HoldKey(ChargingSession session, string tokenId) => $"charging:{session.Id}:hold:{tokenId}";
}
