using System.Text.RegularExpressions;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// The Bicep compiler and linter report nothing at all. bicep exits 0 on warnings (type warnings such as BCP036
/// and BCP081 included), so the output is read; bicepconfig.json raises the linter rules to errors.
/// </summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed partial class BicepDiagnosticsTests(CompiledInfrastructure infra)
{
    [GeneratedRegex(@"\b(warning|error)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Diagnostic();

    [Fact]
    public void Build_reports_no_warning_or_error() =>
        Assert.False(Diagnostic().IsMatch(infra.BuildDiagnostics), infra.BuildDiagnostics);

    [Fact]
    public void Lint_reports_no_warning_or_error()
    {
        var (exitCode, output, diagnostics) = BicepCli.Run("lint", "infra/main.bicep");
        Assert.True(exitCode == 0 && !Diagnostic().IsMatch(output + diagnostics), output + diagnostics);
    }

    [Fact]
    public void The_diagnostic_check_catches_a_type_warning()
    {
        // A type warning exits 0: this proves the check above reads the output rather than trusting the exit code.
        var directory = Directory.CreateTempSubdirectory("bicep-warning-");
        try
        {
            var file = Path.Combine(directory.FullName, "bad.bicep");
            File.WriteAllText(file, """
                resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
                  name: 'kv-bad'
                  location: resourceGroup().location
                  properties: { tenantId: tenant().tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: 'yes' }
                }
                """);
            var (exitCode, _, diagnostics) = BicepCli.Run("build", file, "--stdout");
            Assert.Equal(0, exitCode);
            Assert.Matches(Diagnostic(), diagnostics);
            Assert.Contains("BCP036", diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
