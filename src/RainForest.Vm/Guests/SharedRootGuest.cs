using System.Globalization;
using RainForest.Core;
using RainForest.Vm.Initramfs;
using RainForest.Vm.Kernels;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Guests;

/// <summary>
/// A throw-away guest that sees the host's files: the host's <c>/</c> shared read-only over virtio-9p
/// under a tmpfs overlay (writes stay in the guest's memory), the guest kernel's modules at
/// <c>/lib/modules/RELEASE</c> (so modprobe inside loads what a command asks for), and only the
/// unified cgroup hierarchy. It runs one command and powers off.
/// </summary>
public sealed class SharedRootGuest
{
    /// <summary>The modules stage 1 loads itself: the PCI transport, 9p over virtio, and overlayfs.</summary>
    public static readonly IReadOnlyList<string> BootModules = ["virtio_pci", "9pnet_virtio", "9p", "overlay"];

    /// <summary>The kernel arguments every such guest gets: serial console, quiet, and a panic that ends QEMU at once.</summary>
    public const string BaseKernelArguments = "console=ttyS0 quiet panic=-1";

    /// <summary>The guest kernel.</summary>
    public required KernelImage Kernel { get; init; }

    /// <summary>The command and its arguments, as paths the host has (the guest sees the host's files).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The command's working directory.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary>Variables added to the command's environment (PATH, HOME, LANG and TERM are set already).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Directories hidden under an empty tmpfs inside (host state the guest must not see, such as a ledger).</summary>
    public IReadOnlyList<string> EmptyDirectories { get; init; } = [];

    /// <summary>
    /// Host directories shared again at a path of the guest's, on top of everything else: a checkout
    /// under /tmp or /run, which the guest's own tmpfs there would hide, stays visible.
    /// </summary>
    public IReadOnlyList<GuestMount> Mounts { get; init; } = [];

    /// <summary>Kernel arguments after <see cref="BaseKernelArguments"/>.</summary>
    public string KernelArguments { get; init; } = string.Empty;

    /// <summary>Virtual CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>Guest memory; the overlay's tmpfs may take up to half of it.</summary>
    public ByteSize Memory { get; init; } = ByteSize.Parse("2560M");

    /// <summary>TCG unless asked otherwise.</summary>
    public QemuAccelerator Accelerator { get; init; } = QemuAccelerator.Tcg;

    /// <summary>
    /// What every shared-root guest's initramfs starts from: the console and null devices, the mount points stage 1
    /// uses, and a static busybox as its shell and tools.
    /// </summary>
    /// <exception cref="RfException">busybox-static is missing.</exception>
    internal static InitramfsBuilder BaseInitramfs() =>
        new InitramfsBuilder()
            .AddCharacterDevice("dev/console", 5, 1)
            .AddCharacterDevice("dev/null", 1, 3, 0x1B6)
            .AddDirectory("proc")
            .AddDirectory("sys")
            .AddDirectory("mnt")
            .AddHostFile("bin/busybox", StaticBusyBox.Locate(), 0x1ED);

    /// <summary>Writes the initramfs for this guest to <paramref name="path"/>.</summary>
    /// <exception cref="RfException">busybox-static is missing, or a boot module is not in the kernel's modules.dep.</exception>
    public void WriteInitramfs(string path)
    {
        var builder = BaseInitramfs();
        var modules = builder.AddModules(Kernel.ModulesDirectory, Kernel.Release, BootModules);
        builder.AddText("init", SharedRootScripts.Stage1(modules, RootShare, [ModulesMount, .. Mounts], [.. EmptyDirectories]), 0x1ED)
            .AddText("stage2", SharedRootScripts.Stage2(Command, WorkingDirectory, Environment), 0x1ED)
            .AddText("inittab", SharedRootScripts.InitTab);
        builder.WriteTo(path);
    }

    /// <summary>The QEMU options for this guest, booting <paramref name="initrdPath"/>.</summary>
    public QemuOptions QemuOptions(string initrdPath) => new()
    {
        Accelerator = Accelerator,
        Cpus = Cpus,
        Memory = Memory,
        KernelPath = Kernel.VmlinuzPath,
        InitrdPath = initrdPath,
        KernelArguments = KernelArguments.Length == 0 ? BaseKernelArguments : $"{BaseKernelArguments} {KernelArguments}",
        Shares = [RootShare, ModulesMount.Share, .. Mounts.Select(m => m.Share)],
    };

    /// <summary>
    /// Builds the initramfs in <paramref name="workDirectory"/>, boots the guest, and waits until it
    /// powers off or <paramref name="timeout"/> passes (then QEMU is killed). The console goes to
    /// <c>console.log</c> there and, line by line, to <paramref name="onLine"/>.
    /// </summary>
    public async Task<GuestRun> RunAsync(string workDirectory, TimeSpan timeout, Action<string>? onLine = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(workDirectory);
        var initrd = Path.Combine(workDirectory, "initrd.gz");
        WriteInitramfs(initrd);
        var lines = new List<string>();
        using var qemu = QemuProcess.Start(QemuOptions(initrd), Path.Combine(workDirectory, "console.log"), line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }

            onLine?.Invoke(line);
        });
        var exit = await qemu.WaitAsync(timeout, cancellation).ConfigureAwait(false);
        string[] console;
        lock (lines)
        {
            console = [.. lines];
        }

        return new GuestRun(exit, console, After(console, SharedRootScripts.ReadyMarker), ExitCodeOf(console), After(console, SharedRootScripts.FailMarker));
    }

    private static NinePShare RootShare => new(SharedRootScripts.RootTag, "/");

    private GuestMount ModulesMount => new(new NinePShare("rfmodules", Kernel.ModulesDirectory), $"/lib/modules/{Kernel.Release}");

    private static string? After(IEnumerable<string> console, string marker) =>
        console.Select(l => l.IndexOf(marker + " ", StringComparison.Ordinal) is var i and >= 0 ? l[(i + marker.Length + 1)..].Trim() : null)
            .FirstOrDefault(v => v is not null);

    private static int? ExitCodeOf(IEnumerable<string> console) =>
        After(console, SharedRootScripts.ExitMarker) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
}
