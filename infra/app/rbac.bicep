// Every role assignment of the platform, in one place. The app identity gets exactly what the code needs; the
// deploying user gets a mirror to inspect data only when deployerDataAccess is on (production turns it off: the
// hooks need no data role, they work through Resource Manager).
param appPrincipalId string
param userPrincipalId string
@allowed(['User', 'ServicePrincipal'])
param userPrincipalType string
param deployerDataAccess bool
param storageAccountName string
param cosmosAccountName string
param cosmosDatabaseName string
param serviceBusNamespaceName string
param keyVaultName string
param applicationInsightsName string

// Built-in role definition ids (the same in every subscription).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
// Cosmos DB data-plane roles are Cosmos SQL role definitions, not ARM roles.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

var app = { id: appPrincipalId, type: 'ServicePrincipal' }
var user = !deployerDataAccess || empty(userPrincipalId) ? [] : [{ id: userPrincipalId, type: userPrincipalType }]
var principals = concat([app], user)

// Storage: the Functions host (blobs for locks and the deployment package) and the Durable task hub (queues, tables, blobs).
var storageRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]
var storageAssignments = flatten(map(principals, p => map(storageRoles, r => { principal: p, role: r })))
// Service Bus: the app publishes; the user may also read subscriptions to look at events.
var serviceBusAssignments = concat(
  [{ principal: app, role: roles.serviceBusDataSender }],
  map(user, u => { principal: u, role: roles.serviceBusDataReceiver })
)
// Key Vault: the app reads the admin key and writes merchant webhook and device secrets it creates.
var keyVaultAssignments = map(principals, p => { principal: p, role: roles.keyVaultSecretsOfficer })
// Application Insights with local auth off accepts telemetry only from this role.
var monitoringAssignments = [{ principal: app, role: roles.monitoringMetricsPublisher }]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in storageAssignments: {
    scope: storage
    name: guid(storage.id, a.principal.id, a.role)
    properties: {
      principalId: a.principal.id
      principalType: a.principal.type
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
    }
  }
]

resource serviceBusRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in serviceBusAssignments: {
    scope: serviceBus
    name: guid(serviceBus.id, a.principal.id, a.role)
    properties: {
      principalId: a.principal.id
      principalType: a.principal.type
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
    }
  }
]

resource keyVaultRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in keyVaultAssignments: {
    scope: keyVault
    name: guid(keyVault.id, a.principal.id, a.role)
    properties: {
      principalId: a.principal.id
      principalType: a.principal.type
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
    }
  }
]

resource monitoringRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in monitoringAssignments: {
    scope: applicationInsights
    name: guid(applicationInsights.id, a.principal.id, a.role)
    properties: {
      principalId: a.principal.id
      principalType: a.principal.type
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
    }
  }
]

// One at a time: Cosmos DB takes an exclusive lock on the account per role assignment and answers 412 to a second
// one created in parallel (the app's and the deployer's). Scoped to the one database: nothing else in the account
// is readable with it.
@batchSize(1)
resource cosmosRoleAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for p in principals: {
    parent: cosmos
    // The scope is part of the name: Cosmos DB refuses to change the scope of an existing assignment.
    name: guid(cosmos.id, p.id, cosmosDataContributor, cosmosDatabaseName)
    properties: {
      principalId: p.id
      roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
      scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'
    }
  }
]
