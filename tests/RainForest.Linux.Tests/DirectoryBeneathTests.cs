using RainForest.Interop;

namespace RainForest.Linux.Tests;

/// <summary>Opening a directory below a root without following a symbolic link (RFfuse's sources).</summary>
public sealed class DirectoryBeneathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rf-beneath-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Open_NestedDirectory_NamesThatDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_root, "srv/data"));
        File.WriteAllText(Path.Combine(_root, "srv/data/f"), "x");

        using var handle = DirectoryBeneath.Open(_root, "/srv/data");

        var reopened = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        Assert.Equal(Path.Combine(_root, "srv/data"), new FileInfo(reopened).LinkTarget);
        Assert.Equal("x", File.ReadAllText(Path.Combine(reopened, "f")));
    }

    [Theory]
    [InlineData("/link/data")]
    [InlineData("/srv/outside")]
    public void Open_ThroughASymbolicLink_IsRefused(string path)
    {
        Directory.CreateDirectory(Path.Combine(_root, "srv/data"));
        File.CreateSymbolicLink(Path.Combine(_root, "link"), Path.Combine(_root, "srv"));
        File.CreateSymbolicLink(Path.Combine(_root, "srv/outside"), "/etc");

        Assert.Throws<LinuxException>(() => DirectoryBeneath.Open(_root, path));
    }

    [Fact]
    public void Open_AFileOrNothing_IsRefused()
    {
        File.WriteAllText(Path.Combine(_root, "file"), "x");

        Assert.Throws<LinuxException>(() => DirectoryBeneath.Open(_root, "/file"));
        Assert.Throws<LinuxException>(() => DirectoryBeneath.Open(_root, "/missing"));
    }

    [Theory]
    [InlineData("/srv/../..")]
    [InlineData("/./srv")]
    [InlineData("/srv//data")]
    public void Open_UnnormalisedPath_IsRefusedBeforeAnyOpen(string path) =>
        Assert.Throws<ArgumentException>(() => DirectoryBeneath.Open(_root, path));
}
