using Pipeline.Application.Charging.Sessions;
using System.Net;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Collection;
using Pipeline.Application.Devices;
using Pipeline.Application.Tests.Collection;
using Pipeline.Application.Wallets;

namespace Pipeline.Local.Tests.Edge;

/// <summary>
/// The edge as an attacker and a careless client meet it, driven by the service's own OpenAPI document: for every
/// route it states, the auth matrix, hostile path and query values, and for every body route at least 40 malformed
/// bodies derived from its schema. Every answer must be a 4xx problem with a code — never a 5xx — and the database must
/// be exactly as it was (every document of every container compared). A route that enters the route table is covered
/// the moment it does: a route whose resources or valid body this test does not know fails it.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class EdgeTests(LocalHostFixture fixture)
{
    private static readonly string[] HostileIds =
    [
        "%2F", "a%5Cb", "%FF%FE", "%C0%AF", "%2E%2E", "%00", "%20", "' OR 1=1 --", "%E2%80%AE", "x" + new string('9', 2_000), "wal_zzzzzzzzzzzzzzzzzzzzzzzz", "me",
    ];

    /// <summary>A NUL in the path: the web server itself answers 400, with no body, before any of our code (docs/API-CONVENTIONS.md).</summary>
    private const string ServerRefusedId = "%00";

    private static readonly string[] HostileQueries =
    [
        "limit=1%00", "limit=-1", "limit=0", "limit=1e3", "limit=99999999999", "limit=", "limit=1&limit=2", "limit=%EF%BC%91", "limit=+1", "limit=0x10",
        "after=garbage", "after=%FF", "after=1:", "status=nope", "status=", "status=SUCCEEDED",
    ];

    [Fact]
    public async Task Every_route_refuses_every_bad_request_with_a_problem_and_changes_nothing()
    {
        var world = await EdgeWorld.CreateAsync(fixture);
        var document = JsonNode.Parse(await fixture.Http.GetStringAsync("api/v1/openapi.json"))!;
        var cases = new List<EdgeCase>();
        var bodyRoutes = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                var operation = operationNode!.AsObject();
                var route = new EdgeRoute(method.ToUpperInvariant(), path, operation["operationId"]!.GetValue<string>(), operation["x-access"]!.GetValue<string>());
                var schema = Resolve(document, operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject());
                if (schema is not null)
                {
                    bodyRoutes++;
                }

                cases.AddRange(Cases(world, route, schema, operation["parameters"]?.AsArray()));
            }
        }

        Assert.True(bodyRoutes >= 12, $"Only {bodyRoutes} body routes in the document.");
        var before = await SnapshotAsync();
        var wrong = new List<string>();
        foreach (var edgeCase in cases)
        {
            using var request = edgeCase.Build();
            HttpResponseMessage response;
            try
            {
                response = await fixture.Http.SendAsync(request);
            }
            catch (HttpRequestException e)
            {
                wrong.Add($"{edgeCase.Label} -> no answer ({e.InnerException?.Message ?? e.Message})");
                continue;
            }

            using var answered = response;
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 };
            if (edgeCase.ByServer ? status != 400 : status is < 400 or >= 500 || !problem)
            {
                wrong.Add($"{edgeCase.Label} -> {status} {Short(text)}");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} requests were not refused with a 4xx problem:\n{string.Join('\n', wrong.Take(60))}");
        var after = await SnapshotAsync();
        var changed = after.Split('\n').Except(before.Split('\n')).Select(line => line[..Math.Min(line.Length, 300)]).ToList();
        Assert.True(changed.Count == 0, $"Documents changed:\n{string.Join('\n', changed)}");
        await world.Merchant.AssertBooksBalancedAsync();
    }

    private static IEnumerable<EdgeCase> Cases(EdgeWorld world, EdgeRoute route, JsonObject? schema, JsonArray? parameters)
    {
        var pathIds = parameters?.Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
        var concrete = pathIds.Aggregate(route.Path, (path, name) => path.Replace($"{{{name}}}", world.ResourceFor(route.Path), StringComparison.Ordinal));
        var valid = schema is null ? null : world.ValidBodyOf(route.OperationId);
        var validBytes = valid is null ? [] : Encoding.UTF8.GetBytes(valid.ToJsonString());
        var ownKey = route.Access switch { "merchant" or "merchantoradmin" => world.Merchant.ApiKey, "admin" => world.AdminKey, _ => null };

        // Who calls: nobody, a garbage key, the wrong kind of key, another merchant (on this merchant's resources).
        if (route.Access != "anyone")
        {
            yield return new($"{route} without a key", route.Method, concrete, null, validBytes);
            yield return new($"{route} with a garbage key", route.Method, concrete, "sk_garbage_" + new string('x', 40), validBytes);
            yield return new($"{route} with a key that is not a bearer token", route.Method, concrete, null, validBytes, Raw: ("Authorization", "Basic YTpi"));
            if (route.Access != "merchantoradmin")
            {
                yield return new($"{route} with the wrong kind of key", route.Method, concrete, route.Access == "admin" ? world.Merchant.ApiKey : world.AdminKey, validBytes);
            }
        }

        // A PUT creates or replaces under an id its caller chooses: with a valid body, another merchant or an unknown id of
        // the right shape would rightly create. Those cases send an empty object instead, which no PUT accepts.
        var idCaseBytes = route.Method == "PUT" ? "{}"u8.ToArray() : validBytes;
        if (route.Access is "merchant" or "merchantoradmin" && (pathIds.Count > 0 || world.NamesOwnResources(route.OperationId)))
        {
            yield return new($"{route} as another merchant", route.Method, concrete, world.OtherMerchantKey, idCaseBytes);
        }

        if (route.Access == "device")
        {
            foreach (var device in world.BadDeviceSignatures())
            {
                yield return new($"{route} {device.Why}", route.Method, concrete, null, validBytes.Length > 0 ? validBytes : "{}"u8.ToArray(), Headers: device.Headers);
            }
        }

        if (route.Access == "bank")
        {
            foreach (var bank in world.BadBankSignatures(validBytes))
            {
                yield return new($"{route} {bank.Why}", route.Method, concrete, null, validBytes, Headers: bank.Headers);
            }
        }

        // Hostile ids, and one of the right shape that names nothing (the same prefix, all zeros).
        var resource = pathIds.Count > 0 ? world.ResourceFor(route.Path) : "";
        var unknown = resource.Contains('_', StringComparison.Ordinal) ? resource[..(resource.IndexOf('_', StringComparison.Ordinal) + 1)] + new string('0', 24) : new string('0', resource.Length);
        foreach (var id in pathIds.Count > 0 ? [.. HostileIds, unknown] : Array.Empty<string>())
        {
            yield return new($"{route} with id {Short(id)}", route.Method, pathIds.Aggregate(route.Path, (path, name) => path.Replace($"{{{name}}}", id, StringComparison.Ordinal)), ownKey, idCaseBytes)
            {
                ByServer = id == ServerRefusedId,
            };
        }

        var queryNames = parameters?.Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToHashSet() ?? [];
        foreach (var query in HostileQueries.Where(q => queryNames.Contains(q[..q.IndexOf('=', StringComparison.Ordinal)])))
        {
            yield return new($"{route} ?{query}", route.Method, $"{concrete}?{query}", ownKey, validBytes);
        }

        if (schema is null || valid is null)
        {
            yield break;
        }

        var variants = EdgeVariants.Of(valid, schema);
        Assert.True(variants.Count >= 40, $"Only {variants.Count} malformed bodies for {route}.");
        foreach (var variant in variants)
        {
            yield return new($"{route} body {Short(variant.Why)}", route.Method, concrete, ownKey, variant.Body, variant.ContentType,
                Headers: route.Access switch { "device" => world.SignedDeviceHeaders(variant.Body), "bank" => world.SignedBankHeaders(variant.Body), _ => null });
        }
    }

    /// <summary>A schema as stated, or the named one it refers to ("#/components/schemas/Name").</summary>
    private static JsonObject? Resolve(JsonNode document, JsonObject? schema) =>
        schema?["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!.AsObject()
            : schema;

    /// <summary>Every document of every container, as stored: any write shows (a new ETag at least).</summary>
    private async Task<string> SnapshotAsync()
    {
        var database = fixture.Host.App.Services.GetRequiredService<Database>();
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var containers = database.GetContainerQueryIterator<ContainerProperties>();
        while (containers.HasMoreResults)
        {
            // The replay guard records every signature it verified, whatever the body then says: that a signed request
            // was refused does not make its signature usable again.
            foreach (var container in (await containers.ReadNextAsync()).Where(c => c.Id != SignatureReplayGuard.ContainerName))
            {
                using var documents = database.GetContainer(container.Id).GetItemQueryIterator<JsonElement>("SELECT * FROM c");
                while (documents.HasMoreResults)
                {
                    foreach (var document in await documents.ReadNextAsync())
                    {
                        var key = $"{container.Id}/{document.GetProperty("id").GetString()}/{(document.TryGetProperty("_rid", out var rid) ? rid.GetString() : "")}";
                        all[key] = document.GetRawText();
                    }
                }
            }
        }

        return string.Join('\n', all.Select(p => $"{p.Key} {p.Value}"));
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..120] + "…";
}

