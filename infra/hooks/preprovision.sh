#!/bin/sh
# Checks, before anything is deployed, what Bicep cannot do or check itself:
# - private networking (PIPELINE_PRIVATE_NETWORKING=true) needs the Microsoft.App resource provider, which the
#   Function App's subnet delegation (Microsoft.App/environments) uses, registered in the subscription (registered
#   here if not: a subscription-level action Contributor has);
# - an environment provisioned before keeps the tiers that cannot change in place: Service Bus Standard (public) or
#   Premium (private endpoints need it), and storage LRS or ZRS (PIPELINE_ZONE_REDUNDANT). A deployment asking for
#   the other would fail half-way, so it is refused here, before anything changes.
set -eu
is_true() { case "$1" in true | True | TRUE) return 0 ;; *) return 1 ;; esac; }
private=false
is_true "${PIPELINE_PRIVATE_NETWORKING:-false}" && private=true
zone_redundant=false
is_true "${PIPELINE_ZONE_REDUNDANT:-false}" && zone_redundant=true

refuse() {
  echo "$1" >&2
  echo "Keep the setting this environment was created with, or create a new environment (azd env new). See docs/OPERATIONS.md, 'Changing an environment'." >&2
  exit 1
}

if [ "$private" = true ]; then
  state=$(az provider show --namespace Microsoft.App --query registrationState -o tsv)
  if [ "$state" != "Registered" ]; then
    echo "Registering the Microsoft.App resource provider (needed by the Function App's subnet delegation); this takes a minute or two..."
    az provider register --namespace Microsoft.App --wait
  fi
fi

# The rest applies to an environment provisioned before: these outputs are absent on the first provision.
group="${AZURE_RESOURCE_GROUP:-}"
[ -n "$group" ] || exit 0

namespace="${AZURE_SERVICE_BUS_NAMESPACE:-}"
if [ -n "$namespace" ]; then
  tier=$(az servicebus namespace show --resource-group "$group" --name "${namespace%%.*}" --query sku.tier -o tsv 2>/dev/null || true)
  if [ "$private" = true ] && [ "$tier" = "Standard" ]; then
    refuse "Service Bus ${namespace%%.*} is Standard; private networking needs Premium, and Service Bus cannot change a namespace's tier in place (migrate it first: az servicebus migration start)."
  fi
  if [ "$private" = false ] && [ "$tier" = "Premium" ]; then
    refuse "Service Bus ${namespace%%.*} is Premium (private networking); a namespace's tier cannot change in place, so PIPELINE_PRIVATE_NETWORKING cannot be turned off here."
  fi
fi

storage="${AZURE_STORAGE_ACCOUNT_NAME:-}"
if [ -n "$storage" ]; then
  sku=$(az storage account show --resource-group "$group" --name "$storage" --query sku.name -o tsv 2>/dev/null || true)
  if [ "$zone_redundant" = true ] && [ "$sku" = "Standard_LRS" ]; then
    refuse "Storage $storage is LRS; zone redundancy needs ZRS, and a deployment cannot convert it (a conversion is a support or portal request)."
  fi
  if [ "$zone_redundant" = false ] && [ "$sku" = "Standard_ZRS" ]; then
    refuse "Storage $storage is ZRS (zone redundant); PIPELINE_ZONE_REDUNDANT cannot be turned off for this environment."
  fi
fi
