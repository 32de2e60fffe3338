# Windows twin of postprovision.sh: creates the Key Vault secret `admin-key` once, with a random value never printed.
$ErrorActionPreference = 'Stop'
$vault = $env:AZURE_KEY_VAULT_NAME
if (-not $vault) { throw 'azd sets AZURE_KEY_VAULT_NAME from the provision outputs.' }

az keyvault secret show --vault-name $vault --name admin-key --query id -o none 2>$null
if ($LASTEXITCODE -eq 0) { Write-Host "admin-key already exists in $vault; left as it is."; exit 0 }

$bytes = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)
$key = [System.Convert]::ToHexString($bytes).ToLowerInvariant()
for ($attempt = 1; $attempt -le 10; $attempt++) {
  az keyvault secret set --vault-name $vault --name admin-key --value $key --content-type 'Pipeline admin bearer key' --query id -o none
  if ($LASTEXITCODE -eq 0) { Write-Host "admin-key created in $vault."; exit 0 }
  Write-Host "Waiting for the Key Vault role assignment to apply (attempt $attempt of 10)..."
  Start-Sleep -Seconds 20
}
throw "Could not create admin-key in $vault (role assignment not applied yet?)."
