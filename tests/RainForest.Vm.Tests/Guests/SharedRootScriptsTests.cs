using RainForest.Vm.Guests;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Tests.Guests;

public sealed class SharedRootScriptsTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME `x` \"q\"", "'$HOME `x` \"q\"'")]
    [InlineData("", "''")]
    public void Quote_AnyWord_SingleQuotedForSh(string word, string quoted) =>
        Assert.Equal(quoted, SharedRootScripts.Quote(word));

    [Fact]
    public void Stage1_ModulesThenRootThenCgroup2OnlyThenSwitchRoot()
    {
        var script = SharedRootScripts.Stage1(
            ["lib/modules/r/a.ko", "lib/modules/r/b.ko"],
            new NinePShare("rfroot", "/"),
            [new GuestMount(new NinePShare("rfmodules", "/cache/r"), "/lib/modules/r")],
            ["/var/lib/rainforest"]);
        var lines = script.Split('\n');
        Assert.Equal("#!/bin/busybox sh", lines[0]);
        int IndexOf(string start) => Array.FindIndex(lines, l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(IndexOf("insmod '/lib/modules/r/a.ko'") < IndexOf("insmod '/lib/modules/r/b.ko'"));
        Assert.True(IndexOf("insmod '/lib/modules/r/b.ko'") < IndexOf("mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,cache=loose,ro rfroot /mnt/lower"));
        Assert.True(IndexOf("mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work root /newroot") > 0);
        Assert.True(IndexOf("mkdir -p '/newroot/var/lib/rainforest' && mount -t tmpfs") > IndexOf("mount -t tmpfs -o mode=1777,nosuid,nodev tmp /newroot/tmp"));

        // A share lies on top of the guest's own /tmp and hidden directories, never under them.
        Assert.True(IndexOf("mkdir -p '/newroot/lib/modules/r' && mount -t 9p") > IndexOf("mkdir -p '/newroot/var/lib/rainforest' && mount -t tmpfs"));
        Assert.Single(lines, l => l.Contains("cgroup", StringComparison.Ordinal) && l.StartsWith("mount", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /newroot/sys/fs/cgroup", StringComparison.Ordinal));
        Assert.Equal("exec switch_root /newroot /run/rf-vm/busybox init", lines.Last(l => l.Length > 0));
    }

    [Fact]
    public void Stage2_Command_QuotedBetweenReadyAndExitMarkers()
    {
        var script = SharedRootScripts.Stage2(["/bin/bash", "/x/smoke.sh", "it's"], "/work/x", new Dictionary<string, string> { ["RFM"] = "/a b/rfm" });
        var lines = script.Split('\n');
        Assert.Contains("export RFM='/a b/rfm'", lines);
        Assert.Contains("cd '/work/x' || { echo \"RF-VM-FAIL stage 2: cd /work/x\"; end; }", lines);
        var ready = Array.FindIndex(lines, l => l.StartsWith("echo \"RF-VM-READY", StringComparison.Ordinal));
        var command = Array.IndexOf(lines, "'/bin/bash' '/x/smoke.sh' 'it'\\''s' </dev/null");
        var exit = Array.IndexOf(lines, "echo \"RF-VM-EXIT $?\"");
        Assert.True(ready > 0 && command == ready + 1 && exit == command + 1, script);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1X")]
    [InlineData("A-B")]
    [InlineData("A;B")]
    public void Stage2_BadVariableName_Throws(string key) =>
        Assert.Throws<ArgumentException>(() => SharedRootScripts.Stage2(["true"], "/", new Dictionary<string, string> { [key] = "v" }));
}
