using HdrHistogram;
using RainForest.Interop;

namespace RainForest.Bench.Load;

/// <summary>
/// One thread that waits in poll(2) on every connection of a run and reads the replies each has, in place of a
/// receive loop per connection on the thread pool.
/// </summary>
/// <remarks>
/// The generator shares its machine with the service it measures (two cores here), so what it costs per request is
/// taken from the system under test. Asynchronous receives cost a hop through the thread pool per reply, and the
/// pool's workers spin for work before they sleep: at 5,000 requests/s rf-loadgen made about 250,000 context switches
/// a second and used most of a core, for a service that needed a tenth of one. A single poll thread does one wake-up
/// and one recv per burst of replies and never spins. Latency is taken when recv returns, as before.
/// </remarks>
internal sealed class ReplyReceiver
{
    // How long a poll waits before the thread looks at its stop flag again; only stopping waits for it.
    private const int PollTimeoutMs = 5;

    private readonly LoadConnection[] _connections;
    private readonly RequestSchedule _schedule;
    private readonly RunClock _clock;
    private readonly long _highestTrackableNs;
    private readonly long _goodputLimitNs;
    private readonly Recorder? _window;
    private readonly Thread _thread;
    private volatile bool _stop;
    private Exception? _failure;

    private ReplyReceiver(LoadConnection[] connections, RequestSchedule schedule, RunClock clock, long highestTrackableNs, long goodputLimitNs, Recorder? window)
    {
        _connections = connections;
        _schedule = schedule;
        _clock = clock;
        _highestTrackableNs = highestTrackableNs;
        _goodputLimitNs = goodputLimitNs;
        _window = window;
        _thread = new Thread(Run) { IsBackground = true, Name = "rf-loadgen-recv" };
    }

    /// <summary>Starts receiving on <paramref name="connections"/>, (non-blocking, as <see cref="LoadConnection.Connect"/> makes them).</summary>
    /// <param name="connections">The run's connections; they stay open until <see cref="Stop"/> returned.</param>
    /// <param name="schedule">The run's requests.</param>
    /// <param name="clock">The run's clock.</param>
    /// <param name="highestTrackableNs">Latencies above are recorded as this.</param>
    /// <param name="goodputLimitNs">Replies slower than this do not count as goodput.</param>
    /// <param name="window">Also records each measured latency here; null for none.</param>
    public static ReplyReceiver Start(LoadConnection[] connections, RequestSchedule schedule, RunClock clock, long highestTrackableNs, long goodputLimitNs, Recorder? window)
    {
        var receiver = new ReplyReceiver(connections, schedule, clock, highestTrackableNs, goodputLimitNs, window);
        receiver._thread.Start();
        return receiver;
    }

    /// <summary>
    /// Stops the thread after the poll it is in (at most <see cref="PollTimeoutMs"/> ms) and waits for it; rethrows
    /// what ended it otherwise (a fault of one connection only marks that connection).
    /// </summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
        if (_failure is not null)
        {
            throw new InvalidOperationException("The reply receiver failed.", _failure);
        }
    }

    private unsafe void Run()
    {
        try
        {
            var fds = new Libc.PollFd[_connections.Length];
            fixed (Libc.PollFd* pointer = fds)
            {
                while (!_stop)
                {
                    var open = 0;
                    for (var i = 0; i < _connections.Length; i++)
                    {
                        // A negative descriptor is one poll skips: a faulted connection is no longer read.
                        fds[i] = new Libc.PollFd { Fd = _connections[i].IsFaulted ? -1 : _connections[i].Descriptor, Events = Libc.POLLIN };
                        open += _connections[i].IsFaulted ? 0 : 1;
                    }

                    if (open == 0)
                    {
                        return;
                    }

                    var ready = Libc.poll(pointer, (nuint)fds.Length, PollTimeoutMs);
                    if (ready < 0)
                    {
                        // An interrupted poll only looks again.
                        if (Errors.LastErrno() == Errno.EINTR)
                        {
                            continue;
                        }

                        throw Errors.Last("poll");
                    }

                    for (var i = 0; i < fds.Length && ready > 0; i++)
                    {
                        if (fds[i].Revents != 0)
                        {
                            ready--;

                            // Hang-ups and errors are read too: recv then reports the end or the error, and the
                            // connection marks itself faulted.
                            _connections[i].ReceiveAvailable(_schedule, _clock, _highestTrackableNs, _goodputLimitNs, _window);
                        }
                    }
                }
            }
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }
}
