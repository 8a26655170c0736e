using System.Buffers;
using System.Buffers.Text;

namespace RainForest.Bench.Load.Protocol;

/// <summary>
/// Reads whole memcached text-protocol responses from a byte stream that arrives in arbitrary
/// pieces: a response split across reads, or many responses in one read.
/// </summary>
/// <remarks>
/// The parser consumes nothing until a response is complete, so the caller can keep the unread
/// bytes and retry after the next read. Anything that is not a reply to get or set is a protocol
/// error: on a pipelined connection the caller can no longer tell which request a later reply
/// answers, so it must give the connection up.
/// </remarks>
internal static class MemcachedResponseParser
{
    /// <summary>Longest status or VALUE line accepted; memcached keys are at most 250 bytes.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Largest data block accepted in a VALUE (memcached's item size limit can be raised to 1 GiB).</summary>
    public const int MaxValueLength = 1024 * 1024 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Parses one response if the reader holds a whole one, advancing past it; otherwise leaves the
    /// reader where it was and returns false.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid response.</exception>
    public static bool TryParse(ref SequenceReader<byte> reader, out MemcachedResponseKind kind)
    {
        SequenceReader<byte> r = reader;
        kind = default;

        if (!TryReadLine(ref r, out ReadOnlySpan<byte> line))
        {
            return false;
        }

        if (line.SequenceEqual("END"u8))
        {
            kind = MemcachedResponseKind.Miss;
        }
        else if (line.StartsWith("VALUE "u8))
        {
            // A get for one key has one VALUE block; a multi-key get has several. Accept both.
            while (true)
            {
                int dataLength = ParseValueLength(line);
                if (r.Remaining < (long)dataLength + CrLf.Length)
                {
                    return false;
                }

                r.Advance(dataLength);
                if (!r.IsNext(CrLf, advancePast: true))
                {
                    throw new InvalidDataException("VALUE data block is not followed by CRLF.");
                }

                if (!TryReadLine(ref r, out line))
                {
                    return false;
                }

                if (line.SequenceEqual("END"u8))
                {
                    break;
                }

                if (!line.StartsWith("VALUE "u8))
                {
                    throw new InvalidDataException($"Expected VALUE or END after a data block, got '{Printable(line)}'.");
                }
            }

            kind = MemcachedResponseKind.Hit;
        }
        else
        {
            kind = ClassifyStatusLine(line);
        }

        reader = r;
        return true;
    }

    private static MemcachedResponseKind ClassifyStatusLine(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("STORED"u8))
        {
            return MemcachedResponseKind.Stored;
        }

        if (line.SequenceEqual("NOT_STORED"u8))
        {
            return MemcachedResponseKind.NotStored;
        }

        if (line.SequenceEqual("EXISTS"u8))
        {
            return MemcachedResponseKind.Exists;
        }

        if (line.SequenceEqual("NOT_FOUND"u8))
        {
            return MemcachedResponseKind.NotFound;
        }

        // Servers add a message after ERROR too (memcached 1.6 sends "ERROR" alone, others do not).
        if (line.SequenceEqual("ERROR"u8) || line.StartsWith("ERROR "u8))
        {
            return MemcachedResponseKind.Error;
        }

        if (line.StartsWith("CLIENT_ERROR"u8))
        {
            return MemcachedResponseKind.ClientError;
        }

        if (line.StartsWith("SERVER_ERROR"u8))
        {
            return MemcachedResponseKind.ServerError;
        }

        throw new InvalidDataException($"Unexpected memcached response line '{Printable(line)}'.");
    }

    /// <summary>Reads the 4th field of <c>VALUE key flags bytes [cas]</c>.</summary>
    private static int ParseValueLength(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> rest = line;
        for (int field = 0; field < 3; field++)
        {
            int space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                throw new InvalidDataException($"VALUE line has too few fields: '{Printable(line)}'.");
            }

            rest = rest[(space + 1)..];
        }

        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> field3 = end < 0 ? rest : rest[..end];
        if (!Utf8Parser.TryParse(field3, out int length, out int consumed) || consumed != field3.Length
            || length < 0 || length > MaxValueLength)
        {
            throw new InvalidDataException($"VALUE line has a bad length: '{Printable(line)}'.");
        }

        return length;
    }

    /// <summary>Reads one CRLF-terminated line as a contiguous span.</summary>
    /// <remarks>
    /// A line split across buffer segments is copied to a new array; the generator reads into one
    /// contiguous buffer, so that only happens with segmented input (as in the tests).
    /// </remarks>
    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySpan<byte> line)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> sequence, CrLf, advancePastDelimiter: true))
        {
            // Without a line end in this many bytes the stream cannot be memcached's.
            if (reader.Remaining > MaxLineLength)
            {
                throw new InvalidDataException($"No line end within {MaxLineLength} bytes.");
            }

            line = default;
            return false;
        }

        if (sequence.Length > MaxLineLength)
        {
            throw new InvalidDataException($"Response line longer than {MaxLineLength} bytes.");
        }

        if (sequence.IsSingleSegment)
        {
            line = sequence.FirstSpan;
        }
        else
        {
            line = sequence.ToArray();
        }

        return true;
    }

    private static string Printable(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> head = line.Length > 80 ? line[..80] : line;
        var chars = new char[head.Length];
        for (int i = 0; i < head.Length; i++)
        {
            chars[i] = head[i] is >= 0x20 and < 0x7f ? (char)head[i] : '?';
        }

        return new string(chars);
    }
}
