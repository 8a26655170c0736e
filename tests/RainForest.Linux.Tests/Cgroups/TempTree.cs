namespace RainForest.Linux.Tests.Cgroups;

/// <summary>A fresh directory under the temp directory standing in for a host root or a cgroup mount; removed on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("rf-cgtest-").FullName;
    }

    /// <summary>The directory.</summary>
    public string Root { get; }

    /// <summary>The full path of <paramref name="relative"/>.</summary>
    public string PathTo(string relative) => Path.Combine(Root, relative);

    /// <summary>Writes a file, creating its directory.</summary>
    public void Write(string relative, string text)
    {
        var path = PathTo(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>The trimmed text of a file, or null when it does not exist.</summary>
    public string? Read(string relative)
    {
        var path = PathTo(relative);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// Replaces <paramref name="relative"/> by a symlink into a directory that does not exist, so that
    /// reading it finds nothing and writing it fails: the way to see which of several writes came first.
    /// The target stays in the same group, so the prefix guard lets the write through to fail on its own.
    /// </summary>
    public void Break(string relative)
    {
        var path = PathTo(relative);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        File.CreateSymbolicLink(path, Path.Combine(Path.GetDirectoryName(path)!, "no-such-dir", "file"));
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
