using RainForest.Core;

namespace RainForest.Service.Hosting;

/// <summary>One service per state directory: an exclusive lock on a file in it, held for the service's life.</summary>
/// <remarks>
/// .NET takes <c>flock(LOCK_EX | LOCK_NB)</c> for <see cref="FileShare.None"/> on Linux, and the kernel drops it with
/// the process, so a killed service leaves no stale lock behind; the file itself stays and is reused.
/// </remarks>
internal sealed class InstanceLock : IDisposable
{
    private readonly FileStream _file;

    private InstanceLock(FileStream file) => _file = file;

    /// <summary>Takes the lock.</summary>
    /// <exception cref="RfException">Another service holds it (exit code 2), or the file cannot be made (exit code 1).</exception>
    public static InstanceLock Acquire(string path)
    {
        try
        {
            return new InstanceLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e.HResult == 11 || e.Message.Contains("used by another process", StringComparison.Ordinal))
        {
            throw RfException.Conflict($"another rfm serve already serves {Path.GetDirectoryName(path)} (it holds {path})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Failed($"cannot lock {path}: {e.Message}");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