internal sealed record EdgeRoute(string Method, string Path, string OperationId, string Access)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>One request of the edge test; built fresh for each send.</summary>
internal sealed record EdgeCase(string Label, string Method, string Path, string? Bearer, byte[] Body, string? ContentType = "application/json",
    IReadOnlyList<(string Name, string Value)>? Headers = null, (string Name, string Value)? Raw = null)
{
    /// <summary>Refused by the web server before our code: a bare 400, no problem body.</summary>
    public bool ByServer { get; init; }

    public HttpRequestMessage Build()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Path.TrimStart('/'));
        if (Bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bearer);
        }

        if (Raw is { } raw)
        {
            request.Headers.TryAddWithoutValidation(raw.Name, raw.Value);
        }

        foreach (var (name, value) in Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body.Length > 0 || Method is "POST" or "PUT")
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return request;
    }
}

/// <summary>The resources the edge test aims at: one merchant's wallet, payment and device, another merchant, valid bodies.</summary>
internal sealed class EdgeWorld
{
    private readonly Dictionary<string, string> resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> bodies = new(StringComparer.Ordinal);

    private EdgeWorld(PaymentClient merchant, string adminKey, string otherMerchantKey, string deviceId, string deviceSecret, string bankSecret)
    {
        BankSecret = bankSecret;
        Merchant = merchant;
        AdminKey = adminKey;
        OtherMerchantKey = otherMerchantKey;
        DeviceId = deviceId;
        DeviceSecret = deviceSecret;
    }

