using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Tests.Cgroups;

public sealed class DeviceRuleTests
{
    public static TheoryData<DeviceRule, string> Formats => new()
    {
        { new DeviceRule(DeviceType.Char, 1, 3, DeviceAccess.All), "c 1:3 rwm" },
        { new DeviceRule(DeviceType.Char, 136, null, DeviceAccess.All), "c 136:* rwm" },
        { new DeviceRule(DeviceType.Block, 8, 0, DeviceAccess.Read), "b 8:0 r" },
        { new DeviceRule(DeviceType.Char, 10, 200, DeviceAccess.Mknod | DeviceAccess.Write), "c 10:200 wm" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void ToString_Rule_IsTheKernelV1Format(DeviceRule rule, string expected) => Assert.Equal(expected, rule.ToString());

    [Fact]
    public void Minimal_IsTheMinimalDevWithReadWriteMknod()
    {
        Assert.Equal(
            ["c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"],
            DevicePolicy.Minimal.Select(r => r.ToString()));
    }

    [Fact]
    public void Constructor_MajorBeyond12Bits_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceRule(DeviceType.Char, 4096, 0, DeviceAccess.All));

    [Fact]
    public void Constructor_MinorBeyond20Bits_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceRule(DeviceType.Char, 1, 1u << 20, DeviceAccess.All));

    [Theory]
    [InlineData(DeviceAccess.None)]
    [InlineData((DeviceAccess)8)]
    public void Constructor_EmptyOrUnknownAccess_Throws(DeviceAccess access) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceRule(DeviceType.Char, 1, 3, access));

    [Fact]
    public void Constructor_UnknownType_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceRule((DeviceType)0, 1, 3, DeviceAccess.All));
}
