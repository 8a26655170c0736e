using System.Diagnostics;
using System.Text;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Kernels;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// A kernel subOS on the real machine under TCG: one guest (1 vCPU, 384M) per test, from create through exec, the
/// supervisor going away, its QEMU dying and reconcile, to a destroy that leaves nothing. A boot takes from ten seconds
/// on an idle machine to minutes on a loaded one.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelBackendTests : IDisposable
{
    private const string Name = "kguest";
    private static readonly ByteSize s_memory = ByteSize.Parse("384M");
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private SubOsRecord Create(RainForestSupervisor supervisor) => supervisor.Create(new CreateOptions
    {
        Name = Name,
        Cpus = CpuRequest.Parse("1", false),
        Memory = s_memory,
        Backend = SubOsBackendKind.Kernel,
        Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
    });

    private static (int Code, string Stdout, string Stderr) Exec(RainForestSupervisor supervisor, string stdin, params string[] argv) =>
        Exec(supervisor, stdin, tty: false, argv);

    private static (int Code, string Stdout, string Stderr) Exec(RainForestSupervisor supervisor, string stdin, bool tty, params string[] argv)
    {
        var endpoint = supervisor.AgentEndpoint(Name);
        Assert.Equal(ExecTransport.Streamed, endpoint.Transport);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(endpoint.Path, argv, stdin: input, stdout: output, stderr: error, tty: tty);
        return (code, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()));
    }

    [GuestFact]
    public void Create_Exec_SupervisorGone_QemuKilled_Destroy_LeavesNothing()
    {
        var freeBefore = _host.Supervisor.Pool().FreeCpus;
        var clock = Stopwatch.StartNew();
        var record = Create(_host.Supervisor);
        var created = clock.Elapsed;
        var dir = _host.State.SubOsDirectory(Name);
        try
        {
            // The ledger: a kernel subOS, emulated, on the cache's newest kernel.
            var release = new KernelCache().List()[0].Release;
            Assert.Equal(SubOsBackendKind.Kernel, record.Backend);
            Assert.True(record.Guest is { Emulated: true }, $"guest {record.Guest}");
            Assert.Equal(release, record.Guest!.Release);
            Assert.Equal("kernel (emulated)", record.Guest.Label);

            // Inside: the guest's own kernel, one CPU, the memory it was given, its description read-only.
            var uname = Exec(_host.Supervisor, string.Empty, "uname", "-r");
            Assert.True(uname.Code == 0, $"uname: {uname.Stderr}");
            Assert.Equal(release, uname.Stdout.Trim());
            Assert.Equal("1", Exec(_host.Supervisor, string.Empty, "nproc").Stdout.Trim());
            var free = Exec(_host.Supervisor, string.Empty, "free", "-b").Stdout;
            var total = long.Parse(free.Split('\n').Single(l => l.StartsWith("Mem:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(total, s_memory.Bytes * 3 / 4, s_memory.Bytes);
            Assert.Contains($"\"name\":\"{Name}\"", Exec(_host.Supervisor, string.Empty, "cat", "/run/rainforest/subos.json").Stdout.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.NotEqual(0, Exec(_host.Supervisor, string.Empty, "sh", "-c", "echo x > /run/rainforest/subos.json").Code);

            // Streams, exit codes and signals come back as for cells.
            var streamed = Exec(_host.Supervisor, "hello\n", "sh", "-c", "read x; echo got $x; echo oops >&2; exit 3");
            Assert.Equal((3, "got hello\n", "oops\n"), streamed);
            Assert.Equal(143, Exec(_host.Supervisor, string.Empty, "sh", "-c", "kill -TERM $$").Code);
            Assert.Equal(127, Exec(_host.Supervisor, string.Empty, "no-such-program").Code);

            // -t: a terminal inside, 24x80 when the caller's output is no terminal; its output comes back as stdout.
            var terminal = Exec(_host.Supervisor, string.Empty, tty: true, "sh", "-c", "tty; stty size; exit 4");
            Assert.Equal(4, terminal.Code);
            Assert.Matches(@"^/dev/pts/\d+\r?\n24 80\r?\n$", terminal.Stdout);

            // On the host: QEMU in the subOS's cgroup with the limit guest + overhead, its vCPU thread pinned to the CPU.
            var qemu = record.AgentPid;
            Assert.Contains(qemu, _host.Cgroups.Pids(Name));
            Assert.Equal(s_memory + KernelBackend.Overhead, _host.Cgroups.Read(Name).MemoryLimit);
            var vcpu = Directory.GetDirectories($"/proc/{qemu}/task").Single(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith("CPU 0/", StringComparison.Ordinal));
            Assert.Equal(record.Cpus, Affinity.Get(int.Parse(Path.GetFileName(vcpu), System.Globalization.CultureInfo.InvariantCulture)));

            // QEMU is no child of this process (it daemonised), so rfm's end is not the guest's; a new supervisor finds it running.
            var parent = int.Parse(ProcessInfo.StatFields(qemu)![1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(Environment.ProcessId, parent);
            using (var again = RainForestSupervisor.Open(_host.State))
            {
                Assert.Empty(again.Reconcile());
                Assert.True(again.Show(Name).AgentAlive);
                Assert.Equal("up", Exec(again, string.Empty, "echo", "up").Stdout.Trim());

                // QEMU killed behind the supervisor's back: reconcile finds the dead guest and keeps its resources.
                ProcessInfo.Kill(qemu);
                WaitUntil(() => !ProcessInfo.IsAlive(qemu, record.AgentStart));
                var repairs = again.Reconcile();
                Assert.Contains(repairs, r => r.Contains("died", StringComparison.Ordinal));
                Assert.False(again.Show(Name).AgentAlive);

                // Restart it, then destroy: nothing is left.
                var restarted = again.Start(Name);
                Assert.Equal(release, Exec(again, string.Empty, "uname", "-r").Stdout.Trim());
                again.Destroy(Name);
                Assert.False(ProcessInfo.IsAlive(restarted.AgentPid, restarted.AgentStart), "QEMU still runs after destroy");
                Assert.False(_host.Cgroups.Exists(Name), "the subOS's cgroups remain");
                Assert.False(Directory.Exists(dir), $"{dir} remains");
                Assert.Empty(again.List());
                Assert.Equal(freeBefore, again.Pool().FreeCpus);
                Assert.Empty(again.CheckInvariants());
            }
        }
        finally
        {
            Console.Error.WriteLine($"kernel subOS created in {created.TotalSeconds:0.0} s (TCG, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
            if (File.Exists(Path.Combine(dir, "console.log")))
            {
                Console.Error.WriteLine(File.ReadAllText(Path.Combine(dir, "console.log")));
            }
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            Thread.Sleep(20);
        }
    }
}
