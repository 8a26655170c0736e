namespace RainForest.Channels.Tests;

/// <summary>Finds the repository (the directory holding RainForest.slnx) from the test assembly's location.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RainForest.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no RainForest.slnx above {AppContext.BaseDirectory}");
    }
}
