using RainForest.Vm.Qemu;

namespace RainForest.Vm.Tests.Qemu;

/// <summary>Reading QEMU's release from <c>--version</c>, and which releases survive a TCG vCPU unplug.</summary>
public sealed class QemuVersionTests
{
    [Theory]
    [InlineData("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard", 7, 2, 22, false)]
    [InlineData("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1~bpo12+1)\n", 10, 0, 2, true)]
    [InlineData("QEMU emulator version 8.2.0\n", 8, 2, 0, false)]
    [InlineData("QEMU emulator version 11.1\n", 11, 1, 0, true)]
    public void Parse_TheFirstLine_AndTheUnplugRule(string output, int major, int minor, int micro, bool unplugs)
    {
        var version = QemuVersion.Parse(output);
        Assert.Equal(new QemuVersion(major, minor, micro), version);
        Assert.Equal(unplugs, version!.TcgUnplugKeepsHeap);
    }

    [Theory]
    [InlineData("")]
    [InlineData("qemu-system-x86_64: unknown option\n")]
    public void Parse_NoVersion_Null(string output) => Assert.Null(QemuVersion.Parse(output));

    [Fact]
    public void Probe_ThisHostsQemu_MatchesItsVersionLine()
    {
        if (QemuVersion.Probe() is not { } version)
        {
            Assert.Null(Which());
            return;
        }

        Assert.True(version.Major >= 5, $"QEMU {version}");
    }

    private static string? Which() =>
        $"{Environment.GetEnvironmentVariable("PATH")}:/usr/bin".Split(':').Select(d => Path.Combine(d, "qemu-system-x86_64")).FirstOrDefault(File.Exists);
}
