using Pipeline.Application.Collection;
using Pipeline.Application.Settlement;
using Pipeline.Application.Wallets;
using Pipeline.Application.Webhooks;
using Pipeline.Domain.Payments;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests.Events;

/// <summary>docs/EVENTS.md lists every event type the code can emit, and gives receivers the verifier the tests use.</summary>
public sealed class EventCatalogueTests
{
    private static string Root => CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);

    private static readonly string Document = File.ReadAllText(Path.Combine(Root, "docs", "EVENTS.md"));

    [Fact]
    public void The_catalogue_names_every_event_type()
    {
        var types = PaymentEvents.Types.Concat(WalletEvents.Types).Concat(WebhookEndpointEvents.Types).Concat(SettlementEvents.Types).Concat(CollectionEvents.Types).ToList();
        Assert.All(types, type => Assert.Contains($"| `{type}` |", Document, StringComparison.Ordinal));
        Assert.Equal(types.Order(), SubscribableEvents.Types.Order());
    }

    /// <summary>The C# a receiver pastes is, to the character, the verifier every delivery test checks signatures with.</summary>
    [Fact]
    public void The_documented_verifier_is_the_one_the_tests_use()
    {
        var source = File.ReadAllText(Path.Combine(Root, "tests", "Pipeline.Application.Tests", "Webhooks", "PipelineWebhook.cs"));
        const string Begin = "// BEGIN VERIFIER\n", End = "// END VERIFIER";
        var verifier = source[(source.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length)..source.IndexOf(End, StringComparison.Ordinal)].TrimEnd('\n');

        Assert.Contains($"```csharp\n{verifier}\n```", Document, StringComparison.Ordinal);
    }
}
