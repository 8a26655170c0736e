using RainForest.Controller.Runner;
using RainForest.Core.Elastic;
using RainForest.Service.Api;
using RainForest.Service.Events;

namespace RainForest.Service.Policies;

/// <summary>
/// Runs the ledger's policies for as long as the service runs: the controller's <see cref="PolicyRunner"/>, reporting to
/// the <see cref="PolicyObserver"/>, started with the application and stopped with it (SIGTERM stops every loop before
/// the process exits).
/// </summary>
/// <remarks>
/// The policies are read again when the ledger changes: the journal feed already watches the ledger's write-ahead log
/// (inotify), and its <see cref="JournalFeed.LedgerChanged"/> wakes this host, which asks the runner to compare the
/// ledger's policy version (one query) and start or stop loops. A <c>rfm policy set</c> from a shell therefore takes
/// effect within milliseconds; every <see cref="Fallback"/> it looks anyway, in case a notification was lost, and to retry a
/// loop that could not start (its taker was not running). Without a running service nothing enforces the policies.
/// </remarks>
public sealed class PolicyHost : BackgroundService
{
    /// <summary>How often the policies are looked at without a notification.</summary>
    public static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two looks, so that a burst of ledger writes (a controller step writes several) costs one.</summary>
    public static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(50);

    private readonly JournalFeed _feed;
    private readonly PolicyObserver _observer;
    private readonly ILogger<PolicyHost> _log;
    private readonly PolicyRunner _runner;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private HashSet<string> _known = new(StringComparer.Ordinal);
    private string? _lastError;

    /// <summary>Runs the policies of the ledger <paramref name="access"/> serves.</summary>
    public PolicyHost(SupervisorAccess access, JournalFeed feed, PolicyObserver observer, ILogger<PolicyHost> log)
    {
        _feed = feed;
        _observer = observer;
        _log = log;
        _runner = new PolicyRunner(access.Open, observer);
    }

    /// <summary>Whether <paramref name="spec"/> (exactly this version of the policy) has a running loop.</summary>
    public bool IsRunning(ElasticPolicySpec spec) => _runner.Stats.TryGetValue(spec.Taker, out var running) && running.Spec == spec;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _feed.LedgerChanged += OnLedgerChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Refresh();
                await Task.Delay(MinSpacing, stoppingToken).ConfigureAwait(false);
                await _changed.WaitAsync(Fallback, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service stops.
        }
        finally
        {
            _feed.LedgerChanged -= OnLedgerChanged;
            await _runner.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private void OnLedgerChanged()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A look is already due.
        }
        catch (ObjectDisposedException)
        {
            // The service has stopped.
        }
    }

    private void Refresh()
    {
        try
        {
            _runner.Refresh();
            _lastError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A busy ledger, or one that deinit removed: looked at again at the next change or fallback.
            if (e.Message != _lastError)
            {
                _log.LogWarning("policies: {Message}", e.Message);
                _lastError = e.Message;
            }

            return;
        }

        // Removed policies' entries and series end; a replaced one's do when its new loop first reports.
        var now = _runner.Policies.Select(p => p.Taker).ToHashSet(StringComparer.Ordinal);
        foreach (var taker in _known.Concat(_observer.Takers()).Where(t => !now.Contains(t)).Distinct().ToList())
        {
            _observer.Forget(taker);
        }

        _known = now;
    }
}