    public PaymentClient Merchant { get; }

    public string AdminKey { get; }

    public string OtherMerchantKey { get; }

    private string DeviceId { get; }

    private string DeviceSecret { get; }

    private string BankSecret { get; }

    /// <summary>A tariff with every kind of field the contract has (restrictions, min and max price, texts).</summary>
    private const string EdgeTariff = """
        {"id":"edge-tariff","currency":"EUR","type":"REGULAR","tariff_alt_text":[{"language":"en","text":"edge"}],"tariff_alt_url":"https://cpo.example.com/t",
         "min_price":{"excl_vat":0.50,"incl_vat":0.60},"max_price":{"excl_vat":50,"incl_vat":60},
         "elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}],
                      "restrictions":{"start_time":"17:00","end_time":"20:00","day_of_week":["MONDAY"],"min_kwh":0,"max_kwh":100,"max_power":50}},
                     {"price_components":[{"type":"ENERGY","price":0.25,"vat":20,"step_size":1},{"type":"FLAT","price":0.50,"vat":20,"step_size":1}]}],
         "start_date_time":"2020-01-01T00:00:00Z","end_date_time":"2099-01-01T00:00:00Z","last_updated":"2024-01-01T00:00:00Z"}
        """;

    public static async Task<EdgeWorld> CreateAsync(LocalHostFixture fixture)
    {
        var (merchantId, merchantKey) = await fixture.CreateMerchantAsync("Edge target");
        var merchant = new PaymentClient(fixture.Http, merchantId, merchantKey, fixture.Host.App.Services);
        var (_, otherKey) = await fixture.CreateMerchantAsync("Edge other");
        var (deviceId, deviceSecret) = await DeviceRequests.RegisterAsync(fixture, merchantKey);
        var wallet = await merchant.OpenWalletAsync(10_000);
        var payee = await merchant.OpenWalletAsync(0);
        var payment = (await merchant.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!;
        var world = new EdgeWorld(merchant, fixture.AdminKey, otherKey, deviceId, deviceSecret, fixture.BankSecret);
        world.resources["/api/v1/merchants/{id}"] = merchantId;
        world.resources["/api/v1/devices/{id}"] = deviceId;
        world.resources["/api/v1/wallets/{id}"] = wallet;
        world.resources["/api/v1/payments/{id}"] = payment;
        await world.SettleAsync(fixture, merchantId, wallet);
        var due = DateTimeOffset.UtcNow.AddDays(14).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using (var collection = await merchant.PostAsync("api/v1/collections", new { amount = 1_000, currency = "EUR", payer = new { name = "Edge payer", reference = "edge-payer" }, dueAt = due }))
        {
            var created = await PaymentClient.ExpectAsync(collection, HttpStatusCode.Created);
            world.resources["/api/v1/collections/{id}"] = created.GetProperty("id").GetString()!;
            await world.CollectAsync(fixture, created.GetProperty("virtualAccount").GetString()!);
        }

        world.bodies["CreateCollection"] = JsonNode.Parse($$"""{"amount":2500,"currency":"EUR","payer":{"name":"Edge GmbH","reference":"cust-7"},"dueAt":"{{due}}","orderReference":"PO-7","toleranceMinor":10,"walletId":"{{wallet}}"}""")!.AsObject();
        // Subscribed to refunds, which nothing here makes: no delivery runs in the background while the snapshots are compared.
        using (var endpoint = await merchant.PostAsync("api/v1/webhook-endpoints", new { url = "https://hooks.example.com/edge", events = new[] { "payment.refunded" } }))
        {
            world.resources["/api/v1/webhook-endpoints/{id}"] = (await PaymentClient.ExpectAsync(endpoint, HttpStatusCode.Created)).GetProperty("endpoint").GetProperty("id").GetString()!;
        }

        using (var tariff = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, "api/v1/tariffs/edge-tariff", merchantKey, EdgeTariff)))
        {
            await PaymentClient.ExpectAsync(tariff, HttpStatusCode.Created);
            world.resources["/api/v1/tariffs/{id}"] = "edge-tariff";
        }

