using System.Buffers;

namespace RainForest.Bench.Load.Tests.Protocol;

/// <summary>Builds multi-segment sequences, the shape of data that arrived in several reads.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    private BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    /// <summary>A sequence made of the given pieces, in order (empty pieces allowed).</summary>
    public static ReadOnlySequence<byte> Join(params byte[][] pieces)
    {
        if (pieces.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new BufferSegment(pieces[0]);
        BufferSegment last = first;
        foreach (byte[] piece in pieces.Skip(1))
        {
            var next = new BufferSegment(piece) { RunningIndex = last.RunningIndex + last.Memory.Length };
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
