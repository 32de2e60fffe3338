# Windows twin of postprovision.sh (read it for the why): creates the Key Vault secrets `admin-key` and
# `bank-webhook-secret` once each through Azure Resource Manager, with random values never printed, then makes the
# Function App read its Key Vault references again (on every provision). Needs PowerShell 7.2 or later.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false
$vault = $env:AZURE_KEY_VAULT_ID
$app = $env:AZURE_FUNCTION_APP_ID
if (-not $vault -or -not $app) { throw 'azd sets AZURE_KEY_VAULT_ID and AZURE_FUNCTION_APP_ID from the provision outputs.' }
$vaultName = Split-Path $vault -Leaf

function Set-SecretOnce([string] $name, [string] $contentType) {
  $secret = "$vault/secrets/$name`?api-version=2023-07-01"
  $lookup = az rest --method get --url $secret -o none 2>&1
  if ($LASTEXITCODE -eq 0) {
    Write-Host "$name already exists in $vaultName; left as it is."
  } elseif ("$lookup" -match 'SecretNotFound|Not Found|ResourceNotFound') {
    $work = New-Item -ItemType Directory -Path (Join-Path ([System.IO.Path]::GetTempPath()) ([System.IO.Path]::GetRandomFileName()))
    try {
      $key = [System.Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)).ToLowerInvariant()
      $body = Join-Path $work 'body.json'
      Set-Content -Path $body -NoNewline -Value (@{ properties = @{ value = $key; contentType = $contentType } } | ConvertTo-Json -Compress)
      az rest --method put --url $secret --body "@$body" -o none
      if ($LASTEXITCODE -ne 0) { throw "Could not create $name in $vaultName." }
    } finally {
      Remove-Item -Recurse -Force $work
    }
    Write-Host "$name created in $vaultName. Read it (from a network that reaches the vault) with:"
    Write-Host "  az keyvault secret show --vault-name $vaultName --name $name --query value -o tsv"
  } else {
    throw "$lookup`nCould not tell whether $name exists in $vaultName; nothing was changed."
  }
}

Set-SecretOnce 'admin-key' 'Pipeline admin bearer key'
Set-SecretOnce 'bank-webhook-secret' 'Pipeline collecting bank webhook secret'

az rest --method post --url "$app/config/configreferences/appsettings/refresh?api-version=2022-03-01" -o none
if ($LASTEXITCODE -ne 0) { throw 'Could not make the Function App read its Key Vault references again.' }
Write-Host 'The Function App reads its Key Vault references again.'
