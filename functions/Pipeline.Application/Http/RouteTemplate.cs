namespace Pipeline.Application.Http;

/// <summary>
/// A route template with "{name}" segments, matched by the dispatcher itself so both hosts read route values the
/// same way (the Functions host and ASP.NET Core expose them differently).
/// </summary>
internal sealed class RouteTemplate(string template)
{
    private readonly string[] segments = template.Split('/');

    public IReadOnlyDictionary<string, string>? Match(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length != segments.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Length; i++)
        {
            var segment = segments[i];
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                values[segment[1..^1]] = Uri.UnescapeDataString(parts[i]);
            }
            else if (!string.Equals(segment, parts[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return values;
    }
}
