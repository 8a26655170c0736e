using System.Runtime.InteropServices;

namespace RainForest.Agent;

/// <summary>Reaps every child of pid 1 (orphans included) and hands exit codes to whoever waits for a pid.</summary>
/// <remarks>
/// One thread blocks in waitpid(-1). Spawning and registering a pid happen under the same lock the
/// reaper takes before it looks a pid up, so an exit that comes before registration is never lost.
/// </remarks>
internal sealed partial class Reaper
{
    private readonly object _lock = new();
    private readonly Dictionary<int, TaskCompletionSource<int>> _waiters = [];
    private readonly SemaphoreSlim _childStarted = new(0);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public void Start()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "reaper" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="spawn"/> and registers the pid it returns before any exit can be seen.</summary>
    public (int Pid, Task<int> Exit) Spawn(Func<int> spawn)
    {
        lock (_lock)
        {
            var pid = spawn();
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[pid] = waiter;
            _childStarted.Release();
            return (pid, waiter.Task);
        }
    }

    private void Loop()
    {
        const int Echild = 10;
        while (true)
        {
            var pid = waitpid(-1, out var status, 0);
            if (pid < 0)
            {
                if (Marshal.GetLastPInvokeError() == Echild)
                {
                    _childStarted.Wait(TimeSpan.FromSeconds(1));
                }

                continue;
            }

            lock (_lock)
            {
                if (_waiters.Remove(pid, out var waiter))
                {
                    waiter.TrySetResult(Linux.ProcessInfo.ExitCodeOf(status));
                }
            }
        }
    }
}
