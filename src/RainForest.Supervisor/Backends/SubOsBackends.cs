using RainForest.Core;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Backends;

/// <summary>The backends one supervisor offers, by kind: the rooms ask here which one carries a subOS.</summary>
internal sealed class SubOsBackends
{
    private readonly Dictionary<SubOsBackendKind, ISubOsBackend> _byKind;

    public SubOsBackends(params ISubOsBackend[] backends) => _byKind = backends.ToDictionary(b => b.Kind);

    /// <summary>Every backend, in the order given.</summary>
    public IEnumerable<ISubOsBackend> All => _byKind.Values;

    /// <summary>The backend of <paramref name="kind"/>.</summary>
    /// <exception cref="RfException">This supervisor has no such backend (exit code 2).</exception>
    public ISubOsBackend this[SubOsBackendKind kind] =>
        _byKind.TryGetValue(kind, out var backend) ? backend : throw RfException.Invalid($"no {kind.ToText()} backend on this supervisor");

    /// <summary>The backend that carries <paramref name="record"/>.</summary>
    public ISubOsBackend For(SubOsRecord record) => this[record.Backend];
}
