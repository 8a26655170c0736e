using System.Globalization;
using System.Text;
using RainForest.Vm.Initramfs;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Guests;

/// <summary>
/// The initramfs of a long-running guest whose init starts a program and keeps it running: the same stage 1 as
/// <see cref="SharedRootGuest"/> (the root shared read-only over 9p under a tmpfs overlay, only cgroup2), then busybox
/// init on the new root, which names the host and restarts <see cref="Program"/> whenever it ends.
/// </summary>
/// <remarks>The kernel backend's guests run rf-agent this way; busybox init stays pid 1 and reaps the orphans.</remarks>
public sealed class AgentGuestImage
{
    /// <summary>The modules stage 1 loads: <see cref="SharedRootGuest.BootModules"/> and the virtio-serial console the agent serves on.</summary>
    public static readonly IReadOnlyList<string> Modules = [.. SharedRootGuest.BootModules, "virtio_console"];

    /// <summary>The guest kernel's release.</summary>
    public required string Release { get; init; }

    /// <summary>The guest kernel's modules directory on the host (<c>lib/modules/RELEASE</c> with modules.dep).</summary>
    public required string ModulesDirectory { get; init; }

    /// <summary>The share that becomes the root's lower layer.</summary>
    public required NinePShare Root { get; init; }

    /// <summary>Further shares, mounted in order after the root's own /run and /tmp (the kernel's modules are added first).</summary>
    public IReadOnlyList<GuestMount> Mounts { get; init; } = [];

    /// <summary>Directories of the root hidden under an empty tmpfs (host state the guest must not see).</summary>
    public IReadOnlyList<string> EmptyDirectories { get; init; } = [];

    /// <summary>
    /// The guest's address on RFloop with its prefix length (<c>10.77.0.3/24</c>), or null for a guest without a NIC.
    /// With one, the initramfs carries <c>virtio_net</c> and stage 2 gives <c>eth0</c> (the only NIC) this address.
    /// </summary>
    public string? Address { get; init; }

    /// <summary>
    /// A hosts file the guest sees as <c>/etc/hosts</c> (read-only, a bind of the path inside: a file in a share the
    /// supervisor rewrites in place), or null to keep the root's own.
    /// </summary>
    public string? HostsFile { get; init; }

    /// <summary>The guest's hostname.</summary>
    public required string Hostname { get; init; }

    /// <summary>The program init keeps running, and its arguments, as paths the guest sees (no quotes: busybox init splits on spaces).</summary>
    public required IReadOnlyList<string> Program { get; init; }

    /// <summary>Every share the guest mounts, for QEMU's command line: the root, the kernel's modules, then <see cref="Mounts"/>.</summary>
    public IReadOnlyList<NinePShare> Shares => [Root, ModulesMount.Share, .. Mounts.Select(m => m.Share)];

    private GuestMount ModulesMount => new(new NinePShare("rfmodules", ModulesDirectory), $"/lib/modules/{Release}");

    /// <summary>Writes the initramfs to <paramref name="path"/>.</summary>
    /// <exception cref="Core.RfException">busybox-static is missing, or a module is not in the kernel's modules.dep.</exception>
    public void WriteInitramfs(string path)
    {
        if (Program.Count == 0 || Program.Any(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c == ':')))
        {
            throw new ArgumentException("the guest program's words must be non-empty, without spaces or colons (busybox init's table splits on them)");
        }

        if (Hostname.Length == 0 || !Hostname.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
        {
            throw new ArgumentException($"'{Hostname}' is not a hostname");
        }

        var builder = new InitramfsBuilder()
            .AddCharacterDevice("dev/console", 5, 1)
            .AddCharacterDevice("dev/null", 1, 3, 0x1B6)
            .AddDirectory("proc")
            .AddDirectory("sys")
            .AddDirectory("mnt")
            .AddHostFile("bin/busybox", StaticBusyBox.Locate(), 0x1ED);
        if (Address is { } address && !address.All(c => char.IsAsciiDigit(c) || c is '.' or '/'))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address with its prefix length");
        }

        if (HostsFile is { } hosts && (!hosts.StartsWith('/') || hosts.Any(c => char.IsWhiteSpace(c) || c == '\'')))
        {
            throw new ArgumentException($"'{hosts}' is not an absolute path without spaces or quotes");
        }

        var modules = builder.AddModules(ModulesDirectory, Release, Address is null ? Modules : [.. Modules, "virtio_net"]);
        var bb = $"{SharedRootScripts.GuestToolsDirectory}/busybox";
        var stage2 = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"#!{bb} sh\n")
            .Append("# RainForest kernel subOS, stage 2: name the host, bring up loopback; init then starts the program.\n")
            .Append(CultureInfo.InvariantCulture, $"{bb} hostname {Hostname}\n")
            .Append(CultureInfo.InvariantCulture, $"{bb} ip link set lo up\n");
        if (Address is not null)
        {
            // RFloop: the supervisor chose the address (and the NIC's MAC from it); its filter drops any other source.
            stage2.Append(CultureInfo.InvariantCulture, $"{bb} ip addr add {Address} dev eth0 && {bb} ip link set eth0 up || echo 'rf: cannot configure eth0 for {Address}'\n");
        }

        if (HostsFile is not null)
        {
            stage2.Append(CultureInfo.InvariantCulture, $"{bb} mount --bind '{HostsFile}' /etc/hosts || echo 'rf: cannot bind {HostsFile} on /etc/hosts'\n");
        }

        builder.AddText("init", SharedRootScripts.Stage1(modules, Root, [ModulesMount, .. Mounts], [.. EmptyDirectories]), 0x1ED)
            .AddText("stage2", stage2.ToString(), 0x1ED)
            .AddText("inittab", $"::sysinit:{SharedRootScripts.GuestToolsDirectory}/stage2\n::respawn:{string.Join(' ', Program)}\n");
        builder.WriteTo(path);
    }
}
