// The Function App on Flex Consumption (.NET 10 isolated). On Flex the runtime, its version and scaling live in
// functionAppConfig; FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not allowed as app settings.
// Every app setting is identity-based or a plain value: no key, connection secret or SAS anywhere.
param planName string
param name string
param location string
param tags object
param identityName string
param applicationInsightsName string
param storageAccountName string
param deploymentContainerName string
param cosmosEndpoint string
param cosmosDatabaseName string
param serviceBusNamespaceName string
param serviceBusTopicName string
param keyVaultName string
param alwaysReadyHttpInstances int
param alwaysReadyDurableInstances int
param maximumInstanceCount int
param instanceMemoryMB int
@description('Spread the plan over availability zones (needs ZRS storage and at least 2 always-ready instances per group).')
param zoneRedundant bool
@description('Subnet for VNet integration, or empty for none.')
param virtualNetworkSubnetId string
param payoutDebtorName string
param payoutDebtorIban string
param payoutDebtorBic string
param settlementDailyRunAtUtc string
param collectionCountryCode string
param collectionBankPrefix string
param collectionBankBic string

// The Durable task hub in the runtime storage account; host.json reads it as %PIPELINE_TASKHUB% (a name without
// "__": the host looks %name% up as a configuration key, and an app setting with "__" is stored under ":").
var taskHubName = 'PipelineHub'
// Always-ready groups: 'http' for every HTTP trigger, 'durable' for orchestrators, activities and entities. A
// zone-redundant plan needs at least 2 in each group (one per zone at least), so it gets 2 where fewer are asked.
var alwaysReadyMin = zoneRedundant ? 2 : 0
var alwaysReady = filter(
  [
    { name: 'http', instanceCount: max(alwaysReadyHttpInstances, alwaysReadyMin) }
    { name: 'durable', instanceCount: max(alwaysReadyDurableInstances, alwaysReadyMin) }
  ],
  group => group.instanceCount > 0
)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true, zoneRedundant: zoneRedundant }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    functionAppConfig: {
      runtime: { name: 'dotnet-isolated', version: '10.0' }
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        // The Functions host and the Durable task hub (Azure Storage backend), through the app identity.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        // Where telemetry goes; with local auth off, the authentication string makes the host use Entra tokens.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        // DefaultAzureCredential in the worker picks the user-assigned identity by this.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        // Options classes of the code ([SettingsSection]); the contract test checks this list against them.
        { name: 'Pipeline__Cosmos__Endpoint', value: cosmosEndpoint }
        { name: 'Pipeline__Cosmos__DatabaseName', value: cosmosDatabaseName }
        { name: 'Pipeline__KeyVault__Uri', value: keyVault.properties.vaultUri }
        {
          name: 'Pipeline__ServiceBus__FullyQualifiedNamespace'
          value: split(replace(serviceBus.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
        }
        { name: 'Pipeline__ServiceBus__Topic', value: serviceBusTopicName }
        { name: 'PIPELINE_TASKHUB', value: taskHubName }
        // Ledger maintenance (MaintenanceOptions): how often a pass runs, and the grace period before it finishes
        // the work of a request that died.
        { name: 'Pipeline__Maintenance__Interval', value: '00:01:00' }
        { name: 'Pipeline__Maintenance__RecoverAfter', value: '00:02:00' }
        // Every instance may run the event relays (one orchestration per source container, docs/EVENTS.md).
        { name: 'Pipeline__Events__RelayEnabled', value: 'true' }
        // Webhooks go to public https receivers only: no http, no private network allowed (docs/EVENTS.md).
        { name: 'Pipeline__Webhooks__AllowHttp', value: 'false' }
        { name: 'Pipeline__Webhooks__AllowedNetworks', value: '' }
        // How long a manual payment's hold lasts (PaymentOptions, 1 s to 30 days).
        { name: 'Pipeline__Payments__AuthorizationWindow', value: '7.00:00:00' }
        { name: 'Pipeline__Charging__IdleTimeout', value: '02:00:00' }
        { name: 'Pipeline__Charging__EndedGrace', value: '00:10:00' }
        { name: 'Pipeline__Charging__MaxDuration', value: '1.00:00:00' }
        { name: 'Pipeline__Charging__HoldEnergyWh', value: '80000' }
        // A price takes effect this long after it is set (MerchantOptions): above clock differences and request pauses.
        { name: 'Pipeline__Merchants__PriceTakesEffectAfter', value: '00:01:00' }
        // Settlement (SettlementOptions, docs/SETTLEMENT.md): the platform's payout account and the daily run.
        { name: 'Pipeline__Settlement__DebtorName', value: payoutDebtorName }
        { name: 'Pipeline__Settlement__DebtorIban', value: payoutDebtorIban }
        { name: 'Pipeline__Settlement__DebtorBic', value: payoutDebtorBic }
        { name: 'Pipeline__Settlement__DailyRunAtUtc', value: settlementDailyRunAtUtc }
        // Collection (CollectionOptions, docs/COLLECTION.md): the bank range virtual accounts are given out from.
        { name: 'Pipeline__Collection__CountryCode', value: collectionCountryCode }
        { name: 'Pipeline__Collection__BankPrefix', value: collectionBankPrefix }
        { name: 'Pipeline__Collection__BankBic', value: collectionBankBic }
        { name: 'Pipeline__Collection__ReminderLead', value: '3.00:00:00' }
        { name: 'Pipeline__Collection__AccountPerCollection', value: 'false' }
        // A Key Vault reference, resolved by the platform with keyVaultReferenceIdentity; the hook creates the secret.
        { name: 'Pipeline__AdminKey', value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=admin-key)' }
        // The collecting bank's webhook secret (X-Bank-Signature), likewise; the hook creates it, the operator gives it to the bank.
        { name: 'Pipeline__Collection__BankSecret', value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=bank-webhook-secret)' }
        // While the bank switches to a new secret: a reference to the old one (docs/OPERATIONS.md); empty otherwise.
        { name: 'Pipeline__Collection__BankSecretPrevious', value: '' }
      ]
    }
  }
}

// No basic (user name and password) publishing: deployment goes through the deployment storage with the managed
// identity, and nothing may sign in to the scm or ftp endpoints with a password.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

output id string = functionApp.id
output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
