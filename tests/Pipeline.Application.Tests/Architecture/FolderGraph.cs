using Mono.Cecil;

namespace Pipeline.Application.Tests.Architecture;

/// <summary>
/// Which folder (namespace) of an assembly uses which, read from the compiled IL: every type a type names in its
/// base types, fields, properties, signatures, attributes and method bodies — so a reference through the parent
/// namespace (which needs no `using`) counts too. Compiler-generated types (lambdas, async state machines) count for
/// the type that declares them.
/// </summary>
public sealed class FolderGraph
{
    private FolderGraph(string root, IReadOnlyDictionary<string, HashSet<string>> edges, IReadOnlyDictionary<(string From, string To), string> examples)
    {
        Root = root;
        Edges = edges;
        Examples = examples;
    }

    public string Root { get; }

    /// <summary>Folder → the other folders it uses ("" is the assembly's root namespace).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Edges { get; }

    /// <summary>One type that makes each edge, for the failure message.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Examples { get; }

    public static FolderGraph Read(string assemblyPath, string rootNamespace)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var examples = new Dictionary<(string, string), string>();
        foreach (var type in module.GetTypes().Where(t => t.Namespace.Length > 0 || t.IsNested))
        {
            var from = Folder(Outermost(type).Namespace, rootNamespace);
            if (from is null)
            {
                continue;
            }

            edges.TryAdd(from, []);
            foreach (var used in UsedTypes(type))
            {
                var to = Folder(Outermost(used).Namespace, rootNamespace);
                if (to is not null && to != from && edges[from].Add(to))
                {
                    examples[(from, to)] = $"{type.FullName} uses {used.FullName}";
                }
            }
        }

        return new FolderGraph(rootNamespace, edges, examples);
    }

    /// <summary>Groups of folders that use each other, directly or around a loop (strongly connected, more than one).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<IReadOnlyList<string>>();
        foreach (var node in Edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Connect(node);
            }
        }

        return result;

        // Tarjan's algorithm; the graph has a few dozen folders, so recursion depth is no concern.
        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in Edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Connect(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var group = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    group.Add(member);
                }
                while (member != node);
                if (group.Count > 1)
                {
                    result.Add(group.Order(StringComparer.Ordinal).ToList());
                }
            }
        }
    }

    /// <summary>"Pipeline.Application.Ledger.Cosmos" → "Ledger/Cosmos"; null outside the root namespace.</summary>
    private static string? Folder(string @namespace, string root) =>
        @namespace == root ? "" : @namespace.StartsWith(root + ".", StringComparison.Ordinal) ? @namespace[(root.Length + 1)..].Replace('.', '/') : null;

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        Add(type.BaseType);
        type.Interfaces.ToList().ForEach(i => Add(i.InterfaceType));
        Attributes(type);
        foreach (var field in type.Fields)
        {
            Add(field.FieldType);
            Attributes(field);
        }

        foreach (var property in type.Properties)
        {
            Add(property.PropertyType);
            Attributes(property);
        }

        foreach (var method in type.Methods)
        {
            Method(method);
            Attributes(method);
            if (!method.HasBody)
            {
                continue;
            }

            method.Body.Variables.ToList().ForEach(v => Add(v.VariableType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference m:
                        Method(m);
                        break;
                    case FieldReference f:
                        Add(f.DeclaringType);
                        Add(f.FieldType);
                        break;
                }
            }
        }

        return found;

        void Method(MethodReference method)
        {
            Add(method.DeclaringType);
            Add(method.ReturnType);
            method.Parameters.ToList().ForEach(p => Add(p.ParameterType));
            if (method is GenericInstanceMethod generic)
            {
                generic.GenericArguments.ToList().ForEach(Add);
            }
        }

        void Attributes(ICustomAttributeProvider provider) =>
            provider.CustomAttributes.ToList().ForEach(a => Add(a.AttributeType));

        void Add(TypeReference? reference)
        {
            switch (reference)
            {
                case null or GenericParameter:
                    return;
                case GenericInstanceType generic:
                    Add(generic.ElementType);
                    generic.GenericArguments.ToList().ForEach(Add);
                    return;
                case TypeSpecification specification:
                    Add(specification.ElementType);
                    return;
                default:
                    found.Add(reference);
                    return;
            }
        }
    }
}
