using RainForest.Vm.Guests;
using RainForest.Vm.Qemu;
using RainForest.Vm.Tests.Initramfs;

namespace RainForest.Vm.Tests.Guests;

/// <summary>The kernel backend's initramfs: the modules it loads and, for a resizable guest, the hot-plug hook.</summary>
public sealed class AgentGuestImageTests : IDisposable
{
    private const string Release = "6.1.0-57-amd64";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [BusyBoxFact]
    public void WriteInitramfs_OnlineHotplugged_LoadsVirtioMemAndOnlinesAddedCpus()
    {
        var entries = Write(new AgentGuestImage
        {
            Release = Release,
            ModulesDirectory = Modules(),
            Root = new NinePShare(SharedRootScripts.RootTag, "/"),
            Hostname = "k1",
            Program = ["/run/rainforest/bin/rf-agent", "guest", "k1", "rainforest.agent"],
            ExtraModules = ["virtio_mem"],
            OnlineHotplugged = true,
        });

        var init = entries.Single(e => e.Name == "init").Text;
        Assert.Contains("insmod '/lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio_mem.ko'", init, StringComparison.Ordinal);
        Assert.Contains("cp /bin/busybox /stage2 '/hotplug' /newroot/run/rf-vm/", init, StringComparison.Ordinal);
        var inittab = entries.Single(e => e.Name == "inittab").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "::sysinit:/run/rf-vm/stage2",
            $"::respawn:/run/rf-vm/busybox uevent {AgentGuestImage.HotplugScript}",
            "::respawn:/run/rainforest/bin/rf-agent guest k1 rainforest.agent",
        ], inittab);
        var hook = entries.Single(e => e.Name == "hotplug");
        Assert.Equal(0x1EDu, hook.Permissions);
        Assert.Contains("[ \"$ACTION\" = add ] && [ \"$SUBSYSTEM\" = cpu ] || exit 0", hook.Text, StringComparison.Ordinal);
        Assert.Contains("f=/sys$DEVPATH/online", hook.Text, StringComparison.Ordinal);
        Assert.Contains("/sys/devices/system/cpu/cpu*/online", entries.Single(e => e.Name == "stage2").Text, StringComparison.Ordinal);
    }

    [BusyBoxFact]
    public void WriteInitramfs_ControlPort_LoopOnThePortBeforeTheProgram()
    {
        var entries = Write(new AgentGuestImage
        {
            Release = Release,
            ModulesDirectory = Modules(),
            Root = new NinePShare(SharedRootScripts.RootTag, "/"),
            Hostname = "k1",
            Program = ["/bin/true"],
            ControlPort = "rainforest.ctl",
        });

        Assert.Equal(
            ["::sysinit:/run/rf-vm/stage2", $"::respawn:{AgentGuestImage.ControlScript}", "::respawn:/bin/true"],
            entries.Single(e => e.Name == "inittab").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var control = entries.Single(e => e.Name == "control").Text;
        Assert.Contains("= rainforest.ctl ] && dev=/dev/${p##*/}", control, StringComparison.Ordinal);
        Assert.Contains("online) [ -f \"$f\" ] && echo 1 > \"$f\"", control, StringComparison.Ordinal);
        Assert.Contains("offline) [ -f \"$f\" ] && echo 0 > \"$f\"", control, StringComparison.Ordinal);

        // The port stays open across connections: closing it would drop a command the next connection already sent.
        Assert.Single(control.Split('\n'), l => l.Contains("exec 3<>", StringComparison.Ordinal));
        Assert.DoesNotContain("exec 3<&-", control, StringComparison.Ordinal);
        Assert.Contains("cp /bin/busybox /stage2 '/control' /newroot/run/rf-vm/", entries.Single(e => e.Name == "init").Text, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e.Name == "hotplug");
    }

    [BusyBoxFact]
    public void WriteInitramfs_Plain_NoHook()
    {
        var entries = Write(new AgentGuestImage
        {
            Release = Release,
            ModulesDirectory = Modules(),
            Root = new NinePShare(SharedRootScripts.RootTag, "/"),
            Hostname = "k1",
            Program = ["/bin/true"],
        });

        Assert.DoesNotContain(entries, e => e.Name == "hotplug");
        Assert.DoesNotContain("virtio_mem", entries.Single(e => e.Name == "init").Text, StringComparison.Ordinal);
        Assert.DoesNotContain("uevent", entries.Single(e => e.Name == "inittab").Text, StringComparison.Ordinal);
    }

    private List<CpioEntry> Write(AgentGuestImage image)
    {
        var path = Path.Combine(_dir.FullName, "initrd.gz");
        image.WriteInitramfs(path);
        return CpioArchive.ReadGzip(File.ReadAllBytes(path));
    }

    /// <summary>A modules tree with every module the image names, each without dependencies and a few bytes long.</summary>
    private string Modules()
    {
        var dir = Path.Combine(_dir.FullName, Release);
        string[] paths =
        [
            "kernel/drivers/virtio/virtio_pci.ko", "kernel/net/9p/9pnet_virtio.ko", "kernel/fs/9p/9p.ko", "kernel/fs/overlayfs/overlay.ko",
            "kernel/drivers/char/virtio_console.ko", "kernel/drivers/virtio/virtio_mem.ko",
        ];
        foreach (var path in paths)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), "ko");
        }

        File.WriteAllText(Path.Combine(dir, "modules.dep"), string.Concat(paths.Select(p => p + ":\n")));
        return dir;
    }
}
