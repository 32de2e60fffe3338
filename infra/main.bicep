// Pipeline on Azure: everything `azd up` creates, in one resource group per azd environment.
// What each part is and what it costs is in docs/OPERATIONS.md; tests/Pipeline.Infrastructure.Tests compiles this
// file and checks it against the code (settings, Cosmos containers, Service Bus entities, no keys, RBAC).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. With the subscription and region it makes every resource name.')
param environmentName string

// Regions that offered the Flex Consumption plan when this was written; azd offers only these. Check the current
// list with `az functionapp list-flexconsumption-locations` (add --zone-redundant=true for zoneRedundant) and add
// a region here when it appears there.
@minLength(1)
@description('Region for every resource. It must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
param location string

@description('Object id of the deploying user or principal (azd fills it in). With deployerDataAccess on, it gets the data roles listed in app/rbac.bicep, to look at the data; deploying needs none.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principal principalId names.')
param principalType string = 'User'

@description('Give the deploying principal data roles (read and write ledger data, secrets, task hub; read events) to look at the data. Production turns this off: deploying needs none of them.')
param deployerDataAccess bool = true

@allowed(['autoscale', 'serverless'])
@description('Cosmos DB capacity mode. Autoscale is the production default; see docs/OPERATIONS.md for why.')
param cosmosCapacityMode string = 'autoscale'

@minValue(1000)
@description('Autoscale ceiling of the database (RU/s), shared by every container. Idle cost is billed at a tenth of it.')
param cosmosAutoscaleMaxThroughput int = 1000

@minValue(0)
@maxValue(20)
@description('Always-ready instances for HTTP triggers: no cold start for API calls and webhooks. 0 scales to zero.')
param alwaysReadyHttpInstances int = 1

@minValue(0)
@maxValue(20)
@description('Always-ready instances for Durable Functions (orchestrators and activities). 0 scales to zero.')
param alwaysReadyDurableInstances int = 1

@minValue(40)
@maxValue(1000)
@description('Upper bound on Function App instances.')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
@description('Memory of each Function App instance (MB).')
param instanceMemoryMB int = 2048

@description('Put the Function App in a virtual network and reach Storage, Cosmos DB, Service Bus and Key Vault through private endpoints only. Service Bus then needs the Premium tier.')
param privateNetworking bool = false

@description('Address space of the virtual network when privateNetworking is on.')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Spread the Function App plan over availability zones, with zone-redundant storage. Chosen when the environment is created (storage cannot switch from LRS to ZRS in place); raises each always-ready group to at least 2 instances.')
param zoneRedundant bool = false

@description('E-mail address the alerts notify (an action group is created for it); empty for none.')
param alertEmailAddress string = ''

@description('Resource id of an existing action group the alerts notify (on-call, chat, ticketing); empty for none.')
param alertActionGroupId string = ''

@description('The platform account payouts are paid from: the debtor name in every pain.001 file (docs/SETTLEMENT.md).')
param payoutDebtorName string = 'Pipeline Payments'

@description('Its IBAN. The default is the ISO 13616 example account, a placeholder: set your own before paying anyone.')
param payoutDebtorIban string = 'DE89370400440532013000'

@description('Its bank\'s BIC; empty writes NOTPROVIDED, as the EPC guidelines allow.')
param payoutDebtorBic string = ''

@description('When the daily settlement run starts ("HH:mm", UTC), for the previous UTC date; empty for no daily run.')
param settlementDailyRunAtUtc string = '02:00'

@description('Country of the virtual collection accounts (docs/COLLECTION.md).')
param collectionCountryCode string = 'DE'

@description('The collecting bank\'s account range the virtual accounts are given out from (its bank code and your range). The default is the ISO 13616 example bank, a placeholder: set yours before the first collection.')
param collectionBankPrefix string = '37040044'

@description('The collecting bank\'s BIC, for payment instructions; empty leaves it out.')
param collectionBankBic string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
// Names are known before deployment (not module outputs), so modules that reference these resources stay
// predictable for what-if.
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  cosmos: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
  cosmosDatabase: 'pipeline'
  serviceBus: '${abbrs.serviceBusNamespaces}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  vnet: '${abbrs.networkVirtualNetworks}${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  functionApp: '${abbrs.webSitesFunctions}${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    privateNetworking: privateNetworking
    zoneRedundant: zoneRedundant
  }
}

module cosmos 'app/cosmos.bicep' = {
  scope: rg
  params: {
    name: names.cosmos
    databaseName: names.cosmosDatabase
    location: location
    tags: tags
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    privateNetworking: privateNetworking
  }
}

module serviceBus 'app/servicebus.bicep' = {
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    privateNetworking: privateNetworking
  }
}

module keyVault 'app/keyvault.bicep' = {
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    privateNetworking: privateNetworking
  }
}

module network 'app/network.bicep' = if (privateNetworking) {
  scope: rg
  params: {
    name: names.vnet
    privateEndpointPrefix: abbrs.networkPrivateEndpoints
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    serviceBusNamespaceName: names.serviceBus
    keyVaultName: names.keyVault
  }
  dependsOn: [storage, cosmos, serviceBus, keyVault]
}

// Every role the app identity (and optionally the deploying user) holds, in one place.
module rbac 'app/rbac.bicep' = {
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    deployerDataAccess: deployerDataAccess
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    cosmosDatabaseName: names.cosmosDatabase
    serviceBusNamespaceName: names.serviceBus
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [storage, cosmos, serviceBus, keyVault, monitoring]
}

module api 'app/api.bicep' = {
  scope: rg
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityName: names.identity
    applicationInsightsName: names.applicationInsights
    storageAccountName: names.storage
    deploymentContainerName: storage.outputs.deploymentContainerName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusNamespaceName: names.serviceBus
    serviceBusTopicName: serviceBus.outputs.topicName
    keyVaultName: names.keyVault
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    alwaysReadyDurableInstances: alwaysReadyDurableInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    zoneRedundant: zoneRedundant
    virtualNetworkSubnetId: network.?outputs.appSubnetId ?? ''
    payoutDebtorName: payoutDebtorName
    payoutDebtorIban: payoutDebtorIban
    payoutDebtorBic: payoutDebtorBic
    settlementDailyRunAtUtc: settlementDailyRunAtUtc
    collectionCountryCode: collectionCountryCode
    collectionBankPrefix: collectionBankPrefix
    collectionBankBic: collectionBankBic
  }
  // The app starts as soon as it exists: its identity must already hold its data roles.
  dependsOn: [rbac]
}

// Resource logs of Key Vault, Cosmos DB, Service Bus and the Function App to Log Analytics.
module diagnostics 'app/diagnostics.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    keyVaultName: names.keyVault
    cosmosAccountName: names.cosmos
    serviceBusNamespaceName: names.serviceBus
    functionAppName: names.functionApp
  }
  dependsOn: [monitoring, keyVault, cosmos, serviceBus, api]
}

module alerts 'app/alerts.bicep' = {
  scope: rg
  params: {
    namePrefix: 'alert-${resourceToken}'
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    cosmosAccountName: names.cosmos
    alertEmailAddress: alertEmailAddress
    alertActionGroupId: alertActionGroupId
  }
  dependsOn: [monitoring, cosmos]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_ID string = api.outputs.id
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE_NAME string = cosmos.outputs.databaseName
output AZURE_SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ID string = keyVault.outputs.id
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
