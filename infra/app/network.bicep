// Optional private networking (main.bicep's privateNetworking): the Function App's outbound traffic goes through
// a VNet, and Storage, Cosmos DB, Service Bus and Key Vault are reached through private endpoints only. The app's
// HTTP endpoint stays public: banks, merchants, chargers and vehicles call it from the internet.
param name string
param privateEndpointPrefix string
param location string
param tags object
param addressPrefix string
param storageAccountName string
param cosmosAccountName string
param serviceBusNamespaceName string
param keyVaultName string

var storageType = 'Microsoft.Storage/storageAccounts'

// One private endpoint per service and sub-resource, each with the private DNS zone that resolves it.
var endpoints = [
  { key: 'blob', type: storageType, target: storageAccountName, groupId: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { key: 'queue', type: storageType, target: storageAccountName, groupId: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { key: 'table', type: storageType, target: storageAccountName, groupId: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  { key: 'cosmos', type: 'Microsoft.DocumentDB/databaseAccounts', target: cosmosAccountName, groupId: 'Sql', zone: 'privatelink.documents.azure.com' }
  { key: 'servicebus', type: 'Microsoft.ServiceBus/namespaces', target: serviceBusNamespaceName, groupId: 'namespace', zone: 'privatelink.servicebus.windows.net' }
  { key: 'vault', type: 'Microsoft.KeyVault/vaults', target: keyVaultName, groupId: 'vault', zone: 'privatelink.vaultcore.azure.net' }
]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        // Flex Consumption VNet integration needs a subnet delegated to Microsoft.App/environments.
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'private-endpoints'
        properties: { addressPrefix: cidrSubnet(addressPrefix, 24, 1) }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: vnet.name
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: { id: vnet.id }
      registrationEnabled: false
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for endpoint in endpoints: {
    name: '${privateEndpointPrefix}${endpoint.key}-${name}'
    location: location
    tags: tags
    properties: {
      subnet: { id: vnet.properties.subnets[1].id }
      privateLinkServiceConnections: [
        {
          name: endpoint.key
          properties: { privateLinkServiceId: resourceId(endpoint.type, endpoint.target), groupIds: [endpoint.groupId] }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [{ name: endpoint.key, properties: { privateDnsZoneId: zones[i].id } }]
    }
  }
]

output appSubnetId string = vnet.properties.subnets[0].id
