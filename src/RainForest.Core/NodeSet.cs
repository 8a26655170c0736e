using System.Collections;

namespace RainForest.Core;

/// <summary>
/// An immutable set of NUMA node numbers, written the way the kernel writes <c>cpuset.mems</c> (<c>0-1</c>):
/// the memory nodes a subOS allocates from.
/// </summary>
/// <remarks>
/// Node lists share the cpulist format, so the numbers live in a <see cref="CpuSet"/>; a type of its own keeps a
/// node list from being passed where CPUs are meant, and the reverse, which a string allowed.
/// </remarks>
public sealed class NodeSet : IEquatable<NodeSet>, IReadOnlyCollection<int>
{
    private readonly CpuSet _nodes;

    private NodeSet(CpuSet nodes) => _nodes = nodes;

    /// <summary>The empty set.</summary>
    public static NodeSet Empty { get; } = new(CpuSet.Empty);

    /// <summary>Number of nodes in the set.</summary>
    public int Count => _nodes.Count;

    /// <summary>True when the set holds no node.</summary>
    public bool IsEmpty => _nodes.IsEmpty;

    /// <summary>Creates a set from node numbers; duplicates are merged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or out of range.</exception>
    public static NodeSet Of(IEnumerable<int> nodes) => new(CpuSet.Of(nodes));

    /// <summary>Creates a set from node numbers.</summary>
    public static NodeSet Of(params int[] nodes) => Of((IEnumerable<int>)nodes);

    /// <summary>Parses a node list such as <c>0-1</c>; an empty or blank string is the empty set.</summary>
    /// <exception cref="FormatException">The text is not a node list.</exception>
    public static NodeSet Parse(string text) =>
        TryParse(text, out var set) ? set : throw new FormatException($"'{text}' is not a NUMA node list (expected a list such as 0-1)");

    /// <summary>Parses a node list without throwing.</summary>
    public static bool TryParse(string? text, out NodeSet set)
    {
        var parsed = CpuSet.TryParse(text, out var nodes, out _);
        set = parsed ? new NodeSet(nodes) : Empty;
        return parsed;
    }

    /// <summary>True when <paramref name="node"/> is in the set.</summary>
    public bool Contains(int node) => _nodes.Contains(node);

    /// <summary>Formats as a kernel node list (<c>0-1,3</c>); the empty set is the empty string.</summary>
    public override string ToString() => _nodes.ToString();

    /// <inheritdoc/>
    public bool Equals(NodeSet? other) => other is not null && _nodes.Equals(other._nodes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NodeSet);

    /// <inheritdoc/>
    public override int GetHashCode() => _nodes.GetHashCode();

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => _nodes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
