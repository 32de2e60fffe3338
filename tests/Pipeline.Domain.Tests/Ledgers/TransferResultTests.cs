using Pipeline.Domain.Ledgers;

namespace Pipeline.Domain.Tests.Ledgers;

public sealed class TransferResultTests
{
    public static TheoryData<TransferResult> Results() => [.. Enum.GetValues<TransferResult>()];

    [Theory]
    [MemberData(nameof(Results))]
    public void Every_outcome_is_reached_by_its_scenario_and_a_failure_changes_nothing(TransferResult expected)
    {
        Assert.True(TransferResultScenarios.All.TryGetValue(expected, out var arrange), $"No scenario reaches {expected}.");
        var harness = new LedgerHarness();
        var act = arrange(harness);
        var before = harness.Snapshot();

        var actual = act();

        Assert.Equal(expected, actual);
        if (actual != TransferResult.Ok)
        {
            var after = harness.Snapshot();
            Assert.Equal(before.Accounts, after.Accounts);
            Assert.Equal(before.Transfers, after.Transfers);
        }

        harness.AssertBalanced();
    }

    [Fact]
    public void Codes_are_unique_snake_case_and_every_code_has_a_message()
    {
        var codes = Enum.GetValues<TransferResult>().Select(r => r.Code()).ToList();
        codes.AddRange(Enum.GetValues<CreateAccountResult>().Select(r => "account:" + r.Code()));
        codes.AddRange(Enum.GetValues<CloseAccountResult>().Select(r => "close:" + r.Code()));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^([a-z]+:)?[a-z]+(_[a-z0-9]+)*$", c));

        var messages = Enum.GetValues<TransferResult>().Select(r => r.Message())
            .Concat(Enum.GetValues<CreateAccountResult>().Select(r => r.Message()))
            .Concat(Enum.GetValues<CloseAccountResult>().Select(r => r.Message()));
        Assert.All(messages, m => Assert.EndsWith(".", m));
    }

    [Fact]
    public void Every_code_reads_back_as_its_result_and_an_unknown_code_is_refused()
    {
        Assert.All(Enum.GetValues<TransferResult>(), r => Assert.Equal(r, ResultText.ParseTransferResult(r.Code())));
        Assert.Throws<InvalidOperationException>(() => ResultText.ParseTransferResult("no_such_code"));
    }

    [Fact]
    public void Codes_are_the_documented_strings()
    {
        Assert.Equal("insufficient_funds", TransferResult.InsufficientFunds.Code());
        Assert.Equal("exists_with_different_debit_account_id", TransferResult.ExistsWithDifferentDebitAccountId.Code());
        Assert.Equal("pending_transfer_already_posted", TransferResult.PendingTransferAlreadyPosted.Code());
        Assert.Equal("limit_requires_a_balance_flag", CreateAccountResult.LimitRequiresABalanceFlag.Code());
    }
}
