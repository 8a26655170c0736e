using System.Globalization;
using RainForest.Bench.Harness.Programs;
using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>One LXC application container that idles (lxc-init and a sleep) while programs are attached to it.</summary>
internal sealed class LxcInstance : BenchInstance
{
    private static readonly TimeSpan s_toolLimit = TimeSpan.FromSeconds(20);
    private readonly LxcSystem _system;
    private readonly string _container;
    private RunningProgram? _execute;
    private readonly string _scratch;
    private int _initPid;

    /// <summary>Describes the container; <see cref="Boot"/> starts it.</summary>
    public LxcInstance(LxcSystem system, string name, string container, int cpuCount, CpuSet cpus, string scratch)
        : base(SystemNames.Lxc, name, cpuCount, cpus)
    {
        _system = system;
        _container = container;
        _scratch = scratch;
    }

    /// <inheritdoc />
    public override int NetworkNamespacePid => _initPid;

    /// <summary>A directory on the host's /dev/shm: a container without a rootfs shares the host's tmpfs mounts.</summary>
    public override string ScratchDirectory => _scratch;

    /// <summary>Starts the container and waits until it runs, with its loopback up.</summary>
    public void Boot(string config, TimeSpan lifetime)
    {
        var seconds = Math.Ceiling(lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        _execute = HostProcess.Start(
            new ProgramSpec(["lxc-execute", "-n", _container, "-P", _system.LxcPath, "-f", config, "-o", Path.Combine(_system.LxcPath, $"{_container}.log"), "--", "sleep", seconds], lifetime + TimeSpan.FromSeconds(30)),
            []);
        var wait = Tool("lxc-wait", "-s", "RUNNING", "-t", "15");
        if (wait.ExitCode != 0)
        {
            var log = _execute.HasExited ? _execute.Completion.Result.FirstErrorLine() : wait.FirstErrorLine();
            throw RfException.Failed($"lxc: container {_container} did not start: {log}");
        }

        var info = Tool("lxc-info", "-p", "-H");
        if (!int.TryParse(info.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _initPid))
        {
            throw RfException.Failed($"lxc: no init pid for {_container}: {info.FirstErrorLine()}");
        }

        var up = Start(new ProgramSpec(["ip", "link", "set", "lo", "up"], s_toolLimit)).Completion.GetAwaiter().GetResult();
        if (up.ExitCode != 0)
        {
            throw RfException.Failed($"lxc: cannot bring loopback up in {_container}: {up.FirstErrorLine()}");
        }
    }

    /// <inheritdoc />
    public override RunningProgram Start(ProgramSpec spec)
    {
        List<string> prefix = ["lxc-attach", "-n", _container, "-P", _system.LxcPath];
        foreach (var variable in spec.Environment)
        {
            prefix.AddRange(["-v", variable]);
        }

        prefix.Add("--");
        return HostProcess.Start(spec with { Environment = [] }, prefix);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        try
        {
            if (_execute is not null)
            {
                if (!_execute.HasExited)
                {
                    Tool("lxc-stop", "-k");
                }

                _execute.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
        }
        finally
        {
            _system.Release(_container, Cpus);
            if (Directory.Exists(_scratch))
            {
                Directory.Delete(_scratch, recursive: true);
            }
        }
    }

    private ProgramResult Tool(string tool, params string[] args) =>
        HostProcess.Start(new ProgramSpec([tool, "-n", _container, "-P", _system.LxcPath, .. args], s_toolLimit), []).Completion.GetAwaiter().GetResult();
}
