using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Ledger;
using Pipeline.Application.Payments;

namespace Pipeline.Local.Tests;

/// <summary>The calls payment tests make over HTTP, as one merchant.</summary>
internal sealed class PaymentClient(HttpClient http, string merchantId, string apiKey, IServiceProvider services)
{
    public string ApiKey { get; } = apiKey;

    public string MerchantId { get; } = merchantId;

    public async Task<string> OpenWalletAsync(long topUp, string currency = "EUR")
    {
        using var created = await PostAsync("api/v1/wallets", new { owner = new { type = "customer", reference = "cust-" + Guid.NewGuid() }, currency });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var wallet = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        if (topUp > 0)
        {
            using var funded = await PostAsync($"api/v1/wallets/{wallet}/top-ups", new { amount = topUp, reference = "top-up" });
            Assert.Equal(HttpStatusCode.Created, funded.StatusCode);
        }

        return wallet;
    }

    /// <summary>Creates a payment that must succeed (201); returns its body.</summary>
    public async Task<JsonElement> PayAsync(string wallet, long amount, string captureMethod, object? metadata = null)
    {
        using var response = await PostAsync("api/v1/payments", new { amount, currency = "EUR", source = new { walletId = wallet }, captureMethod, reference = "order-" + amount, metadata });
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new("Bearer", ApiKey);
        if (body is not null)
        {
            request.Content = body is string raw ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }

        return http.SendAsync(request);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", ApiKey);
        using var response = await http.SendAsync(request);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public Task<JsonElement> PaymentAsync(string id) => GetAsync($"api/v1/payments/{id}");

    /// <summary>
    /// Reads GET /events from the start until <paramref name="count"/> events are there (the relay hands them on within
    /// a poll interval or so); fails after <paramref name="within"/>.
    /// </summary>
    /// <summary>The merchant's events from the start of its log (those <paramref name="of"/> picks), once there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> EventsAsync(int count, TimeSpan within, Func<JsonElement, bool>? of = null)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        var events = new List<JsonElement>();
        var after = "0";
        while (true)
        {
            var page = await GetAsync($"api/v1/events?after={after}&limit=100");
            events.AddRange(page.GetProperty("events").EnumerateArray().Where(e => of?.Invoke(e) ?? true));
            after = page.GetProperty("next").GetString()!;
            if (events.Count >= count || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(events.Count == count, $"Expected {count} events within {within}, read {events.Count}.");
                return events;
            }

            if (!page.GetProperty("hasMore").GetBoolean())
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task<(long Available, long Pending, long Posted)> BalancesAsync(string wallet)
    {
        var balances = (await GetAsync($"api/v1/wallets/{wallet}")).GetProperty("balances");
        return (balances.GetProperty("available").GetInt64(), balances.GetProperty("pending").GetInt64(), balances.GetProperty("posted").GetInt64());
    }

    /// <summary>The books balance, and every payment of this merchant says what its ledger transfers say.</summary>
    public async Task AssertBooksBalancedAsync()
    {
        var audit = await services.GetRequiredService<ILedgerStore>().AuditAsync();
        Assert.True(audit.Balanced, "The ledger audit is not balanced.");
        Assert.Empty(await services.GetRequiredService<PaymentLedgerCheck>().FindDisagreementsAsync(MerchantId, default));
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
