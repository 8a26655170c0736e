using RainForest.Channels.Layout;

namespace RainForest.Channels.Tests;

/// <summary>Creating, opening, refusing and deleting channel files.</summary>
public sealed class ChannelFileTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_ThenOpen_SeesSameGeometry()
    {
        var path = _directory.PathFor("geometry");
        var options = new FicmChannelOptions { Mode = FicmChannelMode.Multicast, ReceiverCount = 5, SlotsPerRing = 64, MaxMessageSize = 1000 };
        using var created = FicmChannel.Create(path, options);
        using var opened = FicmChannel.Open(path);
        Assert.Equal(path, opened.Path);
        Assert.Equal(FicmChannelMode.Multicast, opened.Mode);
        Assert.Equal(5, opened.ReceiverCount);
        Assert.Equal(64, opened.SlotsPerRing);
        Assert.Equal(1000, opened.MaxMessageSize);
        Assert.Equal(ChannelLayout.TotalSize(5, 64), new FileInfo(path).Length);
    }

    [Fact]
    public void Create_LeavesOnlyTheChannelFile()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("alone"), new FicmChannelOptions());
        Assert.Equal([_directory.PathFor("alone")], Directory.GetFiles(_directory.FullName));
    }

    [Fact]
    public void Create_SetsTheRequestedPermissions()
    {
        var path = _directory.PathFor("mode");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        using var channel = FicmChannel.Create(path, new FicmChannelOptions { FileMode = mode });
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Create_ExistingPath_ThrowsExistsAndLeavesTheOriginal()
    {
        var path = _directory.PathFor("taken");
        using var original = FicmChannel.Create(path, new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = 100 });
        Assert.True(original.Writer.TryWrite("still here"u8));

        var error = Assert.Throws<SharedMemoryExistsException>(() => FicmChannel.Create(path, new FicmChannelOptions()));
        Assert.Equal(path, error.Path);
        Assert.Equal(17, error.ErrorNumber);

        using var reopened = FicmChannel.Open(path);
        Assert.Equal(64, reopened.SlotsPerRing);
        using var reader = reopened.OpenReader(0);
        Assert.True(reader.TryRead(out FicmMessage message));
        using (message)
        {
            Assert.Equal("still here"u8.ToArray(), message.Span.ToArray());
        }

        Assert.Equal([path], Directory.GetFiles(_directory.FullName));
    }

    [Fact]
    public void Open_MissingFile_ThrowsNotFoundWithPath()
    {
        var path = _directory.PathFor("missing");
        var error = Assert.Throws<SharedMemoryNotFoundException>(() => FicmChannel.Open(path));
        Assert.Equal(path, error.Path);
        Assert.Equal("open", error.Operation);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingDirectory_ThrowsNotFound()
    {
        var path = Path.Combine(_directory.FullName, "no-such-directory", "rf-test-channel");
        Assert.Throws<SharedMemoryNotFoundException>(() => FicmChannel.Create(path, new FicmChannelOptions()));
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "empty", "smaller than" },
        { "random", "magic" },
        { "magic", "magic" },
        { "version", "version 2" },
        { "checksum", "checksum" },
        { "truncated", "describes" },
        { "extended", "describes" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Open_ForeignOrCorruptFile_RefusedWithPathAndReason(string corruption, string reasonFragment)
    {
        var path = _directory.PathFor(corruption);
        if (corruption is "empty" or "random")
        {
            var bytes = new byte[corruption == "empty" ? 0 : 64 * 1024];
            new Random(7).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }
        else
        {
            FicmChannel.Create(path, new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = 100 }).Dispose();
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            switch (corruption)
            {
                case "magic":
                    file.Write("NOTFICM!"u8);
                    break;
                case "version":
                    file.Position = 8;
                    file.Write(BitConverter.GetBytes(2u));
                    break;
                case "checksum":
                    file.Position = 80; // a byte of the nonce
                    file.WriteByte(0x5A);
                    break;
                case "truncated":
                    file.SetLength(file.Length - ChannelLayout.PageSize);
                    break;
                case "extended":
                    file.SetLength(file.Length + ChannelLayout.PageSize);
                    break;
            }
        }

        var error = Assert.Throws<ChannelFormatException>(() => FicmChannel.Open(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(reasonFragment, error.Reason, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<FicmChannelOptions, string> InvalidOptions => new()
    {
        { new FicmChannelOptions { ReceiverCount = 2 }, nameof(FicmChannelOptions.ReceiverCount) },
        { new FicmChannelOptions { Mode = FicmChannelMode.Broadcast, ReceiverCount = 0 }, nameof(FicmChannelOptions.ReceiverCount) },
        { new FicmChannelOptions { Mode = FicmChannelMode.Broadcast, ReceiverCount = 65 }, nameof(FicmChannelOptions.ReceiverCount) },
        { new FicmChannelOptions { SlotsPerRing = 100 }, nameof(FicmChannelOptions.SlotsPerRing) },
        { new FicmChannelOptions { SlotsPerRing = 2 }, nameof(FicmChannelOptions.SlotsPerRing) },
        { new FicmChannelOptions { MaxMessageSize = -1 }, nameof(FicmChannelOptions.MaxMessageSize) },
        { new FicmChannelOptions { MaxMessageSize = (1 << 20) + 1, SlotsPerRing = 1 << 20 }, nameof(FicmChannelOptions.MaxMessageSize) },
        { new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = 16 * 64 }, nameof(FicmChannelOptions.MaxMessageSize) },
        { new FicmChannelOptions { Mode = (FicmChannelMode)9 }, nameof(FicmChannelOptions.Mode) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Create_InvalidOptions_ThrowsArgumentExceptionNamingTheOption(FicmChannelOptions options, string option)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => FicmChannel.Create(_directory.PathFor("invalid"), options));
        Assert.Equal(option, error.ParamName);
        Assert.Empty(Directory.GetFiles(_directory.FullName));
    }

    [Fact]
    public void Delete_RemovesTheNameOnce()
    {
        var path = _directory.PathFor("delete");
        FicmChannel.Create(path, new FicmChannelOptions()).Dispose();
        Assert.True(FicmChannel.Delete(path));
        Assert.False(File.Exists(path));
        Assert.False(FicmChannel.Delete(path));
    }

    [Fact]
    public void Dispose_ReaderOutlivesChannelHandle_StillReads()
    {
        var channel = FicmChannel.Create(_directory.PathFor("outlive"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0);
        Assert.True(channel.Writer.TryWrite("x"u8));
        channel.Dispose();
        Assert.Throws<ObjectDisposedException>(() => channel.OpenReader(0));
        Assert.True(reader.TryRead(new byte[10], out var length));
        Assert.Equal(1, length);
    }
}
