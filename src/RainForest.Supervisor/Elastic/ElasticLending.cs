using System.Globalization;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Elastic;

/// <summary>
/// The supervisor's elastic room: CPUs lent from a donor to a taker and reclaimed, a donor parked when lent down to
/// nothing, a donor's CPU quota, and the policies the controller runs. Every move is one ledger transaction with a
/// pair of journal entries, <c>lend</c> on the donor and <c>borrow</c> on the taker (or <c>reclaim</c> and
/// <c>return</c>), each saying who, what, why and when: the paper's borrowing record.
/// </summary>
/// <remarks>
/// A cpuset cannot be empty, so a donor lent its last CPU keeps that CPU in its kernel cpuset while its processes
/// are frozen (cgroup v1 <c>freezer.state</c>, v2 <c>cgroup.freeze</c>): frozen tasks never run, so the CPU is the
/// taker's alone, as the ledger says. The ledger records the CPUs the frozen cpuset still names; reconcile leaves
/// them be, and the first CPU to come back replaces them before the donor thaws.
/// </remarks>
internal sealed class ElasticLending
{
    private readonly ResourceLedger _ledger;
    private readonly Journal _journal;
    private readonly SubOsBackends _backends;
    private readonly TimeProvider _clock;

    public ElasticLending(ResourceLedger ledger, Journal journal, SubOsBackends backends, TimeProvider? clock = null)
    {
        _ledger = ledger;
        _journal = journal;
        _backends = backends;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Moves <paramref name="cpus"/> CPUs from <paramref name="donor"/> to <paramref name="taker"/>, parking the donor when none is left.</summary>
    /// <exception cref="RfException">Bad input or too few CPUs to lend (exit 2, nothing changed), or the kernel refused (exit 1, undone).</exception>
    public LoanRecord Lend(string donor, string taker, int cpus, string reason, TimeSpan? duration)
    {
        CheckPair(donor, taker);
        if (cpus < 1)
        {
            throw RfException.Invalid($"--cpus {cpus}: lend at least 1 CPU");
        }

        if (duration is { } d && d <= TimeSpan.Zero)
        {
            throw RfException.Invalid($"--for {DurationText.Format(d)}: expected a positive duration");
        }

        var what = $"{cpus} cpu {donor} -> {taker}" + (duration is { } f ? $" for {DurationText.Format(f)}" : string.Empty);
        var message = $"{what}: {reason}";
        LoanRecord? loan = null;
        _journal.Run("lend", donor, () =>
        {
            _ledger.RequireMachine();
            var donorBefore = _ledger.Require(donor);
            var takerBefore = _ledger.Require(taker);
            if (donorBefore.Cpus.Count < cpus)
            {
                throw RfException.Invalid($"'{donor}' owns {donorBefore.Cpus.Count} CPU(s): it cannot lend {cpus}");
            }

            // The highest-numbered CPUs go: a donor keeps the first of its range, as a count-sized create gave it.
            var lent = CpuSet.Of(donorBefore.Cpus.Skip(donorBefore.Cpus.Count - cpus));
            var rest = donorBefore.Cpus.Except(lent);
            var pool = _ledger.Pool();
            var park = rest.IsEmpty;
            var donorAfter = donorBefore with { Cpus = rest, Mems = park ? donorBefore.Mems : pool.NodesOf(rest), Revision = donorBefore.Revision + 1 };
            var takerCpus = takerBefore.Cpus.Union(lent);
            var takerAfter = takerBefore with { Cpus = takerCpus, Mems = pool.NodesOf(takerCpus), Revision = takerBefore.Revision + 1 };
            _ledger.Put(donorAfter);
            _ledger.Put(takerAfter);

            var state = _ledger.ElasticStateOf(donor);
            if (park)
            {
                _ledger.PutElasticState(donor, state with { ParkedCpus = state.ParkedCpus ?? donorBefore.Cpus });
            }

            Move(donorBefore, donorAfter, takerBefore, takerAfter, park ? Parking.Park : Parking.None);
            var now = _clock.GetUtcNow();
            var id = _ledger.AddLoan(donor, taker, lent, reason, now, duration is { } length ? now + length : null);
            loan = new LoanRecord(id, donor, taker, lent, reason, now, duration is { } l ? now + l : null);
            _ledger.Append("borrow", taker, Describe(takerBefore, ElasticState.None), Describe(takerAfter, ElasticState.None), TimeSpan.Zero, JournalOutcome.Ok, message);
            return (0, Describe(donorBefore, state), Describe(donorAfter, _ledger.ElasticStateOf(donor)));
        }, message: message);
        return loan!;
    }

    /// <summary>
    /// Gives lent CPUs back: the newest loans of <paramref name="taker"/> first (every taker's when null), all of
    /// them, or <paramref name="cpus"/> CPUs. A parked donor gets its CPU back and thaws.
    /// </summary>
    /// <returns>The CPUs returned, per loan.</returns>
    public IReadOnlyList<LoanRecord> Reclaim(string? taker, int? cpus, string reason)
    {
        if (taker is not null)
        {
            SubOsName.Check(taker);
            _ = _ledger.Require(taker);
        }

        if (cpus is < 1)
        {
            throw RfException.Invalid($"--cpus {cpus}: reclaim at least 1 CPU");
        }

        var loans = _ledger.Loans(taker).Reverse().ToList();
        if (loans.Count == 0)
        {
            throw RfException.Invalid(taker is null ? "no CPU is lent (rfm lend lends some)" : $"'{taker}' has borrowed no CPU");
        }

        var outstanding = loans.Sum(l => l.Cpus.Count);
        if (cpus > outstanding)
        {
            throw RfException.Invalid($"--cpus {cpus}: only {outstanding} CPU(s) are lent{(taker is null ? string.Empty : $" to '{taker}'")}");
        }

        var left = cpus ?? int.MaxValue;
        var returned = new List<LoanRecord>();
        foreach (var loan in loans)
        {
            if (left <= 0)
            {
                break;
            }

            var back = loan.Cpus.Count <= left ? loan.Cpus : CpuSet.Of(loan.Cpus.Skip(loan.Cpus.Count - left));
            returned.Add(Return(loan, back, reason));
            left -= back.Count;
        }

        return returned;
    }

    /// <summary>Returns every loan whose <c>--for</c> has run out; one line for each, as reconcile reports its repairs.</summary>
    public IReadOnlyList<string> ReturnExpired()
    {
        var now = _clock.GetUtcNow();
        var lines = new List<string>();
        foreach (var loan in _ledger.Loans().Where(l => l.Expires is { } e && e <= now))
        {
            Return(loan, loan.Cpus, $"the loan ended at {loan.Expires!.Value.ToString("u", CultureInfo.InvariantCulture)}");
            lines.Add($"loan {loan.Id}: CPUs {loan.Cpus} went back from '{loan.Taker}' to '{loan.Donor}' (it ended)");
        }

        return lines;
    }

    /// <summary>Limits <paramref name="name"/>'s CPU time to <paramref name="cpus"/> CPUs' worth, or lifts the limit (null).</summary>
    public void SetCpuQuota(string name, double? cpus, string reason)
    {
        SubOsName.Check(name);
        if (cpus is { } q && (!double.IsFinite(q) || q <= 0))
        {
            throw RfException.Invalid($"quota {q.ToString(CultureInfo.InvariantCulture)}: expected a positive number of CPUs");
        }

        var what = cpus is { } c ? $"{c.ToString("0.##", CultureInfo.InvariantCulture)} cpu" : "unlimited";
        _journal.Run("quota", name, () =>
        {
            var record = _ledger.Require(name);
            var before = _ledger.ElasticStateOf(name);
            var after = before with { CpuQuota = cpus };
            _ledger.PutElasticState(name, after);
            if (record.State == SubOsState.Running && !_backends.For(record).ApplyCpuQuota(name, cpus))
            {
                throw RfException.Failed($"cannot limit '{name}''s CPU time: no cpu controller for it (cgroup v1 cpu hierarchy, or v2 cpu controller)");
            }

            return (0, "quota=" + (before.CpuQuota?.ToString("0.##", CultureInfo.InvariantCulture) ?? "none"), "quota=" + (cpus?.ToString("0.##", CultureInfo.InvariantCulture) ?? "none"));
        }, message: $"{what}: {reason}");
    }

    /// <summary>The elastic state of one subOS.</summary>
    public ElasticState StateOf(string name) => _ledger.ElasticStateOf(name);

    /// <summary>Outstanding loans, oldest first.</summary>
    public IReadOnlyList<LoanRecord> Loans(string? taker) => _ledger.Loans(taker);

    /// <summary>Refuses a change to a parked subOS that only a reclaim may make.</summary>
    public void RequireNotParked(string name, string operation)
    {
        if (_ledger.ElasticStateOf(name).Parked)
        {
            throw RfException.Invalid($"'{name}' is parked (it lent all its CPUs): 'rfm reclaim' returns them before it can {operation}");
        }
    }

    /// <summary>Before a destroy: a taker gives back what it borrowed, a parked donor thaws so that its processes can die.</summary>
    public void BeforeDestroy(string name)
    {
        if (_ledger.Find(name) is null)
        {
            return;
        }

        // On a full file system the ledger takes no write: the loans stay recorded and the destroy, recorded when space
        // returns, frees the CPUs to the pool. Thawing still matters: a frozen v1 task does not die until thawed.
        if (!_ledger.IsFull && _ledger.Loans(name).Count > 0)
        {
            Reclaim(name, null, $"'{name}' is being destroyed");
        }

        var record = _ledger.Require(name);
        if (_ledger.ElasticStateOf(name).Parked && record.State == SubOsState.Running)
        {
            _backends.For(record).Freeze(name, false);
        }
    }

    /// <summary>Stores a policy; its taker and donor must exist.</summary>
    public void SetPolicy(ElasticPolicySpec spec)
    {
        CheckPair(spec.Donor, spec.Taker);
        _journal.Run("policy-set", spec.Taker, () =>
        {
            _ledger.RequireMachine();
            _ = _ledger.Require(spec.Taker);
            _ = _ledger.Require(spec.Donor);
            var before = _ledger.Policies().FirstOrDefault(p => p.Taker == spec.Taker);
            _ledger.PutPolicy(spec);
            return (0, before is null ? null : Describe(before), Describe(spec));
        });
    }

    /// <summary>Removes the policy of <paramref name="taker"/>.</summary>
    public void RemovePolicy(string taker)
    {
        SubOsName.Check(taker);
        _journal.Run("policy-rm", taker, () =>
        {
            var before = _ledger.Policies().FirstOrDefault(p => p.Taker == taker)
                ?? throw RfException.Invalid($"'{taker}' has no policy (rfm policy ls lists them)");
            _ledger.RemovePolicy(taker);
            return (0, Describe(before), (string?)null);
        });
    }

    /// <summary>One line for the journal: <c>slack p99&lt;=5ms donor=batch probe=... window=500ms</c>.</summary>
    public static string Describe(ElasticPolicySpec p) =>
        $"{p.Kind.ToText()} {p.Slo} donor={p.Donor} probe={p.Probe} window={DurationText.Format(p.Window)}"
        + (p.Kind == PolicyKind.Threshold ? $" lt={DurationText.Format(p.Lower)} ut={DurationText.Format(p.Upper)}" : string.Empty)
        + $" min={p.MinCpus} max={p.MaxCpus?.ToString(CultureInfo.InvariantCulture) ?? "-"} floor={p.DonorFloor}";

    private LoanRecord Return(LoanRecord loan, CpuSet back, string reason)
    {
        var message = $"{back.Count} cpu {loan.Taker} -> {loan.Donor} (loan {loan.Id}): {reason}";
        return _journal.Run("reclaim", loan.Taker, () =>
        {
            var takerBefore = _ledger.Require(loan.Taker);
            var donorBefore = _ledger.Require(loan.Donor);

            // CPUs a hand resize already took from the taker are no longer its to give: the loan just forgets them.
            var giving = back.Intersect(takerBefore.Cpus);
            var takerCpus = takerBefore.Cpus.Except(giving);
            if (takerCpus.IsEmpty)
            {
                throw RfException.Invalid($"'{loan.Taker}' would keep no CPU: it owns only the CPUs it borrowed");
            }

            var pool = _ledger.Pool();
            var donorCpus = donorBefore.Cpus.Union(giving);
            var state = _ledger.ElasticStateOf(loan.Donor);
            var unpark = state.Parked && !giving.IsEmpty;
            var takerAfter = takerBefore with { Cpus = takerCpus, Mems = pool.NodesOf(takerCpus), Revision = takerBefore.Revision + 1 };
            var donorAfter = donorBefore with { Cpus = donorCpus, Mems = donorCpus.IsEmpty ? donorBefore.Mems : pool.NodesOf(donorCpus), Revision = donorBefore.Revision + 1 };
            _ledger.Put(takerAfter);
            _ledger.Put(donorAfter);
            if (unpark)
            {
                _ledger.PutElasticState(loan.Donor, state with { ParkedCpus = null });
            }

            Move(takerBefore, takerAfter, donorBefore, donorAfter, unpark ? Parking.Unpark : Parking.None);
            _ledger.SetLoanCpus(loan.Id, loan.Cpus.Except(back));
            _ledger.Append("return", loan.Donor, Describe(donorBefore, state), Describe(donorAfter, _ledger.ElasticStateOf(loan.Donor)), TimeSpan.Zero, JournalOutcome.Ok, message);
            return (loan with { Cpus = giving }, Describe(takerBefore, ElasticState.None), Describe(takerAfter, ElasticState.None));
        }, message: message);
    }

    private enum Parking
    {
        None,
        Park,
        Unpark,
    }

    /// <summary>
    /// Applies a move to the kernel: the giver shrinks before the receiver grows, so no CPU is ever in two running
    /// cpusets. A parked giver freezes instead of shrinking (its cpuset cannot be empty); an unparked receiver gets
    /// its CPUs before it thaws. On failure what was applied is undone before the exception goes on.
    /// </summary>
    private void Move(SubOsRecord giverBefore, SubOsRecord giverAfter, SubOsRecord receiverBefore, SubOsRecord receiverAfter, Parking parking)
    {
        var giver = _backends.For(giverBefore);
        var receiver = _backends.For(receiverBefore);
        var giverRuns = giverBefore.State == SubOsState.Running;
        var receiverRuns = receiverBefore.State == SubOsState.Running;
        var undo = new Stack<Action>();
        try
        {
            if (giverRuns && parking == Parking.Park)
            {
                if (!giver.Freeze(giverBefore.Name, true))
                {
                    throw RfException.Failed($"cannot park '{giverBefore.Name}': no freezer for it (cgroup v1 freezer hierarchy, or v2 cgroup.freeze); keep one CPU (--cpus {giverBefore.Cpus.Count - 1})");
                }

                undo.Push(() => giver.Freeze(giverBefore.Name, false));
            }
            else if (giverRuns)
            {
                giver.ApplyCpus(giverBefore.Name, giverAfter.Cpus, giverAfter.Mems);
                undo.Push(() => giver.ApplyCpus(giverBefore.Name, giverBefore.Cpus, giverBefore.Mems));
            }

            if (receiverRuns)
            {
                receiver.ApplyCpus(receiverBefore.Name, receiverAfter.Cpus, receiverAfter.Mems);
                if (parking == Parking.Unpark)
                {
                    undo.Push(() => receiver.ApplyCpus(receiverBefore.Name, receiverBefore.Cpus.IsEmpty ? receiverAfter.Cpus : receiverBefore.Cpus, receiverBefore.Mems));
                    receiver.Freeze(receiverBefore.Name, false);
                }
            }
        }
        catch
        {
            while (undo.TryPop(out var step))
            {
                step();
            }

            throw;
        }

        var machine = _ledger.RequireMachine();
        giver.WriteDescription(giverAfter, machine);
        receiver.WriteDescription(receiverAfter, machine);
    }

    private static void CheckPair(string donor, string taker)
    {
        SubOsName.Check(donor);
        SubOsName.Check(taker);
        if (donor == taker)
        {
            throw RfException.Invalid($"'{donor}' cannot lend to itself");
        }
    }

    private static string Describe(SubOsRecord r, ElasticState state) =>
        $"cpus={(r.Cpus.IsEmpty ? "none" : r.Cpus.ToString())}{(state.Parked ? " parked" : string.Empty)}"
        + (state.CpuQuota is { } q ? " quota=" + q.ToString("0.##", CultureInfo.InvariantCulture) : string.Empty);
}
