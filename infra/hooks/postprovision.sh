#!/bin/sh
# Creates the Key Vault secret `admin-key` (the bearer key of admin calls) if it does not exist yet. The value is
# random, never printed, and never passes through a template or a deployment's history. Needs the Azure CLI and
# the deploying user's Key Vault Secrets Officer role (app/rbac.bicep), which can take a minute to apply.
set -eu
vault="${AZURE_KEY_VAULT_NAME:?azd sets AZURE_KEY_VAULT_NAME from the provision outputs}"

if az keyvault secret show --vault-name "$vault" --name admin-key --query id -o none 2>/dev/null; then
  echo "admin-key already exists in $vault; left as it is."
  exit 0
fi

attempt=1
while :; do
  if az keyvault secret set --vault-name "$vault" --name admin-key --value "$(openssl rand -hex 32)" \
       --content-type "Pipeline admin bearer key" --query id -o none; then
    echo "admin-key created in $vault. Read it with: az keyvault secret show --vault-name $vault --name admin-key --query value -o tsv"
    exit 0
  fi
  [ "$attempt" -ge 10 ] && { echo "Could not create admin-key in $vault (role assignment not applied yet?)." >&2; exit 1; }
  attempt=$((attempt + 1))
  echo "Waiting for the Key Vault role assignment to apply (attempt $attempt of 10)..."
  sleep 20
done
