using System.Buffers;

namespace RainForest.Channels;

/// <summary>A message read into a buffer rented from <see cref="ArrayPool{T}.Shared"/>; dispose it once to return the buffer.</summary>
/// <remarks>A struct to keep reads allocation free: copies share the buffer, so dispose exactly one of them, and use none after.</remarks>
public readonly struct FicmMessage : IDisposable
{
    private readonly byte[]? _buffer;

    internal FicmMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Payload bytes.</summary>
    public int Length { get; }

    /// <summary>The payload.</summary>
    public ReadOnlySpan<byte> Span => _buffer is null ? default : _buffer.AsSpan(0, Length);

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is null ? default : _buffer.AsMemory(0, Length);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
