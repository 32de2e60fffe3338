using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Payments;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// POST /charging/stations/{stationId}/transaction-events: records an OCPP 2.0.1 TransactionEvent on its session (one
/// per station and transactionId), decides authorisation and keeps the hold ahead of the cost, and answers the
/// station (docs/CHARGING.md "Sessions"). The same event again (same seqNo, same content) changes nothing and gets the
/// same kind of answer; another event under a seqNo already taken is refused.
/// </summary>
public sealed class TransactionEventRecorder(
    ChargingSessionStore sessions, ChargingStationStore stations, TariffStore tariffs, SessionAuthorizer authorizer, SessionWatch watch, SessionFinalizer finalizer,
    IOptions<ChargingOptions> options, IOptions<PaymentOptions> paymentOptions, TimeProvider time, ILogger<TransactionEventRecorder> logger)
{
    public const string EventConflict = "transaction_event_conflict";
    public const string SessionTooLong = "session_too_long";

    /// <summary>Rounds of read and compare-and-swap before a request gives up under contention (503: the station retries).</summary>
    private const int AttemptsMax = 32;

    public async Task<ApiResponse> RecordAsync(Caller device, string stationId, TransactionEventRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(request);
        var merchantId = device.MerchantId!;
        if (await stations.GetAsync(merchantId, stationId, cancellationToken) is not { } station || station.DeviceId != device.DeviceId)
        {
            return ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No station with this id is signed for by this device (PUT /api/v1/charging/stations/{stationId}).");
        }

        if (TransactionEventValidation.ClockErrors(request, time.GetUtcNow()) is { Count: > 0 } clock)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The station's clock is not believable.", clock);
        }

        var record = RecordOf(merchantId, request);
        var (session, refusal) = await StoreAsync(station, request.TransactionInfo.TransactionId, record, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        session = await authorizer.KeepAheadAsync(session!, cancellationToken);
        if (!session.IsFinal && session.EndedEvent is not null)
        {
            session = await EndOrWatchAsync(session, record.EventType == OcppEnums.Ended, cancellationToken);
        }

        return ApiResponse.Ok(await AnswerAsync(session, record, cancellationToken));
    }

    /// <summary>
    /// A session with Ended: when every event from Started to Ended is here, it ends now, in this request (the finalizer's
    /// steps are safe to run beside the orchestration's), so the capture follows the last event at once and costs the
    /// Durable backend nothing — and a station's resend of any event tries again if this failed. With events still
    /// missing, an Ended (or its resend) makes sure of the orchestration (a session created beside one that was giving up
    /// could have none) and wakes it, so it waits the grace for them from now rather than until the idle timeout.
    /// </summary>
    private async Task<ChargingSession> EndOrWatchAsync(ChargingSession session, bool ended, CancellationToken cancellationToken)
    {
        var work = new SessionWork(session.MerchantId, session.Id, session.CreatedMicros);
        if (session.IsComplete)
        {
            try
            {
                await finalizer.CheckAsync(work, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or Microsoft.Azure.Cosmos.CosmosException)
            {
                // Contention, a busy payment, the database: the orchestration ends it (it retries), woken now.
                logger.LogWarning(e, "Session {SessionId}: ending it in the request failed; the orchestration ends it", session.Id);
                await watch.EnsureStartedAsync(work, cancellationToken);
                await watch.WakeAsync(session.Id, cancellationToken);
            }

            return await sessions.GetAsync(session.MerchantId, session.Id, cancellationToken) ?? session;
        }

        if (ended)
        {
            await watch.EnsureStartedAsync(work, cancellationToken);
            await watch.WakeAsync(session.Id, cancellationToken);
        }

        return session;
    }

    private SessionEventRecord RecordOf(string merchantId, TransactionEventRequest request) => new()
    {
        SeqNo = request.SeqNo,
        EventType = request.EventType,
        Timestamp = request.Timestamp,
        TriggerReason = request.TriggerReason,
        ChargingState = request.TransactionInfo.ChargingState,
        StoppedReason = request.TransactionInfo.StoppedReason,
        Offline = request.Offline ?? false,
        Readings = TransactionEventValidation.EnergyReadings(request),
        IdToken = request.IdToken?.IdToken,
        IdTokenType = request.IdToken?.Type,
        TokenId = request.IdToken is { Type: not OcppEnums.NoAuthorization } token ? ChargingTokenStore.IdOf(merchantId, token.Type, token.IdToken) : null,
        ReceivedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
    };

    /// <summary>
    /// Adds the event to its session (creating the session with its first event), with the decision its token brings
    /// in the same write; the session as stored, or the refusal. The decision (and its hold) is made once and kept across
    /// rounds of contention; one that is not stored in the end is released.
    /// </summary>
    private async Task<(ChargingSession? Session, ApiResponse? Refusal)> StoreAsync(
        ChargingStation station, string transactionId, SessionEventRecord record, CancellationToken cancellationToken)
    {
        var id = ChargingSessionStore.IdOf(station.MerchantId, station.Id, transactionId);
        SessionAuthorization? decision = null;
        ChargingSession? draft = null;
        for (var attempt = 0; attempt < AttemptsMax; attempt++)
        {
            if (attempt > 0)
            {
                await Contention.BackOffAsync(attempt - 1, cancellationToken);
            }

            var session = await sessions.GetAsync(station.MerchantId, id, cancellationToken);
            if (session is not null && Refusal(session, record) is { } refusal)
            {
                return (await DoneAsync(session, decision, cancellationToken), refusal.Problem);
            }

            var current = session ?? (draft ??= await DraftAsync(station, id, transactionId, record, cancellationToken));
            decision ??= await authorizer.DecisionAsync(current, record, cancellationToken);
            var apply = decision is not null && current.Authorization is null && !current.IsFinal;
            var next = current with
            {
                Events = session is null ? current.Events : [.. session.Events, record],
                LastEventMicros = record.ReceivedMicros,
                UpdatedMicros = record.ReceivedMicros,
                LateEvents = current.LateEvents + (current.IsFinal ? 1 : 0),
                Authorization = apply ? decision : current.Authorization,
                Status = apply ? (decision!.Status == SessionAuthorizer.Accepted ? SessionStatus.Authorized : SessionStatus.Rejected) : current.Status,
            };
            List<string> types = session is null ? [SessionEvents.Started] : [];
            if (apply)
            {
                types.Add(decision!.Status == SessionAuthorizer.Accepted ? SessionEvents.Authorized : SessionEvents.Rejected);
            }

            var work = new SessionWork(station.MerchantId, id, record.ReceivedMicros,
                Math.Min(record.ReceivedMicros + (options.Value.IdleTimeout.Ticks / TimeSpan.TicksPerMicrosecond), next.DeadlineMicros));
            // Started before the session is stored: no session ever exists without the orchestration that ends it (one
            // started for a session never stored ends on its own, finding none).
            var startedHere = session is null && await watch.EnsureStartedAsync(work, cancellationToken);
            if (await sessions.WriteAsync(session, next, types, cancellationToken) is { } written)
            {
                if (session is null && !startedHere)
                {
                    // Again after, when it was running already: one started for an earlier attempt that never stored the
                    // session may have given up meanwhile (it waits one idle timeout for the session to appear).
                    await watch.EnsureStartedAsync(work, cancellationToken);
                }

                if (current.IsFinal)
                {
                    logger.LogWarning("Session {SessionId}: event {SeqNo} came after the session was priced; kept, not priced", id, record.SeqNo);
                }

                return (await DoneAsync(written, decision, cancellationToken), null);
            }
        }

        logger.LogWarning("Session {SessionId}: event {SeqNo} gave up after {Attempts} rounds of contention", id, record.SeqNo, AttemptsMax);
        var busy = ApiResponse.Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The session is being changed by other requests; send the event again.");
        return (null, busy);
    }

    /// <summary>The event is here already (the same: a duplicate; another: a conflict), or the session is full; null to add it.</summary>
    private static (bool Duplicate, ApiResponse? Problem)? Refusal(ChargingSession session, SessionEventRecord record)
    {
        if (session.Events.FirstOrDefault(e => e.SeqNo == record.SeqNo) is { } earlier)
        {
            return earlier.SameAs(record)
                ? (true, null)
                : (false, ApiResponse.Problem(StatusCodes.Status409Conflict, EventConflict,
                    $"This transaction has a different event with seqNo {record.SeqNo} already; an event is sent again only as it was."));
        }

        return session.Events.Count >= ChargingLimits.SessionEventsMax || session.Events.Sum(e => e.Readings.Count) + record.Readings.Count > ChargingLimits.SessionReadingsMax
            ? (false, ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, SessionTooLong,
                $"A session keeps at most {ChargingLimits.SessionEventsMax} transaction events and {ChargingLimits.SessionReadingsMax} energy readings; send meter values less often."))
            : null;
    }

    /// <summary>Ends a store: a decision made in it that the session does not hold is released.</summary>
    private async Task<ChargingSession> DoneAsync(ChargingSession session, SessionAuthorization? decision, CancellationToken cancellationToken)
    {
        if (decision is not null && session.Authorization != decision)
        {
            await authorizer.ReleaseUnusedAsync(session, decision, cancellationToken);
        }

        return session;
    }

    /// <summary>A new session with its first event and the station's tariff as it is now (not stored).</summary>
    private async Task<ChargingSession> DraftAsync(ChargingStation station, string id, string transactionId, SessionEventRecord record, CancellationToken cancellationToken)
    {
        var tariff = await tariffs.GetAsync(station.MerchantId, station.TariffId, cancellationToken)
            ?? throw new InvalidOperationException($"Station {station.Id} names tariff {station.TariffId}, which is gone.");
        var now = record.ReceivedMicros;
        var longest = station.MaxDurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.MaxDuration;
        // The hold must outlive the session: the session ends before the hold's captures close (PaymentRules), with a
        // margin for the orchestration's timer and the capture itself: a quarter of that time, at most 5 minutes (found by
        // the deadline test: a tenth of a short window was inside the payments' closing margin, then too little for the timer).
        var open = PaymentRules.CapturesOpenFor(paymentOptions.Value.AuthorizationWindow);
        var holdLimit = open - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, open.Ticks / 4));
        return new ChargingSession
        {
            Id = id,
            MerchantId = station.MerchantId,
            StationId = station.Id,
            TransactionId = transactionId,
            Status = SessionStatus.Open,
            Tariff = tariff,
            TariffId = station.TariffId,
            TimeZone = station.TimeZone,
            MaxEnergyWh = station.MaxEnergyWh,
            DeadlineMicros = now + ((longest < holdLimit ? longest : holdLimit).Ticks / TimeSpan.TicksPerMicrosecond),
            Events = [record],
            CreatedMicros = now,
            UpdatedMicros = now,
            LastEventMicros = now,
        };
    }

    /// <summary>
    /// The station's answer: idTokenInfo when the event carried a token (the session's decision for the token that
    /// authorised it, NoCredit once an increment was refused; what the token alone says for another) or when the
    /// session must stop; the total on Ended; the running cost on the display.
    /// </summary>
    private async Task<TransactionEventResponse> AnswerAsync(ChargingSession session, SessionEventRecord record, CancellationToken cancellationToken)
    {
        var authorization = session.Authorization;
        var stop = session.StopRequested ? SessionAuthorizer.NoCredit : null;
        string? status = record switch
        {
            { IdTokenType: OcppEnums.NoAuthorization } => SessionAuthorizer.Accepted,
            { TokenId: { } tokenId } when authorization?.TokenId == tokenId => stop ?? authorization.Status,
            // Another token on a session that was refused gets the refusal: only a held session lets another token (to stop it) in.
            { TokenId: not null } when authorization is { Status: not SessionAuthorizer.Accepted } => authorization.Status,
            { TokenId: not null } => await authorizer.TokenStatusAsync(session.MerchantId, record, cancellationToken),
            _ => authorization?.Status == SessionAuthorizer.Accepted ? stop : null,
        };
        var quote = session.Outcome?.Cost ?? SessionPricing.Running(session).Quote;
        var total = quote.TotalCost.InclVat;
        var display = authorization?.Status == SessionAuthorizer.Accepted
            ? new OcppMessageContent("UTF8", string.Create(CultureInfo.InvariantCulture, $"{(record.EventType == OcppEnums.Ended ? "Total" : "So far")}: {total:0.00##} {quote.Currency}"))
            : null;
        return new TransactionEventResponse(
            record.EventType == OcppEnums.Ended ? total : null,
            status is null ? null : new OcppIdTokenInfo(status),
            display);
    }
}
