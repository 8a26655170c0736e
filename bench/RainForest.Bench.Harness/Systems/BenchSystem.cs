using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>A system under test: plain Linux, RainForest cells or LXC. It makes instances and removes them all again.</summary>
internal abstract class BenchSystem : IDisposable
{
    private readonly List<BenchInstance> _instances = [];

    /// <summary>The system's name in results: <c>linux</c>, <c>cell</c> or <c>lxc</c>.</summary>
    public abstract string Name { get; }

    /// <summary>How this system was set up, for the report's notes.</summary>
    public abstract string Description { get; }

    /// <summary>How many CPUs its instances can have in total.</summary>
    public abstract int PartitionableCpus { get; }

    /// <summary>The instances made and not yet disposed.</summary>
    public IReadOnlyList<BenchInstance> Instances => _instances;

    /// <summary>Makes an instance with <paramref name="cpuCount"/> CPUs and <paramref name="memory"/>.</summary>
    public BenchInstance CreateInstance(string name, int cpuCount, ByteSize memory) => Track(Make(name, cpuCount, memory));

    /// <summary>Removes one instance.</summary>
    public void DestroyInstance(BenchInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (_instances.Remove(instance))
        {
            instance.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds an instance a system made another way (with options of its own) to those it removes.</summary>
    protected BenchInstance Track(BenchInstance instance)
    {
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Makes the instance; called by <see cref="CreateInstance"/>.</summary>
    protected abstract BenchInstance Make(string name, int cpuCount, ByteSize memory);

    /// <summary>Removes every instance, then what the system itself made.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        List<Exception> errors = [];
        foreach (var instance in _instances.AsEnumerable().Reverse().ToList())
        {
            try
            {
                instance.Dispose();
            }
            catch (Exception e) when (e is RfException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                errors.Add(e);
            }
        }

        _instances.Clear();
        if (errors.Count > 0)
        {
            throw new AggregateException($"{Name}: removing instances failed", errors);
        }
    }
}
