using RainForest.Core;
using RainForest.Service.Events;
using RainForest.Supervisor;

namespace RainForest.Service.Api;

/// <summary>
/// How every request reaches the supervisor: a facade opened for that request alone, so that no request acts on a
/// view older than the last commit, whoever made it (a <c>rfm resize</c> from the shell is seen by the next call).
/// </summary>
/// <remarks>
/// The service holds no state of its own between requests; the ledger is the only truth, as for rfm. Changes run one
/// at a time in this process (the ledger's write transaction already serialises them with rfm commands in other
/// processes) and reconcile first, as every rfm verb does. Reads do not repair: they show the ledger with what the
/// kernel says now (a dead agent reads as not alive), and <c>POST /v1/reconcile</c> repairs on request.
/// </remarks>
public sealed class SupervisorAccess
{
    private readonly Lock _writer = new();
    private readonly JournalFeed? _feed;
    private readonly ILogger<SupervisorAccess> _log;

    /// <summary>Serves <paramref name="state"/>; <paramref name="feed"/> is told after each change, so that its events leave at once.</summary>
    public SupervisorAccess(StateDirectory state, JournalFeed? feed, ILogger<SupervisorAccess> log)
    {
        State = state;
        _feed = feed;
        _log = log;
    }

    /// <summary>The state directory served.</summary>
    public StateDirectory State { get; }

    /// <summary>Runs a query on a fresh facade.</summary>
    /// <param name="query">The query.</param>
    /// <param name="requireInit">False for the journal, which deinit keeps.</param>
    /// <exception cref="RfException">rfm init has not run (<see cref="RfErrorKind.NotInitialised"/>), or the query's own error.</exception>
    public T Read<T>(Func<RainForestSupervisor, T> query, bool requireInit = true)
    {
        using var supervisor = Open(requireInit);
        return query(supervisor);
    }

    /// <summary>Runs a change on a fresh facade, after reconcile, one change at a time.</summary>
    /// <param name="change">The change.</param>
    /// <param name="reconcile">Whether to repair what a crash left first.</param>
    /// <param name="requireInit">False for the journal's retention, which works on a journal deinit kept.</param>
    /// <exception cref="RfException">rfm init has not run, or the change's own error (it was journalled and undone).</exception>
    public T Write<T>(Func<RainForestSupervisor, T> change, bool reconcile = true, bool requireInit = true)
    {
        lock (_writer)
        {
            try
            {
                using var supervisor = Open(requireInit);
                if (reconcile)
                {
                    Repair(supervisor);
                }

                return change(supervisor);
            }
            finally
            {
                _feed?.Nudge();
            }
        }
    }

    /// <summary>Reconciles explicitly (<c>POST /v1/reconcile</c>): the repairs, and the ledger's broken invariants.</summary>
    public (IReadOnlyList<string> Repairs, IReadOnlyList<string> Problems) Reconcile() => Write(
        supervisor => (Repair(supervisor), supervisor.CheckInvariants()),
        reconcile: false);

    private IReadOnlyList<string> Repair(RainForestSupervisor supervisor)
    {
        var repairs = supervisor.Reconcile();
        foreach (var repair in repairs)
        {
            _log.LogWarning("repaired: {Repair}", repair);
        }

        return repairs;
    }

    /// <summary>
    /// A facade of its own for a caller that works outside requests (the policy runner, which opens one for each read and
    /// each step and closes it after). It refuses, rather than creates, a ledger that is gone.
    /// </summary>
    /// <exception cref="RfException">rfm init has not run (<see cref="RfErrorKind.NotInitialised"/>).</exception>
    public RainForestSupervisor Open() => Open(requireInit: true);

    private RainForestSupervisor Open(bool requireInit)
    {
        // Opening creates the ledger; only rfm init may do that (the service refuses to start before it, but a
        // deinit while it runs, or a removed state directory, must not be undone by a request).
        if (!File.Exists(State.LedgerPath))
        {
            throw NotInitialised();
        }

        var supervisor = RainForestSupervisor.Open(State);
        if (requireInit && !supervisor.IsInitialised)
        {
            supervisor.Dispose();
            throw NotInitialised();
        }

        return supervisor;
    }

    private RfException NotInitialised() => RfException.NotInitialised($"not initialised: run 'rfm init' first (state directory {State.Path})");
}
