using RainForest.Core;

namespace RainForest.Vm.Kernels;

/// <summary>
/// A kernel unpacked from its Debian package into RainForest's cache: <c>boot/vmlinuz-RELEASE</c> and
/// <c>lib/modules/RELEASE</c> (with the modules.dep that depmod wrote there) under one directory.
/// </summary>
/// <param name="Release">The kernel release, as <c>uname -r</c> prints it inside (<c>6.1.0-57-amd64</c>).</param>
/// <param name="Directory">The directory the package was unpacked into.</param>
public sealed record KernelImage(string Release, string Directory)
{
    /// <summary>The name of the file that records which package a cache entry came from.</summary>
    public const string SourceFileName = "rainforest-source";

    /// <summary>The compressed kernel image QEMU boots with <c>-kernel</c>.</summary>
    public string VmlinuzPath => Path.Combine(Directory, "boot", $"vmlinuz-{Release}");

    /// <summary>The modules directory, <c>lib/modules/RELEASE</c>.</summary>
    public string ModulesDirectory => Path.Combine(Directory, "lib", "modules", Release);

    /// <summary>The kernel's build configuration (<c>boot/config-RELEASE</c>).</summary>
    public string ConfigPath => Path.Combine(Directory, "boot", $"config-{Release}");

    /// <summary>The package and version the image came from (<c>linux-image-6.1.0-57-amd64 6.1.192-3</c>), where recorded.</summary>
    public string? Source
    {
        get
        {
            var file = Path.Combine(Directory, SourceFileName);
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
    }

    /// <summary>Opens an unpacked kernel directory: exactly one <c>lib/modules/RELEASE</c> with its vmlinuz and modules.dep.</summary>
    /// <exception cref="RfException">The directory does not hold one complete kernel (exit code 2).</exception>
    public static KernelImage Open(string directory)
    {
        var modules = Path.Combine(directory, "lib", "modules");
        var releases = System.IO.Directory.Exists(modules) ? System.IO.Directory.GetDirectories(modules) : [];
        if (releases.Length != 1)
        {
            throw RfException.Invalid($"{directory}: expected one kernel under lib/modules, found {releases.Length}");
        }

        var image = new KernelImage(Path.GetFileName(releases[0]), Path.GetFullPath(directory));
        if (!File.Exists(image.VmlinuzPath))
        {
            throw RfException.Invalid($"{directory}: no boot/vmlinuz-{image.Release}");
        }

        if (!File.Exists(Path.Combine(image.ModulesDirectory, Initramfs.ModuleDependencies.DepFileName)))
        {
            throw RfException.Invalid($"{image.ModulesDirectory}: no modules.dep (depmod did not run)");
        }

        return image;
    }

    /// <summary>
    /// Checks that <see cref="VmlinuzPath"/> is an x86 bzImage: the Linux boot protocol's <c>HdrS</c> magic at offset
    /// 0x202 and a protocol version of at least 2.06, which QEMU's direct boot needs for an initramfs.
    /// </summary>
    /// <exception cref="RfException">It is not (exit code 2), naming the file.</exception>
    public void Verify()
    {
        Span<byte> header = stackalloc byte[0x208];
        using (var file = File.OpenRead(VmlinuzPath))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length)
            {
                throw RfException.Invalid($"{VmlinuzPath}: too short for a Linux kernel image");
            }
        }

        if (!header.Slice(0x202, 4).SequenceEqual("HdrS"u8))
        {
            throw RfException.Invalid($"{VmlinuzPath}: not a Linux bzImage (no HdrS boot header)");
        }

        var version = header[0x206] | (header[0x207] << 8);
        if (version < 0x0206)
        {
            throw RfException.Invalid($"{VmlinuzPath}: boot protocol {version >> 8}.{version & 0xff:00} is older than 2.06");
        }
    }

    /// <summary>
    /// The release a bzImage carries (<c>uname -r</c> inside): the boot header's <c>kernel_version</c> field points
    /// (less 0x200) at a string such as <c>6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP ...</c>.
    /// </summary>
    /// <exception cref="RfException">The file is missing or not a bzImage (exit code 2).</exception>
    public static string ReleaseOf(string vmlinuz)
    {
        if (!File.Exists(vmlinuz))
        {
            throw RfException.Invalid($"{vmlinuz} does not exist");
        }

        using var file = File.OpenRead(vmlinuz);
        Span<byte> header = stackalloc byte[0x210];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length || !header.Slice(0x202, 4).SequenceEqual("HdrS"u8))
        {
            throw RfException.Invalid($"{vmlinuz}: not a Linux bzImage (no HdrS boot header)");
        }

        var offset = (header[0x20E] | (header[0x20F] << 8)) + 0x200;
        Span<byte> text = stackalloc byte[128];
        file.Position = offset;
        var read = file.ReadAtLeast(text, text.Length, throwOnEndOfStream: false);
        var end = text[..read].IndexOfAny((byte)' ', (byte)0);
        var release = System.Text.Encoding.ASCII.GetString(text[..(end < 0 ? read : end)]);
        return release.Length > 0 && release.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_')
            ? release
            : throw RfException.Invalid($"{vmlinuz}: its boot header names no kernel release");
    }
}
