using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Tests.Integration;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// RFloop anti-spoofing: a member that can change its own interface (a privileged one, or one that escaped
/// its capabilities) still cannot send as another address or MAC. The attempts change only the forger's
/// interface inside its own network namespace, on this test's own segment.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class LoopForgeryTests : IDisposable
{
    private const string Forger = "forger";
    private const string Target = "target";
    private const string Interface = "$(ls /sys/class/net | grep -vx lo | head -1)";
    private readonly CellHost _host = new();
    private readonly string _work = Directory.CreateTempSubdirectory("rf-sec-").FullName;

    public LoopForgeryTests()
    {
        _host.Supervisor.Create(new CreateOptions { Name = Forger, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop, Privileged = true });
        _host.Supervisor.Create(new CreateOptions { Name = Target, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop });
        Probe.Install(_host, Forger, Probe.Build(_work));
    }

    public void Dispose()
    {
        try
        {
            _host.Dispose();
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public void Ping_ForgedSourceAddress_IsDropped()
    {
        var target = _host.Supervisor.Show(Target).Record.Address!;
        var forged = string.Join('.', target.Split('.')[..3].Append("250"));
        Assert.Equal(0, Forge($"{Probe.InsidePath} ping {target}").ExitCode);

        Assert.Equal(0, Forge($"ip addr add {forged}/32 dev {Interface}").ExitCode);

        var (code, output) = Forge($"{Probe.InsidePath} ping {target} {forged}");

        Assert.True(code != 0, $"a ping from the forged address {forged} reached {target}: {output}");
    }

    [Fact]
    public void Ping_ForgedMacAddress_IsDropped()
    {
        var target = _host.Supervisor.Show(Target).Record.Address!;
        Assert.Equal(0, Forge($"{Probe.InsidePath} ping {target}").ExitCode);

        Assert.Equal(0, Forge($"ip link set dev {Interface} address 02:00:00:00:00:fa && ip neigh flush all").ExitCode);

        var (code, output) = Forge($"{Probe.InsidePath} ping {target}");

        Assert.True(code != 0, $"a ping from a forged MAC reached {target}: {output}");
    }

    private (int ExitCode, string Output) Forge(string script) => _host.Exec(Forger, "sh", "-c", "exec 2>&1; " + script);
}
