using System.Net;

namespace Pipeline.Local.Tests;

/// <summary>
/// Sessions end within seconds here: the idle timeout and the grace for missing events after Ended are short. Prices
/// take effect at once (a test prices the merchant and charges at once). Short, not tight: under CI's load one request
/// has taken over 6 seconds (RestartableChargingFixture), and a gap that long between a test's events must
/// not end its session idle, nor end one whose Ended came first before the others arrive. Only the idle test waits for
/// one of them (its idle timeout); a session whose events are all there ends with the last of them.
/// </summary>
public sealed class ChargingHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Pipeline:Charging:IdleTimeout"] = "00:00:12",
        ["Pipeline:Charging:EndedGrace"] = "00:00:10",
        ["Pipeline:Merchants:PriceTakesEffectAfter"] = "00:00:00",
    };
}

/// <summary>
/// Charging sessions over HTTP with signed OCPP 2.0.1 transaction events: authorisation and the hold, the exact capture,
/// duplicates and reordering, increments and NoCredit, the idle timeout; the ledger balanced after each.
/// </summary>
public sealed class ChargingSessionTests(ChargingHostFixture fixture) : IClassFixture<ChargingHostFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    /// <summary>
    /// 15 kWh charged (4.50 + 20 % = 5.40) and 15 minutes parked (0.25 h × 1.20 = 0.30 + 20 % = 0.36): 5.76. The hold is
    /// 20 kWh at 0.36 plus one step, and 2 hours at 1.44 plus one step: 10.11.
    /// </summary>
    private async Task<ChargingSessionClient> NormalSessionAsync(string transactionId, IEnumerable<int> order, ChargingSessionClient? existing = null)
    {
        var client = existing ?? await ChargingSessionClient.CreateAsync(fixture, 5_000);
        string[] events =
        [
            client.Event(transactionId, 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"),
            client.Event(transactionId, 1, "Updated", 30, 11_000),
            client.Event(transactionId, 2, "Updated", 45, 16_000, "SuspendedEV", trigger: "ChargingStateChanged"),
            client.Event(transactionId, 3, "Ended", 60, 16_000, "EVConnected", trigger: "EVDeparted"),
        ];
        foreach (var index in order)
        {
            await client.SendOkAsync(events[index]);
        }

        return client;
    }

    /// <summary>
    /// The session's capture is a payment: it pays the merchant's fee (5 % of 5.76 = 0.288, half up 0.29, + 0.10), and
    /// settlement splits it between the operator (the payout) and the platform (the fee account) as ledger transfers.
    /// </summary>
    [Fact]
    public async Task A_sessions_capture_is_split_between_the_operator_and_the_platform_fee_by_settlement()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        var merchantId = client.Merchant.MerchantId;
        using (var pricing = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{merchantId}/pricing", fixture.AdminKey, new { percentBps = 500, fixedMinor = 10, currency = "EUR" })))
        using (var account = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{merchantId}/payout-account", fixture.AdminKey, new { name = "CPO", iban = "NL91ABNA0417164300" })))
        {
            await PaymentClient.ExpectAsync(pricing, HttpStatusCode.OK);
            await PaymentClient.ExpectAsync(account, HttpStatusCode.OK);
        }

        await NormalSessionAsync("tx-fee", [0, 1, 2, 3], client);
        var session = await client.SessionAsync("tx-fee", "completed", Within);
        var paymentId = session.GetProperty("authorization").GetProperty("paymentId").GetString()!;
        Assert.Equal((576L, 39L), ((await client.Merchant.PaymentAsync(paymentId)).GetProperty("amountCaptured").GetInt64(), (await client.Merchant.PaymentAsync(paymentId)).GetProperty("fee").GetInt64()));
        await client.Merchant.EventsAsync(1, Within, e => e.GetProperty("type").GetString() == "payment.succeeded" && e.GetProperty("subject").GetString() == paymentId);

        await SettlementRunner.RunAsync(fixture, [merchantId]);
        var settlement = (await client.Merchant.GetAsync("api/v1/settlements")).GetProperty("settlements")[0];
        Assert.Equal((576L, 39L, 537L), (settlement.GetProperty("capturedAmount").GetInt64(), settlement.GetProperty("feesAmount").GetInt64(), settlement.GetProperty("payoutAmount").GetInt64()));
        await client.Merchant.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task A_session_holds_then_captures_exactly_its_price_and_releases_the_rest()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        var started = await client.SendOkAsync(client.Event("tx-1", 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"));
        Assert.Equal("Accepted", started.GetProperty("idTokenInfo").GetProperty("status").GetString());
        Assert.Equal(3_989, (await client.Merchant.BalancesAsync(client.Wallet)).Available);

        var updated = await client.SendOkAsync(client.Event("tx-1", 1, "Updated", 30, 11_000));
        Assert.Equal("So far: 3.60 EUR", updated.GetProperty("updatedPersonalMessage").GetProperty("content").GetString());
        Assert.False(updated.TryGetProperty("idTokenInfo", out _));
        await client.SendOkAsync(client.Event("tx-1", 2, "Updated", 45, 16_000, "SuspendedEV", trigger: "ChargingStateChanged"));
        var ended = await client.SendOkAsync(client.Event("tx-1", 3, "Ended", 60, 16_000, "EVConnected", trigger: "EVDeparted"));
        Assert.Equal(5.76m, ended.GetProperty("totalCost").GetDecimal());

        var session = await client.SessionAsync("tx-1", "completed", Within);
        Assert.Equal((576L, 576L, 435L, 0L), (session.GetProperty("totalAmount").GetInt64(), session.GetProperty("capturedAmount").GetInt64(),
            session.GetProperty("releasedAmount").GetInt64(), session.GetProperty("uncollectedAmount").GetInt64()));
        Assert.Equal(("ended", 15_000m), (session.GetProperty("endReason").GetString(), session.GetProperty("energyWh").GetDecimal()));
        var cdr = session.GetProperty("cdr");
        Assert.Equal((5.76m, 4.80m, 15m, 0.25m), (cdr.GetProperty("total_cost").GetProperty("incl_vat").GetDecimal(), cdr.GetProperty("total_cost").GetProperty("excl_vat").GetDecimal(),
            cdr.GetProperty("total_energy").GetDecimal(), cdr.GetProperty("total_parking_time").GetDecimal()));
        Assert.Equal(client.IdToken, cdr.GetProperty("cdr_token").GetProperty("uid").GetString());

        var payment = await client.Merchant.PaymentAsync(session.GetProperty("authorization").GetProperty("paymentId").GetString()!);
        Assert.Equal(("succeeded", 576L), (payment.GetProperty("status").GetString(), payment.GetProperty("amountCaptured").GetInt64()));
        Assert.Equal(5_000 - 576, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        var types = (await client.Merchant.EventsAsync(3, Within, e => e.GetProperty("type").GetString()!.StartsWith("charging.", StringComparison.Ordinal)))
            .Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["charging.session.started", "charging.session.authorized", "charging.session.completed"], types);
        await client.Merchant.AssertBooksBalancedAsync();
    }

    [Theory]
    [InlineData(new[] { 3, 2, 1, 0 })]
    [InlineData(new[] { 0, 3, 1, 1, 2, 3, 0 })]
    [InlineData(new[] { 2, 0, 3, 1 })]
    public async Task Reordered_and_duplicated_events_capture_the_same_price(int[] order)
    {
        var client = await NormalSessionAsync("tx-r", order);
        var session = await client.SessionAsync("tx-r", "completed", Within);
        Assert.Equal((576L, 576L, 4), (session.GetProperty("totalAmount").GetInt64(), session.GetProperty("capturedAmount").GetInt64(), session.GetProperty("eventsReceived").GetInt32()));
        Assert.Equal(5_000 - 576, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        await client.Merchant.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Another_event_under_a_seqNo_already_taken_is_refused_and_changes_nothing()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        await client.SendOkAsync(client.Event("tx-c", 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"));
        await client.SendOkAsync(client.Event("tx-c", 1, "Updated", 30, 11_000));
        var (status, problem) = await client.SendAsync(client.Event("tx-c", 1, "Updated", 30, 99_000));
        Assert.Equal((HttpStatusCode.Conflict, "transaction_event_conflict"), (status, problem.GetProperty("code").GetString()));
        var session = (await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}")).GetProperty("sessions")[0];
        Assert.Equal((2, 10_000m), (session.GetProperty("eventsReceived").GetInt32(), session.GetProperty("energyWh").GetDecimal()));
    }

    [Fact]
    public async Task Unknown_blocked_and_unfunded_tokens_are_refused_and_nothing_is_held()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 500);
        var unknown = await client.SendOkAsync(client.Event("tx-u", 0, "Started", 0, 0, "Charging", "DEADBEEF", "Authorized"));
        Assert.Equal("Invalid", unknown.GetProperty("idTokenInfo").GetProperty("status").GetString());

        var noCredit = await client.SendOkAsync(client.Event("tx-n", 0, "Started", 0, 0, "Charging", client.IdToken, "Authorized"));
        Assert.Equal("NoCredit", noCredit.GetProperty("idTokenInfo").GetProperty("status").GetString());

        var token = (await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}&status=rejected")).GetProperty("sessions");
        Assert.Equal(2, token.GetArrayLength());
        var tokenId = token.EnumerateArray().Single(s => s.GetProperty("transactionId").GetString() == "tx-n").GetProperty("authorization").GetProperty("tokenId").GetString();
        await PaymentClient.ExpectAsync(await client.Merchant.PostAsync($"api/v1/charging/tokens/{tokenId}/block"), HttpStatusCode.OK);
        // Another (valid, funded-nowhere) token on the refused session gets the refusal, not Accepted.
        Assert.Equal("NoCredit", (await client.SendOkAsync(client.Event("tx-n", 1, "Updated", 5, 100, idToken: client.IdToken)))
            .GetProperty("idTokenInfo").GetProperty("status").GetString());
        var blocked = await client.SendOkAsync(client.Event("tx-b", 0, "Started", 0, 0, "Charging", client.IdToken, "Authorized"));
        Assert.Equal("Blocked", blocked.GetProperty("idTokenInfo").GetProperty("status").GetString());

        // A rejected session that charges anyway and ends captures nothing: it owes what it used.
        await client.SendOkAsync(client.Event("tx-b", 1, "Ended", 30, 5_000, "EVConnected"));
        var ended = await client.SessionAsync("tx-b", "completed", Within);
        Assert.Equal((0L, 180L), (ended.GetProperty("capturedAmount").GetInt64(), ended.GetProperty("uncollectedAmount").GetInt64()));
        Assert.Equal(500, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        await client.Merchant.AssertBooksBalancedAsync();

        // The three sessions one page at a time, newest first, each once.
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}&limit=1{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            seen.AddRange(page.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("transactionId").GetString()!));
            after = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (after is not null);
        Assert.Equal(["tx-b", "tx-n", "tx-u"], seen);
    }

    [Fact]
    public async Task A_hold_is_incremented_as_the_cost_nears_it_and_a_refused_increment_answers_NoCredit()
    {
        // 2 kWh cap: the hold is 0.72 + 2.90 = 3.63 (363); each increment adds 363. The wallet has 800: one increment fits, the next does not.
        var client = await ChargingSessionClient.CreateAsync(fixture, 800, maxEnergyWh: 2_000);
        Assert.Equal("Accepted", (await client.SendOkAsync(client.Event("tx-i", 0, "Started", 0, 0, "Charging", client.IdToken, "Authorized")))
            .GetProperty("idTokenInfo").GetProperty("status").GetString());
        await client.SendOkAsync(client.Event("tx-i", 1, "Updated", 10, 9_000)); // 3.24 ≥ 80 % of 3.63: incremented to 7.26
        Assert.Equal(800 - 726, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        var refused = await client.SendOkAsync(client.Event("tx-i", 2, "Updated", 20, 17_000)); // 6.12 ≥ 80 % of 7.26: refused
        Assert.Equal("NoCredit", refused.GetProperty("idTokenInfo").GetProperty("status").GetString());
        var session = (await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}")).GetProperty("sessions")[0];
        Assert.Equal((true, 726L, 1), (session.GetProperty("stopRequested").GetBoolean(),
            session.GetProperty("authorization").GetProperty("holdAmount").GetInt64(), session.GetProperty("authorization").GetProperty("increments").GetInt32()));

        // The station stops; the session ran past what was held: 20 kWh is 7.20, all of it held and captured.
        await client.SendOkAsync(client.Event("tx-i", 3, "Ended", 25, 20_000, "EVConnected", trigger: "Deauthorized"));
        var ended = await client.SessionAsync("tx-i", "completed", Within);
        Assert.Equal((720L, 720L, 0L), (ended.GetProperty("totalAmount").GetInt64(), ended.GetProperty("capturedAmount").GetInt64(), ended.GetProperty("uncollectedAmount").GetInt64()));
        Assert.Equal(80, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        await client.Merchant.EventsAsync(1, Within, e => e.GetProperty("type").GetString() == "charging.session.stop_requested");
        await client.Merchant.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task A_session_that_goes_silent_is_ended_at_its_last_reading_after_the_idle_timeout()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        await client.SendOkAsync(client.Event("tx-idle", 0, "Started", 0, 1_000, "Charging", client.IdToken, "Authorized"));
        await client.SendOkAsync(client.Event("tx-idle", 1, "Updated", 20, 6_000));
        var session = await client.SessionAsync("tx-idle", "completed", Within);
        Assert.Equal(("idle_timeout", 180L, 180L), (session.GetProperty("endReason").GetString(), session.GetProperty("totalAmount").GetInt64(), session.GetProperty("capturedAmount").GetInt64()));
        Assert.True(session.GetProperty("stopRequested").GetBoolean());

        // An event after the price was fixed is kept and changes nothing.
        await client.SendOkAsync(client.Event("tx-idle", 2, "Ended", 30, 9_000, "EVConnected"));
        var late = await client.SessionAsync("tx-idle", "completed", Within);
        Assert.Equal((180L, 1), (late.GetProperty("capturedAmount").GetInt64(), late.GetProperty("lateEvents").GetInt32()));
        Assert.Equal(5_000 - 180, (await client.Merchant.BalancesAsync(client.Wallet)).Available);
        await client.Merchant.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Forged_signatures_other_devices_and_bad_bodies_are_refused()
    {
        var client = await ChargingSessionClient.CreateAsync(fixture, 5_000);
        var body = client.Event("tx-f", 0, "Started", 0, 0, "Charging", client.IdToken, "Authorized");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(body, signWith: "not-the-secret")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(body, stationId: "CS-other")).Status);
        var (status, problem) = await client.SendAsync(body.Replace("\"Started\"", "\"Begun\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("eventType", out _));
        var (kwh, unitProblem) = await client.SendAsync(body.Replace("\"Wh\"", "\"W\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, kwh);
        Assert.True(unitProblem.GetProperty("errors").TryGetProperty("meterValue[0].sampledValue[0].unitOfMeasure.unit", out _));
        foreach (var clock in new[] { DateTimeOffset.UtcNow.AddHours(1), new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero) })
        {
            var skewed = body.Replace($"\"{ChargingSessionClient.Start:yyyy-MM-ddTHH:mm:ss}", $"\"{clock:yyyy-MM-ddTHH:mm:ss}", StringComparison.Ordinal);
            var (refused, clockProblem) = await client.SendAsync(skewed);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
            Assert.True(clockProblem.GetProperty("errors").TryGetProperty("timestamp", out _), clockProblem.ToString());
        }

        Assert.Empty((await client.Merchant.GetAsync($"api/v1/charging/sessions?stationId={client.StationId}")).GetProperty("sessions").EnumerateArray());
    }
}
