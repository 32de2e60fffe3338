// The alerts docs/OPERATIONS.md describes, as resources: money that stays in flight, the HTTP 5xx rate, failed
// Durable functions, a stalled event relay and Cosmos DB throttling. They notify an existing action group, one made here for an e-mail
// address, both, or (with neither) only show in the portal.
param namePrefix string
param location string
param tags object
param applicationInsightsName string
param cosmosAccountName string
@description('E-mail address to notify; empty for none.')
param alertEmailAddress string
@description('Resource id of an existing action group to notify; empty for none.')
param alertActionGroupId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource emailGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: '${namePrefix}-email'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pipeline'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmailAddress, useCommonAlertSchema: true }]
  }
}

var actionGroups = concat(empty(alertActionGroupId) ? [] : [alertActionGroupId], empty(alertEmailAddress) ? [] : [emailGroup.id])

// Log search alerts on the app's telemetry: each fires when its query returns a row in the window.
var logAlerts = [
  {
    name: 'money-in-flight'
    severity: 1
    description: 'A charge credit, a transfer or a hold resists the ledger sweep: money stays in flight until someone looks (docs/OPERATIONS.md, Alerts).'
    // Logged with their exception, so the exporter files them under exceptions (not traces): search both, every column.
    query: 'union traces, exceptions | where * has "could not be applied" or * has "Ledger maintenance could not drive" or * has "Ledger maintenance failed"'
  }
  {
    name: 'http-5xx-rate'
    severity: 2
    description: 'More than 5% of at least 20 HTTP requests answered 5xx.'
    // Function runs that are not HTTP (timers, orchestrations, activities) are requests too, without a URL.
    query: 'requests | where isnotempty(url) | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 20 and failed * 100.0 / total > 5'
  }
  {
    name: 'durable-failures'
    severity: 2
    description: 'An orchestration or activity failed (the Durable extension logs "failed with an error").'
    query: 'union traces, exceptions | where * has "failed with an error"'
  }
  {
    name: 'events-stalled'
    severity: 2
    description: 'An event relay pass failed: events wait in their outbox (7 days) until a pass gets through (docs/EVENTS.md, The relay).'
    query: 'union traces, exceptions | where * has "runs again from its cursor"'
  }
  {
    name: 'settlement-failed'
    severity: 2
    description: 'A merchant could not be settled in a run: it is left as it was (or with its round pending) and taken up by the next run (docs/OPERATIONS.md, Running a settlement again).'
    query: 'union traces, exceptions | where * has "the next run takes it up again"'
  }
]

resource logSearchAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    properties: {
      displayName: 'Pipeline: ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      autoMitigate: true
      actions: { actionGroups: actionGroups }
    }
  }
]

// Throttling: Cosmos DB answered 429 (the SDK retries, but sustained 429s mean the RU ceiling is too low).
resource cosmosThrottling 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-cosmos-429'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB throttled more than 10 requests in 5 minutes: raise cosmosAutoscaleMaxThroughput or look for a hot partition.'
    severity: 2
    enabled: true
    scopes: [cosmos.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [{ name: 'StatusCode', operator: 'Include', values: ['429'] }]
          operator: 'GreaterThan'
          threshold: 10
          timeAggregation: 'Count'
        }
      ]
    }
    autoMitigate: true
    actions: map(actionGroups, id => { actionGroupId: id })
  }
}
