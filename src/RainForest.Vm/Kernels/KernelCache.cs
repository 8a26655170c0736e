using RainForest.Core;

namespace RainForest.Vm.Kernels;

/// <summary>
/// RainForest's own cache of guest kernels: Debian kernel packages fetched with <c>apt-get download</c>
/// and unpacked with <c>dpkg-deb -x</c> into <c>ROOT/RELEASE</c>, never installed into the host's /boot.
/// </summary>
/// <remarks>
/// The generic <c>linux-image-amd64</c> is the default because it builds 9p, overlay, virtio, vsock
/// and virtio-mem as modules; the cloud flavour lacks 9p. A Debian package ships no modules.dep
/// (its postinst runs depmod), so the cache runs <c>depmod -b</c> on the unpacked tree. A release is
/// unpacked into a temporary directory and renamed into place when complete, so a reader never sees
/// half a kernel and two concurrent fetches of one release both succeed.
/// </remarks>
public sealed class KernelCache
{
    /// <summary>The cache's default location.</summary>
    public const string DefaultRoot = "/var/cache/rainforest/kernels";

    /// <summary>The package fetched by default: Debian's generic kernel for amd64 (a metapackage naming the current image).</summary>
    public const string DefaultPackage = "linux-image-amd64";

    /// <summary>Creates a cache at <paramref name="root"/> (created on the first fetch).</summary>
    public KernelCache(string root = DefaultRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary>Every complete kernel in the cache, newest release first.</summary>
    public IReadOnlyList<KernelImage> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var images = new List<KernelImage>();
        foreach (var dir in Directory.GetDirectories(Root))
        {
            if (Path.GetFileName(dir).StartsWith('.'))
            {
                continue;
            }

            try
            {
                images.Add(KernelImage.Open(dir));
            }
            catch (RfException)
            {
                // Not a complete kernel (a directory someone else put there): not ours to use or remove.
            }
        }

        return [.. images.OrderByDescending(i => i.Release, ReleaseComparer.Instance)];
    }

    /// <summary>The cached kernel of that release, or null.</summary>
    public KernelImage? Find(string release) => List().FirstOrDefault(i => i.Release == release);

    /// <summary>The newest cached kernel, fetching <see cref="DefaultPackage"/> where the cache has none.</summary>
    public KernelImage Ensure(Action<string>? log = null) => List().FirstOrDefault() ?? Fetch(DefaultPackage, log);

    /// <summary>
    /// Fetches <paramref name="package"/> (a kernel image or a metapackage that depends on one), unpacks
    /// it into the cache unless that release is already there, and returns it.
    /// </summary>
    /// <exception cref="RfException">The package name is not a kernel package (exit 2), or apt, dpkg-deb or depmod failed (exit 1).</exception>
    public KernelImage Fetch(string package = DefaultPackage, Action<string>? log = null)
    {
        if (!IsPackageName(package) || !package.StartsWith("linux-image-", StringComparison.Ordinal))
        {
            throw RfException.Invalid($"'{package}' is not a Debian kernel image package (linux-image-...)");
        }

        log ??= _ => { };
        var download = Path.Combine(Path.GetTempPath(), $"rf-kernel-{Guid.NewGuid():N}");
        Directory.CreateDirectory(download);
        try
        {
            // Follow metapackages (linux-image-amd64 -> linux-image-6.1.0-57-amd64) to the image itself.
            var deb = Download(package, download, log);
            for (var depth = 0; ImageDependency(deb) is { } image; depth++)
            {
                if (depth == 3)
                {
                    throw RfException.Failed($"{package}: more than three metapackages before a kernel image");
                }

                var guess = image["linux-image-".Length..];
                if (Find(guess) is { } cached)
                {
                    log($"{image} is already in {cached.Directory}");
                    return cached;
                }

                deb = Download(image, download, log);
            }

            return Install(deb, log);
        }
        finally
        {
            Directory.Delete(download, recursive: true);
        }
    }

    /// <summary>
    /// Unpacks a kernel image package file (<c>linux-image-RELEASE_VERSION_ARCH.deb</c>) into the cache,
    /// writes its modules.dep, and returns it; a release already cached is kept as it is.
    /// </summary>
    /// <exception cref="RfException">The file does not exist (exit 2), or is not a kernel image package, or dpkg-deb or depmod failed (exit 1).</exception>
    public KernelImage Install(string deb, Action<string>? log = null)
    {
        if (!File.Exists(deb))
        {
            throw RfException.Invalid($"{deb} does not exist");
        }

        log ??= _ => { };
        var fields = HostCommand.Run("dpkg-deb", ["-f", deb, "Package", "Version"]);
        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".unpack-{Guid.NewGuid():N}");
        try
        {
            log($"unpacking {Path.GetFileName(deb)} into {Root}");
            HostCommand.Run("dpkg-deb", ["-x", deb, staging]);
            var releases = Directory.Exists(Path.Combine(staging, "lib", "modules")) ? Directory.GetDirectories(Path.Combine(staging, "lib", "modules")) : [];
            if (releases.Length != 1)
            {
                throw RfException.Failed($"{Path.GetFileName(deb)} holds {releases.Length} module trees, expected one: not a kernel image package");
            }

            var release = Path.GetFileName(releases[0]);
            if (Find(release) is { } cached)
            {
                log($"{release} is already in {cached.Directory}");
                return cached;
            }

            var depmod = HostCommand.Find("depmod") ?? throw RfException.Failed("depmod is not installed (apt-get install kmod): the guest kernel's modules.dep cannot be written");
            HostCommand.Run(depmod, ["-b", staging, release]);

            // Only what a guest needs stays: the image, its config and the modules (the rest is documentation and firmware hooks).
            var usr = Path.Combine(staging, "usr");
            if (Directory.Exists(usr))
            {
                Directory.Delete(usr, recursive: true);
            }

            File.WriteAllText(Path.Combine(staging, KernelImage.SourceFileName), string.Join(' ', fields.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f[(f.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())) + "\n");
            var target = Path.Combine(Root, release);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another fetch of the same release finished first: use its copy.
                log($"{release} appeared in the cache meanwhile");
            }

            return KernelImage.Open(target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // apt-get download writes PACKAGE_VERSION_ARCH.deb into the working directory. A package apt does
    // not know (lists never fetched, or a version the mirror dropped) is retried once after apt-get update.
    private static string Download(string package, string directory, Action<string> log)
    {
        string[] args = ["-q", "-o", "APT::Sandbox::User=root", "download", package];
        log($"apt-get download {package}");
        var (code, _, _) = HostCommand.TryRun("apt-get", args, directory);
        if (code != 0)
        {
            log("apt-get update (the package lists do not have it)");
            HostCommand.Run("apt-get", ["-q", "update"], directory);
            HostCommand.Run("apt-get", args, directory);
        }

        return Directory.GetFiles(directory, $"{package}_*.deb").SingleOrDefault()
            ?? throw RfException.Failed($"apt-get download {package} wrote no {package}_*.deb");
    }

    // The kernel image a metapackage depends on, or null when the package is an image itself.
    private static string? ImageDependency(string deb)
    {
        var depends = HostCommand.Run("dpkg-deb", ["-f", deb, "Depends"]);
        return depends.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2)[0])
            .FirstOrDefault(d => d.StartsWith("linux-image-", StringComparison.Ordinal));
    }

    private static bool IsPackageName(string name) =>
        name.Length is > 1 and < 128 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '+' or '-');
}
