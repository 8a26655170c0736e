using RainForest.Supervisor;

namespace RainForest.Service.Events;

/// <summary>
/// Follows the ledger's journal and publishes each entry as it is committed, by anyone: this service, rfm from a
/// shell, a test. The ledger is the only place every writer meets, so the feed reads it rather than listening to
/// this process's own requests.
/// </summary>
/// <remarks>
/// A commit writes the ledger's write-ahead log (<c>ledger.db-wal</c>): an inotify watch on it (FileSystemWatcher) wakes
/// the feed, which then reads the entries above the last id it published (one indexed query). It also reads every
/// <see cref="Interval"/>, in case a notification is lost (inotify drops events when its queue overflows), and at once
/// when this service has just changed something (<see cref="Nudge"/>).
/// </remarks>
public sealed class JournalFeed : BackgroundService
{
    /// <summary>How often the journal is read without a notification.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly StateDirectory _state;
    private readonly EventHub _hub;
    private readonly ILogger<JournalFeed> _log;
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private long _lastId = -1;

    /// <summary>Follows the journal of <paramref name="state"/> into <paramref name="hub"/>.</summary>
    public JournalFeed(StateDirectory state, EventHub hub, ILogger<JournalFeed> log)
    {
        _state = state;
        _hub = hub;
        _log = log;
    }

    /// <summary>
    /// Raised when the ledger may have changed: its write-ahead log was written (by anyone), or this service changed
    /// something. The policy host re-reads the policies on it, so there is one watcher on the ledger, not two.
    /// </summary>
    /// <remarks>Raised on the watcher's thread: handlers only signal, they do no work.</remarks>
    public event Action? LedgerChanged;

    /// <summary>The id of the newest entry published so far (-1 before the first read).</summary>
    public long LastId => Interlocked.Read(ref _lastId);

    /// <summary>Reads the journal now rather than at the next interval.</summary>
    public void Nudge()
    {
        LedgerChanged?.Invoke();
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // A read is already due.
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RainForestSupervisor? supervisor = null;
        using var watcher = new FileSystemWatcher(_state.Path, Path.GetFileName(_state.LedgerPath) + "-wal")
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
        };
        watcher.Changed += (_, _) => Nudge();
        watcher.Created += (_, _) => Nudge();
        watcher.EnableRaisingEvents = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    supervisor ??= File.Exists(_state.LedgerPath) ? RainForestSupervisor.Open(_state) : null;
                    if (supervisor is not null)
                    {
                        Publish(supervisor);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A busy or replaced ledger: open it again at the next turn.
                    _log.LogWarning("journal feed: {Message}", e.Message);
                    supervisor?.Dispose();
                    supervisor = null;
                }

                try
                {
                    await _nudge.WaitAsync(Interval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            supervisor?.Dispose();
        }
    }

    private void Publish(RainForestSupervisor supervisor)
    {
        if (LastId < 0)
        {
            // Clients that give no Last-Event-ID get what is committed from now on.
            Interlocked.Exchange(ref _lastId, supervisor.Journal(last: 1) is [var newest] ? newest.Id : 0);
            return;
        }

        while (true)
        {
            var entries = supervisor.JournalAfter(LastId);
            foreach (var entry in entries)
            {
                _hub.Publish(new ServiceEvent(ServiceEvent.Journal, entry.Id, ServiceJson.Serialize(entry)));
                Interlocked.Exchange(ref _lastId, entry.Id);
            }

            if (entries.Count == 0)
            {
                return;
            }
        }
    }
}
