using Pipeline.Domain.Payments;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests.Events;

/// <summary>docs/EVENTS.md lists every event type the code can emit.</summary>
public sealed class EventCatalogueTests
{
    [Fact]
    public void The_catalogue_names_every_payment_event_type()
    {
        var catalogue = File.ReadAllText(Path.Combine(CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory), "docs", "EVENTS.md"));

        Assert.All(PaymentEvents.Types, type => Assert.Contains($"| `{type}` |", catalogue, StringComparison.Ordinal));
    }
}
