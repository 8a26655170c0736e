using System.Reflection;

namespace RainForest.Linux.Tests.Topology;

/// <summary>
/// The machine trees under tests/fixtures/machines, read in place, or copied (symlinks kept as
/// symlinks) into a fresh temporary directory for tests that change them.
/// </summary>
internal sealed class MachineFixture : IDisposable
{
    private MachineFixture(string root) => Root = root;

    /// <summary>The root directory to hand to the reader.</summary>
    public string Root { get; }

    /// <summary>The committed tree of <paramref name="name"/> (<c>s-a</c>, <c>s-b</c>, <c>this-vm</c>); do not modify it.</summary>
    public static string PathOf(string name)
    {
        var fixtures = typeof(MachineFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FixturesDir").Value!;
        var path = Path.Combine(fixtures, "machines", name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"No machine fixture at {path}.");
    }

    /// <summary>A private copy of the fixture <paramref name="name"/>, removed on dispose.</summary>
    public static MachineFixture Copy(string name)
    {
        var root = Path.Combine(Path.GetTempPath(), "rf-topo-" + Guid.NewGuid().ToString("N")[..12]);
        var fixture = new MachineFixture(root);
        try
        {
            CopyTree(new DirectoryInfo(PathOf(name)), root);
        }
        catch
        {
            fixture.Dispose();
            throw;
        }

        return fixture;
    }

    /// <summary>An empty temporary root, removed on dispose.</summary>
    public static MachineFixture Empty()
    {
        var root = Path.Combine(Path.GetTempPath(), "rf-topo-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return new MachineFixture(root);
    }

    /// <summary>The full path of <paramref name="relative"/> inside the copy.</summary>
    public string PathTo(string relative) => Path.Combine(Root, relative);

    /// <summary>Deletes a file, a symlink or a directory tree inside the copy (never following links).</summary>
    public void Delete(string relative)
    {
        var path = PathTo(relative);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            throw new FileNotFoundException($"Nothing to delete at {path}; the fixture changed?");
        }
    }

    /// <summary>Writes a file inside the copy, creating its directory.</summary>
    public void Write(string relative, string text)
    {
        var path = PathTo(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Replaces whatever is at <paramref name="relative"/> by a symlink to <paramref name="target"/>.</summary>
    public void Link(string relative, string target)
    {
        var path = PathTo(relative);
        if (new FileInfo(path).LinkTarget is not null || File.Exists(path))
        {
            File.Delete(path);
        }

        File.CreateSymbolicLink(path, target);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            // Directory.Delete removes symlinks without following them.
            Directory.Delete(Root, recursive: true);
        }
    }

    private static void CopyTree(DirectoryInfo source, string dest)
    {
        Directory.CreateDirectory(dest);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var target = Path.Combine(dest, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo dir)
            {
                CopyTree(dir, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }
}
