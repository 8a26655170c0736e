using RainForest.Linux.Guard;
using RainForest.Supervisor.Host;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>The supervisor's lxcfs where lxcfs is missing: one note line at create, nothing made, nothing started.</summary>
public sealed class LxcfsServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StateDirectory _state;
    private readonly StringWriter _notes = new();

    public LxcfsServiceTests()
    {
        _state = new StateDirectory(_dir.PathTo("state"));
    }

    public void Dispose()
    {
        _notes.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ViewFor_LxcfsNotInstalled_OneNoteLineNoViewNothingMade()
    {
        var lxcfs = Service(binary: null);

        var view = lxcfs.ViewFor("web");

        Assert.Null(view);
        Assert.Equal("rfm: note: lxcfs is not installed: web sees the host's /proc/meminfo and cpuinfo (apt-get install lxcfs)" + Environment.NewLine, _notes.ToString());
        Assert.False(Directory.Exists(lxcfs.Root));
    }

    [Fact]
    public void ViewFor_ConfiguredProgramMissing_TheNoteNamesIt()
    {
        var missing = _dir.PathTo("no-such-lxcfs");
        var lxcfs = Service(missing);

        Assert.Null(lxcfs.ViewFor("db"));
        Assert.Equal($"rfm: note: lxcfs is not installed ({missing} does not exist): db sees the host's /proc/meminfo and cpuinfo (apt-get install lxcfs)" + Environment.NewLine, _notes.ToString());
    }

    [Fact]
    public void StartAtInitAndRepair_LxcfsNotInstalledNeverRan_SilentAndNothingMade()
    {
        var lxcfs = Service(binary: null);

        lxcfs.StartAtInit();
        var repairs = lxcfs.Repair([]);

        Assert.Empty(repairs);
        Assert.Empty(_notes.ToString());
        Assert.False(Directory.Exists(lxcfs.Root));
    }

    [Fact]
    public void Paths_NamedByThePrefix()
    {
        var lxcfs = Service(binary: null);

        Assert.Equal($"/run/{_state.Prefix}-lxcfs", lxcfs.Root);
        Assert.Equal($"/run/{_state.Prefix}-lxcfs/mnt", lxcfs.MountPoint);
        Assert.Equal($"/run/{_state.Prefix}-lxcfs/lxcfs.pid", lxcfs.PidFile);
    }

    private LxcfsService Service(string? binary) =>
        new(_state.Prefix, new PrefixGuard([_state.SubOsRoot, LxcfsService.RootOf(_state.Prefix)], _state.Prefix), binary, perSubOsLoadavg: false, _notes);
}
