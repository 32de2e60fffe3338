using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// Ends sessions (the orchestration's activity, and the request that completes a session; docs/CHARGING.md "Sessions"),
/// in two steps each safe to run again, and from both places at once:
/// <list type="number">
/// <item><b>Fix the price</b>: when the session is due to end — Ended arrived and every event up to it is here (or the
/// grace for missing ones is over), no event for the idle timeout, or its deadline passed — it is priced from its events
/// and written as finalizing with that price and the amount to capture (the price, or what the payment can capture when
/// less), by compare-and-swap. Events after that are kept and not priced, so the amount captured never changes under a
/// late event, and every run of the next step asks the payment for the same amount.</item>
/// <item><b>Capture</b>: exactly that amount (the rest of the price is recorded as uncollected), the rest of the hold
/// released; nothing to capture cancels the hold. The payment calls carry keys derived from the session, so a
/// run killed after the capture and run again finds it done; then the session is written completed with its event.</item>
/// </list>
/// </summary>
public sealed class SessionFinalizer(ChargingSessionStore sessions, PaymentStore payments, IOptions<ChargingOptions> options, TimeProvider time, ILogger<SessionFinalizer> logger)
{
    private const int AttemptsMax = 32;

    public async Task<SessionCheck> CheckAsync(SessionWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var idle = Micros(options.Value.IdleTimeout);
        for (var attempt = 0; attempt < AttemptsMax; attempt++)
        {
            if (attempt > 0)
            {
                await Contention.BackOffAsync(attempt - 1, cancellationToken);
            }

            var now = CosmosTime.ToMicros(time.GetUtcNow());
            var session = await sessions.GetAsync(work.MerchantId, work.SessionId, cancellationToken);
            if (session is null)
            {
                // Started for a session whose first write never happened (the request died): given up after the idle timeout.
                return now >= work.FirstEventMicros + idle ? new SessionCheck(true, now) : new SessionCheck(false, work.FirstEventMicros + idle);
            }

            switch (session.Status)
            {
                case SessionStatus.Completed:
                    return new SessionCheck(true, now);
                case SessionStatus.Finalizing:
                    await CaptureAsync(session, cancellationToken);
                    return new SessionCheck(true, now);
            }

            var (due, next) = Due(session, now);
            if (due is null)
            {
                return new SessionCheck(false, next);
            }

            var (reason, end) = due.Value;
            var price = SessionPricing.Price(session, end);
            var capture = await CapturableAsync(session, cancellationToken) is { } capturable ? Math.Min(price.TotalMinor, capturable) : 0;
            var frozen = session with
            {
                Status = SessionStatus.Finalizing,
                StopRequested = session.StopRequested || reason != SessionEndReason.Ended,
                Outcome = new SessionOutcome { Reason = reason, EndedAt = end < session.StartedAt ? session.StartedAt : end, Cost = price.Quote, TotalMinor = price.TotalMinor, CaptureMinor = capture },
                UpdatedMicros = now,
            };
            // A session ended here and not by the station: the station (or the CSMS in front of it) is asked to stop.
            var type = reason != SessionEndReason.Ended && !session.StopRequested ? SessionEvents.StopRequested : null;
            if (await sessions.WriteAsync(session, frozen, type is null ? [] : [type], cancellationToken) is { } written)
            {
                logger.LogInformation("Session {SessionId} ends ({Reason}): {Total} minor units", session.Id, reason, price.TotalMinor);
                await CaptureAsync(written, cancellationToken);
                return new SessionCheck(true, now);
            }
        }

        throw new InvalidOperationException($"Session {work.SessionId}: gave up after {AttemptsMax} rounds of contention; the orchestration looks again.");
    }

    /// <summary>Whether the session is due to end now (why, and where it ends), and if not, when to look again.</summary>
    private ((SessionEndReason Reason, DateTimeOffset End)? Due, long Next) Due(ChargingSession session, long now)
    {
        var settings = options.Value;
        if (session.EndedEvent is { } ended)
        {
            // Waiting for missing events never outlasts the deadline: past it, the hold's window is about to close.
            var graceOver = Math.Min(ended.ReceivedMicros + Micros(settings.EndedGrace), session.DeadlineMicros);
            return session.IsComplete || now >= graceOver ? ((SessionEndReason.Ended, ended.Timestamp), now) : (null, graceOver);
        }

        var latest = SessionPricing.LatestTime(session);
        if (now >= session.DeadlineMicros)
        {
            var deadline = new DateTimeOffset(CosmosTime.ToTicks(session.DeadlineMicros), TimeSpan.Zero);
            return ((SessionEndReason.MaxDuration, latest < deadline ? latest : deadline), now);
        }

        var idleOver = session.LastEventMicros + Micros(settings.IdleTimeout);
        return now >= idleOver ? ((SessionEndReason.IdleTimeout, latest), now) : (null, Math.Min(idleOver, session.DeadlineMicros));
    }

    /// <summary>
    /// What the session's payment can capture now — what it holds, not what the session recorded: an increment granted but
    /// not recorded (its request lost to this session's finalizing, or died) counts too; null when nothing is held.
    /// </summary>
    private async Task<long?> CapturableAsync(ChargingSession session, CancellationToken cancellationToken) =>
        session.Authorization is { Status: SessionAuthorizer.Accepted, PaymentId: { } paymentId } held
            ? (await payments.GetAsync(session.MerchantId, paymentId, cancellationToken))?.AmountCapturable ?? held.HoldMinor
            : null;

    private async Task CaptureAsync(ChargingSession session, CancellationToken cancellationToken)
    {
        var outcome = session.Outcome!;
        long captured = 0, released = 0;
        if (session.Authorization is { Status: SessionAuthorizer.Accepted, PaymentId: { } paymentId })
        {
            var amount = outcome.CaptureMinor;
            var result = amount > 0
                ? await payments.RunAsync(session.MerchantId, paymentId, PaymentOperationKind.Capture, amount, $"charging:{session.Id}:capture", cancellationToken)
                : await payments.RunAsync(session.MerchantId, paymentId, PaymentOperationKind.Cancel, null, $"charging:{session.Id}:release", cancellationToken);
            if (result.Refusal is { Kind: PaymentRefusalKind.Busy })
            {
                throw new InvalidOperationException($"Session {session.Id}: payment {paymentId} is busy; the orchestration captures again shortly.");
            }

            if (result.Refusal is { } refusal)
            {
                logger.LogError("Session {SessionId}: the capture of {Amount} from payment {PaymentId} was refused ({Code})", session.Id, amount, paymentId, refusal.Code);
            }

            // What the payment says it captured, whatever this run's answer was (a refusal carries no payment).
            if ((result.Payment ?? await payments.GetAsync(session.MerchantId, paymentId, cancellationToken)) is { } payment)
            {
                captured = payment.AmountCaptured;
                released = payment.Amount - payment.AmountCaptured;
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var completed = session with
            {
                Status = SessionStatus.Completed,
                Outcome = outcome with { CapturedMinor = captured, ReleasedMinor = released, UncollectedMinor = outcome.TotalMinor - captured },
                UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
            };
            if (await sessions.WriteAsync(session, completed, [SessionEvents.Completed], cancellationToken) is not null)
            {
                return;
            }

            // A late event was added meanwhile: the price stays as fixed; write again on the newer copy.
            await Contention.BackOffAsync(Math.Min(attempt, 8), cancellationToken);
            session = await sessions.GetAsync(session.MerchantId, session.Id, cancellationToken) ?? throw new InvalidOperationException($"Session {session.Id} vanished.");
            if (session.Status == SessionStatus.Completed)
            {
                return;
            }
        }
    }

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}
