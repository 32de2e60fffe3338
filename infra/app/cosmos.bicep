// Cosmos DB (NoSQL): the ledger and every business document. Each container below mirrors one entry of
// Pipeline.Application.Cosmos.CosmosContainerCatalog (name, partition key, TTL, unique keys, composite indexes);
// the infrastructure contract test fails when they differ.
param name string
param location string
param tags object
@allowed(['autoscale', 'serverless'])
param capacityMode string
param autoscaleMaxThroughput int
param privateNetworking bool

@description('The one database (Pipeline:Cosmos:DatabaseName).')
param databaseName string
var serverless = capacityMode == 'serverless'

// defaultTtl: null = no expiry; -1 = expiry only for items that carry a ttl; n = seconds.
var containers = [
  {
    name: 'ledger-accounts'
    partitionKeyPath: '/pk'
    defaultTtl: null
    uniqueKeys: []
    // Serves the entry list's ORDER BY timestampMicros, pk.
    compositeIndexes: [
      [
        { path: '/timestampMicros', order: 'ascending' }
        { path: '/pk', order: 'ascending' }
      ]
    ]
  }
  {
    name: 'ledger-transfers'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Idempotency records live 48 hours (ApiLimits.IdempotencyRetention).
    name: 'idempotency'
    partitionKeyPath: '/scope'
    defaultTtl: 172800
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    name: 'merchants'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    name: 'api-keys'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    name: 'devices'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // A device signature seen once is kept twice the timestamp tolerance (2 x 300 s), then expires.
    name: 'signatures'
    partitionKeyPath: '/id'
    defaultTtl: 600
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    name: 'wallets'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // One partition per merchant; serves the payment list's ORDER BY createdMicros DESC, id DESC.
    name: 'payments'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // Charging sessions, one partition per merchant (their outbox events beside them carry a ttl); serves the session
    // list's ORDER BY createdMicros DESC, id DESC.
    name: 'charging-sessions'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // Settlement, one partition per merchant: its state, settlements with their report lines, payouts, and their outbox
    // events (which carry a ttl); serves the settlement list's ORDER BY createdMicros DESC, id DESC.
    name: 'settlements'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // Collections, one partition per merchant (their outbox events beside them carry a ttl); serves the list's
    // ORDER BY createdMicros DESC, id DESC.
    name: 'collections'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // Virtual collection accounts: each IBAN's owner, each payer's IBAN, and the serial counter (partition = id).
    name: 'virtual-accounts'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Bank credits to the collection accounts, one document each (id derived from the bank's reference; partition = id).
    name: 'bank-credits'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Imported bank statements (camt.053), one document each with its report (partition = id).
    name: 'statements'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Reconciliation exceptions, partition = owner (a merchant's id, or "platform"); listed newest first.
    name: 'reconciliation-exceptions'
    partitionKeyPath: '/owner'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // Settlement runs, one document each (the run's orchestration has the same id).
    name: 'settlement-runs'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Each merchant's relayed events (GET /events: ORDER BY position, optionally of one type); events expire after
    // 30 days (their ttl), the head that numbers them does not.
    name: 'events'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/type', order: 'ascending' }
        { path: '/position', order: 'ascending' }
      ]
    ]
  }
  {
    // Each merchant's webhook endpoints, with their events beside them (which carry a ttl: -1 expires only those).
    name: 'webhook-endpoints'
    partitionKeyPath: '/merchantId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Events on their way to each endpoint (partition = endpoint): due ones by state and time, the list newest first.
    // Finished deliveries expire after 30 days (their ttl); pending ones stay.
    name: 'webhook-deliveries'
    partitionKeyPath: '/endpointId'
    defaultTtl: -1
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/state', order: 'ascending' }
        { path: '/dueMicros', order: 'ascending' }
      ]
      [
        { path: '/createdMicros', order: 'descending' }
        { path: '/id', order: 'descending' }
      ]
    ]
  }
  {
    // One cursor per relayed container: how far the event relay has read its change feed.
    name: 'event-cursors'
    partitionKeyPath: '/id'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Each charge point operator's (merchant's) OCPI tariffs, one document per tariff id.
    name: 'tariffs'
    partitionKeyPath: '/merchantId'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // Each merchant's charging stations (device, tariff, time zone, caps), one document per station id.
    name: 'charging-stations'
    partitionKeyPath: '/merchantId'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
  {
    // The tokens drivers present (RFID UIDs, eMAIDs), each with the wallet it pays from; ids derived from type and value.
    name: 'charging-tokens'
    partitionKeyPath: '/merchantId'
    defaultTtl: null
    uniqueKeys: []
    compositeIndexes: []
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    // Strong: the ledger decides on reads (an account or a hold not found, a claim, a refusal's account), and another
    // instance's write must be visible to them; a session or eventual read may come from a replica that lags.
    // Reads cost about twice the RU; the hot paths write far more than they read (docs/ARCHITECTURE.md).
    consistencyPolicy: { defaultConsistencyLevel: 'Strong' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    // Keys are off: data-plane access is a Cosmos SQL role assignment in rbac.bicep.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    // Point-in-time restore of the ledger; the 7-day tier has no charge.
    backupPolicy: serverless
      ? { type: 'Periodic' }
      : { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    // Shared autoscale throughput: every container draws on one ceiling; idle cost is a tenth of it.
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: { paths: [container.partitionKeyPath], kind: 'Hash', version: 2 }
        defaultTtl: container.defaultTtl
        uniqueKeyPolicy: { uniqueKeys: container.uniqueKeys }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [{ path: '/*' }]
          excludedPaths: [{ path: '/"_etag"/?' }]
          compositeIndexes: container.compositeIndexes
        }
      }
    }
  }
]

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
