using System.Diagnostics;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// The device rules on the real kernel: a group of this test's own (named <c>rf-devtest-*</c>) gets the rules,
/// a child shell of this test joins it and tries the allowed and some denied devices, then the group is removed.
/// </summary>
/// <remarks>
/// Denied devices are only opened for reading, never read or written (<c>true &lt; /dev/x</c>), and mknod goes into
/// a temp directory of the test's own. Nothing but the test's own child ever joins the groups.
/// </remarks>
[Trait("Category", "Integration")]
public sealed class DeviceKernelTests : IDisposable
{
    private const string V1Devices = "/sys/fs/cgroup/devices";
    private const string V2Mount = "/sys/fs/cgroup/unified";
    private const string Denied = "Operation not permitted";

    private readonly string _prefix = "rf-devtest-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));
    private readonly string _scratch = Directory.CreateTempSubdirectory("rf-devtest-").FullName;
    private readonly List<string> _created = [];

    [CgroupMountFact(V1Devices, "cgroup")]
    public void V1Create_ChildInTheGroup_OpensOnlyThePolicysDevices()
    {
        // cpuset and memory stay in a fixture kernel: only the devices group is real, so the test touches nothing else.
        var fixture = new FixtureKernel(_scratch);
        var layout = new CgroupLayout(
            CgroupMode.Hybrid,
            new Dictionary<string, string>
            {
                ["cpuset"] = fixture.MountCgroup("/cpuset", "cpuset"),
                ["memory"] = fixture.MountCgroup("/memory", "memory"),
                ["devices"] = V1Devices,
            },
            null);
        var driver = CgroupDriver.For(new RoutedKernelFiles(V1Devices, KernelFiles.Host, fixture), layout, _prefix);
        _created.Add(Path.Combine(V1Devices, _prefix, "web"));
        _created.Add(Path.Combine(V1Devices, _prefix));
        try
        {
            driver.EnsureParent(CpuSet.Parse("0"), "0");
            driver.Create("web", CpuSet.Parse("0"), "0", ByteSize.Parse("64M"));

            Assert.Equal("a *:* rwm", File.ReadAllText(Path.Combine(V1Devices, _prefix, "devices.list")).Trim());
            Assert.Equal(string.Join("; ", DevicePolicy.Minimal), driver.DeviceRules("web"));
            AssertOnlyPolicyDevices(Path.Combine(V1Devices, _prefix, "web", "cgroup.procs"));
        }
        finally
        {
            driver.Remove("web", TimeSpan.FromSeconds(5));
            driver.RemoveParentIfEmpty();
        }

        Assert.False(Directory.Exists(Path.Combine(V1Devices, _prefix)));
    }

    [CgroupMountFact(V2Mount, "cgroup2")]
    public void V2Attach_ChildInTheGroup_OpensOnlyThePolicysDevices()
    {
        var parent = Path.Combine(V2Mount, _prefix);
        var group = Path.Combine(parent, "web");
        _created.Add(group);
        _created.Add(parent);
        Directory.CreateDirectory(group);

        // The v2 driver's Create also writes cpuset and memory files, which a hybrid cgroup2 lacks,
        // so the program goes on through the same call Create makes, and the driver reads it back.
        var driver = CgroupDriver.For(KernelFiles.Host, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), V2Mount), _prefix);
        Assert.Null(driver.DeviceRules("web"));
        CgroupDevicePrograms.Attach(group, DevicePolicy.Minimal);

        var programs = CgroupDevicePrograms.Query(group);
        Assert.Single(programs);
        Assert.Equal(DeviceProgram.Name, programs[0].Name);
        Assert.Contains(programs[0].Tag, DeviceProgram.Tags(DeviceProgram.Generate(DevicePolicy.Minimal)));
        Assert.Equal($"1 device program attached (allows {string.Join(", ", DevicePolicy.Minimal)})", driver.DeviceRules("web"));
        Assert.Null(driver.DeviceRules("missing"));
        AssertOnlyPolicyDevices(Path.Combine(group, "cgroup.procs"));
    }

    [CgroupMountFact(V2Mount, "cgroup2")]
    public void V2AllowDevice_Kvm_TheKernelHoldsOneProgramWithKvm()
    {
        var parent = Path.Combine(V2Mount, _prefix);
        var group = Path.Combine(parent, "web");
        _created.Add(group);
        _created.Add(parent);
        Directory.CreateDirectory(group);
        var driver = CgroupDriver.For(KernelFiles.Host, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), V2Mount), _prefix);
        CgroupDevicePrograms.Attach(group, DevicePolicy.Minimal);

        driver.AllowDevice("web", DevicePolicy.Kvm);

        // The minimal program detached by the kernel, the wider one in its place.
        var programs = CgroupDevicePrograms.Query(group);
        Assert.Single(programs);
        Assert.Contains(programs[0].Tag, DeviceProgram.Tags(DeviceProgram.Generate([.. DevicePolicy.Minimal, DevicePolicy.Kvm])));
        Assert.Equal($"1 device program attached (allows {string.Join(", ", DevicePolicy.Minimal)}, c 10:232 rw)", driver.DeviceRules("web"));
        AssertOnlyPolicyDevices(Path.Combine(group, "cgroup.procs"));
    }

    private void AssertOnlyPolicyDevices(string procsFile)
    {
        var block = new[] { "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/loop0" }.FirstOrDefault(File.Exists);
        var script = $$"""
            echo $$ > {{procsFile}} || exit 9
            cat /dev/null && echo ok-null
            head -c1 /dev/zero >/dev/null && echo ok-zero
            head -c1 /dev/urandom >/dev/null && echo ok-urandom
            mknod {{_scratch}}/null c 1 3 && echo ok-mknod-null
            true 2>/dev/null < /dev/kmsg || echo denied-kmsg
            {{(block is null ? "echo denied-block" : $"true 2>/dev/null < {block} || echo denied-block")}}
            mknod {{_scratch}}/kmsg c 1 11 2>&1
            true < /dev/kmsg 2>&1
            """;
        var info = new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var child = Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(10_000))
        {
            child.Kill();
            Assert.Fail("the child shell did not finish");
        }

        var output = stdout + stderr.Result;
        Assert.NotEqual(9, child.ExitCode);
        foreach (var line in new[] { "ok-null", "ok-zero", "ok-urandom", "ok-mknod-null", "denied-kmsg", "denied-block" })
        {
            Assert.Contains(line, output);
        }

        // Both the mknod and the open of kmsg (c 1:11) say EPERM.
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains(Denied, StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Combine(_scratch, "kmsg")));
    }

    public void Dispose()
    {
        // A backstop for a failed test: only this test's own rf-devtest-* groups, children first; the child has exited.
        foreach (var dir in _created)
        {
            for (var attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // EBUSY while the exited child is still charged to the group.
                    Thread.Sleep(10);
                }
            }
        }

        Directory.Delete(_scratch, recursive: true);
    }
}
