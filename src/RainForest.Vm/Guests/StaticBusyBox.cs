using System.Buffers.Binary;
using RainForest.Core;

namespace RainForest.Vm.Guests;

/// <summary>
/// Finds a statically linked busybox (Debian's <c>busybox-static</c>), the only program a guest's
/// initramfs carries.
/// </summary>
/// <remarks>
/// A static binary runs in an initramfs that holds nothing else, and unchanged again on whatever
/// root the guest switches to. Copying a dynamic program instead means copying its loader and
/// every library it needs, found through its ELF dynamic section, for one script's worth of work.
/// </remarks>
public static class StaticBusyBox
{
    /// <summary>Where Debian's busybox and busybox-static packages put the binary.</summary>
    public static readonly IReadOnlyList<string> Candidates = ["/bin/busybox", "/usr/bin/busybox"];

    private const uint PtInterp = 3;

    /// <summary>The path of a static busybox on this host.</summary>
    /// <exception cref="RfException">None is installed, or the one installed is dynamically linked (exit code 2).</exception>
    public static string Locate()
    {
        var path = Candidates.FirstOrDefault(File.Exists)
            ?? throw RfException.Invalid("busybox is not installed (apt-get install busybox-static): the guest's initramfs needs it");
        return IsStatic(path) ? path : throw RfException.Invalid($"{path} is dynamically linked: install busybox-static, whose binary runs in an initramfs");
    }

    /// <summary>Whether an ELF64 little-endian executable has no program interpreter (no <c>PT_INTERP</c> header).</summary>
    /// <exception cref="RfException">The file is not an ELF64 little-endian executable.</exception>
    public static bool IsStatic(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[64];
        if (file.Read(header) != 64 || header[0] != 0x7F || !header[1..4].SequenceEqual("ELF"u8) || header[4] != 2 || header[5] != 1)
        {
            throw RfException.Invalid($"{path} is not a 64-bit little-endian ELF file");
        }

        var programHeaders = BinaryPrimitives.ReadInt64LittleEndian(header[0x20..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x36..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header[0x38..]);
        Span<byte> entry = stackalloc byte[4];
        for (var i = 0; i < count; i++)
        {
            file.Position = programHeaders + ((long)i * entrySize);
            if (file.Read(entry) != 4)
            {
                throw RfException.Invalid($"{path}: program header {i} lies past the end of the file");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) == PtInterp)
            {
                return false;
            }
        }

        return true;
    }
}
