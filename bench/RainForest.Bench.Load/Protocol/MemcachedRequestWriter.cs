using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace RainForest.Bench.Load.Protocol;

/// <summary>
/// Writes <c>get</c> and <c>set</c> requests of the memcached text protocol for keys named by an
/// index: a fixed prefix and the index zero-padded to the width of the largest index, so every
/// key has the same length.
/// </summary>
internal sealed class MemcachedRequestWriter
{
    private readonly byte[] _keyPrefix;
    private readonly int _keyDigits;
    private readonly byte[] _value;
    private readonly byte[] _setTail;
    private readonly StandardFormat _keyFormat;

    /// <summary>Creates a writer for keys <c>prefix + [0, keySpace)</c> and values of <paramref name="valueSize"/> bytes.</summary>
    public MemcachedRequestWriter(string keyPrefix, int keySpace, int valueSize)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(keySpace, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(valueSize);

        _keyPrefix = Encoding.ASCII.GetBytes(keyPrefix);
        _keyDigits = Math.Max(1, (keySpace - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        _keyFormat = new StandardFormat('D', (byte)_keyDigits);

        // A recognisable, printable pattern; memcached stores it by length, so the bytes do not matter.
        _value = new byte[valueSize];
        for (int i = 0; i < _value.Length; i++)
        {
            _value[i] = (byte)('a' + (i % 26));
        }

        // " 0 0 LEN\r\n": flags 0 and no expiry.
        _setTail = Encoding.ASCII.GetBytes($" 0 0 {valueSize}\r\n");
    }

    /// <summary>Length in bytes of every key.</summary>
    public int KeyLength => _keyPrefix.Length + _keyDigits;

    /// <summary>Bytes of a get request.</summary>
    public int GetRequestLength => "get "u8.Length + KeyLength + 2;

    /// <summary>Bytes of a set request, data block included.</summary>
    public int SetRequestLength => "set "u8.Length + KeyLength + _setTail.Length + _value.Length + 2;

    /// <summary>Writes <c>get KEY\r\n</c> and returns the bytes written.</summary>
    public int WriteGet(Span<byte> destination, int keyIndex)
    {
        int n = Copy("get "u8, destination, 0);
        n += WriteKey(destination[n..], keyIndex);
        n += Copy("\r\n"u8, destination, n);
        return n;
    }

    /// <summary>Writes <c>set KEY 0 0 LEN\r\nDATA\r\n</c> and returns the bytes written.</summary>
    public int WriteSet(Span<byte> destination, int keyIndex)
    {
        int n = Copy("set "u8, destination, 0);
        n += WriteKey(destination[n..], keyIndex);
        n += Copy(_setTail, destination, n);
        n += Copy(_value, destination, n);
        n += Copy("\r\n"u8, destination, n);
        return n;
    }

    /// <summary>Writes the key for <paramref name="keyIndex"/> and returns the bytes written.</summary>
    public int WriteKey(Span<byte> destination, int keyIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keyIndex);
        _keyPrefix.CopyTo(destination);
        if (!Utf8Formatter.TryFormat(keyIndex, destination[_keyPrefix.Length..], out int digits, _keyFormat))
        {
            throw new ArgumentException("Destination too small for the key.", nameof(destination));
        }

        return _keyPrefix.Length + digits;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination, int at)
    {
        source.CopyTo(destination[at..]);
        return source.Length;
    }
}
