using System.Globalization;
using System.Text;

namespace RainForest.Vm.Guests;

/// <summary>
/// The shell scripts of a guest whose root is the host's <c>/</c>, shared read-only over 9p under a
/// tmpfs overlay: stage 1 is the initramfs's <c>/init</c>, stage 2 runs the guest's command on the new root.
/// </summary>
/// <remarks>
/// Stage 1 (busybox sh, pid 1 on the initramfs) loads the modules the mounts need, mounts the
/// host's root as the overlay's lower layer and a tmpfs as its upper layer, mounts proc, sysfs,
/// devtmpfs, devpts, tmpfs on /dev/shm, /run and /tmp, and the unified cgroup hierarchy alone (cgroup2
/// with <c>nsdelegate,memory_recursiveprot</c>, as systemd mounts it), then switches root. The initramfs
/// must be left with switch_root, not chroot: pivot_root, which every subOS's agent uses, refuses
/// to move the initramfs's rootfs. On the new root, busybox init is pid 1 (it reaps orphans, as
/// systemd does on a host) and runs stage 2, which prints <see cref="ReadyMarker"/>, runs the
/// command, prints <see cref="ExitMarker"/> with its exit code and powers the guest off. Every
/// failure prints <see cref="FailMarker"/> and powers off, so a broken guest ends at once instead
/// of waiting for the time limit.
/// </remarks>
public static class SharedRootScripts
{
    /// <summary>Printed by stage 2 before the command: the kernel release follows.</summary>
    public const string ReadyMarker = "RF-VM-READY";

    /// <summary>Printed after the command: its exit code follows.</summary>
    public const string ExitMarker = "RF-VM-EXIT";

    /// <summary>Printed where the guest could not be set up: the reason follows.</summary>
    public const string FailMarker = "RF-VM-FAIL";

    /// <summary>Where stage 1 leaves busybox and stage 2 on the new root (a tmpfs of the guest's own).</summary>
    public const string GuestToolsDirectory = "/run/rf-vm";

    /// <summary>The 9p tag of the host's root.</summary>
    public const string RootTag = "rfroot";

    /// <summary>Stage 1: the initramfs's /init.</summary>
    /// <param name="modules">Archive paths of the modules to load, in load order.</param>
    /// <param name="root">The share that becomes the lower layer.</param>
    /// <param name="mounts">Further shares, mounted on the new root after its own /tmp, /run and the hidden directories.</param>
    /// <param name="emptyDirectories">Directories of the new root hidden under an empty tmpfs.</param>
    /// <param name="tools">Further files of the initramfs (absolute paths) copied beside stage 2 into <see cref="GuestToolsDirectory"/>.</param>
    public static string Stage1(IEnumerable<string> modules, Qemu.NinePShare root, IEnumerable<GuestMount> mounts, IEnumerable<string> emptyDirectories, IEnumerable<string>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var s = new StringBuilder();
        s.Append("""
            #!/bin/busybox sh
            # RainForest guest, stage 1: the host's root read-only under a tmpfs overlay, cgroup2 only.
            /bin/busybox --install -s /bin
            export PATH=/bin
            fail() { echo "RF-VM-FAIL stage 1: $*"; poweroff -f; reboot -f; }
            mount -t proc proc /proc || fail "mount /proc"
            mount -t sysfs sysfs /sys || fail "mount /sys"
            mount -t devtmpfs devtmpfs /dev || fail "mount /dev"

            """);
        foreach (var module in modules)
        {
            s.Append(CultureInfo.InvariantCulture, $"insmod {Quote("/" + module)} || fail {Quote("insmod " + module)}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"""
            mkdir -p /mnt/lower /mnt/rw /newroot
            mount -t 9p -o {root.MountOptions} {root.Tag} /mnt/lower || fail "mount the host's root over 9p"
            mount -t tmpfs -o mode=0755 rw /mnt/rw || fail "mount the overlay's tmpfs"
            mkdir -p /mnt/rw/upper /mnt/rw/work
            mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work root /newroot || fail "mount the overlay"

            """);
        s.Append("""
            for d in dev proc sys; do mount --move /$d /newroot/$d || fail "move /$d"; done
            mkdir -p /newroot/dev/pts /newroot/dev/shm
            mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /newroot/dev/pts || fail "mount /dev/pts"
            mount -t tmpfs -o mode=1777,nosuid,nodev shm /newroot/dev/shm || fail "mount /dev/shm"
            mount -t tmpfs -o mode=0755,nosuid,nodev run /newroot/run || fail "mount /run"
            mount -t tmpfs -o mode=1777,nosuid,nodev tmp /newroot/tmp || fail "mount /tmp"
            mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /newroot/sys/fs/cgroup || fail "mount cgroup2"

            """);
        foreach (var dir in emptyDirectories)
        {
            var target = Quote("/newroot" + dir);
            s.Append(CultureInfo.InvariantCulture, $"mkdir -p {target} && mount -t tmpfs -o mode=0755 empty {target} || fail {Quote("hide " + dir)}\n");
        }

        // Shares last, so that one under /tmp or /run (a checkout there, say) lies on top of the fresh tmpfs.
        foreach (var mount in mounts)
        {
            var target = Quote("/newroot" + mount.GuestPath);
            s.Append(CultureInfo.InvariantCulture, $"mkdir -p {target} && mount -t 9p -o {mount.Share.MountOptions} {mount.Share.Tag} {target} || fail {Quote("mount " + mount.Share.Tag + " on " + mount.GuestPath)}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"""
            mkdir -p /newroot{GuestToolsDirectory} || fail "mkdir {GuestToolsDirectory}"
            cp /bin/busybox /stage2{string.Concat((tools ?? []).Select(t => " " + Quote(t)))} /newroot{GuestToolsDirectory}/ || fail "copy stage 2"
            cp /inittab /newroot/etc/inittab || fail "write /etc/inittab"
            exec switch_root /newroot {GuestToolsDirectory}/busybox init

            """);
        return s.ToString();
    }

    /// <summary>Busybox init's table on the new root: stage 2 once, with the console as its terminal.</summary>
    public static string InitTab => $"::sysinit:{GuestToolsDirectory}/stage2\n";

    /// <summary>Stage 2: runs <paramref name="command"/> in <paramref name="workingDirectory"/> with <paramref name="environment"/>, then powers off.</summary>
    public static string Stage2(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("the guest needs a command", nameof(command));
        }

        var bb = $"{GuestToolsDirectory}/busybox";
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $$"""
            #!{{bb}} sh
            # RainForest guest, stage 2: busybox init's child on the new root.
            end() { {{bb}} poweroff -f; {{bb}} reboot -f; }
            export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb

            """);
        foreach (var (key, value) in environment)
        {
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(key[0]))
            {
                throw new ArgumentException($"'{key}' is not an environment variable name", nameof(environment));
            }

            s.Append(CultureInfo.InvariantCulture, $"export {key}={Quote(value)}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $$"""
            {{bb}} hostname rf-vm
            {{bb}} ip link set lo up
            cd {{Quote(workingDirectory)}} || { echo "{{FailMarker}} stage 2: cd {{workingDirectory}}"; end; }
            echo "{{ReadyMarker}} $({{bb}} uname -r)"
            {{string.Join(' ', command.Select(Quote))}} </dev/null
            echo "{{ExitMarker}} $?"
            end

            """);
        return s.ToString();
    }

    /// <summary>Quotes a word for sh: single quotes, with each <c>'</c> written as <c>'\''</c>.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
