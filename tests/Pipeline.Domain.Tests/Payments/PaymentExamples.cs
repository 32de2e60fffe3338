using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;

namespace Pipeline.Domain.Tests.Payments;

/// <summary>Payments in each state, built through the rules themselves (open, plan, begin, complete), at fixed times.</summary>
internal static class PaymentExamples
{
    public const long Start = 1_000_000_000_000;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    public static readonly long WindowEnd = Start + ((long)Window.TotalMilliseconds * 1000);
    public static readonly long Later = Start + 60_000_000;

    public static PaymentTerms Terms(CaptureMethod method, long amount = 1_000) =>
        new(amount, "EUR", "wal_1", method, "order 7", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

    public static Payment Opened(CaptureMethod method, long amount = 1_000) => PaymentRules.Open("pay_1", "mer_1", Terms(method, amount), Window, Start);

    public static Payment Succeeded(long amount = 1_000) => PaymentCompletion.Complete(Opened(CaptureMethod.Automatic, amount), [TransferResult.Ok], Start);

    public static Payment Authorized(long amount = 1_000) => PaymentCompletion.Complete(Opened(CaptureMethod.Manual, amount), [TransferResult.Ok], Start);

    /// <summary>Plans, begins and completes an operation with the ledger answering each step with <paramref name="answer"/>.</summary>
    public static Payment Run(Payment payment, PaymentOperationKind kind, long? amount, long now, TransferResult answer = TransferResult.Ok)
    {
        Assert.Null(PaymentPlans.Plan(payment, kind, amount, now, out var operation));
        var begun = PaymentRules.Begin(payment, operation);
        return PaymentCompletion.Complete(begun, [.. operation.Steps.Select(_ => answer)], now);
    }

    public static PaymentRefusal Refusal(Payment payment, PaymentOperationKind kind, long? amount, long now) =>
        PaymentPlans.Plan(payment, kind, amount, now, out _) ?? throw new InvalidOperationException($"{kind} was not refused.");
}
