using System.Buffers.Binary;
using System.Text.Json;

namespace RainForest.Core.Agent;

/// <summary>
/// The streamed exec protocol between the host and the agent of a kernel subOS, over one byte stream (a virtio-serial
/// port in the guest, QEMU's Unix socket on the host): frames of a 9-byte header (session, type, length, all little
/// endian) and a payload of at most <see cref="MaxPayload"/> bytes.
/// </summary>
/// <remarks>
/// Descriptors cannot cross a VM boundary, so where a cell's agent receives the caller's stdin, stdout and stderr with
/// SCM_RIGHTS, a guest's agent streams them. A virtio-serial port has one peer at a time and keeps what a finished
/// session's program still writes until the next caller connects; the session number in every frame lets that caller
/// drop it.
/// </remarks>
public static class GuestFrames
{
    /// <summary>The header's size: session (4), type (1), payload length (4).</summary>
    public const int HeaderSize = 9;

    /// <summary>The largest payload: a virtio-serial write moves at most 32 KiB at once.</summary>
    public const int MaxPayload = 32 * 1024 - HeaderSize;

    /// <summary>Writes one frame (a single write of header and payload, so frames of two writers never interleave when the caller holds a lock).</summary>
    public static void Write(Stream stream, uint session, GuestFrameType type, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), $"a frame carries at most {MaxPayload} bytes");
        }

        var frame = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, session);
        frame[4] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(5), payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        stream.Write(frame);
        stream.Flush();
    }

    /// <summary>Writes a request frame.</summary>
    public static void WriteRequest(Stream stream, uint session, AgentRequest request) =>
        Write(stream, session, GuestFrameType.Request, JsonSerializer.SerializeToUtf8Bytes(request, AgentJsonContext.Default.AgentRequest));

    /// <summary>Writes a reply frame.</summary>
    public static void WriteReply(Stream stream, uint session, AgentReply reply) =>
        Write(stream, session, GuestFrameType.Reply, JsonSerializer.SerializeToUtf8Bytes(reply, AgentJsonContext.Default.AgentReply));

    /// <summary>Reads one frame; null at the end of the stream (also when it ends inside a frame: the peer went away).</summary>
    /// <exception cref="InvalidDataException">The header names an unknown type or a payload over <see cref="MaxPayload"/>.</exception>
    public static GuestFrame? Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderSize];
        if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
        {
            return null;
        }

        var session = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var type = (GuestFrameType)header[4];
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[5..]);
        if (!Enum.IsDefined(type) || length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"not a guest frame: type {header[4]}, length {length}");
        }

        var payload = new byte[length];
        return stream.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length ? null : new GuestFrame(session, type, payload);
    }

    /// <summary>The request a <see cref="GuestFrameType.Request"/> frame carries.</summary>
    /// <exception cref="JsonException">The payload is not a request.</exception>
    public static AgentRequest ReadRequest(GuestFrame frame) =>
        JsonSerializer.Deserialize(frame.Payload, AgentJsonContext.Default.AgentRequest) ?? throw new JsonException("empty request");

    /// <summary>The reply a <see cref="GuestFrameType.Reply"/> frame carries.</summary>
    /// <exception cref="JsonException">The payload is not a reply.</exception>
    public static AgentReply ReadReply(GuestFrame frame) =>
        JsonSerializer.Deserialize(frame.Payload, AgentJsonContext.Default.AgentReply) ?? throw new JsonException("empty reply");
}
