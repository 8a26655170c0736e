using System.Text;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Linux.Security;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// RFfuse on the real machine under TCG: a cell's directory shared into a kernel subOS's guest over 9p, written on each
/// side and read on the other, read-only where asked, refused when it is no plain directory, gone with the guest.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelShareTests : IDisposable
{
    private const string Source = "csrc";
    private const string Guest = "kdst";
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private SubOsRecord CreateGuest(params string[] shares) => _host.Supervisor.Create(new CreateOptions
    {
        Name = Guest,
        Cpus = CpuRequest.Parse("1", false),
        Memory = ByteSize.Parse("320M"),
        Backend = SubOsBackendKind.Kernel,
        Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg, Shares = [.. shares.Select(GuestShare.Parse)] },
    });

    [GuestFact]
    public void Share_CellDirectory_WrittenOnEachSideReadOnTheOther_ReadOnlyHonoured_GoneWithTheGuest()
    {
        _host.Create(Source);
        Assert.Equal(0, _host.Exec(Source, "sh", "-c", "mkdir -p /srv/rf-share && echo from-cell > /srv/rf-share/file && ln -s /etc /srv/rf-link").ExitCode);

        // Bad input is refused in one line, exit code 2, before a guest is made: a missing directory, a symbolic link
        // (even to a directory), a path that climbs out, a source that does not exist.
        foreach (var (share, reason) in new[]
        {
            ("csrc:/srv/missing", "no such directory in 'csrc'"),
            ("csrc:/srv/rf-link", "symbolic links are not followed"),
            ("nosuch:/srv", "no subOS 'nosuch'"),
        })
        {
            var error = Assert.Throws<RfException>(() => CreateGuest(share));
            Assert.Equal(2, error.ExitCode);
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.Null(_host.Find(Guest));
            Assert.False(Directory.Exists(_host.State.SubOsDirectory(Guest)), "a refused create left the guest's directory");
        }

        var guest = CreateGuest("csrc:/srv/rf-share:/mnt/shared", "csrc:/srv/rf-share:/mnt/ro:ro");
        var dir = _host.State.SubOsDirectory(Guest);
        try
        {
            // The ledger records both shares, each with the source's root as the host reached it.
            var source = _host.Find(Source)!;
            Assert.Equal(
                [$"csrc:/srv/rf-share on /mnt/shared|/proc/{source.AgentPid}/root", $"csrc:/srv/rf-share on /mnt/ro (ro)|/proc/{source.AgentPid}/root"],
                _host.Find(Guest)!.Guest!.Shares.Select(s => $"{s}|{s.SourceRoot}"));
            Assert.Contains(" shares=csrc:/srv/rf-share:/mnt/shared,csrc:/srv/rf-share:/mnt/ro:ro",
                _host.Supervisor.Journal(target: Guest).Single(e => e.Operation == "create" && e.Outcome == JournalOutcome.Ok).After, StringComparison.Ordinal);

            // The cell wrote, the guest reads; the guest writes, the cell reads; a later change by the cell shows at once.
            Assert.Equal("from-cell\n", Exec("cat", "/mnt/shared/file").Stdout);
            Assert.Equal(0, Exec("sh", "-c", "echo from-guest > /mnt/shared/reply").Code);
            Assert.Equal((0, "from-guest\n"), _host.Exec(Source, "cat", "/srv/rf-share/reply"));
            Assert.Equal(0, _host.Exec(Source, "sh", "-c", "echo changed > /srv/rf-share/file").ExitCode);
            Assert.Equal("changed\n", Exec("cat", "/mnt/shared/file").Stdout);
            Assert.Equal("changed\n", Exec("cat", "/mnt/ro/file").Stdout);

            // Read-only is read-only.
            Assert.NotEqual(0, Exec("sh", "-c", "echo x > /mnt/ro/new").Code);
            Assert.NotEqual(0, _host.Exec(Source, "test", "-e", "/srv/rf-share/new").ExitCode);

            // QEMU runs as the guest's own unprivileged id: the read-write share names that id in its ACLs while it runs.
            var shared = $"/proc/{source.AgentPid}/root/srv/rf-share";
            var id = (uint)_host.Find(Guest)!.IdBase;
            Assert.Contains(PosixAcl.Read(shared, "system.posix_acl_access") ?? [], e => e.Tag == 2 && e.Id == id);

            // Destroy: QEMU (which held the source's directory open) is gone, the source keeps its files.
            _host.Supervisor.Destroy(Guest);
            Assert.DoesNotContain(PosixAcl.Read(shared, "system.posix_acl_access") ?? [], e => e.Tag == 2 && e.Id == id);
            Assert.DoesNotContain(PosixAcl.Read(shared, "system.posix_acl_default") ?? [], e => e.Tag == 2 && e.Id == id);
            Assert.False(ProcessInfo.IsAlive(guest.AgentPid, guest.AgentStart), "QEMU still runs after destroy");
            Assert.False(Directory.Exists(dir), $"{dir} remains");
            Assert.Equal((0, "from-guest\n"), _host.Exec(Source, "cat", "/srv/rf-share/reply"));
        }
        finally
        {
            if (File.Exists(Path.Combine(dir, "console.log")))
            {
                Console.Error.WriteLine(File.ReadAllText(Path.Combine(dir, "console.log")));
            }
        }
    }

    private (int Code, string Stdout, string Stderr) Exec(params string[] argv)
    {
        var endpoint = _host.Supervisor.AgentEndpoint(Guest);
        using var input = new MemoryStream();
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(endpoint.Path, argv, stdin: input, stdout: output, stderr: error, tty: false);
        return (code, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()));
    }
}
