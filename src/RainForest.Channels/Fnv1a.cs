namespace RainForest.Channels;

/// <summary>64-bit FNV-1a, the header checksum (stable across processes and runtimes, unlike <see cref="HashCode"/>).</summary>
internal static class Fnv1a
{
    private const ulong OffsetBasis = 0xCBF29CE484222325;
    private const ulong Prime = 0x100000001B3;

    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        var hash = OffsetBasis;
        foreach (var b in data)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
