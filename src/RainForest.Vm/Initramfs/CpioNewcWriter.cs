using System.Globalization;
using System.Text;

namespace RainForest.Vm.Initramfs;

/// <summary>
/// Writes a cpio archive in the "new ASCII" (newc, magic <c>070701</c>) format, the one format the
/// kernel unpacks into its initial root file system (Documentation/driver-api/early-userspace/buffer-format.rst).
/// </summary>
/// <remarks>
/// Each entry is a 110-byte header of thirteen 8-digit hexadecimal fields, the NUL-terminated name
/// padded to a multiple of 4 bytes (counting the header), then the data padded to a multiple of 4.
/// The archive ends with the entry <c>TRAILER!!!</c>. Entries carry uid and gid 0 and a fixed
/// modification time, so the same input gives the same bytes. Inode numbers are unique within the
/// archive and every link count is 1 (directories 2), so the kernel never takes two entries for
/// hard links of one file.
/// </remarks>
public sealed class CpioNewcWriter : IDisposable
{
    /// <summary>The magic at the start of every newc header.</summary>
    public const string Magic = "070701";

    /// <summary>The size of a header before the name.</summary>
    public const int HeaderSize = 110;

    /// <summary>The name of the entry that ends an archive.</summary>
    public const string TrailerName = "TRAILER!!!";

    private static readonly byte[] s_zeros = new byte[4];

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private long _position;
    private uint _nextInode = 1;
    private bool _finished;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    public CpioNewcWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The modification time written into every header (seconds since 1970); 0 by default.</summary>
    public uint ModificationTime { get; init; }

    /// <summary>Writes a directory; its parents must have been written first.</summary>
    public void WriteDirectory(string path, int permissions = 0x1ED /* 0755 */) =>
        WriteEntry(path, CpioFileType.Directory, permissions, 2, 0, 0, ReadOnlySpan<byte>.Empty);

    /// <summary>Writes a regular file with the given content.</summary>
    public void WriteFile(string path, ReadOnlySpan<byte> content, int permissions = 0x1A4 /* 0644 */) =>
        WriteEntry(path, CpioFileType.Regular, permissions, 1, 0, 0, content);

    /// <summary>Writes a regular file whose content is the rest of <paramref name="content"/>, exactly <paramref name="length"/> bytes.</summary>
    public void WriteFile(string path, Stream content, long length, int permissions = 0x1A4 /* 0644 */)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length is < 0 or > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "a newc entry holds at most 4 GiB - 1");
        }

        WriteHeader(path, CpioFileType.Regular, permissions, 1, 0, 0, length);
        var buffer = new byte[81920];
        var left = length;
        while (left > 0)
        {
            var read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new EndOfStreamException($"{path}: the content ended {left} bytes short of {length}");
            }

            _output.Write(buffer, 0, read);
            _position += read;
            left -= read;
        }

        Pad();
    }

    /// <summary>Writes a symbolic link to <paramref name="target"/>.</summary>
    public void WriteSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        WriteEntry(path, CpioFileType.Symlink, 0x1FF /* 0777 */, 1, 0, 0, Encoding.UTF8.GetBytes(target));
    }

    /// <summary>Writes a character device node; the kernel creates it while unpacking, so no privilege is needed here.</summary>
    public void WriteCharacterDevice(string path, int major, int minor, int permissions = 0x180 /* 0600 */) =>
        WriteEntry(path, CpioFileType.CharacterDevice, permissions, 1, major, minor, ReadOnlySpan<byte>.Empty);

    /// <summary>Writes the trailer; nothing can be added afterwards.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        WriteRaw(TrailerName, 0, 0, 1, 0, 0, 0);
        Pad();
        _finished = true;
        _output.Flush();
    }

    /// <summary>Writes the trailer if <see cref="Finish"/> was not called, and closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        Finish();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    /// <summary>
    /// The archive name for <paramref name="path"/>: relative to the root, without <c>.</c>
    /// components or a trailing slash.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, the root itself, or has a <c>..</c> component or a NUL.</exception>
    public static string NormalisePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a cpio name cannot hold NUL", nameof(path));
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Length == 0)
        {
            throw new ArgumentException($"'{path}' names the root, which the kernel has already", nameof(path));
        }

        if (parts.Contains(".."))
        {
            throw new ArgumentException($"'{path}' has a '..' component", nameof(path));
        }

        return string.Join('/', parts);
    }

    private void WriteEntry(string path, CpioFileType type, int permissions, int links, int major, int minor, ReadOnlySpan<byte> data)
    {
        WriteHeader(path, type, permissions, links, major, minor, data.Length);
        _output.Write(data);
        _position += data.Length;
        Pad();
    }

    private void WriteHeader(string path, CpioFileType type, int permissions, int links, int major, int minor, long size)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if ((permissions & ~0xFFF) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(permissions), permissions, "permissions are the low 12 bits of the mode (07777)");
        }

        var name = NormalisePath(path);
        WriteRaw(name, _nextInode++, (uint)type | (uint)permissions, (uint)links, (uint)size, (uint)major, (uint)minor);
    }

    private void WriteRaw(string name, uint inode, uint mode, uint links, uint size, uint rdevMajor, uint rdevMinor)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder(HeaderSize, HeaderSize);
        header.Append(Magic);
        foreach (var field in (ReadOnlySpan<uint>)[inode, mode, 0, 0, links, ModificationTime, size, 0, 0, rdevMajor, rdevMinor, (uint)nameBytes.Length + 1, 0])
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }

        _output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _output.Write(nameBytes);
        _output.WriteByte(0);
        _position += HeaderSize + nameBytes.Length + 1;
        Pad();
    }

    private void Pad()
    {
        var pad = (int)((4 - (_position & 3)) & 3);
        _output.Write(s_zeros, 0, pad);
        _position += pad;
    }
}
