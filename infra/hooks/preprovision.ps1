# Windows twin of preprovision.sh (read it for the why): what Bicep cannot check before a deployment. Needs
# PowerShell 7.2 or later.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false
$private = "$env:PIPELINE_PRIVATE_NETWORKING" -eq 'true'
$zoneRedundant = "$env:PIPELINE_ZONE_REDUNDANT" -eq 'true'

function Refuse([string] $reason) {
  throw "$reason Keep the setting this environment was created with, or create a new environment (azd env new). See docs/OPERATIONS.md, 'Changing an environment'."
}

if ($private) {
  $state = az provider show --namespace Microsoft.App --query registrationState -o tsv
  if ($LASTEXITCODE -ne 0) { throw 'Could not read the registration of the Microsoft.App resource provider.' }
  if ($state -ne 'Registered') {
    Write-Host 'Registering the Microsoft.App resource provider (needed by the Function App''s subnet delegation)...'
    az provider register --namespace Microsoft.App --wait
    if ($LASTEXITCODE -ne 0) { throw 'Could not register the Microsoft.App resource provider.' }
  }
}

# The rest applies to an environment provisioned before: these outputs are absent on the first provision.
$group = $env:AZURE_RESOURCE_GROUP
if (-not $group) { exit 0 }

if ($env:AZURE_SERVICE_BUS_NAMESPACE) {
  $name = $env:AZURE_SERVICE_BUS_NAMESPACE.Split('.')[0]
  $tier = az servicebus namespace show --resource-group $group --name $name --query sku.tier -o tsv 2>$null
  if ($private -and $tier -eq 'Standard') {
    Refuse "Service Bus $name is Standard; private networking needs Premium, and Service Bus cannot change a namespace's tier in place (migrate it first: az servicebus migration start)."
  }
  if (-not $private -and $tier -eq 'Premium') {
    Refuse "Service Bus $name is Premium (private networking); a namespace's tier cannot change in place, so PIPELINE_PRIVATE_NETWORKING cannot be turned off here."
  }
}

if ($env:AZURE_STORAGE_ACCOUNT_NAME) {
  $storage = $env:AZURE_STORAGE_ACCOUNT_NAME
  $sku = az storage account show --resource-group $group --name $storage --query sku.name -o tsv 2>$null
  if ($zoneRedundant -and $sku -eq 'Standard_LRS') {
    Refuse "Storage $storage is LRS; zone redundancy needs ZRS, and a deployment cannot convert it (a conversion is a support or portal request)."
  }
  if (-not $zoneRedundant -and $sku -eq 'Standard_ZRS') {
    Refuse "Storage $storage is ZRS (zone redundant); PIPELINE_ZONE_REDUNDANT cannot be turned off for this environment."
  }
}
