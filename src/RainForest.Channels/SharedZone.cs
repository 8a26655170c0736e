using RainForest.Interop;

namespace RainForest.Channels;

/// <summary>
/// The paper's rf_map zone: a plain shared-memory file mapped into this process. Every process that
/// maps the same file sees the same bytes; there is no synchronisation beyond what the users build
/// (use <see cref="System.Threading.Volatile"/> or <see cref="System.Threading.Interlocked"/> on the span's contents).
/// </summary>
/// <remarks>A span taken from the zone must not be used after <see cref="Dispose"/>: the memory is unmapped.</remarks>
public sealed unsafe class SharedZone : IDisposable
{
    private readonly SafeMappingHandle _mapping;

    private SharedZone(string path, SafeMappingHandle mapping, long length, bool readOnly)
    {
        Path = path;
        _mapping = mapping;
        Length = length;
        IsReadOnly = readOnly;
    }

    /// <summary>The zone file's full path.</summary>
    public string Path { get; }

    /// <summary>Mapped bytes.</summary>
    public long Length { get; }

    /// <summary>Whether the zone is mapped read only.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The address of the first byte in this process.</summary>
    /// <exception cref="ObjectDisposedException">The zone is unmapped.</exception>
    public nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mapping.IsClosed, this);
            return _mapping.DangerousGetHandle();
        }
    }

    /// <summary>The whole zone as a span (zones up to 2 GiB).</summary>
    /// <exception cref="InvalidOperationException">The zone is read only or larger than a span.</exception>
    public Span<byte> Span => GetSpan(0, checked((int)Length));

    /// <summary>A writable window of the zone.</summary>
    /// <exception cref="InvalidOperationException">The zone is read only.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"the zone '{Path}' is mapped read only");
        }

        return new Span<byte>(Window(offset, length), length);
    }

    /// <summary>A read-only window of the zone.</summary>
    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length) => new(Window(offset, length), length);

    /// <summary>Unmaps the zone; the file stays.</summary>
    public void Dispose() => _mapping.Dispose();

    /// <summary>Maps the zone file at <paramref name="path"/>; see <see cref="RfCom.Map"/>.</summary>
    internal static SharedZone Map(string path, long size, SharedZoneFlags flags)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var fullPath = System.IO.Path.GetFullPath(path);
        var readOnly = (flags & SharedZoneFlags.ReadOnly) != 0;
        var create = (flags & SharedZoneFlags.Create) != 0;
        if (readOnly && create)
        {
            throw new ArgumentException("a zone cannot be both created and mapped read only", nameof(flags));
        }

        var openFlags = (readOnly ? Interop.Libc.O_RDONLY : Interop.Libc.O_RDWR) | (create ? Interop.Libc.O_CREAT : 0);
        using var fd = SharedFile.Open(fullPath, openFlags, 0b110_000_000, create ? "create" : "open");
        var current = SharedFile.SizeOf(fd, fullPath);
        if (size == 0)
        {
            size = current;
        }

        if (size == 0)
        {
            throw new ArgumentException($"the zone '{fullPath}' is empty; give a size to create it", nameof(size));
        }

        if (current < size)
        {
            if (!create)
            {
                throw new ArgumentException($"the zone '{fullPath}' is {current} bytes, smaller than the {size} asked for", nameof(size));
            }

            SharedFile.Allocate(fd, size, fullPath);
        }

        // The mapping keeps the file alive; the descriptor is closed on return.
        return new SharedZone(fullPath, SharedFile.Map(fd, size, !readOnly, fullPath), size, readOnly);
    }

    private byte* Window(long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"bytes {offset}..{offset + length} lie outside the {Length}-byte zone");
        }

        return (byte*)Address + offset;
    }
}
