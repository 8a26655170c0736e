using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Network;

namespace RainForest.Dashboard.Tests;

/// <summary>
/// A supervisor on the real kernel with its own temporary state directory (and so its own prefix),
/// with every subOS it made destroyed, the prefix deinitialised and the directory removed on dispose, also when the
/// test failed.
/// </summary>
internal sealed class ScratchSupervisor : IDisposable
{
    private ScratchSupervisor(string statePath, RainForestSupervisor supervisor)
    {
        StatePath = statePath;
        Supervisor = supervisor;
    }

    /// <summary>The state directory the service is pointed at.</summary>
    public string StatePath { get; }

    /// <summary>The facade, as the CLI uses it: changes made here are what <c>rfm</c> from a shell would make.</summary>
    public RainForestSupervisor Supervisor { get; }

    /// <summary>Initialises a fresh state directory: no CPU reserved for the supervisor, so a 2-CPU machine holds two subOSes.</summary>
    public static ScratchSupervisor Init()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CellBackend.AgentVariable)))
        {
            throw new InvalidOperationException($"set {CellBackend.AgentVariable} to the rf-agent binary (./rfm builds it in .build/bin; ./test sets it)");
        }

        var path = Path.Combine(Path.GetTempPath(), $"rf-dash-test-{Guid.NewGuid():N}");
        var supervisor = RainForestSupervisor.Open(new StateDirectory(path));
        var scratch = new ScratchSupervisor(path, supervisor);
        try
        {
            supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
            return scratch;
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    /// <summary>Creates a subOS of one CPU, on RFloop when <paramref name="net"/> says so.</summary>
    public void Create(string name, string memory, NetMode net = NetMode.None) =>
        Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse(memory), Net = net });

    /// <summary>Starts memcached (a daemon, port 11211) inside <paramref name="name"/>; CI installs it on the host, which the subOS's root is.</summary>
    public void StartMemcached(string name)
    {
        var result = ExecClient.RunCaptured(Supervisor.AgentSocket(name), ["memcached", "-d", "-u", "nobody", "-p", "11211", "-m", "16"], false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"memcached did not start in {name} (exit {result.ExitCode})");
        }
    }

    /// <summary>Runs the rfm that ./rfm built (beside rf-agent) on this state directory, as a shell would; fails unless it exits 0.</summary>
    public string Rfm(params string[] args)
    {
        var rfm = Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable(CellBackend.AgentVariable))!, "rfm");
        var start = new ProcessStartInfo(rfm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--state-dir", StatePath, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{rfm} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Result
            : throw new InvalidOperationException($"rfm {string.Join(' ', args)} exited {process.ExitCode}: {Printable.Escape(stderr, 2000)}");
    }

    public void Dispose()
    {
        try
        {
            Supervisor.Deinit(force: true);
        }
        finally
        {
            Supervisor.Dispose();
            if (Directory.Exists(StatePath))
            {
                Directory.Delete(StatePath, recursive: true);
            }
        }
    }
}