        using (var station = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, "api/v1/charging/stations/edge-station", merchantKey,
            new { deviceId, tariffId = "edge-tariff", timeZone = "Europe/Amsterdam" })))
        {
            await PaymentClient.ExpectAsync(station, HttpStatusCode.Created);
            world.resources["/api/v1/charging/stations/{stationId}"] = "edge-station";
        }

        using (var token = await merchant.PostAsync("api/v1/charging/tokens", new { idToken = "04A2B3C4", type = "ISO14443", walletId = wallet }))
        {
            world.resources["/api/v1/charging/tokens/{id}"] = (await PaymentClient.ExpectAsync(token, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        }

        var yesterday = DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var started = $$$"""{"eventType":"Started","timestamp":"{{{yesterday}}}T10:00:00Z","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"edge-tx","chargingState":"Charging"},"idToken":{"idToken":"04A2B3C4","type":"ISO14443"}}""";
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/charging/stations/edge-station/transaction-events") { Content = new StringContent(started, Encoding.UTF8, "application/json") })
        {
            foreach (var (name, value) in world.SignedDeviceHeaders(Encoding.UTF8.GetBytes(started)))
            {
                request.Headers.Add(name, value);
            }

            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), HttpStatusCode.OK);
            var sessionId = ChargingSessionStore.IdOf(merchantId, "edge-station", "edge-tx");
            world.resources["/api/v1/charging/sessions/{id}"] = sessionId;
            // Its events (started, authorized) relayed before the snapshots are taken.
            await merchant.EventsAsync(2, TimeSpan.FromSeconds(30), of: e => e.GetProperty("subject").GetString() == sessionId);
        }

        world.resources["/api/v1/events/{id}"] = (await merchant.EventsAsync(1, TimeSpan.FromSeconds(30), of: e => e.GetProperty("subject").GetString() == payment))[0].GetProperty("id").GetString()!;
        world.resources["/api/v1/ledger/accounts/{id}"] = WalletStore.AccountOf(wallet).ToString();
        world.resources["/api/v1/ledger/transfers/{id}"] = Domain.Ledgers.LedgerId.FromName("edge:transfer").ToString();
        var bodies = new Dictionary<string, string>
        {
            ["CreateMerchant"] = """{"name":"Edge"}""",
            ["SetMerchantPricing"] = """{"percentBps":100,"fixedMinor":10,"currency":"EUR"}""",
            ["SetMerchantSettlementSettings"] = """{"timeZone":"Europe/Berlin","cutoffLocalTime":"18:00","reservePercentBps":500,"reserveDays":7,"minimumPayouts":{"EUR":1000}}""",
            ["SetMerchantPayoutAccount"] = """{"name":"Edge GmbH","iban":"DE89370400440532013000","bic":"COBADEFFXXX"}""",
            ["StartSettlementRun"] = """{"date":"2026-01-01","merchantIds":["mer_000000000000000000000000"]}""",
            ["ReturnPayout"] = """{"reason":"AC04"}""",
            ["RegisterDevice"] = """{"kind":"charger","externalId":"edge-device"}""",
            ["RotateDeviceSecret"] = """{"revokePrevious":true}""",
            ["CreateWallet"] = """{"owner":{"type":"customer","reference":"edge"},"currency":"EUR","overdraftLimit":0}""",
            ["TopUpWallet"] = """{"amount":500,"reference":"edge"}""",
            ["CreateTransfer"] = $$"""{"fromWalletId":"{{wallet}}","toWalletId":"{{payee}}","amount":100,"currency":"EUR","reference":"edge"}""",
            ["CreatePayment"] = $$$"""{"amount":100,"currency":"EUR","source":{"walletId":"{{{wallet}}}"},"captureMethod":"manual","reference":"edge","metadata":{"order":"1"}}""",
            ["CapturePayment"] = """{"amount":500}""",
            ["IncrementPayment"] = """{"amount":10}""",
            ["CancelPayment"] = "{}",
            ["RefundPayment"] = """{"amount":10}""",
            ["CreateWebhookEndpoint"] = """{"url":"https://hooks.example.com/edge2","events":["payment.succeeded"],"description":"edge"}""",
            ["UpdateWebhookEndpoint"] = """{"url":"https://hooks.example.com/edge3","events":["*"],"description":"edge","status":"enabled"}""",
            ["RotateWebhookSecret"] = """{"previousValidForSeconds":60}""",
            ["RedeliverEvent"] = $$"""{"endpointId":"{{world.resources["/api/v1/webhook-endpoints/{id}"]}}"}""",
            ["PutTariff"] = EdgeTariff,
            ["PutChargingStation"] = $$"""{"deviceId":"{{deviceId}}","tariffId":"edge-tariff","timeZone":"Europe/Amsterdam","maxEnergyWh":80000,"maxDurationSeconds":14400}""",
            ["CreateChargingToken"] = $$"""{"idToken":"DE8ACC12E46L89","type":"eMAID","walletId":"{{wallet}}"}""",
            ["PostTransactionEvent"] = $$$"""
                {"eventType":"Updated","timestamp":"{{{yesterday}}}T10:05:00Z","triggerReason":"MeterValuePeriodic","seqNo":1,"offline":false,"numberOfPhasesUsed":3,
                 "cableMaxCurrent":32,"reservationId":7,"customData":{"vendorId":"edge"},
                 "transactionInfo":{"transactionId":"edge-tx","chargingState":"Charging","timeSpentCharging":300,"remoteStartId":1},
                 "evse":{"id":1,"connectorId":1},"idToken":{"idToken":"04A2B3C4","type":"ISO14443","additionalInfo":[{"additionalIdToken":"x","type":"y"}]},
                 "meterValue":[{"timestamp":"{{{yesterday}}}T10:05:00Z","sampledValue":[{"value":1.5,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register",
                   "location":"Outlet","unitOfMeasure":{"unit":"kWh","multiplier":0}},{"value":230,"measurand":"Voltage","phase":"L1-N","unitOfMeasure":{"unit":"V"}}]}]}
                """,
            ["PriceWithTariff"] = """
                {"start_date_time":"2024-01-15T09:00:00Z","end_date_time":"2024-01-15T10:00:00Z","time_zone":"Europe/Amsterdam",
                 "charging_periods":[{"start_date_time":"2024-01-15T09:00:00Z","dimensions":[{"type":"ENERGY","volume":20},{"type":"TIME","volume":1}],"tariff_id":"edge-tariff"}]}
                """,
        };
        foreach (var (operation, body) in bodies)
        {
            world.bodies[operation] = JsonNode.Parse(body)!.AsObject();
        }

        return world;
    }

    /// <summary>
    /// A payment settled by a run of this merchant alone (other tests' merchants are left alone), waited for with its
    /// events relayed: the run, the settlement and its payout to aim at.
    /// </summary>
    private async Task SettleAsync(LocalHostFixture fixture, string merchantId, string wallet)
    {
        using (var account = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{merchantId}/payout-account", AdminKey, new { name = "Edge", iban = "DE89370400440532013000" })))
        {
            await PaymentClient.ExpectAsync(account, HttpStatusCode.OK);
        }

        var paid = (await Merchant.PayAsync(wallet, 500, "automatic")).GetProperty("id").GetString()!;
        await Merchant.EventsAsync(1, TimeSpan.FromSeconds(30), of: e => e.GetProperty("subject").GetString() == paid);
        var run = (await SettlementRunner.RunAsync(fixture, [merchantId])).GetProperty("id").GetString()!;
        var settlement = (await Merchant.GetAsync("api/v1/settlements")).GetProperty("settlements")[0];
        resources["/api/v1/settlements/runs/{id}"] = run;
        resources["/api/v1/settlements/{id}"] = settlement.GetProperty("id").GetString()!;
        resources["/api/v1/payouts/{id}"] = settlement.GetProperty("payoutId").GetString()!;
        await Merchant.EventsAsync(2, TimeSpan.FromSeconds(30), of: e => e.GetProperty("type").GetString() is "settlement.completed" or "payout.created");
    }

    /// <summary>
    /// A credit in a currency the payer owes nothing in (its exception, the merchant's, to aim at), and a statement
    /// that lists it (its report).
    /// </summary>
    private async Task CollectAsync(LocalHostFixture fixture, string virtualAccount)
    {
        var booked = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var credit = $$"""{"bankTransactionId":"edge-credit","virtualAccount":"{{virtualAccount}}","amount":300,"currency":"USD","payerName":"Edge payer","remittanceInfo":"edge","bookedAt":"{{booked}}"}""";
        bodies["ReceiveBankCredit"] = JsonNode.Parse(credit.Replace("edge-credit", "edge-credit-2", StringComparison.Ordinal))!.AsObject();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/bank/credits") { Content = new StringContent(credit, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in SignedBankHeaders(Encoding.UTF8.GetBytes(credit)))
        {
            request.Headers.Add(name, value);
        }

        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), HttpStatusCode.OK);
        var exceptions = await Merchant.GetAsync("api/v1/reconciliation/exceptions");
        resources["/api/v1/reconciliation/exceptions/{id}"] = exceptions.GetProperty("data")[0].GetProperty("id").GetString()!;
        bodies["ResolveReconciliationException"] = JsonNode.Parse("""{"action":"write_off","reason":"edge"}""")!.AsObject();

        var statement = Camt053Builder.Build("EDGE-STMT", "DE89370400440532013000", 0, "USD",
            [new Camt053EntrySpec("edge-credit", 300, "USD", IsCredit: true, IsBooked: true, DateOnly.FromDateTime(DateTime.UtcNow), virtualAccount)]);
        using var import = new HttpRequestMessage(HttpMethod.Post, "api/v1/statements") { Content = new StringContent(statement, Encoding.UTF8, "application/xml") };
        import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        resources["/api/v1/statements/{id}"] = (await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(import), HttpStatusCode.OK)).GetProperty("statements")[0].GetProperty("id").GetString()!;
    }

    /// <summary>The id of this merchant's resource that a path with <c>{id}</c> names.</summary>
    public string ResourceFor(string path)
    {
        var key = resources.Keys.FirstOrDefault(k => path.StartsWith(k, StringComparison.Ordinal));
        Assert.True(key is not null, $"The edge test has no resource for {path}: add one to EdgeWorld.CreateAsync.");
        return resources[key!];
    }

    public JsonObject ValidBodyOf(string operationId)
    {
        Assert.True(bodies.ContainsKey(operationId), $"The edge test has no valid body for {operationId}: add one to EdgeWorld.CreateAsync.");
        return bodies[operationId];
    }

    /// <summary>Whether the route's valid body names this merchant's resources (so another merchant sending it must be refused).</summary>
    public bool NamesOwnResources(string operationId) =>
        bodies.TryGetValue(operationId, out var body) && resources.Values.Any(id => body.ToJsonString().Contains(id, StringComparison.Ordinal));

    public IEnumerable<(string Why, IReadOnlyList<(string, string)> Headers)> BadDeviceSignatures()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = "v1=" + RequestSignature.Sign(DeviceSecret, now, "{}"u8.ToArray());
        var stamp = now.ToString(CultureInfo.InvariantCulture);
        yield return ("without signature headers", [(DeviceAuthenticator.DeviceIdHeader, DeviceId)]);
        yield return ("with a signature of another body", [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, stamp), (DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(DeviceSecret, now, "{\"x\":1}"u8.ToArray()))]);
        yield return ("with an old timestamp", [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, (now - 3_600).ToString(CultureInfo.InvariantCulture)), (DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(DeviceSecret, now - 3_600, "{}"u8.ToArray()))]);
        yield return ("with a timestamp from the future", [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, stamp + "0"), (DeviceAuthenticator.SignatureHeader, signature)]);
        yield return ("with a garbage signature", [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, stamp), (DeviceAuthenticator.SignatureHeader, "v1=zz")]);
        yield return ("with the signature of another scheme", [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, stamp), (DeviceAuthenticator.SignatureHeader, signature.Replace("v1=", "v0=", StringComparison.Ordinal))]);
        foreach (var id in new[] { "dev_a\\b", "dev_" + new string('0', 24), "", "dev_" + new string('a', 5_000), "../dev", "dev_%2F" })
        {
            yield return ($"as device {id[..Math.Min(id.Length, 20)]}", [(DeviceAuthenticator.DeviceIdHeader, id), (DeviceAuthenticator.TimestampHeader, stamp), (DeviceAuthenticator.SignatureHeader, signature)]);
        }
    }

    /// <summary>The bank's webhook signed wrong in every way (the body itself is valid: only the signature refuses it).</summary>
    public IEnumerable<(string Why, IReadOnlyList<(string, string)> Headers)> BadBankSignatures(byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Header(long t, string secret, byte[] signed) => string.Create(CultureInfo.InvariantCulture, $"t={t},v1={RequestSignature.Sign(secret, t, signed)}");
        yield return ("signed with another secret", [(BankAuthenticator.SignatureHeader, Header(now, DeviceSecret, body))]);
        yield return ("signed over another body", [(BankAuthenticator.SignatureHeader, Header(now, BankSecret, "{}"u8.ToArray()))]);
        yield return ("signed an hour ago", [(BankAuthenticator.SignatureHeader, Header(now - 3_600, BankSecret, body))]);
        yield return ("without its timestamp", [(BankAuthenticator.SignatureHeader, Header(now, BankSecret, body).Split(',')[1])]);
        yield return ("with a garbage signature", [(BankAuthenticator.SignatureHeader, $"t={now},v1=zz")]);
        yield return ("with a device's headers", SignedDeviceHeaders(body));
    }

    /// <summary>Headers that sign <paramref name="body"/> as the bank: a malformed body must be refused on its content, not its signature.</summary>
    public IReadOnlyList<(string, string)> SignedBankHeaders(byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return [(BankAuthenticator.SignatureHeader, string.Create(CultureInfo.InvariantCulture, $"t={now},v1={RequestSignature.Sign(BankSecret, now, body)}"))];
    }

    /// <summary>Headers that sign <paramref name="body"/> as the device: a malformed body must be refused on its content, not its signature.</summary>
    public IReadOnlyList<(string, string)> SignedDeviceHeaders(byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return [(DeviceAuthenticator.DeviceIdHeader, DeviceId), (DeviceAuthenticator.TimestampHeader, now.ToString(CultureInfo.InvariantCulture)), (DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(DeviceSecret, now, body))];
    }
}
