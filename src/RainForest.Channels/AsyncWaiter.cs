using System.Threading.Tasks.Sources;

namespace RainForest.Channels;

/// <summary>
/// Turns a blocking futex wait into a <see cref="ValueTask{TResult}"/>: one dedicated background
/// thread per reader or writer, started on the first asynchronous wait that has to sleep, runs the
/// owner's <see cref="IBlockingWait.Wait"/> and completes a reusable value-task source.
/// </summary>
/// <remarks>
/// A futex cannot be registered with the thread pool's I/O poller, and blocking pool threads for
/// long waits would starve it, so the wait gets its own thread. Continuations run on the pool
/// (<see cref="ManualResetValueTaskSourceCore{TResult}.RunContinuationsAsynchronously"/>), so user
/// code never runs on, or blocks, the waiter thread. One asynchronous wait at a time per owner.
/// </remarks>
internal sealed class AsyncWaiter : IValueTaskSource<bool>
{
    private readonly IBlockingWait _owner;
    private readonly string _threadName;
    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<bool> _core;
    private Thread? _thread;
    private bool _requested;
    private bool _stopped;
    private CancellationToken _cancellationToken;
    private int _pending;

    public AsyncWaiter(IBlockingWait owner, string threadName)
    {
        _owner = owner;
        _threadName = threadName;
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>Runs the owner's wait on the waiter thread.</summary>
    /// <exception cref="InvalidOperationException">Another asynchronous wait of this owner has not been awaited yet.</exception>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            throw new InvalidOperationException("another asynchronous operation on this reader or writer is still pending; await it first, or use one reader or writer per concurrent caller");
        }

        _core.Reset();
        lock (_gate)
        {
            if (_stopped)
            {
                Volatile.Write(ref _pending, 0);
                throw new ObjectDisposedException(_threadName);
            }

            _cancellationToken = cancellationToken;
            _requested = true;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = _threadName };
                _thread.UnsafeStart();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }

        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Lets the thread end once any running wait returns (the owner wakes it).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.Pulse(_gate);
        }
    }

    /// <inheritdoc />
    public bool GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Volatile.Write(ref _pending, 0);
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Run()
    {
        while (true)
        {
            CancellationToken cancellationToken;
            lock (_gate)
            {
                while (!_requested)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    Monitor.Wait(_gate);
                }

                _requested = false;
                cancellationToken = _cancellationToken;
                _cancellationToken = default;
            }

            try
            {
                _core.SetResult(_owner.Wait(cancellationToken));
            }
            catch (Exception error)
            {
                _core.SetException(error);
            }
        }
    }
}
