# Windows twin of preprovision.sh (read it for the why): what private networking needs and Bicep cannot check.
$ErrorActionPreference = 'Stop'
if ("$env:PIPELINE_PRIVATE_NETWORKING" -ne 'true') { exit 0 }

$state = az provider show --namespace Microsoft.App --query registrationState -o tsv
if ($state -ne 'Registered') {
  Write-Host 'Registering the Microsoft.App resource provider (needed by the Function App''s subnet delegation)...'
  az provider register --namespace Microsoft.App --wait
  if ($LASTEXITCODE -ne 0) { throw 'Could not register the Microsoft.App resource provider.' }
}

$namespace = $env:AZURE_SERVICE_BUS_NAMESPACE
$group = $env:AZURE_RESOURCE_GROUP
if ($namespace -and $group) {
  $name = $namespace.Split('.')[0]
  $tier = az servicebus namespace show --resource-group $group --name $name --query sku.tier -o tsv 2>$null
  if ($tier -eq 'Standard') {
    throw "This environment's Service Bus namespace $name is Standard; private networking needs Premium, and Service Bus cannot change a namespace's tier in place. Keep PIPELINE_PRIVATE_NETWORKING=false here, create a new environment for private mode (azd env new), or migrate the namespace first (az servicebus migration start). See docs/OPERATIONS.md, 'Private networking'."
  }
}
