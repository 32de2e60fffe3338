using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>
/// Settings of collection (section "Pipeline:Collection"): the collecting bank's account range the virtual accounts are
/// given out from (docs/COLLECTION.md). The defaults are the ISO 13616 example bank (Commerzbank Köln, 37040044): a
/// placeholder to replace with the range your bank gives you.
/// </summary>
[SettingsSection(Section)]
public sealed class CollectionOptions : IValidatableObject
{
    public const string Section = "Pipeline:Collection";

    public const int BankSecretLengthMin = 32;

    /// <summary>The country of the virtual accounts' IBANs.</summary>
    [Required]
    public string CountryCode { get; set; } = "DE";

    /// <summary>The BBAN's start every virtual account shares (bank code, then the platform's range).</summary>
    [Required]
    public string BankPrefix { get; set; } = "37040044";

    /// <summary>How long before a collection is due its <c>collection.reminder</c> goes out (0: none), 3 days by default.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ReminderLead { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// One virtual account per collection instead of per payer: a credit to it pays that collection even without a
    /// reference (a payer who cannot send references), at the cost of an account number per invoice. Off by default.
    /// </summary>
    public bool AccountPerCollection { get; set; }

    /// <summary>The collecting bank's BIC, for payment instructions and QR codes; empty: left out (SEPA does not need it).</summary>
    public string? BankBic { get; set; }

    /// <summary>
    /// The secret the collecting bank signs its credit webhooks with (at least 32 characters; on Azure a Key Vault
    /// reference to the secret bank-webhook-secret). Unset: every bank webhook is refused.
    /// </summary>
    public string? BankSecret { get; set; }

    /// <summary>The bank's previous secret while it switches to a new one (set both, then clear this once the bank signs with the new).</summary>
    public string? BankSecretPrevious { get; set; }

    public VirtualAccountScheme Scheme() =>
        VirtualAccountScheme.TryCreate(CountryCode, BankPrefix, out var error) ?? throw new InvalidOperationException(error);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VirtualAccountScheme.TryCreate(CountryCode ?? "", BankPrefix ?? "", out var error) is null)
        {
            yield return new ValidationResult(error, [nameof(CountryCode), nameof(BankPrefix)]);
        }

        foreach (var (name, secret) in new[] { (nameof(BankSecret), BankSecret), (nameof(BankSecretPrevious), BankSecretPrevious) })
        {
            if (!string.IsNullOrEmpty(secret) && (secret.Length < BankSecretLengthMin || secret.StartsWith(PipelineOptions.UnresolvedReference, StringComparison.OrdinalIgnoreCase)))
            {
                yield return new ValidationResult(
                    $"{name} must be at least {BankSecretLengthMin} characters and not an unresolved Key Vault reference (check the secret bank-webhook-secret and the app's access).", [name]);
            }
        }

        if (!string.IsNullOrEmpty(BankBic) && !Bic.TryNormalize(BankBic, out _))
        {
            yield return new ValidationResult("BankBic is not a BIC of 8 or 11 characters (ISO 9362).", [nameof(BankBic)]);
        }
    }
}
