using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Collection;
using Pipeline.Application.Ledger;
using Pipeline.Application.Payments;

namespace Pipeline.Application.Maintenance;

/// <summary>What one maintenance pass did.</summary>
public sealed record MaintenanceResult(int HoldsExpired, int TransfersRecovered, int PaymentsFinished, int PaymentsExpired, int BankCreditsFinished, int ResolutionsFinished);

/// <summary>
/// The orchestration's input: how often the ledger is swept. The grace period is not part of it: each pass reads
/// <see cref="MaintenanceOptions.RecoverAfter"/>, so changing the setting needs no new orchestration.
/// </summary>
public sealed record MaintenanceSchedule(TimeSpan Interval);

/// <summary>
/// One pass over the ledger: expire the holds whose timeout passed, drive to their end the transfers that a
/// crashed writer left in flight, finish the payment operations (and bank credits, and exception resolutions) a crashed request left pending, and cancel the
/// authorisations whose window closed (so their payment.canceled event goes out). All are
/// idempotent, so a pass that runs twice does no harm.
/// </summary>
public sealed class LedgerMaintenance(ILedgerStore ledger, PaymentStore payments, BankCredits bankCredits, ExceptionResolutions resolutions, IOptionsMonitor<MaintenanceOptions> options, ILogger<LedgerMaintenance> logger)
{
    public async Task<MaintenanceResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var grace = options.CurrentValue.RecoverAfter;
        var expired = await StepAsync("expiring holds", () => ledger.ExpirePendingTransfersAsync(cancellationToken));
        var recovered = await StepAsync("recovering transfers and charges", () => ledger.RecoverAsync(grace, cancellationToken));
        var finished = await StepAsync("finishing payment operations", () => payments.FinishAbandonedAsync(grace, cancellationToken));
        var canceled = await StepAsync("canceling expired authorisations", () => payments.ExpireDueAsync(cancellationToken));
        var credits = await StepAsync("finishing bank credits", () => bankCredits.FinishAbandonedAsync(grace, cancellationToken));
        var resolved = await StepAsync("finishing exception resolutions", () => resolutions.FinishAbandonedAsync(grace, logger, cancellationToken));
        logger.LogInformation(
            "Ledger maintenance expired {HoldsExpired} holds, recovered {TransfersRecovered} transfers, finished {PaymentsFinished} payment operations, {BankCreditsFinished} bank credits and {ResolutionsFinished} exception resolutions, and canceled {PaymentsExpired} expired authorisations",
            expired, recovered, finished, credits, resolved, canceled);
        return new MaintenanceResult(expired, recovered, finished, canceled, credits, resolved);
    }

    /// <summary>
    /// One step; a failure is logged and the pass goes on, so a ledger that cannot recover one charge still has its
    /// holds expired and its payments finished. Every step is retried on the next pass.
    /// </summary>
    private async Task<int> StepAsync(string step, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Ledger maintenance failed {Step}; the next pass tries again", step);
            return 0;
        }
    }
}

/// <summary>The activity: one maintenance pass (all I/O lives here, none in the orchestrator).</summary>
public sealed class LedgerMaintenanceActivity(LedgerMaintenance maintenance) : TaskActivity<MaintenanceSchedule, MaintenanceResult>
{
    public override Task<MaintenanceResult> RunAsync(TaskActivityContext context, MaintenanceSchedule input) =>
        maintenance.RunOnceAsync(CancellationToken.None);
}

/// <summary>
/// An eternal orchestration: a pass, then a durable timer, then continue-as-new (so its history stays short).
/// Deterministic: time comes from the context. There is one instance, <see cref="InstanceId"/>.
/// </summary>
public sealed class LedgerMaintenanceOrchestrator : TaskOrchestrator<MaintenanceSchedule, MaintenanceResult>
{
    public const string InstanceId = "ledger-maintenance";

    public override async Task<MaintenanceResult> RunAsync(TaskOrchestrationContext context, MaintenanceSchedule input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.CallActivityAsync<MaintenanceResult>(nameof(LedgerMaintenanceActivity), input);
        await context.CreateTimer(context.CurrentUtcDateTime.Add(input.Interval), CancellationToken.None);
        context.ContinueAsNew(input);
        return result;
    }
}
