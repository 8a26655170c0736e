namespace RainForest.Channels;

/// <summary>
/// The paper's socket-like RFcom channel: a FICM channel handle with its writer and, when opened
/// for a receiver, that receiver's reader. Made by <see cref="RfCom.Open"/> and <see cref="RfCom.Create"/>.
/// </summary>
public sealed class RfComChannel : IDisposable
{
    internal RfComChannel(FicmChannel channel, int receiverIndex, FicmWaitOptions? waitOptions)
    {
        Channel = channel;
        try
        {
            Reader = receiverIndex >= 0 ? channel.OpenReader(receiverIndex, waitOptions) : null;
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>The underlying channel.</summary>
    public FicmChannel Channel { get; }

    /// <summary>The writer.</summary>
    public FicmWriter Writer => Channel.Writer;

    /// <summary>The reader, or null when the channel was opened for writing only.</summary>
    public FicmReader? Reader { get; }

    /// <summary>The largest payload.</summary>
    public int MaxMessageSize => Channel.MaxMessageSize;

    /// <summary>Writes a message to the default receivers, waiting for room (rf_write).</summary>
    public void Write(ReadOnlySpan<byte> message, CancellationToken cancellationToken = default) => Writer.Write(message, cancellationToken);

    /// <summary>Writes a message to chosen receivers, waiting for room.</summary>
    public void Write(ReadOnlySpan<byte> message, ReceiverMask receivers, CancellationToken cancellationToken = default) =>
        Writer.Write(message, receivers, cancellationToken);

    /// <summary>Reads the next message, waiting for one (rf_read); returns its length.</summary>
    /// <exception cref="InvalidOperationException">The channel was opened without a receiver.</exception>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed and drained.</exception>
    public int Read(Span<byte> destination, CancellationToken cancellationToken = default) => RequireReader().Read(destination, cancellationToken);

    /// <summary>Reads the next message if one is there.</summary>
    /// <exception cref="InvalidOperationException">The channel was opened without a receiver.</exception>
    public bool TryRead(Span<byte> destination, out int length) => RequireReader().TryRead(destination, out length);

    /// <summary>Completes the channel for all processes.</summary>
    public bool Complete(Exception? error = null) => Writer.TryComplete(error);

    /// <summary>Closes the reader and the channel handle (rf_close).</summary>
    public void Dispose()
    {
        Reader?.Dispose();
        Channel.Dispose();
    }

    private FicmReader RequireReader() =>
        Reader ?? throw new InvalidOperationException($"'{Channel.Path}' was opened without a receiver index, for writing only");
}
