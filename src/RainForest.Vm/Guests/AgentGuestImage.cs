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

    /// <summary>
    /// The script busybox <c>uevent</c> runs for each kernel event when <see cref="OnlineHotplugged"/> is set: a CPU
    /// hot-added over ACPI arrives offline (no udev here to bring it up), so it is put online at once.
    /// </summary>
    public const string HotplugScript = SharedRootScripts.GuestToolsDirectory + "/hotplug";

    /// <summary>Modules stage 1 loads after <see cref="Modules"/> (virtio_mem or virtio_balloon for a resizable guest's memory).</summary>
    public IReadOnlyList<string> ExtraModules { get; init; } = [];

    /// <summary>
    /// Whether init puts hot-added CPUs online: busybox <c>uevent</c> listens on the kernel's event socket and runs
    /// <see cref="HotplugScript"/>, which writes 1 to the new CPU's <c>online</c> file (memory needs nothing: the
    /// kernel onlines it itself with <c>memhp_default_state=online</c>).
    /// </summary>
    public bool OnlineHotplugged { get; init; }

    /// <summary>
    /// The name of a virtio-serial port on which the guest takes CPU commands from the host (<see cref="ControlScript"/>:
    /// <c>online N</c>, <c>offline N</c>, <c>list</c>), or null for none: the kernel backend parks vCPUs this way
    /// where QMP hot-plug is unsafe.
    /// </summary>
    public string? ControlPort { get; init; }

    /// <summary>Where the control port's script lies in the guest.</summary>
    public const string ControlScript = SharedRootScripts.GuestToolsDirectory + "/control";

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

        var builder = SharedRootGuest.BaseInitramfs();
        if (Address is { } address && !address.All(c => char.IsAsciiDigit(c) || c is '.' or '/'))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address with its prefix length");
        }

        if (HostsFile is { } hosts && (!hosts.StartsWith('/') || hosts.Any(c => char.IsWhiteSpace(c) || c == '\'')))
        {
            throw new ArgumentException($"'{hosts}' is not an absolute path without spaces or quotes");
        }

        var modules = builder.AddModules(ModulesDirectory, Release, [.. Modules, .. ExtraModules, .. Address is null ? Array.Empty<string>() : ["virtio_net"]]);
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

        var inittab = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"::sysinit:{SharedRootScripts.GuestToolsDirectory}/stage2\n");
        if (OnlineHotplugged)
        {
            // The listener first, then a sweep for any CPU that arrived before it listened.
            inittab.Append(CultureInfo.InvariantCulture, $"::respawn:{bb} uevent {HotplugScript}\n");
            stage2.Append(CultureInfo.InvariantCulture, $"for f in /sys/devices/system/cpu/cpu*/online; do [ -f $f ] && [ \"$({bb} cat $f)\" = 0 ] && echo 1 > $f; done\n");
            builder.AddText("hotplug", HotplugHook(bb), 0x1ED);
        }

        List<string> tools = OnlineHotplugged ? ["/hotplug"] : [];
        if (ControlPort is { } port)
        {
            if (port.Length == 0 || !port.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"'{port}' is not a virtio-serial port name");
            }

            inittab.Append(CultureInfo.InvariantCulture, $"::respawn:{ControlScript}\n");
            builder.AddText("control", ControlHook(bb, port), 0x1ED);
            tools.Add("/control");
        }

        inittab.Append(CultureInfo.InvariantCulture, $"::respawn:{string.Join(' ', Program)}\n");
        builder.AddText("init", SharedRootScripts.Stage1(modules, Root, [ModulesMount, .. Mounts], [.. EmptyDirectories], tools), 0x1ED)
            .AddText("stage2", stage2.ToString(), 0x1ED)
            .AddText("inittab", inittab.ToString());
        builder.WriteTo(path);
    }

    /// <summary>
    /// The uevent hook: the CPU the event names goes online (only that one: a CPU the kernel is taking offline to
    /// eject it must stay so).
    /// </summary>
    private static string HotplugHook(string bb) => $$"""
        #!{{bb}} sh
        # RainForest kernel subOS: bring a hot-added CPU online (busybox uevent runs this with the event in its environment).
        [ "$ACTION" = add ] && [ "$SUBSYSTEM" = cpu ] || exit 0
        f=/sys$DEVPATH/online
        [ -f "$f" ] && [ "$({{bb}} cat "$f")" = 0 ] && echo 1 > "$f"
        exit 0

        """;

    /// <summary>
    /// The control port's loop: one command a line, one answer a line (<c>ok ...</c> or <c>fail ...</c>). Reads see
    /// the end of input while no host end is connected; the loop then waits a fifth of a second and reads again. It
    /// keeps the port open: closing it makes the guest kernel drop what the port has buffered, which may already be
    /// the next connection's command (the host closes one connection and opens the next within milliseconds while it
    /// waits for a plugged vCPU), and that command would then never be answered.
    /// </summary>
    private static string ControlHook(string bb, string port) => $$"""
        #!{{bb}} sh
        # RainForest kernel subOS: the supervisor's CPU commands on the virtio-serial port {{port}}.
        dev=
        for p in /sys/class/virtio-ports/*; do [ "$({{bb}} cat $p/name 2>/dev/null)" = {{port}} ] && dev=/dev/${p##*/}; done
        [ -n "$dev" ] || { {{bb}} sleep 1; exit 1; }
        exec 3<>"$dev"
        while :; do
          while read -r cmd n <&3; do
            f=/sys/devices/system/cpu/cpu$n/online
            case "$cmd" in
              online) [ -f "$f" ] && echo 1 > "$f" && echo ok >&3 || echo "fail cpu$n did not come online" >&3 ;;
              offline) [ -f "$f" ] && echo 0 > "$f" && echo ok >&3 || echo "fail cpu$n did not go offline" >&3 ;;
              list) echo "ok $({{bb}} cat /sys/devices/system/cpu/online)" >&3 ;;
              *) echo "fail unknown command $cmd" >&3 ;;
            esac
          done
          {{bb}} sleep 0.2
        done

        """;
}
