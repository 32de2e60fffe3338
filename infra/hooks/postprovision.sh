#!/bin/sh
# Creates the Key Vault secrets the app reads through Key Vault references, each only if it does not exist yet:
# `admin-key` (the bearer key of admin calls) and `bank-webhook-secret` (what the collecting bank signs its credit
# webhooks with; give it to the bank, docs/COLLECTION.md). Then makes the Function App read its Key Vault references
# again, so the first start finds the secrets instead of caching a failed reference for up to 24 hours. The refresh
# runs on every provision (it is harmless), so a run that died between the steps is repaired by the next.
#
# All of it goes through Azure Resource Manager (the control plane), not the vault's data plane: that works when the
# vault has public network access off (privateNetworking) and needs no data role on the vault, only the Contributor
# (or Owner) role the deployer already holds on the resource group. Each value is random, written from a file only
# this user can read, never printed and never part of a template or a deployment's history. A control-plane read of
# a secret returns its properties, never its value.
set -eu
vault="${AZURE_KEY_VAULT_ID:?azd sets AZURE_KEY_VAULT_ID from the provision outputs}"
app="${AZURE_FUNCTION_APP_ID:?azd sets AZURE_FUNCTION_APP_ID from the provision outputs}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

# ensure_secret <name> <content type>: creates the secret with 32 random bytes (hex) unless it exists.
ensure_secret() {
  secret="$vault/secrets/$1?api-version=2023-07-01"
  if az rest --method get --url "$secret" -o none 2>"$work/error"; then
    echo "$1 already exists in $(basename "$vault"); left as it is."
  elif grep -Eqi 'SecretNotFound|Not Found|ResourceNotFound' "$work/error"; then
    key=$(openssl rand -hex 32)
    [ "${#key}" -eq 64 ] || { echo "openssl did not produce a key for $1; nothing was changed." >&2; exit 1; }
    printf '{"properties":{"value":"%s","contentType":"%s"}}' "$key" "$2" >"$work/body.json"
    az rest --method put --url "$secret" --body "@$work/body.json" -o none
    echo "$1 created in $(basename "$vault"). Read it (from a network that reaches the vault) with:"
    echo "  az keyvault secret show --vault-name $(basename "$vault") --name $1 --query value -o tsv"
  else
    cat "$work/error" >&2
    echo "Could not tell whether $1 exists in $(basename "$vault"); nothing was changed." >&2
    exit 1
  fi
}

ensure_secret admin-key "Pipeline admin bearer key"
ensure_secret bank-webhook-secret "Pipeline collecting bank webhook secret"

# A configuration change would also make the app fetch its references again; this call does only that.
az rest --method post --url "$app/config/configreferences/appsettings/refresh?api-version=2022-03-01" -o none
echo "The Function App reads its Key Vault references again."
