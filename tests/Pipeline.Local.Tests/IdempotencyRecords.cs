using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Idempotency;

namespace Pipeline.Local.Tests;

/// <summary>The idempotency records of the host, read and deleted straight in Cosmos DB (as if their 48 h had passed).</summary>
internal static class IdempotencyRecords
{
    /// <summary>The stored record of <paramref name="key"/> in <paramref name="scope"/> ("admin", "merchant:mer_..."), as raw JSON; null when there is none.</summary>
    public static async Task<JsonElement?> ReadAsync(LocalHostFixture fixture, string scope, string key)
    {
        try
        {
            return (await Container(fixture).ReadItemAsync<JsonElement>(Id(key), new PartitionKey(scope))).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes the record, as its retention would: the next request with the key is a first request again.</summary>
    public static Task ForgetAsync(LocalHostFixture fixture, string scope, string key) =>
        Container(fixture).DeleteItemAsync<JsonElement>(Id(key), new PartitionKey(scope));

    private static Container Container(LocalHostFixture fixture) =>
        fixture.Host.App.Services.GetRequiredService<Database>().GetContainer(IdempotencyStore.ContainerName);

    private static string Id(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
