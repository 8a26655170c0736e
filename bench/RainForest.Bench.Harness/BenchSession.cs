using System.Globalization;
using System.Security.Cryptography;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness;

/// <summary>One experiment's run: its options, the observer, cancellation, and the notes the report will carry.</summary>
internal sealed class BenchSession
{
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();

    /// <summary>The parameter that records <see cref="RunId"/>: every name the run gave kernel objects and files contains it.</summary>
    public const string RunIdParameter = "run id";

    /// <summary>Starts a session now.</summary>
    public BenchSession(BenchOptions options, IBenchObserver observer, CancellationToken cancellationToken)
    {
        Options = options;
        Observer = observer;
        Cancellation = cancellationToken;
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Started = DateTimeOffset.UtcNow;
        Machine = MachineInfo.Detect();
        LoadAverageAtStart = LoadAverage();
    }

    /// <summary>The options.</summary>
    public BenchOptions Options { get; }

    /// <summary>The observer.</summary>
    public IBenchObserver Observer { get; }

    /// <summary>Cancelled on Ctrl-C; every wait observes it.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>8 hex digits naming everything this run creates (rf-bench-RUN, rf-lxc-RUN).</summary>
    public string RunId { get; }

    /// <summary>How thoroughly to measure.</summary>
    public BenchMode Mode => Options.Mode;

    /// <summary>When the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The machine.</summary>
    public MachineInfo Machine { get; }

    /// <summary>/proc/loadavg's three averages when the run started.</summary>
    public string LoadAverageAtStart { get; }

    /// <summary>The notes so far.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_gate)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>Adds a note for the report (verbatim) and tells the observer.</summary>
    public void Note(string note)
    {
        lock (_gate)
        {
            if (_notes.Contains(note))
            {
                return;
            }

            _notes.Add(note);
        }

        Observer.Info(note);
    }

    /// <summary>Reports progress of a task.</summary>
    public void Progress(string task, double fraction) => Observer.Progress(task, Math.Clamp(fraction, 0, 1));

    /// <summary>Checks and, if allowed, installs what the experiment needs; returns what is still missing.</summary>
    public async Task<IReadOnlyList<Requirement>> EnsureAsync(IEnumerable<Requirement> requirements)
    {
        var missing = await PackageInstaller.EnsureAsync(requirements, Options.Install, Observer.Info, Cancellation).ConfigureAwait(false);
        foreach (var requirement in missing)
        {
            Note($"{requirement.Command} is not installed (Debian package {requirement.Package}): the parts that need it were skipped.");
        }

        return missing;
    }

    /// <summary>The run's document with the fields every experiment shares filled in.</summary>
    public BenchRun Complete(BenchRun run, IReadOnlyList<string> systems)
    {
        var parameters = new Dictionary<string, string>(run.Parameters, StringComparer.Ordinal)
        {
            ["load average at start"] = LoadAverageAtStart,
            ["load average at end"] = LoadAverage(),
            ["online CPUs"] = Systems.HostCpus.Online().ToString(),
            [RunIdParameter] = RunId,
        };
        return run with
        {
            Mode = Mode,
            StartedUtc = Started,
            FinishedUtc = DateTimeOffset.UtcNow,
            CommandLine = Options.CommandLine,
            Machine = Machine,
            Systems = systems,
            Parameters = parameters,
            Notes = [.. run.Notes, .. Notes],
        };
    }

    /// <summary>Seconds as text for a parameter table.</summary>
    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>/proc/loadavg's three averages now.</summary>
    internal static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" ", fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
