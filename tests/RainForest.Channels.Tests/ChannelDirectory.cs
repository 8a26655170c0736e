namespace RainForest.Channels.Tests;

/// <summary>A fresh directory under /dev/shm (tmpfs, like production) for one test's channel files; removed with everything in it.</summary>
public sealed class ChannelDirectory : IDisposable
{
    public ChannelDirectory()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        FullName = Path.Combine(root, $"rf-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(FullName);
    }

    public string FullName { get; }

    /// <summary>A path in the directory for a file named <c>rf-test-NAME</c>.</summary>
    public string PathFor(string name) => Path.Combine(FullName, $"rf-test-{name}");

    public void Dispose()
    {
        if (Directory.Exists(FullName))
        {
            Directory.Delete(FullName, recursive: true);
        }
    }
}
