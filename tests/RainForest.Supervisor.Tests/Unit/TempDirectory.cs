namespace RainForest.Supervisor.Tests.Unit;

/// <summary>A fresh directory under the temp directory, removed with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Directory.CreateTempSubdirectory("rf-unit-").FullName;
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

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
