namespace Pipeline.Application.Collection;

/// <summary>Every bound of collection in one place.</summary>
public static class CollectionLimits
{
    /// <summary>EPC SEPA: a name is at most 70 characters.</summary>
    public const int PayerNameLengthMax = 70;

    /// <summary>How far ahead a collection may fall due.</summary>
    public static readonly TimeSpan DueWithinMax = TimeSpan.FromDays(3 * 365);
}
