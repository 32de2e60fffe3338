using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Application.Charging;
using Pipeline.Application.Ledger;

namespace Pipeline.Local.Tests;

/// <summary>
/// Sessions end within seconds of their Ended event (short grace); the hold's window is 60
/// seconds, its captures close 5 seconds before, and a session's deadline comes a quarter earlier still: at 41 seconds.
/// (With a 40-second window the deadline's 9 seconds of margin were once not enough for the timer and the capture
/// while the other test classes loaded both cores: the capture came after the captures closed.) No test here waits
/// for the idle timeout, so it is 30 seconds: the deadline test's events, 3 seconds apart, once took more than 6
/// seconds between two of them under that load, and the session ended idle instead of at its deadline.
/// </summary>
public sealed class RestartableChargingFixture : RestartableHostFixture
{
    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["Pipeline:Charging:IdleTimeout"] = "00:00:30",
        ["Pipeline:Charging:EndedGrace"] = "00:00:04",
        ["Pipeline:Payments:AuthorizationWindow"] = "00:01:00",
    };

    /// <summary>The host's charging options, with a look a test can make fail (<see cref="SessionLookFault"/>).</summary>
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(sp => new SessionLookFault(new OptionsManager<ChargingOptions>(sp.GetRequiredService<IOptionsFactory<ChargingOptions>>())));
        services.AddSingleton<IOptions<ChargingOptions>>(sp => sp.GetRequiredService<SessionLookFault>());
    }
}

/// <summary>Sessions across a restart of the host, at their deadline, and under concurrent requests.</summary>
public sealed class ChargingRestartTests(RestartableChargingFixture fixture) : IClassFixture<RestartableChargingFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task A_session_under_way_when_the_host_restarts_is_ended_and_captured_by_the_same_orchestration()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        await client.SendOkAsync(client.Event("tx-restart", 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"));
        await client.SendOkAsync(client.Event("tx-restart", 1, "Updated", 30, 11_000));

        await fixture.RestartAsync();
        // Device secrets live in the local host's memory (docs/OPERATIONS.md): the station gets a new one, as it would there.
        await client.RotateSecretAsync();

        await client.SendOkAsync(client.Event("tx-restart", 2, "Updated", 45, 16_000, "SuspendedEV", trigger: "ChargingStateChanged"));
        await client.SendOkAsync(client.Event("tx-restart", 3, "Ended", 60, 16_000, "EVConnected", trigger: "EVDeparted"));
        var session = await client.SessionAsync("tx-restart", "completed", Within);
        Assert.Equal((576L, 576L), (session.GetProperty("totalAmount").GetInt64(), session.GetProperty("capturedAmount").GetInt64()));
        Assert.Equal(5_000 - 576, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        Assert.True((await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_session_that_would_outlive_its_hold_is_ended_at_its_deadline_and_captured_before_the_hold_expires()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        // Events keep coming (no idle timeout), the station never ends the session.
        foreach (var answer in await StartAndUpdateEvery3SecondsAsync(client, "tx-deadline", 16))
        {
            if (answer.TryGetProperty("idTokenInfo", out var info))
            {
                Assert.Equal("NoCredit", info.GetProperty("status").GetString()); // Asked to stop once the price was fixed.
            }
        }

        var session = await client.SessionAsync("tx-deadline", "completed", Within);
        AssertEndedAtDeadlineAndCapturedInFull(session);
        var payment = await client.Merchant.PaymentAsync(session.GetProperty("authorization").GetProperty("paymentId").GetString()!);
        Assert.Equal("succeeded", payment.GetProperty("status").GetString());
        await client.Merchant.EventsAsync(1, Within, e => e.GetProperty("type").GetString() == "charging.session.stop_requested");
    }

    /// <summary>
    /// CI once completed the deadline test's session with nothing captured: a look that failed at the deadline (41 s)
    /// was tried again only 30 s later, after the hold's captures had closed (55 s), and the capture was refused. A
    /// failed look is now tried again within seconds. Events come until the first look (at the idle timeout, 30 s) has
    /// found the session alive, then none (the next idle timeout would come after the deadline); the look at the
    /// deadline fails once.
    /// </summary>
    [Fact]
    public async Task A_look_that_fails_at_the_deadline_is_tried_again_in_time_to_capture()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        await StartAndUpdateEvery3SecondsAsync(client, "tx-look", 11);
        var fault = fixture.Host.App.Services.GetRequiredService<SessionLookFault>();
        fault.FailNextLook();

        var session = await client.SessionAsync("tx-look", "completed", Within);
        Assert.True(fault.Fired);
        AssertEndedAtDeadlineAndCapturedInFull(session);
        Assert.Equal(5_000 - session.GetProperty("capturedAmount").GetInt64(), (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        Assert.True((await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync()).Balanced);
    }

    [Fact]
    public async Task Concurrent_copies_of_an_event_and_a_second_token_racing_the_first_make_one_hold()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        var second = await client.AddTokenAsync(3_000);
        var started = client.Event("tx-race", 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized");
        var rival = client.Event("tx-race", 1, "Updated", 1, 1_000, idToken: second.IdToken);
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.SendOkAsync(i == 3 ? rival : started)));
        var statuses = answers.Select(a => a.GetProperty("idTokenInfo").GetProperty("status").GetString()!).Distinct().ToArray();
        Assert.Equal(["Accepted"], statuses);

        // One hold, on whichever token decided first; the other's hold (if it made one) released.
        var session = (await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}")).GetProperty("sessions")[0];
        var hold = session.GetProperty("authorization").GetProperty("holdAmount").GetInt64();
        var heldFirst = 5_000 - (await client.Merchant.BalancesAsync(client.Wallet)).Available;
        var heldSecond = 3_000 - (await client.Merchant.BalancesAsync(second.Wallet)).Available;
        Assert.Equal(hold, heldFirst + heldSecond);
        Assert.True(heldFirst == 0 || heldSecond == 0, $"Both wallets hold money: {heldFirst}, {heldSecond}");

        await client.SendOkAsync(client.Event("tx-race", 2, "Ended", 30, 11_000, "EVConnected"));
        var ended = await client.SessionAsync("tx-race", "completed", Within);
        Assert.Equal(360L, ended.GetProperty("capturedAmount").GetInt64());
        Assert.Equal(8_000 - 360, (await client.Merchant.BalancesAsync(client.Wallet)).Available + (await client.Merchant.BalancesAsync(second.Wallet)).Available);
        Assert.True((await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync()).Balanced);
    }

    /// <summary>Starts a session, then sends <paramref name="updates"/> Updated events 3 seconds apart (the station never ends it); their answers.</summary>
    private static async Task<List<JsonElement>> StartAndUpdateEvery3SecondsAsync(ChargingSessionClient client, string transactionId, int updates)
    {
        await client.SendOkAsync(client.Event(transactionId, 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"));
        var answers = new List<JsonElement>(updates);
        for (var i = 1; i <= updates; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            answers.Add(await client.SendOkAsync(client.Event(transactionId, i, "Updated", i, 1_000 + (i * 1_000))));
        }

        return answers;
    }

    private static void AssertEndedAtDeadlineAndCapturedInFull(JsonElement session)
    {
        Assert.Equal("max_duration", session.GetProperty("endReason").GetString());
        Assert.True(session.GetProperty("capturedAmount").GetInt64() > 0);
        Assert.Equal(session.GetProperty("totalAmount").GetInt64(), session.GetProperty("capturedAmount").GetInt64());
    }
}
