using System.Globalization;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Tests.Integration;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// Two unprivileged subOSes on RFloop, made once for the whole attack catalog: <c>guarded</c>, where every
/// attempt runs, and <c>neighbour</c>, which holds a process, a file and a channel of its own for the
/// attempts on another subOS. Also the host-side things the attempts look for, removed on dispose.
/// </summary>
public sealed class GuardedSubOses : IDisposable
{
    /// <summary>The subOS the attempts run in.</summary>
    public const string Guarded = "guarded";

    /// <summary>The other subOS.</summary>
    public const string Neighbour = "neighbour";

    /// <summary>The pids limit asked for both (the bomb in <see cref="ExhaustionTests"/> asks its own).</summary>
    public const long PidsLimit = 512;

    private readonly string _work;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public GuardedSubOses()
    {
        Host = new CellHost();
        _work = Directory.CreateTempSubdirectory("rf-sec-").FullName;
        try
        {
            ProbeBinary = Probe.Build(_work);
            foreach (var name in (string[])[Guarded, Neighbour])
            {
                Host.Supervisor.Create(new CreateOptions
                {
                    Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop, Pids = PidsLimit,
                });
            }

            Probe.Install(Host, Guarded, ProbeBinary);
            Host.Supervisor.CreateChannel(new ChannelOptions { Name = "neighbour-only", Members = [Neighbour] });
            Host.Exec(Neighbour, "sh", "-c", "echo secret > /var/tmp/rf-neighbour-secret; sleep 3601.7 </dev/null >/dev/null 2>&1 &");
            Describe();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The supervisor and its temporary state.</summary>
    public CellHost Host { get; }

    /// <summary>The probe built on the host.</summary>
    public string ProbeBinary { get; }

    /// <summary>True on a cgroup v2 host.</summary>
    public static bool CgroupV2 => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    /// <summary>Runs a script as root in <see cref="Guarded"/>, stderr into stdout.</summary>
    public (int ExitCode, string Output) Run(string script) => Host.Exec(Guarded, "sh", "-c", "exec 2>&1; " + Fill(script));

    /// <summary>Replaces every <c>{name}</c> placeholder that names a value of this fixture.</summary>
    public string Fill(string text)
    {
        foreach (var (key, value) in _values)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The host directory of a subOS's cgroup for one controller (v1) or its only one (v2).</summary>
    public static string HostCgroupDirectory(int agentPid, string controller)
    {
        foreach (var line in File.ReadAllLines($"/proc/{agentPid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (CgroupV2 && parts[0] == "0")
            {
                return "/sys/fs/cgroup" + parts[2];
            }

            if (!CgroupV2 && parts[1].Split(',').Contains(controller))
            {
                return $"/sys/fs/cgroup/{controller}{parts[2]}";
            }
        }

        throw new InvalidOperationException($"pid {agentPid} has no {controller} cgroup");
    }

    public void Dispose()
    {
        try
        {
            Host.Dispose();
        }
        finally
        {
            foreach (var path in (string[])[_values.GetValueOrDefault("hostMarker", string.Empty), _values.GetValueOrDefault("lowerFile", string.Empty)])
            {
                File.Delete(path);
            }

            Directory.Delete(_work, recursive: true);
        }
    }

    private void Describe()
    {
        var guarded = Host.Supervisor.Show(Guarded).Record;
        var neighbour = Host.Supervisor.Show(Neighbour).Record;
        _values["statePath"] = Host.StatePath;
        _values["channelRoot"] = Host.State.ChannelRoot;
        _values["agentPid"] = guarded.AgentPid.ToString(CultureInfo.InvariantCulture);
        _values["neighbourAddress"] = neighbour.Address ?? throw new InvalidOperationException("the neighbour has no RFloop address");
        _values["neighbourPid"] = FindSleeper().ToString(CultureInfo.InvariantCulture);

        // A file only the host's /tmp holds, and one on the host's / that the subOS sees through its lower layer.
        var marker = Path.Combine("/tmp", $"rf-sec-marker-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "host\n");
        _values["hostMarker"] = marker;
        var lower = Path.Combine("/var/tmp", $"rf-sec-lower-{Guid.NewGuid():N}");
        File.WriteAllText(lower, "host\n");
        _values["lowerFile"] = lower;

        foreach (var file in (string[])["cpuset.cpus", "memory.limit", "pids.max", "cgroup.procs"])
        {
            var controller = file.StartsWith("cgroup.", StringComparison.Ordinal) ? "cpuset" : file.Split('.')[0];
            var name = file == "memory.limit" ? (CgroupV2 ? "memory.max" : "memory.limit_in_bytes") : file;
            _values[$"cg:{file}"] = CgroupV2 ? $"/sys/fs/cgroup/{name}" : $"/sys/fs/cgroup/{controller}/{name}";
            _values[$"hostcg:{file}"] = Path.Combine(HostCgroupDirectory(guarded.AgentPid, controller), name);
        }

        _values["cgdir"] = CgroupV2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpuset";
        _values["irq"] = Directory.GetDirectories("/proc/irq")
            .Select(d => Path.Combine(d, "smp_affinity")).Where(File.Exists)
            .OrderBy(f => int.Parse(Path.GetFileName(Path.GetDirectoryName(f))!, CultureInfo.InvariantCulture)).First();
        _values["cpuOnline"] = Directory.GetDirectories("/sys/devices/system/cpu", "cpu*")
            .Select(d => Path.Combine(d, "online")).Where(File.Exists).OrderBy(f => f, StringComparer.Ordinal).Last();
        var disk = Directory.GetDirectories("/sys/block").Select(Path.GetFileName)
            .First(d => !d!.StartsWith("loop", StringComparison.Ordinal) && !d.StartsWith("ram", StringComparison.Ordinal) && !d.StartsWith("zram", StringComparison.Ordinal))!;
        _values["diskName"] = disk;
        _values["diskNumbers"] = File.ReadAllText($"/sys/block/{disk}/dev").Trim().Replace(':', ' ');
    }

    /// <summary>The host pid of the neighbour's <c>sleep 3601.7</c>.</summary>
    private static int FindSleeper()
    {
        for (var tries = 0; tries < 100; tries++)
        {
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadOrEmpty(Path.Combine(dir, "cmdline")) == "sleep\03601.7\0")
                {
                    return pid;
                }
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("the neighbour's sleep did not start");
    }

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
