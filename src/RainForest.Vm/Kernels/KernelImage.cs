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
}
