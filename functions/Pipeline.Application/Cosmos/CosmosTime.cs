namespace Pipeline.Application.Cosmos;

/// <summary>
/// Times the store queries on are Unix microseconds: Cosmos DB keeps numbers as doubles, exact only below 2^53,
/// and microseconds since 1970 stay far below that where .NET ticks do not. Amounts and totals are stored as
/// strings for the same reason.
/// </summary>
internal static class CosmosTime
{
    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static long ToTicks(long micros) => (micros * 10) + DateTimeOffset.UnixEpoch.UtcTicks;
}
