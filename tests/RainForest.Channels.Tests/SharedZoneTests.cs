namespace RainForest.Channels.Tests;

/// <summary>rf_map and rf_unmap: a plain shared file visible to every mapping.</summary>
public sealed class SharedZoneTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Map_TwoMappings_SeeEachOthersWrites()
    {
        var path = _directory.PathFor("zone");
        using var first = RfCom.Map(path, 8192);
        using var second = RfCom.Map(path, 0, SharedZoneFlags.None);
        Assert.Equal(8192, second.Length);
        Assert.NotEqual(first.Address, second.Address);
        first.Span[5000] = 42;
        Assert.Equal(42, second.GetReadOnlySpan(5000, 1)[0]);
        second.GetSpan(100, 4).Fill(7);
        Assert.Equal([7, 7, 7, 7], first.GetReadOnlySpan(100, 4).ToArray());
    }

    [Fact]
    public async Task Map_OtherProcess_SharesBytesBothWays()
    {
        const int size = 4096;
        var path = _directory.PathFor("zone-process");
        using var zone = RfCom.Map(path, size);
        using var peer = PeerProcess.Start("zone", path, size.ToString());
        await peer.WaitForLineAsync("written");
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)(255 - i)).ToArray(), zone.GetReadOnlySpan(0, 256).ToArray());
        Volatile.Write(ref zone.Span[size - 1], 1);
        await peer.WaitForLineAsync("acknowledged");
        Assert.Equal(2, Volatile.Read(ref zone.Span[size - 2]));
        await peer.WaitForExitAsync();
    }

    [Fact]
    public void Map_MissingFileWithoutCreate_ThrowsNotFound()
    {
        var path = _directory.PathFor("absent");
        var error = Assert.Throws<SharedMemoryNotFoundException>(() => RfCom.Map(path, 4096, SharedZoneFlags.None));
        Assert.Equal(path, error.Path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Map_ExistingSmallerFileWithoutCreate_Throws()
    {
        var path = _directory.PathFor("small");
        RfCom.Map(path, 4096).Dispose();
        Assert.Throws<ArgumentException>(() => RfCom.Map(path, 8192, SharedZoneFlags.None));
        using var grown = RfCom.Map(path, 8192, SharedZoneFlags.Create);
        Assert.Equal(8192, new FileInfo(path).Length);
    }

    [Fact]
    public void Map_ReadOnly_RefusesWritableSpans()
    {
        var path = _directory.PathFor("readonly");
        using (var writable = RfCom.Map(path, 4096))
        {
            writable.Span[0] = 9;
        }

        using var zone = RfCom.Map(path, 0, SharedZoneFlags.ReadOnly);
        Assert.True(zone.IsReadOnly);
        Assert.Equal(9, zone.GetReadOnlySpan(0, 1)[0]);
        Assert.Throws<InvalidOperationException>(() => zone.GetSpan(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => zone.GetReadOnlySpan(4000, 100));
    }

    [Fact]
    public void Unmap_ThenAddress_ThrowsObjectDisposed()
    {
        var zone = RfCom.Map(_directory.PathFor("unmap"), 4096);
        RfCom.Unmap(zone);
        Assert.Throws<ObjectDisposedException>(() => zone.Address);
        Assert.Throws<ObjectDisposedException>(() => zone.GetSpan(0, 1));
        Assert.True(File.Exists(zone.Path));
    }
}
