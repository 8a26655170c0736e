using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness;

/// <summary>The systems one experiment compares, set up together and removed together.</summary>
internal sealed class SystemSet : IDisposable
{
    private readonly List<BenchSystem> _systems;

    private SystemSet(List<BenchSystem> systems)
    {
        _systems = systems;
    }

    /// <summary>The systems that could be set up, in report order.</summary>
    public IReadOnlyList<BenchSystem> Systems => _systems;

    /// <summary>Their names.</summary>
    public IReadOnlyList<string> Names => [.. _systems.Select(s => s.Name)];

    /// <summary>The CPUs each system can partition, at most; instances are sized from it.</summary>
    public int PartitionableCpus => _systems.Count == 0 ? 0 : _systems.Min(s => s.PartitionableCpus);

    /// <summary>The systems the options ask for; null means the default set.</summary>
    /// <exception cref="RfException">An unknown system was named.</exception>
    public static IReadOnlyList<string> Requested(BenchOptions options)
    {
        if (options.Systems is null)
        {
            return SystemNames.All;
        }

        foreach (var name in options.Systems)
        {
            if (!SystemNames.All.Contains(name))
            {
                throw RfException.Invalid($"unknown system '{name}' (expected {string.Join(", ", SystemNames.All)})");
            }
        }

        return [.. SystemNames.All.Where(options.Systems.Contains)];
    }

    /// <summary>
    /// Sets up every requested system; a system that cannot be set up is left out with a note saying why, and
    /// LXC is left out by default where it is not installed.
    /// </summary>
    public static async Task<SystemSet> OpenAsync(BenchSession session)
    {
        var requested = Requested(session.Options);
        List<BenchSystem> systems = [];
        try
        {
            foreach (var name in requested)
            {
                session.Cancellation.ThrowIfCancellationRequested();
                if (name == SystemNames.Lxc && !LxcSystem.IsInstalled)
                {
                    if (session.Options.Systems is null)
                    {
                        session.Note("lxc: not measured: LXC is not installed (the Debian package lxc; --systems linux,cell,lxc installs it).");
                        continue;
                    }

                    var missing = await session.EnsureAsync([Requirement.Lxc]).ConfigureAwait(false);
                    if (missing.Count > 0)
                    {
                        session.Note("lxc: not measured: the Debian package lxc could not be installed.");
                        continue;
                    }
                }

                try
                {
                    systems.Add(Create(name, session));
                }
                catch (Exception e) when (e is RfException or IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    session.Note($"{name}: not measured: it could not be set up: {e.Message}");
                }
            }
        }
        catch
        {
            new SystemSet(systems).Dispose();
            throw;
        }

        foreach (var system in systems)
        {
            session.Note(system.Description);
        }

        if (systems.Any(s => s.Name != SystemNames.Linux))
        {
            session.Note($"Every system here runs on the one host kernel ({session.Machine.Kernel}): cells and LXC containers isolate with the same kernel " +
                         "mechanisms (cgroups and namespaces) and share the kernel's global structures and locks; the paper's subOSes each ran a kernel instance of their own.");
        }

        return new SystemSet(systems);
    }

    /// <summary>Removes every system (last first), even when one fails, then reports the failures.</summary>
    public void Dispose()
    {
        List<Exception> errors = [];
        foreach (var system in _systems.AsEnumerable().Reverse())
        {
            try
            {
                system.Dispose();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        _systems.Clear();
        if (errors.Count > 0)
        {
            throw RfException.Failed($"cleaning up after the benchmark failed: {string.Join("; ", errors.Select(e => e.Message))}", errors[0]);
        }
    }

    private static BenchSystem Create(string name, BenchSession session) => name switch
    {
        SystemNames.Linux => new LinuxSystem(session.RunId),
        SystemNames.Cell => new CellSystem(session.RunId),
        SystemNames.Lxc => new LxcSystem(session.RunId, ContainerLifetime(session.Mode)),
        _ => throw RfException.Invalid($"unknown system '{name}'"),
    };

    private static TimeSpan ContainerLifetime(BenchMode mode) => mode switch
    {
        BenchMode.Smoke => TimeSpan.FromMinutes(10),
        BenchMode.Quick => TimeSpan.FromMinutes(30),
        _ => TimeSpan.FromHours(4),
    };
}
