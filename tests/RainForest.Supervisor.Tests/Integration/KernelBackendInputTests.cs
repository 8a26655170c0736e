using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>What a kernel subOS refuses before anything is made: one line, exit code 2, nothing in the ledger or the kernel.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelBackendInputTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private RfException Refused(string memory = "384M", GuestSpec? guest = null, IReadOnlyList<string>? nics = null)
    {
        var e = Assert.Throws<RfException>(() => _host.Supervisor.Create(new CreateOptions
        {
            Name = "kbad",
            Cpus = CpuRequest.Parse("1", false),
            Memory = ByteSize.Parse(memory),
            Backend = SubOsBackendKind.Kernel,
            Guest = guest,
            Nics = nics ?? [],
        }));
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(_host.Records());
        Assert.False(_host.Cgroups.Exists("kbad"));
        Assert.False(Directory.Exists(_host.State.SubOsDirectory("kbad")));
        return e;
    }

    [GuestFact]
    public void Create_TooLittleMemory_StatesTheMinimum() =>
        Assert.Contains($"at least {KernelBackend.MinimumMemory}", Refused(memory: "128M").Message, StringComparison.Ordinal);

    [GuestFact]
    public void Create_KernelFileMissing_SaysSo() =>
        Assert.Contains("--kernel /nonexistent/vmlinuz: no such file", Refused(guest: new GuestSpec { KernelPath = "/nonexistent/vmlinuz" }).Message, StringComparison.Ordinal);

    [GuestFact]
    public void Create_KernelNotABzImage_SaysSo()
    {
        var file = Path.Combine(_host.StatePath, "not-a-kernel");
        File.WriteAllText(file, new string('x', 4096));
        Assert.Contains("not a Linux bzImage", Refused(guest: new GuestSpec { KernelPath = file }).Message, StringComparison.Ordinal);
    }

    [GuestFact]
    public void Create_HostNic_RefusedSayingWhy()
    {
        // Any interface the host has: the refusal comes before anything would move it.
        var nic = Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).First(n => n != "lo")!;

        var message = Refused(nics: [nic]).Message;

        Assert.Contains("--nic is not built for --backend kernel", message, StringComparison.Ordinal);
        Assert.Contains("use --net loop", message, StringComparison.Ordinal);
        Assert.True(Directory.Exists($"/sys/class/net/{nic}"), $"{nic} left the host");
    }

    [GuestFact]
    public void Create_KvmWhereItCannotBootAGuest_Refused()
    {
        var problem = KvmProbe.Run(new Vm.Kernels.KernelCache().List()[0].VmlinuzPath);
        if (problem is null)
        {
            // KVM works here: asking for it is valid input (the boot itself is the other test's part).
            var options = new KernelBackend(_host.State, _host.Cgroups, new Linux.Guard.PrefixGuard([_host.State.SubOsRoot], _host.State.Prefix))
                .Check(new CreateOptions { Name = "kbad", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("384M"), Backend = SubOsBackendKind.Kernel, Guest = new GuestSpec { Accelerator = QemuAccelerator.Kvm } });
            Assert.Equal(QemuAccelerator.Kvm, options.Guest!.Accelerator);
            return;
        }

        Assert.Contains("--accel kvm: KVM cannot run a guest on this host", Refused(guest: new GuestSpec { Accelerator = QemuAccelerator.Kvm }).Message, StringComparison.Ordinal);
    }
}
