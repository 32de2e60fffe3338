using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Tests.Collection;

namespace Pipeline.Local.Tests;

/// <summary>camt.053 statements over HTTP: a valid one reconciled; malformed, hostile and oversized files refused with a problem and nothing changed.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class StatementTests(LocalHostFixture fixture)
{
    private const string Account = "DE89370400440532013000";

    [Fact]
    public async Task A_statement_books_a_credit_no_webhook_announced_and_the_same_file_again_changes_nothing()
    {
        var client = await fixture.PaymentClientAsync();
        var collection = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
            new { amount = 7_700, currency = "EUR", payer = new { name = "ACME", reference = "cust-" + Guid.NewGuid().ToString("N")[..8] }, dueAt = DateTimeOffset.UtcNow.AddDays(9) }),
            HttpStatusCode.Created);
        var xml = Camt053Builder.Build("STMT-" + Guid.NewGuid().ToString("N")[..10], Account, 0, "EUR",
        [
            new Camt053EntrySpec("BANK-" + Guid.NewGuid().ToString("N")[..20], 7_700, "EUR", IsCredit: true, IsBooked: true, DateOnly.FromDateTime(DateTime.UtcNow),
                collection.GetProperty("virtualAccount").GetString(), "E2E-1", collection.GetProperty("creditorReference").GetString()),
        ]);

        var report = (await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Import(xml)), HttpStatusCode.OK)).GetProperty("statements")[0];
        Assert.Equal((1, 1), (report.GetProperty("entries").GetInt32(), report.GetProperty("creditsBooked").GetInt32()));
        Assert.Equal("paid", (await client.GetAsync($"api/v1/collections/{collection.GetProperty("id").GetString()}")).GetProperty("status").GetString());

        var again = (await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Import(xml)), HttpStatusCode.OK)).GetProperty("statements")[0];
        Assert.Equal(report.GetRawText(), again.GetRawText());
        using var get = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/statements/{report.GetProperty("id").GetString()}", fixture.AdminKey));
        Assert.Equal(report.GetProperty("statementId").GetString(), (await PaymentClient.ExpectAsync(get, HttpStatusCode.OK)).GetProperty("statementId").GetString());
    }

    [Fact]
    public async Task Malformed_hostile_invalid_and_oversized_statements_are_refused_with_where_and_change_nothing()
    {
        var valid = Camt053Builder.Build("STMT-HOSTILE", Account, 0, "EUR",
            [new Camt053EntrySpec("BANK-HOSTILE", 100, "EUR", IsCredit: true, IsBooked: true, DateOnly.FromDateTime(DateTime.UtcNow), Account)]);
        var body = valid[valid.IndexOf("<Document", StringComparison.Ordinal)..];
        var cases = new (string Why, string Xml, HttpStatusCode Status, string Code)[]
        {
            ("not well-formed", valid[..(valid.Length / 2)], HttpStatusCode.BadRequest, "malformed_xml"),
            ("billion laughs", "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>" + body.Replace("BANK-HOSTILE", "&lol2;", StringComparison.Ordinal),
                HttpStatusCode.BadRequest, "malformed_xml"),
            ("an external entity", "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + body.Replace("BANK-HOSTILE", "&xxe;", StringComparison.Ordinal),
                HttpStatusCode.BadRequest, "malformed_xml"),
            ("another version", valid.Replace("camt.053.001.08", "camt.053.001.02", StringComparison.Ordinal), HttpStatusCode.UnprocessableEntity, "statement_invalid"),
            ("a missing amount", RemoveFirst(valid, "<Amt Ccy=\"EUR\">1.00</Amt>"), HttpStatusCode.UnprocessableEntity, "statement_invalid"),
            ("an empty body", "", HttpStatusCode.BadRequest, "malformed_xml"),
        };
        var before = await CountAsync();
        foreach (var (why, xml, status, code) in cases)
        {
            using var response = await fixture.Http.SendAsync(Import(xml));
            var problem = await PaymentClient.ExpectAsync(response, status);
            Assert.True(code == problem.GetProperty("code").GetString(), $"{why}: {problem}");
        }

        var invalid = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Import(RemoveFirst(valid, "<Amt Ccy=\"EUR\">1.00</Amt>"))), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(invalid.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("line ", StringComparison.Ordinal) && e.Name.Contains("element", StringComparison.Ordinal));

        using var json = Import(valid);
        json.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal("unsupported_media_type", (await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(json), HttpStatusCode.UnsupportedMediaType)).GetProperty("code").GetString());

        Assert.StartsWith("HTTP/1.1 413", await AnnounceOversizedAsync(), StringComparison.Ordinal);

        var merchant = await fixture.PaymentClientAsync();
        using var asMerchant = Import(valid);
        asMerchant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", merchant.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(asMerchant), HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountAsync());
    }

    private HttpRequestMessage Import(string xml)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/statements") { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminKey);
        return request;
    }

    /// <summary>
    /// Announces a file one byte over the limit and sends none of it: the answer comes from the Content-Length alone
    /// (over a raw socket: an HTTP client would still be writing the body when the server closes the connection).
    /// </summary>
    private async Task<string> AnnounceOversizedAsync()
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(fixture.Host.BaseAddress.Host, fixture.Host.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST /api/v1/statements HTTP/1.1\r\nHost: {fixture.Host.BaseAddress.Authority}\r\nAuthorization: Bearer {fixture.AdminKey}\r\n"
            + $"Content-Type: application/xml\r\nContent-Length: {StatementRoutes.BodyBytesMax + 1}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static string RemoveFirst(string text, string part)
    {
        var at = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{part}' is not in the statement.");
        return text.Remove(at, part.Length);
    }

    /// <summary>How many credits and statements are stored: a refused file adds neither.</summary>
    private async Task<(int Credits, int Statements)> CountAsync()
    {
        var database = fixture.Host.App.Services.GetRequiredService<Database>();
        async Task<int> Count(string container)
        {
            using var iterator = database.GetContainer(container).GetItemQueryIterator<JsonElement>("SELECT VALUE COUNT(1) FROM c");
            return (await iterator.ReadNextAsync()).Single().GetInt32();
        }

        return (await Count(BankCredits.ContainerName), await Count(StatementImport.ContainerName));
    }
}
