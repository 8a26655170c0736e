using RainForest.Core;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>RFfuse's <c>--share SRC:DIR[:MOUNTPOINT][:ro]</c>: what it means, and what it refuses before anything is touched.</summary>
public sealed class GuestShareTests
{
    [Theory]
    [InlineData("web:/srv/data", "web", "/srv/data", "/srv/data", false)]
    [InlineData("web:/srv/data:ro", "web", "/srv/data", "/srv/data", true)]
    [InlineData("web:/srv/data:rw", "web", "/srv/data", "/srv/data", false)]
    [InlineData("web:/srv/data:/mnt/web", "web", "/srv/data", "/mnt/web", false)]
    [InlineData("web:/srv/data:/mnt/web:ro", "web", "/srv/data", "/mnt/web", true)]
    public void Parse_Forms_GiveSourceDirectoryMountPointAndMode(string text, string source, string directory, string mountPoint, bool readOnly) =>
        Assert.Equal(new GuestShare(source, directory, mountPoint, readOnly), GuestShare.Parse(text));

    [Theory]
    [InlineData("web", "expected SRC:DIR")]
    [InlineData("web:/a:/b:/c", "expected SRC:DIR")]
    [InlineData("Web:/srv", "invalid")]
    [InlineData(":/srv", "a name is required")]
    [InlineData("web:srv", "must be absolute")]
    [InlineData("web:/", "not the whole root")]
    [InlineData("web:/srv/../etc", "normalised")]
    [InlineData("web:/srv/./data", "normalised")]
    [InlineData("web:/srv//data", "normalised")]
    [InlineData("web:/srv/data/", "normalised")]
    [InlineData("web:/srv/a,b", "commas")]
    [InlineData("web:/srv/a b", "spaces")]
    [InlineData("web:/srv/a'b", "quotes")]
    [InlineData("web:/srv/a\nb", "control")]
    [InlineData("web:/srv:/proc/x", "the guest's system owns")]
    [InlineData("web:/srv:/run/rainforest", "the guest's system owns")]
    [InlineData("web:/srv:/dev", "the guest's system owns")]
    [InlineData("web:/srv:ro:ro", "must be absolute")]
    public void Parse_Malformed_IsInvalidInOneLine(string text, string reason)
    {
        var error = Assert.Throws<RfException>(() => GuestShare.Parse(text));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ToString_SaysSourceMountPointAndMode() =>
        Assert.Equal("web:/srv/data on /mnt/web (ro)", GuestShare.Parse("web:/srv/data:/mnt/web:ro").ToString());

    [Fact]
    public void GuestSpec_Equality_ComparesSharesByContent()
    {
        var a = new GuestSpec { Release = "6.1", Shares = [GuestShare.Parse("web:/srv")] };
        var b = new GuestSpec { Release = "6.1", Shares = [GuestShare.Parse("web:/srv")] };

        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { Shares = [GuestShare.Parse("web:/srv:ro")] });
    }

    [Fact]
    public void Resolve_KernelSourceSelfOrStoppedSource_IsInvalid()
    {
        SubOsRecord Record(string name, SubOsBackendKind backend, SubOsState state) => new()
        {
            Name = name, State = state, Cpus = CpuSet.Parse("0"), Mems = NodeSet.Parse("0"), Memory = ByteSize.Parse("256M"), RootFs = "/",
            Created = DateTimeOffset.UnixEpoch, AgentPid = Environment.ProcessId, Backend = backend,
        };
        var records = new[] { Record("k", SubOsBackendKind.Kernel, SubOsState.Running), Record("dead", SubOsBackendKind.Cell, SubOsState.Dead) }.ToDictionary(r => r.Name);
        string Refusal(string share) => Assert.Throws<RfException>(() => GuestShares.Resolve(
            new GuestSpec { Shares = [GuestShare.Parse(share)] }, "me", n => records.GetValueOrDefault(n), _ => true)).Message;

        Assert.Contains("'k' is a kernel subOS", Refusal("k:/srv"), StringComparison.Ordinal);
        Assert.Contains("not running", Refusal("dead:/srv"), StringComparison.Ordinal);
        Assert.Contains("with itself", Refusal("me:/srv"), StringComparison.Ordinal);
        Assert.Contains("no subOS 'gone'", Refusal("gone:/srv"), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoShares_ReturnsTheGuestAsItIs()
    {
        var guest = new GuestSpec { Release = "6.1" };

        Assert.Same(guest, GuestShares.Resolve(guest, "me", _ => null, _ => true));
        Assert.Null(GuestShares.Resolve(null, "me", _ => null, _ => true));
    }
}
