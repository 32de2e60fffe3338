// The Functions runtime's storage: host locks, the Durable task hub (queues, tables, blobs) and the deployment
// package container. Shared keys are off; the app reaches it with its identity only.
param name string
param location string
param tags object
param privateNetworking bool
@description('Zone-redundant storage (ZRS), which a zone-redundant Flex Consumption plan requires. Chosen when the account is created.')
param zoneRedundant bool

var deploymentContainerName = 'deployment-package'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

output id string = storage.id
output name string = storage.name
output deploymentContainerName string = deploymentContainer.name
