using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// Evaluates the small part of the ARM template language that Bicep emits for loops over variables
/// (variables('x')[copyIndex()].field, length, format, literals), so tests can read what each copy of a resource
/// will be. Anything else (parameters, reference, ...) is a deployment-time value: format renders it as "?", and
/// any other use throws, so a test never passes on a value it could not read.
/// </summary>
public sealed class ArmExpression
{
    private readonly string text;
    private readonly JsonObject variables;
    private readonly int? copyIndex;
    private int position;

    private ArmExpression(string text, JsonObject variables, int? copyIndex)
    {
        this.text = text;
        this.variables = variables;
        this.copyIndex = copyIndex;
    }

    /// <summary>A deep copy of <paramref name="value"/> with every expression string evaluated.</summary>
    public static JsonNode? Evaluate(JsonNode? value, JsonObject variables, int? copyIndex = null) => value switch
    {
        JsonValue v when v.TryGetValue(out string? s) && IsExpression(s) =>
            new ArmExpression(s[1..^1], variables, copyIndex).ParseWhole(),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Evaluate(p.Value, variables, copyIndex)))),
        JsonArray a => new JsonArray(a.Select(item => Evaluate(item, variables, copyIndex)).ToArray()),
        _ => value?.DeepClone(),
    };

    public static bool IsExpression(string value) => value.StartsWith('[') && value.EndsWith(']') && !value.StartsWith("[[", StringComparison.Ordinal);

    private JsonNode? ParseWhole()
    {
        var result = ParsePostfix();
        SkipSpaces();
        return position == text.Length ? result : throw Unsupported("trailing text");
    }

    private JsonNode? ParsePostfix()
    {
        var value = ParsePrimary();
        while (true)
        {
            SkipSpaces();
            if (Accept('.'))
            {
                var name = ParseIdentifier();
                value = value is JsonObject o && o.TryGetPropertyValue(name, out var member) ? member?.DeepClone() : throw Unsupported($"no property {name}");
            }
            else if (Accept('['))
            {
                var index = ParsePostfix();
                Expect(']');
                value = value switch
                {
                    JsonArray a when index is JsonValue i && i.TryGetValue(out int n) => a[n]?.DeepClone(),
                    JsonObject o when index is JsonValue k && k.TryGetValue(out string? key) => o[key]?.DeepClone(),
                    _ => throw Unsupported("index"),
                };
            }
            else
            {
                return value;
            }
        }
    }

    private JsonNode? ParsePrimary()
    {
        SkipSpaces();
        if (Accept('\''))
        {
            var literal = new StringBuilder();
            while (true)
            {
                var c = position < text.Length ? text[position++] : throw Unsupported("unterminated string");
                if (c == '\'' && !Accept('\''))
                {
                    return JsonValue.Create(literal.ToString());
                }

                literal.Append(c);
            }
        }

        if (char.IsDigit(text[position]) || text[position] == '-')
        {
            var start = position++;
            while (position < text.Length && char.IsDigit(text[position]))
            {
                position++;
            }

            return JsonValue.Create(long.Parse(text[start..position], CultureInfo.InvariantCulture));
        }

        var function = ParseIdentifier();
        Expect('(');
        var arguments = new List<JsonNode?>();
        SkipSpaces();
        while (!Accept(')'))
        {
            arguments.Add(ParsePostfix());
            SkipSpaces();
            Accept(',');
            SkipSpaces();
        }

        return Call(function, arguments);
    }

    private JsonNode? Call(string function, List<JsonNode?> arguments) => function switch
    {
        "variables" => Evaluate(variables[(string)arguments[0]!] ?? throw Unsupported("unknown variable"), variables, copyIndex),
        "copyIndex" => JsonValue.Create(copyIndex ?? throw Unsupported("copyIndex outside a copy loop")),
        "length" => JsonValue.Create(arguments[0] is JsonArray a ? a.Count : throw Unsupported("length of a non-array")),
        "null" => null,
        "parameters" => JsonValue.Create(DeploymentTimeValue),
        "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, (string)arguments[0]!,
            arguments.Skip(1).Select(a => (object?)(a?.ToString() ?? "")).ToArray())),
        _ => throw Unsupported($"function {function}"),
    };

    /// <summary>What a parameter renders as inside format(): only known at deployment.</summary>
    public const string DeploymentTimeValue = "?";

    private string ParseIdentifier()
    {
        SkipSpaces();
        var start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        return position > start ? text[start..position] : throw Unsupported("identifier expected");
    }

    private void SkipSpaces()
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private bool Accept(char c)
    {
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!Accept(c))
        {
            throw Unsupported($"'{c}' expected");
        }
    }

    private NotSupportedException Unsupported(string what) => new($"Cannot evaluate [{text}] at {position}: {what}.");
}
