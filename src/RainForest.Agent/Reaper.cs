using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>Reaps every child of pid 1 (orphans included) and hands exit codes to whoever waits for a pid.</summary>
/// <remarks>
/// One thread blocks in waitpid(-1). Spawning and registering a pid happen under the same lock the
/// reaper takes before it looks a pid up, so an exit that comes before registration is never lost.
/// </remarks>
internal sealed class Reaper
{
    private readonly object _lock = new();
    private readonly Dictionary<int, TaskCompletionSource<int>> _waiters = [];
    private readonly SemaphoreSlim _childStarted = new(0);

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
        while (true)
        {
            if (!ProcessInfo.WaitForAnyChild(out var pid, out var exitCode))
            {
                // No children at all: sleep until one is started (or a second passes, for orphans re-parented to us).
                _childStarted.Wait(TimeSpan.FromSeconds(1));
                continue;
            }

            lock (_lock)
            {
                if (_waiters.Remove(pid, out var waiter))
                {
                    waiter.TrySetResult(exitCode);
                }
            }
        }
    }
}
