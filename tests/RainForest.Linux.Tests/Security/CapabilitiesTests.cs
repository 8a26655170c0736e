using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

public sealed class CapabilitiesTests
{
    [Fact]
    public void ContainerDefault_IsRuncsSet()
    {
        // Docker's and runc's default CapEff as /proc prints it.
        Assert.Equal("00000000a80425fb", Capabilities.ContainerDefault.ToHex());
        Assert.Equal(14, Capabilities.ContainerDefault.Count);
    }

    [Theory]
    [InlineData("000001ffffffffff", 41)]
    [InlineData("0x00000000a80425fb", 14)]
    [InlineData("0000000000000000", 0)]
    public void Parse_ProcStatusMask_CountsBits(string hex, int count)
    {
        Assert.Equal(count, CapabilitySet.Parse(hex).Count);
    }

    [Fact]
    public void Parse_NotHex_Throws()
    {
        Assert.Throws<FormatException>(() => CapabilitySet.Parse("xyz"));
        Assert.False(CapabilitySet.TryParse(null, out _));
    }

    [Fact]
    public void UpTo_Last40_IsAllKnown()
    {
        Assert.Equal(CapabilitySet.Parse("000001ffffffffff"), CapabilitySet.UpTo(40));
        Assert.Equal(ulong.MaxValue, CapabilitySet.UpTo(63).Mask);
    }

    [Fact]
    public void Names_AreKernelNamesLowestFirst()
    {
        var set = CapabilitySet.Of(Capability.SysAdmin, Capability.Chown, Capability.CheckpointRestore);

        Assert.Equal(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"], set.Names);
        Assert.Equal("CAP_CHOWN,CAP_SYS_ADMIN,CAP_CHECKPOINT_RESTORE", set.ToString());
        Assert.Equal("CAP_45", CapabilitySet.NameOf((Capability)45));
    }

    [Theory]
    [InlineData("CAP_NET_ADMIN", Capability.NetAdmin)]
    [InlineData("net_admin", Capability.NetAdmin)]
    [InlineData("SYS_PTRACE", Capability.SysPtrace)]
    public void TryParseName_WithOrWithoutPrefix_Finds(string name, Capability expected)
    {
        Assert.True(CapabilitySet.TryParseName(name, out var capability));
        Assert.Equal(expected, capability);
    }

    [Fact]
    public void SetAlgebra_AddRemoveIntersectExcept()
    {
        var set = CapabilitySet.Empty.Add(Capability.Kill).Add(Capability.Setuid);

        Assert.True(set.Contains(Capability.Kill));
        Assert.False(set.Remove(Capability.Kill).Contains(Capability.Kill));
        Assert.Equal(CapabilitySet.Of(Capability.Kill), set.Intersect(CapabilitySet.Of(Capability.Kill, Capability.Chown)));
        Assert.Equal(CapabilitySet.Of(Capability.Setuid), set.Except(CapabilitySet.Of(Capability.Kill)));
        Assert.Equal(3, set.Union(CapabilitySet.Of(Capability.Chown)).Count);
    }

    [Fact]
    public void LastCap_FixtureTree_IsRead()
    {
        var root = Directory.CreateTempSubdirectory("rf-captest-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "sys/kernel"));
            File.WriteAllText(Path.Combine(root, "sys/kernel/cap_last_cap"), "40\n");

            Assert.Equal(40, Capabilities.LastCap(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Trait("Category", "Integration")]
    [CapabilityFact(Capability.Setpcap)]
    public void RestrictBoundingSet_OnDedicatedThread_DropsThereOnly()
    {
        var pid = Environment.ProcessId;
        var testTid = KernelNative.gettid();
        var before = ProcessSecurity.ReadTask(pid, testTid)!;
        var keep = Capabilities.ContainerDefault;

        var (self, sysAdminInBounding) = KernelNative.OnNewThread(() =>
        {
            Capabilities.RestrictBoundingSet(keep);

            // A second call has nothing left to drop.
            Capabilities.RestrictBoundingSet(keep);
            return (ProcessSecurity.ReadDirectory("/proc/thread-self")!, Capabilities.InBoundingSet(Capability.SysAdmin));
        });

        Assert.Equal(before.Bounding.Intersect(keep), self.Bounding);
        Assert.False(sysAdminInBounding);
        Assert.Equal(CapabilitySet.Empty, self.Ambient);
        Assert.Equal(CapabilitySet.Empty, self.Inheritable.Except(keep));
        Assert.Equal(before.Bounding, ProcessSecurity.ReadTask(pid, testTid)!.Bounding);
        Assert.True(Capabilities.InBoundingSet(Capability.SysAdmin) == before.Bounding.Contains(Capability.SysAdmin));
    }
}
