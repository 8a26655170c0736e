using System.Diagnostics;
using System.Text.Json;
using RainForest.Interop;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Guard;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// rfm with its state directory on a tiny tmpfs of the test's own, filled to the last page: reading, exec and destroy
/// work; every other change fails with one line and leaves nothing; destroy frees the kernel's objects, and the
/// first command after space returns records it.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class DiskFullTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"rf-test-diskfull-{Guid.NewGuid():N}");
    private readonly string _state;
    private readonly Lazy<string> _rfm = new(Rfm);
    private bool _mounted;

    public DiskFullTests() => _state = Path.Combine(_scratch, "state");

    private string FillFile => Path.Combine(_state, "fill");

    [RootFact]
    public void FullStateDirectory_ReadsExecAndDestroyWork_ChangesFailWithOneLine_DestroyRecordedWhenSpaceReturns()
    {
        Mount();
        var state = new StateDirectory(_state);
        var cgroups = CgroupDriver.For(CgroupLayout.Detect("/"), state.Prefix);
        var loop = new LoopNetwork(new PrefixGuard([state.SubOsRoot], state.Prefix));
        var members = state.ChannelLinkDirectory("a");
        Succeeds("init", "--reserve-cpus", "", "--reserve-memory", "512M");
        Succeeds("create", "a", "--cpus", "1", "--memory", "128M", "--net", "loop");
        var (agentPid, agentStart) = Agent("a");
        Assert.True(Directory.Exists(members));
        Assert.Contains(LoopNetwork.OuterLink("a"), loop.Links().Select(l => l.Name));

        Fill();

        // Reading and exec: the table, the description, the journal, a program inside.
        var ls = Rfm("ls");
        Assert.Equal(0, ls.Code);
        Assert.Matches(@"(?m)^\s*a\s+running", ls.Stdout);
        Assert.Contains($"warning: the file system holding {_state} (tmpfs at {_state}) is full: reconcile skipped", ls.Stderr, StringComparison.Ordinal);
        var show = Rfm("show", "a");
        Assert.Equal(0, show.Code);
        Assert.Contains("10.77.0.", show.Stdout, StringComparison.Ordinal);
        var log = Rfm("log");
        Assert.Equal(0, log.Code);
        Assert.Contains("create", log.Stdout, StringComparison.Ordinal);
        var exec = Rfm("exec", "a", "--", "echo", "hi");
        Assert.Equal((0, "hi\n"), (exec.Code, exec.Stdout));

        // Every other change: one line naming the file system, exit 1, nothing made or changed.
        var full = $"rfm: the file system holding {_state} (tmpfs at {_state}) is full: ";
        var create = Rfm("create", "b", "--cpus", "1", "--memory", "64M");
        Assert.Equal(1, create.Code);
        Assert.StartsWith(full + "cannot create b; nothing was changed", Assert.Single(Lines(create.Stderr)), StringComparison.Ordinal);
        Assert.DoesNotContain("b", cgroups.Children());
        Assert.False(Directory.Exists(state.SubOsDirectory("b")));
        Assert.False(Directory.Exists(state.ChannelLinkDirectory("b")));
        var resize = Rfm("resize", "a", "--memory", "100M");
        Assert.Equal(1, resize.Code);
        Assert.StartsWith(full + "cannot resize a", Assert.Single(Lines(resize.Stderr)), StringComparison.Ordinal);
        Assert.Equal(128L << 20, cgroups.Read("a").MemoryLimit?.Bytes);
        var channel = Rfm("channel", "create", "c", "--members", "a");
        Assert.Equal(1, channel.Code);
        Assert.StartsWith(full + "cannot channel create c", Assert.Single(Lines(channel.Stderr)), StringComparison.Ordinal);
        Assert.False(File.Exists(state.ChannelObject("c")));
        var reconcile = Rfm("reconcile");
        Assert.Equal(1, reconcile.Code);
        Assert.StartsWith(full + "the ledger cannot record a change", Assert.Single(Lines(reconcile.Stderr)), StringComparison.Ordinal);

        // Destroy: the kernel's objects go now, the ledger's row when space returns.
        var destroy = Rfm("destroy", "a");
        Assert.Equal(0, destroy.Code);
        Assert.Equal("destroyed a; the state directory's file system is full: the ledger records it once space returns\n", destroy.Stdout);
        Assert.False(ProcessInfo.IsAlive(agentPid, agentStart));
        Assert.DoesNotContain("a", cgroups.Children());
        Assert.False(Directory.Exists(state.SubOsDirectory("a")));
        Assert.False(Directory.Exists(members));
        Assert.DoesNotContain(LoopNetwork.OuterLink("a"), loop.Links().Select(l => l.Name));
        Assert.DoesNotContain(MountTable.Read(Environment.ProcessId).MountPoints, m => m.StartsWith(state.SubOsRoot + "/", StringComparison.Ordinal));
        Assert.True(File.Exists(state.UnrecordedDestroyMarker("a")));
        Assert.Equal("[]", Succeeds("ls", "--json").Trim());
        Assert.Equal(2, Rfm("exec", "a", "--", "true").Code);

        // Space returns: the next command records the destroy, says so, and the ledger agrees with the kernel.
        File.Delete(FillFile);
        var recorded = Rfm("reconcile");
        Assert.Equal(0, recorded.Code);
        Assert.Matches(@"^repaired: subOS 'a' was destroyed at [0-9: -]+ UTC while the state directory's file system was full; the ledger records it now", recorded.Stdout);
        Assert.False(File.Exists(state.UnrecordedDestroyMarker("a")));
        Assert.False(loop.Exists);
        Assert.Contains("while the state directory's file system was full", Succeeds("log", "--subos", "a"), StringComparison.Ordinal);
        Assert.Equal("ledger and kernel agree\n", Succeeds("reconcile"));
        Assert.Equal("[]", Succeeds("ls", "--json").Trim());

        // And the ledger takes changes again.
        Succeeds("create", "b", "--cpus", "1", "--memory", "64M");
        Assert.Equal("destroyed b\n", Succeeds("destroy", "b"));
    }

    [RootFact]
    public void TakerDestroyedWhileFull_ItsLoanGoesBackAndTheParkedDonorThaws_WhenSpaceReturns()
    {
        Mount();
        var state = new StateDirectory(_state);
        var cgroups = CgroupDriver.For(CgroupLayout.Detect("/"), state.Prefix);
        Succeeds("init", "--reserve-cpus", "", "--reserve-memory", "512M");
        Succeeds("create", "web", "--cpus", "1", "--memory", "64M");
        Succeeds("create", "batch", "--cpus", "1", "--memory", "64M");
        var batchCpus = cgroups.Read("batch").Cpus;
        Succeeds("lend", "batch", "web", "--cpus", "1");
        Assert.Equal(true, cgroups.ReadFrozen("batch"));

        Fill();
        Assert.Equal(0, Rfm("destroy", "web").Code);
        Assert.Equal(true, cgroups.ReadFrozen("batch"));

        // Space returns: the loan goes back before the destroy is recorded, and the donor runs on its CPU again.
        File.Delete(FillFile);
        var recorded = Rfm("reconcile");
        Assert.True(recorded.Code == 0, recorded.Stderr);
        Assert.Contains("went back from 'web' to 'batch' ('web' was destroyed while the file system was full)", recorded.Stdout, StringComparison.Ordinal);
        Assert.Equal(false, cgroups.ReadFrozen("batch"));
        Assert.Equal(batchCpus, cgroups.Read("batch").Cpus);
        using (var json = JsonDocument.Parse(Succeeds("show", "batch", "--json")))
        {
            Assert.False(json.RootElement.GetProperty("parked").GetBoolean());
            Assert.Equal(batchCpus.ToString(), json.RootElement.GetProperty("record").GetProperty("cpus").GetString());
        }

        Assert.Equal("ledger and kernel agree\n", Succeeds("reconcile"));
        Assert.Equal((0, "ok\n"), (Rfm("exec", "batch", "--", "echo", "ok").Code, Rfm("exec", "batch", "--", "echo", "ok").Stdout));
    }

    public void Dispose()
    {
        try
        {
            if (_mounted)
            {
                // Space first, so that deinit can record what it removes.
                File.Delete(FillFile);
                Rfm("deinit", "--force");
            }
        }
        finally
        {
            if (_mounted && Run("umount", _state).Code != 0)
            {
                Run("umount", "-l", _state);
            }

            if (Directory.Exists(_scratch))
            {
                Directory.Delete(_scratch, recursive: true);
            }
        }
    }

    private void Mount()
    {
        Directory.CreateDirectory(_state);
        var mount = Run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "rf-test-diskfull", _state);
        Assert.True(mount.Code == 0, mount.Stderr);
        _mounted = true;
    }

    /// <summary>Writes zeros until the kernel answers ENOSPC: not one page is left.</summary>
    private void Fill()
    {
        var page = new byte[4096];
        using (var fill = new FileStream(FillFile, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            try
            {
                while (true)
                {
                    fill.Write(page);
                }
            }
            catch (IOException e) when (e.HResult == Errno.ENOSPC)
            {
            }
        }

        Assert.Equal(0, new DriveInfo(_state).TotalFreeSpace);
    }

    private (int Pid, long Start) Agent(string name)
    {
        using var json = JsonDocument.Parse(Succeeds("ls", "--json"));
        var record = json.RootElement.EnumerateArray().Select(s => s.GetProperty("record")).Single(r => r.GetProperty("name").GetString() == name);
        return (record.GetProperty("agentPid").GetInt32(), record.GetProperty("agentStart").GetInt64());
    }

    private string Succeeds(params string[] args)
    {
        var result = Rfm(args);
        Assert.True(result.Code == 0, $"rfm {string.Join(' ', args)} exited {result.Code}: {result.Stderr}");
        return result.Stdout;
    }

    private (int Code, string Stdout, string Stderr) Rfm(params string[] args) => Run(_rfm.Value, ["--state-dir", _state, .. args]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static (int Code, string Stdout, string Stderr) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The rfm this checkout builds (beside the agent the tests run), built on first use.</summary>
    private static string Rfm()
    {
        if (Environment.GetEnvironmentVariable("RF_AGENT") is { Length: > 0 } agent)
        {
            return Path.Combine(Path.GetDirectoryName(agent)!, "rfm");
        }

        var repo = CellHost.FindRepo();
        var rfm = Path.Combine(repo, ".build/bin/rfm");
        if (!File.Exists(rfm))
        {
            Run(Path.Combine(repo, "rfm"), "--version");
        }

        return rfm;
    }
}
