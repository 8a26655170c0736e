using RainForest.Core;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Tests.Qemu;

public sealed class QemuCommandLineTests
{
    private static QemuOptions Options(IReadOnlyList<NinePShare>? shares = null) => new()
    {
        KernelPath = "/k/vmlinuz",
        InitrdPath = "/k/initrd.gz",
        KernelArguments = "console=ttyS0 cgroup_no_v1=all",
        Cpus = 2,
        Memory = ByteSize.Parse("2560M"),
        Shares = shares ?? [new NinePShare("rfroot", "/"), new NinePShare("rw", "/srv/x", ReadOnly: false)],
    };

    [Fact]
    public void Build_TcgGuest_DirectBootSerialConsoleAndShares()
    {
        var args = QemuCommandLine.Build(Options());
        Assert.Equal(
        [
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-accel", "tcg", "-machine", "pc", "-cpu", "max", "-smp", "2", "-m", "2560M",
            "-kernel", "/k/vmlinuz", "-initrd", "/k/initrd.gz", "-append", "console=ttyS0 cgroup_no_v1=all",
            "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
            "-fsdev", "local,id=fs0,path=/,security_model=passthrough,multidevs=remap,readonly=on",
            "-device", "virtio-9p-pci,fsdev=fs0,mount_tag=rfroot",
            "-fsdev", "local,id=fs1,path=/srv/x,security_model=passthrough,multidevs=remap",
            "-device", "virtio-9p-pci,fsdev=fs1,mount_tag=rw",
        ], args);
    }

    [Fact]
    public void Build_ConsoleLogAndTcgCache_FileConsoleAndBoundedCache()
    {
        var args = QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", ConsoleLogPath = "/run/x/console.log", TcgCacheMiB = 64 });
        Assert.Equal("tcg,tb-size=64", args.SkipWhile(a => a != "-accel").ElementAt(1));
        Assert.Equal("file,id=console,path=/run/x/console.log", args.SkipWhile(a => a != "-chardev").ElementAt(1));
        Assert.DoesNotContain(args, a => a.StartsWith("stdio", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SandboxAndNoneSecurityModel_SandboxAfterTheKernelAndSharesReadWithQemusUid()
    {
        var args = QemuCommandLine.Build(new QemuOptions
        {
            KernelPath = "/k",
            Sandbox = QemuOptions.StrictSandbox,
            NinePSecurityModel = "none",
            Shares = [new NinePShare("rfroot", "/")],
        });

        Assert.Equal(["-kernel", "/k", "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"], args.SkipWhile(a => a != "-kernel").Take(4));
        Assert.Equal("local,id=fs0,path=/,security_model=none,multidevs=remap,readonly=on", args.SkipWhile(a => a != "-fsdev").ElementAt(1));
    }

    [Fact]
    public void Build_NoSandbox_NoSandboxArgument() =>
        Assert.DoesNotContain("-sandbox", QemuCommandLine.Build(new QemuOptions { KernelPath = "/k" }));

    [Theory]
    [InlineData("relative.log")]
    [InlineData("/a,b.log")]
    public void Build_BadConsoleLog_Throws(string log) =>
        Assert.Throws<RfException>(() => QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", ConsoleLogPath = log }));

    [Fact]
    public void Build_MaxCpusAndMaxMemory_RoomToHotplug()
    {
        var args = QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Cpus = 1, MaxCpus = 4, Memory = ByteSize.Parse("256M"), MaxMemory = ByteSize.Parse("2G") });
        Assert.Equal("1,maxcpus=4", args.SkipWhile(a => a != "-smp").ElementAt(1));
        Assert.Equal("256M,maxmem=2048M,slots=1", args.SkipWhile(a => a != "-m").ElementAt(1));
    }

    [Fact]
    public void Build_MaxBelowBoot_Invalid()
    {
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Cpus = 2, MaxCpus = 1 })).ExitCode);
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Memory = ByteSize.Parse("1G"), MaxMemory = ByteSize.Parse("1G") })).ExitCode);
    }

    [Fact]
    public void Build_Kvm_AsksForKvm() =>
        Assert.Equal("kvm", QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Accelerator = QemuAccelerator.Kvm }).SkipWhile(a => a != "-accel").ElementAt(1));

    [Theory]
    [InlineData("bad tag", "/")]
    [InlineData("", "/")]
    [InlineData("a-very-long-tag-of-more-than-31-chars", "/")]
    [InlineData("ok", "relative/dir")]
    [InlineData("ok", "/a,readonly=off")]
    public void Build_BadShare_Invalid(string tag, string path)
    {
        var error = Assert.Throws<RfException>(() => QemuCommandLine.Build(Options([new NinePShare(tag, path)])));
        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
    }

    [Fact]
    public void Build_SameTagTwice_Invalid() =>
        Assert.Equal(
            "9p mount tag 'rfroot' is given twice",
            Assert.Throws<RfException>(() => QemuCommandLine.Build(Options([new NinePShare("rfroot", "/"), new NinePShare("rfroot", "/srv")]))).Message);

    [Fact]
    public void Build_NoCpuOrTooLittleMemory_Invalid()
    {
        Assert.Throws<RfException>(() => QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Cpus = 0 }));
        Assert.Throws<RfException>(() => QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", Memory = ByteSize.Parse("32M") }));
    }

    [Fact]
    public void MountOptions_ReadOnlyShare_MountedReadOnly()
    {
        Assert.EndsWith(",ro", new NinePShare("t", "/").MountOptions, StringComparison.Ordinal);
        Assert.DoesNotContain("ro", new NinePShare("t", "/", ReadOnly: false).MountOptions.Split(','));
    }
}
