using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Diagnostics;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The transfer protocol: a transfer document records the request, then each side is applied in its own partition
/// (<see cref="PartitionWriter"/>), then the document is swapped to applied or failed. Every step is idempotent, so
/// the writer, a retry of the same request and recovery can all drive the same transfer and it applies exactly once.
/// Posts, voids and expiries go on in <see cref="HoldResolution"/>, linked chains in <see cref="ChainRunner"/>; both
/// finish through this class, and this class drives either when it meets one of theirs in flight.
/// </summary>
internal sealed class TransferProtocol
{
    private readonly AccountDocuments accounts;
    private readonly TransferDocuments transfers;
    private readonly PartitionWriter writer;
    private readonly TimeProvider time;
    private readonly ILedgerFaults faults;

    public TransferProtocol(AccountDocuments accounts, TransferDocuments transfers, PartitionWriter writer, TimeProvider time, ILedgerFaults faults, ILogger logger)
    {
        this.accounts = accounts;
        this.transfers = transfers;
        this.writer = writer;
        this.time = time;
        this.faults = faults;
        // Holds and chains are parts of this protocol (each drives the other's documents when it meets them), so
        // this class makes them and hands them itself.
        Holds = new HoldResolution(this, accounts, transfers, writer, time, faults, logger);
        Chains = new ChainRunner(this, new ChainPhases(this, accounts, transfers, writer, faults), transfers, time, faults);
    }

    public HoldResolution Holds { get; }

    public ChainRunner Chains { get; }

