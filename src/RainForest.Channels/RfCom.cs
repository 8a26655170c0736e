namespace RainForest.Channels;

/// <summary>
/// The paper's RFcom calls (rf_open, rf_close, rf_write, rf_read, rf_map, rf_unmap) in .NET form.
/// The C ABI in librfcom.so (include/rfcom.h) carries the rf_* names and forwards here.
/// </summary>
public static class RfCom
{
    /// <summary>Opens an existing channel (rf_open); with <paramref name="receiverIndex"/> &gt;= 0 it can also read that receiver.</summary>
    /// <exception cref="SharedMemoryNotFoundException">No file at the path.</exception>
    /// <exception cref="ChannelFormatException">The file is not a usable channel.</exception>
    public static RfComChannel Open(string path, int receiverIndex = -1, FicmWaitOptions? waitOptions = null) =>
        new(FicmChannel.Open(path), receiverIndex, waitOptions);

    /// <summary>Creates a channel and opens it; with <paramref name="receiverIndex"/> &gt;= 0 it can also read that receiver.</summary>
    /// <exception cref="SharedMemoryExistsException">The path is taken.</exception>
    public static RfComChannel Create(string path, FicmChannelOptions options, int receiverIndex = -1, FicmWaitOptions? waitOptions = null) =>
        new(FicmChannel.Create(path, options), receiverIndex, waitOptions);

    /// <summary>Writes a message, waiting for room (rf_write).</summary>
    public static void Write(RfComChannel channel, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.Write(message);
    }

    /// <summary>Reads a message, waiting for one (rf_read); returns its length.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed and drained.</exception>
    public static int Read(RfComChannel channel, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Read(destination);
    }

    /// <summary>Closes a channel handle (rf_close); the channel itself lives on for other processes.</summary>
    public static void Close(RfComChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.Dispose();
    }

    /// <summary>
    /// Maps a named shared zone (rf_map): a plain file, mapped shared, with no synchronisation.
    /// With <see cref="SharedZoneFlags.Create"/> a missing file is created and a short one grown to
    /// <paramref name="size"/>; a <paramref name="size"/> of 0 maps the whole existing file.
    /// </summary>
    /// <exception cref="SharedMemoryNotFoundException">No file and no <see cref="SharedZoneFlags.Create"/>.</exception>
    /// <exception cref="ArgumentException">The existing file is smaller than <paramref name="size"/> and may not be grown.</exception>
    public static SharedZone Map(string path, long size, SharedZoneFlags flags = SharedZoneFlags.Create) => SharedZone.Map(path, size, flags);

    /// <summary>Unmaps a zone (rf_unmap); the file stays.</summary>
    public static void Unmap(SharedZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone.Dispose();
    }
}
