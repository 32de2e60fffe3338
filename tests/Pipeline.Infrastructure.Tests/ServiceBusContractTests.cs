using System.Xml;
using Pipeline.Application.Events;

namespace Pipeline.Infrastructure.Tests;

/// <summary>The topic and subscriptions of ServiceBusEntities are declared in infra/app/servicebus.bicep, no more.</summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed class ServiceBusContractTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Topic_is_declared_with_duplicate_detection_over_the_same_window()
    {
        var topic = infra.Expanded("serviceBus", "Microsoft.ServiceBus/namespaces/topics").Single();
        Assert.Equal(ServiceBusEntities.Topic, CompiledInfrastructure.LastNameSegment(topic));
        Assert.True(topic["properties"]!["requiresDuplicateDetection"]!.GetValue<bool>());
        var window = XmlConvert.ToTimeSpan(topic["properties"]!["duplicateDetectionHistoryTimeWindow"]!.GetValue<string>());
        Assert.Equal(ServiceBusEntities.DuplicateDetectionWindow, window);
    }

    [Fact]
    public void Subscriptions_are_exactly_those_of_the_code()
    {
        var declared = infra.Expanded("serviceBus", "Microsoft.ServiceBus/namespaces/topics/subscriptions")
            .Select(CompiledInfrastructure.LastNameSegment);
        Assert.Equal(ServiceBusEntities.Subscriptions.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }
}
