namespace Pipeline.Application.Collection;

/// <summary>Every bound of collection in one place.</summary>
public static class CollectionLimits
{
    /// <summary>EPC SEPA: a name is at most 70 characters.</summary>
    public const int PayerNameLengthMax = 70;

    /// <summary>
    /// How many credits one collection takes: its document lists them. A payer who splits one invoice into more
    /// transfers than this has the rest land on its balance, with an exception for a person to look at.
    /// </summary>
    public const int CreditsMax = 100;

    /// <summary>How far ahead a collection may fall due.</summary>
    public static readonly TimeSpan DueWithinMax = TimeSpan.FromDays(3 * 365);
}
