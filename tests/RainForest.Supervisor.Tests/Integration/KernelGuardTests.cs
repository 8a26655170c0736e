using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
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
/// The Security Guard of a kernel subOS on the real machine under TCG: its QEMU runs as the subOS's unprivileged host
/// id under its own seccomp filter, in a mount view without the supervisor's state, opens no host file beyond what the
/// subOS is given, and the guest still boots, execs and is destroyed without a trace.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelGuardTests : IDisposable
{
    private const string Name = "kguard";
    private readonly CellHost _host = new();
    private readonly string _scratch = Path.Combine("/var/tmp", $"rf-ksg-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }

        _host.Dispose();
    }

    private (int Code, string Stdout, string Stderr) Exec(params string[] argv)
    {
        using var input = new MemoryStream();
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(_host.Supervisor.AgentEndpoint(Name).Path, argv, stdin: input, stdout: output, stderr: error);
        return (code, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()));
    }

    [GuestFact]
    public void Create_QemuConfined_GuestWorks_HostFilesOutOfReach_DestroyLeavesNothing()
    {
        // A host file only root may read, and one every user may: the guest reads its root through QEMU's 9p server.
        Directory.CreateDirectory(_scratch);
        var secret = Path.Combine(_scratch, "secret");
        var open = Path.Combine(_scratch, "open");
        File.WriteAllText(secret, "s3cret\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(open, "public\n");

        var record = _host.Supervisor.Create(new CreateOptions
        {
            Name = Name,
            Cpus = CpuRequest.Parse("1", false),
            Memory = ByteSize.Parse("320M"),
            Backend = SubOsBackendKind.Kernel,
            Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
        });
        var dir = _host.State.SubOsDirectory(Name);
        var qemu = record.AgentPid;
        try
        {
            // QEMU: the subOS's own host id, no capability, QEMU's seccomp filter and no_new_privs.
            var security = ProcessSecurity.Read(qemu)!;
            Assert.NotEqual(0u, security.Uid.Effective);
            Assert.Equal((uint)record.IdBase, security.Uid.Real);
            Assert.Equal((uint)record.IdBase, security.Uid.Effective);
            Assert.Equal((uint)record.IdBase, security.Gid.Effective);
            Assert.True(IdRanges.Contains(record.IdBase, security.Uid.Effective));
            Assert.Equal(SeccompMode.Filter, security.Seccomp);
            Assert.Contains("Seccomp:\t2", File.ReadAllText($"/proc/{qemu}/status"), StringComparison.Ordinal);
            Assert.True(security.NoNewPrivs);
            Assert.Equal(0, security.Effective.Count + security.Permitted.Count + security.Bounding.Count);

            // The guest still boots and execs.
            Assert.Equal((0, "up\n", string.Empty), Exec("echo", "up"));

            // Through 9p the guest reads what any host user may, never a root-only file: QEMU opens it with its own uid.
            var readable = Exec("cat", open);
            Assert.Equal((0, "public\n"), (readable.Code, readable.Stdout));
            var denied = Exec("cat", secret);
            Assert.NotEqual(0, denied.Code);
            Assert.Contains("Permission denied", denied.Stderr, StringComparison.Ordinal);

            // QEMU's own view: the state directory is an empty tmpfs but for the subOS's own directory.
            Assert.False(File.Exists($"/proc/{qemu}/root{_host.State.LedgerPath}"), "the ledger is in QEMU's view");
            Assert.True(Directory.Exists($"/proc/{qemu}/root{dir}/desc"), "QEMU does not see its own directory");
            Assert.NotEqual(new FileInfo("/proc/self/ns/mnt").LinkTarget, new FileInfo($"/proc/{qemu}/ns/mnt").LinkTarget);

            // Its mounts are private to it: none propagated to the host's view.
            Assert.DoesNotContain("rf-qemu", File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);

            // Every descriptor QEMU holds: no host file but in its directory and the 9p shares, none in the state directory.
            var targets = Directory.GetFileSystemEntries($"/proc/{qemu}/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>().ToList();
            Assert.Contains(targets, t => t.StartsWith("/memfd:", StringComparison.Ordinal));
            Assert.DoesNotContain(targets, t => t.StartsWith(_host.State.Path + "/", StringComparison.Ordinal) && !t.StartsWith(dir + "/", StringComparison.Ordinal) && t != dir);
            Assert.DoesNotContain(targets, t => t == secret || t.StartsWith("/root/", StringComparison.Ordinal) || t.StartsWith("/etc/shadow", StringComparison.Ordinal));

            // Asked over QMP to open host files, QEMU is refused: a root-only file by the kernel, the ledger by its view.
            Assert.Contains("Permission denied", OpenOverQmp(dir, secret), StringComparison.Ordinal);
            Assert.Contains("No such file", OpenOverQmp(dir, _host.State.LedgerPath), StringComparison.Ordinal);

            // rfm audit: every guard holds.
            var report = _host.Supervisor.Audit(Name);
            Assert.True(report.Passed, string.Join("\n", report.Checks.Where(c => !c.Passed).Select(c => $"{c.Guard}: {c.Detail}")));
            Assert.Equal(qemu, report.ProbePid);
            Assert.Contains(report.Checks, c => c.Guard == "seccomp (QEMU -sandbox)");

            _host.Supervisor.Destroy(Name);
            Assert.False(ProcessInfo.IsAlive(qemu, record.AgentStart), "QEMU still runs after destroy");
            Assert.False(_host.Cgroups.Exists(Name), "the subOS's cgroups remain");
            Assert.False(Directory.Exists(dir), $"{dir} remains");
            Assert.Empty(_host.Supervisor.List());
        }
        finally
        {
            if (File.Exists(Path.Combine(dir, "console.log")))
            {
                Console.Error.WriteLine(File.ReadAllText(Path.Combine(dir, "console.log")));
            }
        }
    }

    /// <summary>QMP <c>blockdev-add</c> of a host file, which QEMU opens itself; returns QEMU's error (or "opened").</summary>
    private static string OpenOverQmp(string dir, string file)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10000 };
        socket.Connect(new UnixDomainSocketEndPoint(Path.Combine(dir, "qmp.sock")));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var node = "rf-probe-" + Environment.TickCount64.ToString(CultureInfo.InvariantCulture);
        var request = "{\"execute\":\"qmp_capabilities\"}\n"
            + $"{{\"execute\":\"blockdev-add\",\"arguments\":{{\"driver\":\"file\",\"node-name\":\"{node}\",\"filename\":{JsonSerializer.Serialize(file)},\"read-only\":true}}}}\n";
        stream.Write(Encoding.UTF8.GetBytes(request));
        var answers = 0;
        while (reader.ReadLine() is { } line)
        {
            using var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("error", out var error))
            {
                return error.GetProperty("desc").GetString() ?? "error";
            }

            if (message.RootElement.TryGetProperty("return", out _) && ++answers == 2)
            {
                return "opened";
            }
        }

        return "closed";
    }
}
