using System.Diagnostics;

namespace Pipeline.Application.Diagnostics;

/// <summary>
/// The activity source of Pipeline's own spans. With the ASP.NET Core, Cosmos DB ("Azure.Cosmos.Operation") and
/// Durable Task sources it gives one trace per request: HTTP → route → ledger → Cosmos calls.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "Pipeline";

    /// <summary>Every source a host should listen to.</summary>
    public static readonly string[] Sources = [SourceName, "Azure.Cosmos.Operation", "Microsoft.DurableTask*"];

    public static readonly ActivitySource Source = new(SourceName);
}