    public async Task<TransferResult> CreateTransferAsync(Transfer transfer, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.Source.StartActivity("ledger.create_transfer");
        activity?.SetTag("pipeline.transfer_id", transfer.Id.ToString());
        if (transfer.IsLinked)
        {
            return TransferResult.LinkedEventChainOpen;
        }

        if (transfer.Id.IsZero)
        {
            return TransferResult.IdMustNotBeZero;
        }

        if (transfer.Id.IsReserved)
        {
            // The system's own transfers (charges, expiries) take their ids without a transfer document first;
            // a request that could take one of them could ride on their entries.
            return TransferResult.IdIsReserved;
        }

        // A request that fails on its own fields is recorded as failed at once: one write, and the id is decided.
        var invalid = Validate(transfer);
        var document = new TransferDocument
        {
            Id = transfer.Id.ToString(),
            Request = transfer,
            State = invalid == TransferResult.Ok ? TransferState.InFlight : TransferState.Failed,
            Failure = invalid == TransferResult.Ok ? null : invalid.Code(),
            CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
        };
        // The id may be held by a link of a failed chain whose cleanup deletes it (ids of links that failed only
        // because of another link are free again, as in the core): then the create is tried again.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                document = (await transfers.Container.CreateItemAsync(document, Key(document.Id), cancellationToken: cancellationToken)).Resource;
                break;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                if (await AnswerResubmissionAsync(transfer, cancellationToken) is { } answer)
                {
                    return answer;
                }

                if (attempt == LedgerLimits.FreedIdAttemptsMax)
                {
                    throw new LedgerContentionException(document.Id);
                }
            }
        }

        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        await faults.AfterAsync(LedgerStep.TransferRecorded, transfer.Id);
        return await ExecuteAsync(document, cancellationToken);
    }

    public static TransferResult Validate(in Transfer transfer)
    {
        var invalid = TransferRules.ValidateFlags(transfer);
        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        return transfer.IsPostOrVoid ? TransferRules.ValidatePostOrVoid(transfer) : TransferRules.ValidateNew(transfer);
    }

    /// <summary>
    /// The same id again: compare the fields with the stored request, as the core does. A transfer still in
    /// flight (its writer died or is slow) is driven to its end first, so the answer is final. Null when the
    /// document is gone (a link of a failed chain, deleted by its cleanup): the id is free again.
    /// </summary>
    public async Task<TransferResult?> AnswerResubmissionAsync(Transfer transfer, CancellationToken cancellationToken)
    {
        var stored = await transfers.ReadAsync(transfer.Id, cancellationToken);
        if (stored?.State is TransferState.InFlight or TransferState.Committing)
        {
            await ExecuteAsync(stored, cancellationToken);
            stored = await transfers.ReadAsync(transfer.Id, cancellationToken);
        }

        if (stored is null)
        {
            return null;
        }

        if (stored.State == TransferState.Failed)
        {
            return TransferResult.IdAlreadyFailed;
        }

        return TransferRules.CompareWithExisting(transfer, stored.Request);
    }

    /// <summary>Drives a transfer from wherever it stands to applied or failed. Idempotent; safe to run concurrently.</summary>
    public Task<TransferResult> ExecuteAsync(TransferDocument document, CancellationToken cancellationToken) =>
        document.State switch
        {
            TransferState.Applied => Task.FromResult(TransferResult.Ok),
            TransferState.Failed => Task.FromResult(ResultText.ParseTransferResult(document.Failure!)),
            _ when document.ChainId is not null => Chains.ExecuteLinkAsync(document, cancellationToken),
            _ when document.Request.IsPostOrVoid => Holds.ExecuteResolveAsync(document, cancellationToken),
            _ => ExecuteNewAsync(document, cancellationToken),
        };

    private async Task<TransferResult> ExecuteNewAsync(TransferDocument document, CancellationToken cancellationToken)
    {
        var request = document.Request;
        var debitPartition = AccountPartition(request.DebitAccountId, 0);
        var debit = await accounts.ReadCachedAsync(debitPartition, cancellationToken);
        var creditMain = await accounts.ReadCachedAsync(AccountPartition(request.CreditAccountId, 0), cancellationToken);
        var refusal = debit is null ? TransferResult.DebitAccountNotFound
            : creditMain is null ? TransferResult.CreditAccountNotFound
            : TransferRules.CheckCurrencyAndOpen(request, debit.ToAccount(), creditMain.ToAccount());
        if (refusal != TransferResult.Ok && await writer.FenceAsync(debitPartition, request.Id, refusal, cancellationToken))
        {
            return await FailAsync(document, refusal, cancellationToken);
        }

        var shards = (creditMain ?? throw new InvalidOperationException("A debit was applied to a transfer without a credit account.")).Shards;
        var creditPartition = AccountPartition(request.CreditAccountId, CreditShard(request.Id, shards));
        var debitSide = new Side(debitPartition, EntryId(request.Id), KindOf(request), IsDebit: true, request.Id, a =>
            a.Closed ? (TransferResult.DebitAccountClosed, a) : (TransferRules.CheckDebitSide(a, request.Amount), a.Debit(request.Amount, request.IsPending)));
        var (outcome, code) = await writer.ApplyAsync(debitSide, cancellationToken);
        if (outcome is SideOutcome.Refused or SideOutcome.Fenced)
        {
            return await FailAsync(document, code, cancellationToken);
        }

        await faults.AfterAsync(LedgerStep.DebitApplied, request.Id);
        var creditSide = new Side(creditPartition, EntryId(request.Id), KindOf(request), IsDebit: false, request.Id, a =>
            a.Closed ? (TransferResult.CreditAccountClosed, a) : (TransferRules.CheckCreditSide(a, request.Amount), a.Credit(request.Amount, request.IsPending)));
        (outcome, code) = await writer.ApplyAsync(creditSide, cancellationToken);
        if (outcome is SideOutcome.Refused or SideOutcome.Fenced)
        {
            return await ReverseDebitAndFailAsync(document, debitPartition, code, cancellationToken);
        }

        await faults.AfterAsync(LedgerStep.CreditApplied, request.Id);
        return await CompleteAsync(document, request.DebitAccountId, request.CreditAccountId, request.Amount, 0, cancellationToken);
    }

    /// <summary>The credit was refused after the debit was applied: undo the debit with a reversal entry, then fail.</summary>
    private async Task<TransferResult> ReverseDebitAndFailAsync(TransferDocument document, string debitPartition, TransferResult failure, CancellationToken cancellationToken)
    {
        var request = document.Request;
        var reversal = new Side(debitPartition, ReversalId(request.Id), "reversal", IsDebit: true, request.Id, a =>
            (TransferResult.Ok, a.Debit(-request.Amount, request.IsPending)));
        await writer.ApplyAsync(reversal, cancellationToken);
        return await FailAsync(document, failure, cancellationToken);
    }

    /// <summary>Records the failure. If another attempt already decided, follows that decision instead.</summary>
    public async Task<TransferResult> FailAsync(TransferDocument document, TransferResult failure, CancellationToken cancellationToken)
    {
        var (won, current) = await transfers.SwapAsync(document, document with { State = TransferState.Failed, Failure = failure.Code() }, cancellationToken);
        return won ? failure : await ExecuteAsync(current, cancellationToken);
    }

    public async Task<TransferResult> CompleteAsync(TransferDocument document, LedgerId debit, LedgerId credit, long amount, long released, CancellationToken cancellationToken)
    {
        var request = document.Request;
        var now = time.GetUtcNow().UtcTicks;
        var applied = document with
        {
            State = TransferState.Applied,
            DebitAccountId = debit.ToString(),
            CreditAccountId = credit.ToString(),
            Currency = (request.Currency.IsKnown ? request.Currency : Domain.Monetary.Currency.Parse(document.Currency!)).Code,
            AmountMinor = amount,
            ReleasedMinor = released,
            Timestamp = now,
            HoldState = request.IsPending ? PendingState.Pending : PendingState.None,
            // The timeout runs from when the transfer was recorded, not from when a (possibly recovering) writer
            // finished it, so a crash cannot stretch a hold.
            ExpiresMicros = request.IsPending && request.TimeoutSeconds != 0
                ? document.CreatedMicros + (request.TimeoutSeconds * 1_000_000L)
                : 0,
        };
        var (won, current) = await transfers.SwapAsync(document, applied, cancellationToken);
        return won || current.State == TransferState.Applied
            ? TransferResult.Ok
            : throw new InvalidOperationException($"Transfer {document.Id} had both sides applied but is {current.State}.");
    }

    private static string KindOf(in Transfer request) => request.IsPending ? "hold" : "transfer";
}
