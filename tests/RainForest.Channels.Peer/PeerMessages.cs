using System.Buffers.Binary;

namespace RainForest.Channels.Peer;

/// <summary>
/// The self-checking messages tests and peers exchange: writer id, sequence number, then bytes
/// derived from both, at a length derived from both, so any torn, mixed or misplaced payload shows.
/// </summary>
public static class PeerMessages
{
    /// <summary>Bytes of the id and sequence prefix.</summary>
    public const int PrefixSize = 8;

    /// <summary>The payload length of a message (at least <see cref="PrefixSize"/>, at most <paramref name="maxLength"/>).</summary>
    public static int LengthOf(int writerId, int sequence, int maxLength) =>
        PrefixSize + (int)((uint)((sequence * 7919) + (writerId * 104729)) % (uint)(maxLength - PrefixSize + 1));

    /// <summary>Fills <paramref name="destination"/> (exactly the message's length) with the message.</summary>
    public static void Fill(Span<byte> destination, int writerId, int sequence)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, writerId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], sequence);
        for (var i = PrefixSize; i < destination.Length; i++)
        {
            destination[i] = PatternByte(writerId, sequence, i);
        }
    }

    /// <summary>Writes the message into a new array.</summary>
    public static byte[] Create(int writerId, int sequence, int maxLength)
    {
        var message = new byte[LengthOf(writerId, sequence, maxLength)];
        Fill(message, writerId, sequence);
        return message;
    }

    /// <summary>Checks a received message; returns its writer and sequence, or throws naming what is wrong.</summary>
    public static (int WriterId, int Sequence) Check(ReadOnlySpan<byte> message, int maxLength)
    {
        if (message.Length < PrefixSize)
        {
            throw new InvalidDataException($"message of {message.Length} bytes is shorter than its prefix");
        }

        var writerId = BinaryPrimitives.ReadInt32LittleEndian(message);
        var sequence = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
        var expected = LengthOf(writerId, sequence, maxLength);
        if (message.Length != expected)
        {
            throw new InvalidDataException($"message {writerId}/{sequence} is {message.Length} bytes, expected {expected}");
        }

        for (var i = PrefixSize; i < message.Length; i++)
        {
            if (message[i] != PatternByte(writerId, sequence, i))
            {
                throw new InvalidDataException($"message {writerId}/{sequence} differs at byte {i}");
            }
        }

        return (writerId, sequence);
    }

    private static byte PatternByte(int writerId, int sequence, int index) => (byte)((writerId * 31) + (sequence * 7) + index);
}
