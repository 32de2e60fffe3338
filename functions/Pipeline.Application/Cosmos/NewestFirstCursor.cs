using System.Globalization;

namespace Pipeline.Application.Cosmos;

/// <summary>
/// The cursor of a list newest first (ORDER BY createdMicros DESC, id DESC, the composite index of
/// <see cref="OutboxContainers.ListedNewestFirst"/>): "&lt;created micros&gt;:&lt;id&gt;" of the page's last item.
/// </summary>
public static class NewestFirstCursor
{
    public static string Of(long createdMicros, string id) => string.Create(CultureInfo.InvariantCulture, $"{createdMicros}:{id}");

    /// <summary>The cursor, or null when <paramref name="text"/> is not one whose id <paramref name="isId"/> accepts.</summary>
    public static (long Micros, string Id)? Parse(string text, Func<string, bool> isId)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(isId);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 18 && text[..colon].All(char.IsAsciiDigit)
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var micros) && isId(text[(colon + 1)..])
            ? (micros, text[(colon + 1)..])
            : null;
    }

    /// <summary>The WHERE clause after the cursor (the id as parameter @afterId); empty without one.</summary>
    public static string After((long Micros, string Id)? cursor) =>
        cursor is { } a ? $" AND (c.createdMicros < {Numbers.Literal(a.Micros)} OR (c.createdMicros = {Numbers.Literal(a.Micros)} AND c.id < @afterId))" : "";
}
