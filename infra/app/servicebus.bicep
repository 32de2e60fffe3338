// Service Bus: the integration-event topic for downstream systems. Names mirror
// Pipeline.Application.Events.ServiceBusEntities (checked by the infrastructure contract test).
param name string
param location string
param tags object
param privateNetworking bool

var topicName = 'pipeline-events'
// Longer than any activity retry schedule, so a retried publish (same message id = event id) is dropped.
var duplicateDetectionWindow = 'P1D'
var subscriptions = [
  // Every event, for the operator's downstream systems (ERP, accounting, data warehouse).
  { name: 'downstream' }
]

// Topics need Standard; private endpoints need Premium.
resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: privateNetworking ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
  }
}

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for subscription in subscriptions: {
    parent: topic
    name: subscription.name
    properties: {
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
      lockDuration: 'PT1M'
    }
  }
]

output id string = namespace.id
output name string = namespace.name
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = topic.name
