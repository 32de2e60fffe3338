#!/bin/sh
# Checks, before anything is deployed, what private networking (PIPELINE_PRIVATE_NETWORKING=true) needs and Bicep
# cannot do or check itself:
# - the Microsoft.App resource provider, which the Function App's subnet delegation (Microsoft.App/environments)
#   needs, is registered in the subscription (registered here if not: a subscription-level action Contributor has);
# - an environment provisioned before with Service Bus Standard is not switched to private: private endpoints need
#   Premium, and a namespace's tier cannot change in place, so the deployment would fail half-way.
set -eu
case "${PIPELINE_PRIVATE_NETWORKING:-false}" in
  true | True | TRUE) ;;
  *) exit 0 ;;
esac

state=$(az provider show --namespace Microsoft.App --query registrationState -o tsv)
if [ "$state" != "Registered" ]; then
  echo "Registering the Microsoft.App resource provider (needed by the Function App's subnet delegation); this takes a minute or two..."
  az provider register --namespace Microsoft.App --wait
fi

# Set by an earlier provision of this environment; absent on the first.
namespace="${AZURE_SERVICE_BUS_NAMESPACE:-}"
group="${AZURE_RESOURCE_GROUP:-}"
if [ -n "$namespace" ] && [ -n "$group" ]; then
  tier=$(az servicebus namespace show --resource-group "$group" --name "${namespace%%.*}" --query sku.tier -o tsv 2>/dev/null || true)
  if [ "$tier" = "Standard" ]; then
    echo "This environment's Service Bus namespace ${namespace%%.*} is Standard; private networking needs Premium, and Service Bus" >&2
    echo "cannot change a namespace's tier in place. Either keep PIPELINE_PRIVATE_NETWORKING=false here, or create a new" >&2
    echo "environment for private mode (azd env new), or migrate the namespace first (az servicebus migration start)." >&2
    echo "See docs/OPERATIONS.md, 'Private networking'." >&2
    exit 1
  fi
fi
