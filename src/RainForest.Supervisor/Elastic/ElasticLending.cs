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
            var state = _ledger.ElasticStateOf(donor);

            // A donor that also runs in another's idle time still has CPUs to run on: it is not parked.
            var park = rest.IsEmpty && state.IdleOn is null;
            var kernelBefore = (_ledger.KernelCpusOf(donorBefore), _ledger.KernelCpusOf(takerBefore));
            var donorAfter = donorBefore with { Cpus = rest, Mems = park ? donorBefore.Mems : pool.NodesOf(rest), Revision = donorBefore.Revision + 1 };
            var takerCpus = takerBefore.Cpus.Union(lent);
            var takerAfter = takerBefore with { Cpus = takerCpus, Mems = pool.NodesOf(takerCpus), Revision = takerBefore.Revision + 1 };
            _ledger.Put(donorAfter);
            _ledger.Put(takerAfter);
            if (park)
            {
                _ledger.PutElasticState(donor, state with { ParkedCpus = state.ParkedCpus ?? donorBefore.Cpus });
            }

            Move(donorBefore, donorAfter, takerBefore, takerAfter, kernelBefore, park ? Parking.Park : Parking.None);
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

    /// <summary>
    /// Lets <paramref name="borrower"/> run in <paramref name="lender"/>'s idle time: the lender's CPUs join the
    /// borrower's kernel cpuset while the ledger keeps them the lender's, and the borrower's processes run in the
    /// scheduler's idle class (<c>cpu.idle</c>), so that a lender's task waking on one of them preempts the borrower at
    /// once. A parked borrower thaws: it has somewhere to run again.
    /// </summary>
    /// <exception cref="RfException">Bad input (exit 2, nothing changed), or the kernel refused (exit 1, undone).</exception>
    public void ShareIdle(string lender, string borrower, string reason)
    {
        CheckPair(lender, borrower);
        var message = $"idle time {lender} -> {borrower}: {reason}";
        _journal.Run("lend", lender, () =>
        {
            _ledger.RequireMachine();
            var lenderRecord = _ledger.Require(lender);
            var borrowerRecord = _ledger.Require(borrower);
            var state = _ledger.ElasticStateOf(borrower);
            CheckIdlePair(lenderRecord, borrowerRecord, state);
            var lenderBackend = _backends.For(lenderRecord);
            var borrowerBackend = _backends.For(borrowerRecord);
            var kernel = borrowerRecord.Cpus.Union(lenderRecord.Cpus);
            var undo = new Stack<Action>();
            try
            {
                if (!borrowerBackend.ApplyCpuIdle(borrower, true))
                {
                    throw RfException.Failed($"cannot put '{borrower}' in the scheduler's idle class: no cpu.idle for it (Linux 5.15 or later, with the cgroup v1 cpu hierarchy or the v2 cpu controller)");
                }

                undo.Push(() => borrowerBackend.ApplyCpuIdle(borrower, false));
                lenderBackend.ApplyShared(lender, true, lenderRecord.Cpus);
                undo.Push(() => lenderBackend.ApplyShared(lender, false, lenderRecord.Cpus));
                borrowerBackend.ApplyShared(borrower, true, borrowerRecord.Cpus);
                undo.Push(() => borrowerBackend.ApplyShared(borrower, false, borrowerRecord.Cpus));
                borrowerBackend.ApplyCpus(borrower, kernel, _ledger.Pool().NodesOf(kernel));
                undo.Push(() => borrowerBackend.ApplyCpus(borrower, state.ParkedCpus ?? borrowerRecord.Cpus, borrowerRecord.Mems));
                if (state.Parked)
                {
                    borrowerBackend.Freeze(borrower, false);
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

            var after = state with { IdleOn = lender, ParkedCpus = null };
            _ledger.PutElasticState(borrower, after);
            _ledger.Append("borrow", borrower, Describe(borrowerRecord, state), Describe(borrowerRecord, after), TimeSpan.Zero, JournalOutcome.Ok, message);
            return (0, $"cpus={lenderRecord.Cpus}", $"cpus={lenderRecord.Cpus} idle-time-to={borrower}");
        }, message: message);
    }

    /// <summary>
    /// Ends <paramref name="borrower"/>'s run in another subOS's idle time: its kernel cpuset is its own CPUs again
    /// and it leaves the idle class; owning none, it is parked (frozen) until a CPU comes back.
    /// </summary>
    /// <exception cref="RfException">It runs in no other's idle time (exit 2, nothing changed).</exception>
    public void EndIdle(string borrower, string reason)
    {
        SubOsName.Check(borrower);
        _ = _ledger.Require(borrower);
        var state0 = _ledger.ElasticStateOf(borrower);
        var lender = state0.IdleOn ?? throw RfException.Invalid($"'{borrower}' runs in no other subOS's idle time (rfm lend LENDER {borrower} --idle starts that)");
        var message = $"idle time {lender} -> {borrower} ends: {reason}";
        _journal.Run("reclaim", borrower, () =>
        {
            var record = _ledger.Require(borrower);
            var state = _ledger.ElasticStateOf(borrower);
            var kernel = _ledger.KernelCpusOf(record);
            var park = record.Cpus.IsEmpty;
            var after = state with { IdleOn = null, ParkedCpus = park ? kernel : null };
            var backend = _backends.For(record);
            if (record.State == SubOsState.Running)
            {
                if (park)
                {
                    // Nothing of its own to run on: frozen, its cpuset still naming the lender's CPUs (it cannot be empty).
                    if (!backend.Freeze(borrower, true))
                    {
                        throw RfException.Failed($"cannot park '{borrower}': no freezer for it (cgroup v1 freezer hierarchy, or v2 cgroup.freeze); give it a CPU first (rfm reclaim)");
                    }
                }
                else
                {
                    backend.ApplyCpus(borrower, record.Cpus, record.Mems);
                    backend.ApplyShared(borrower, false, record.Cpus);
                }

                backend.ApplyCpuIdle(borrower, false);
            }

            _ledger.PutElasticState(borrower, after);
            if (_ledger.Find(lender) is { State: SubOsState.Running } lenderRecord && _ledger.IdleBorrowersOf(lender).Count == 0)
            {
                _backends.For(lenderRecord).ApplyShared(lender, false, lenderRecord.Cpus);
            }

            _ledger.Append("return", lender, null, null, TimeSpan.Zero, JournalOutcome.Ok, message);
            return (0, Describe(record, state), Describe(record, after));
        }, message: message);
    }

    /// <summary>
    /// After <paramref name="name"/>'s CPUs changed outside a loan (a resize): its kernel cpuset and those of the
    /// subOSes running in its idle time follow the ledger again.
    /// </summary>
    public void Follow(string name)
    {
        if (_ledger.Find(name) is not { State: SubOsState.Running } record)
        {
            return;
        }

        var state = _ledger.ElasticStateOf(name);
        if (state.IdleOn is not null && !state.Parked)
        {
            var kernel = _ledger.KernelCpusOf(record);
            _backends.For(record).ApplyCpus(name, kernel, _ledger.Pool().NodesOf(kernel));
        }
        else if (_ledger.IdleBorrowersOf(name).Count > 0)
        {
            // A shared lender's cpuset was rewritten by the resize; on v2 it stays out of its partition while shared.
            _backends.For(record).ApplyShared(name, true, record.Cpus);
        }

        FollowBorrowers(name, except: null);
    }

    /// <summary>Rewrites the kernel cpuset of every subOS running in <paramref name="lender"/>'s idle time but <paramref name="except"/>.</summary>
    private void FollowBorrowers(string lender, string? except)
    {
        foreach (var borrower in _ledger.IdleBorrowersOf(lender))
        {
            if (borrower != except && _ledger.Find(borrower) is { State: SubOsState.Running } record && !_ledger.ElasticStateOf(borrower).Parked)
            {
                var kernel = _ledger.KernelCpusOf(record);
                _backends.For(record).ApplyCpus(borrower, kernel, _ledger.Pool().NodesOf(kernel));
            }
        }
    }

    /// <summary>Refuses an idle share that would chain, repeat, or involve what cannot share.</summary>
    private void CheckIdlePair(SubOsRecord lender, SubOsRecord borrower, ElasticState borrowerState)
    {
        if (borrowerState.IdleOn is { } already)
        {
            throw RfException.Invalid(already == lender.Name
                ? $"'{borrower.Name}' already runs in '{lender.Name}''s idle time"
                : $"'{borrower.Name}' runs in '{already}''s idle time: 'rfm reclaim {borrower.Name} --idle' ends that first");
        }

        // No chains: a CPU is named by its owner's cpuset and at most its borrowers', never a borrower's borrower's.
        if (_ledger.ElasticStateOf(lender.Name).IdleOn is not null)
        {
            throw RfException.Invalid($"'{lender.Name}' runs in another subOS's idle time itself: it cannot lend idle time");
        }

        if (_ledger.IdleBorrowersOf(borrower.Name).Count > 0)
        {
            throw RfException.Invalid($"'{borrower.Name}' lends its idle time to others: it cannot borrow idle time");
        }

        foreach (var r in new[] { lender, borrower })
        {
            if (r.Backend != SubOsBackendKind.Cell)
            {
                throw RfException.Invalid($"'{r.Name}' is a {r.Backend.ToText()} subOS: idle sharing needs two cells (a guest's vCPU threads are pinned to its own CPUs)");
            }

            if (r.State != SubOsState.Running)
            {
                throw RfException.Invalid($"'{r.Name}' is not running ('rfm start {r.Name}' restarts it)");
            }
        }
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

        // Idle sharing ends after the loans went back: a borrower that got its CPU back has somewhere to run.
        if (!_ledger.IsFull)
        {
            if (_ledger.ElasticStateOf(name).IdleOn is not null)
            {
                EndIdle(name, $"'{name}' is being destroyed");
            }

            foreach (var borrower in _ledger.IdleBorrowersOf(name))
            {
                EndIdle(borrower, $"'{name}' is being destroyed");
            }
        }

        var record = _ledger.Require(name);
        if (_ledger.ElasticStateOf(name).Parked && record.State == SubOsState.Running)
        {
            _backends.For(record).Freeze(name, false);
        }
    }

    /// <summary>
    /// Before the destroy of <paramref name="name"/> made while the disk was full is recorded (its kernel objects are
    /// gone): what it borrowed goes back to each donor in the ledger, a parked donor thaws on its CPUs, and whoever ran
    /// in its idle time runs on its own CPUs again. One line for each.
    /// </summary>
    public IReadOnlyList<string> SettleDestroyed(string name)
    {
        var lines = new List<string>();
        foreach (var loan in _ledger.Loans(name))
        {
            var message = $"{loan.Cpus.Count} cpu {name} -> {loan.Donor} (loan {loan.Id}): '{name}' was destroyed while the file system was full";
            _journal.Run("reclaim", name, () =>
            {
                var takerBefore = _ledger.Require(name);
                var donorBefore = _ledger.Require(loan.Donor);
                var giving = loan.Cpus.Intersect(takerBefore.Cpus);
                var state = _ledger.ElasticStateOf(loan.Donor);
                var unpark = state.Parked && !giving.IsEmpty;
                var donorCpus = donorBefore.Cpus.Union(giving);
                var donorAfter = donorBefore with { Cpus = donorCpus, Mems = donorCpus.IsEmpty ? donorBefore.Mems : _ledger.Pool().NodesOf(donorCpus), Revision = donorBefore.Revision + 1 };

                // The taker's row goes with the destroy; until then it no longer names what went back.
                _ledger.Put(takerBefore with { Cpus = takerBefore.Cpus.Except(giving), Revision = takerBefore.Revision + 1 });
                _ledger.Put(donorAfter);
                if (unpark)
                {
                    _ledger.PutElasticState(loan.Donor, state with { ParkedCpus = null });
                }

                if (donorBefore.State == SubOsState.Running)
                {
                    var backend = _backends.For(donorBefore);
                    var kernel = _ledger.KernelCpusOf(donorAfter);
                    backend.ApplyCpus(loan.Donor, kernel, _ledger.Pool().NodesOf(kernel));
                    if (unpark)
                    {
                        backend.Freeze(loan.Donor, false);
                    }

                    backend.WriteDescription(donorAfter, _ledger.RequireMachine());
                }

                _ledger.SetLoanCpus(loan.Id, CpuSet.Empty);
                _ledger.Append("return", loan.Donor, Describe(donorBefore, state), Describe(donorAfter, _ledger.ElasticStateOf(loan.Donor)), TimeSpan.Zero, JournalOutcome.Ok, message);
                return (0, Describe(takerBefore, ElasticState.None), (string?)null);
            }, message: message);
            lines.Add($"loan {loan.Id}: CPUs {loan.Cpus} went back from '{name}' to '{loan.Donor}' ('{name}' was destroyed while the file system was full)");
        }

        foreach (var borrower in _ledger.IdleBorrowersOf(name))
        {
            EndIdle(borrower, $"'{name}' was destroyed while the file system was full");
            lines.Add($"'{borrower}' no longer runs in the idle time of '{name}' (destroyed while the file system was full)");
        }

        return lines;
    }

    /// <summary>
    /// Stores a policy; its taker and donor must exist. With <see cref="ElasticPolicySpec.IdleShare"/> the donor starts
    /// running in the taker's idle time first (refused, with nothing stored, where it cannot); a policy replaced by one
    /// without it ends that.
    /// </summary>
    public void SetPolicy(ElasticPolicySpec spec)
    {
        CheckPair(spec.Donor, spec.Taker);
        var sharing = _ledger.Find(spec.Donor) is not null && _ledger.ElasticStateOf(spec.Donor).IdleOn == spec.Taker;
        if (spec.IdleShare && !sharing)
        {
            ShareIdle(spec.Taker, spec.Donor, $"the policy of {spec.Taker} (--idle-share)");
        }
        else if (!spec.IdleShare && sharing && _ledger.Policies().Any(p => p.Taker == spec.Taker && p.Donor == spec.Donor && p.IdleShare))
        {
            EndIdle(spec.Donor, $"the policy of {spec.Taker} no longer shares idle time");
        }

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

    /// <summary>Removes the policy of <paramref name="taker"/>; the idle share it made (<c>--idle-share</c>) ends with it.</summary>
    public void RemovePolicy(string taker)
    {
        SubOsName.Check(taker);
        var removed = _journal.Run("policy-rm", taker, () =>
        {
            var before = _ledger.Policies().FirstOrDefault(p => p.Taker == taker)
                ?? throw RfException.Invalid($"'{taker}' has no policy (rfm policy ls lists them)");
            _ledger.RemovePolicy(taker);
            return (before, Describe(before), (string?)null);
        });

        if (removed.IdleShare && _ledger.Find(removed.Donor) is not null && _ledger.ElasticStateOf(removed.Donor).IdleOn == taker)
        {
            EndIdle(removed.Donor, $"the policy of {taker} was removed");
        }
    }

    /// <summary>One line for the journal: <c>slack p99&lt;=5ms donor=batch probe=... window=500ms</c>.</summary>
    public static string Describe(ElasticPolicySpec p) =>
        $"{p.Kind.ToText()} {p.Slo} donor={p.Donor} probe={p.Probe} window={DurationText.Format(p.Window)}"
        + (p.Kind == PolicyKind.Threshold ? $" lt={DurationText.Format(p.Lower)} ut={DurationText.Format(p.Upper)}" : string.Empty)
        + $" min={p.MinCpus} max={p.MaxCpus?.ToString(CultureInfo.InvariantCulture) ?? "-"} floor={p.DonorFloor}"
        + (p.IdleShare ? " idle-share" : string.Empty);

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
            var kernelBefore = (_ledger.KernelCpusOf(takerBefore), _ledger.KernelCpusOf(donorBefore));
            var unpark = state.Parked && !giving.IsEmpty;
            var takerAfter = takerBefore with { Cpus = takerCpus, Mems = pool.NodesOf(takerCpus), Revision = takerBefore.Revision + 1 };
            var donorAfter = donorBefore with { Cpus = donorCpus, Mems = donorCpus.IsEmpty ? donorBefore.Mems : pool.NodesOf(donorCpus), Revision = donorBefore.Revision + 1 };
            _ledger.Put(takerAfter);
            _ledger.Put(donorAfter);
            if (unpark)
            {
                _ledger.PutElasticState(loan.Donor, state with { ParkedCpus = null });
            }

            Move(takerBefore, takerAfter, donorBefore, donorAfter, kernelBefore, unpark ? Parking.Unpark : Parking.None);
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
    /// cpusets (but for idle sharing, which names a lender's CPUs in its borrower's cpuset on purpose). A parked giver
    /// freezes instead of shrinking (its cpuset cannot be empty); an unparked receiver gets its CPUs before it thaws.
    /// On failure what was applied is undone before the exception goes on. The records after the move are in the
    /// ledger already: the kernel cpusets (own CPUs and idle-shared ones) are read from it, and
    /// <c>kernelBefore</c> holds the giver's and the receiver's kernel cpusets from before it, for the undo.
    /// </summary>
    private void Move(SubOsRecord giverBefore, SubOsRecord giverAfter, SubOsRecord receiverBefore, SubOsRecord receiverAfter, (CpuSet Giver, CpuSet Receiver) kernelBefore, Parking parking)
    {
        var giver = _backends.For(giverBefore);
        var receiver = _backends.For(receiverBefore);
        var giverRuns = giverBefore.State == SubOsState.Running;
        var receiverRuns = receiverBefore.State == SubOsState.Running;
        var pool = _ledger.Pool();
        var giverKernel = _ledger.KernelCpusOf(giverAfter);
        var receiverKernel = _ledger.KernelCpusOf(receiverAfter);
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
            else if (giverRuns && !giverKernel.Equals(kernelBefore.Giver))
            {
                giver.ApplyCpus(giverBefore.Name, giverKernel, pool.NodesOf(giverKernel));
                undo.Push(() => giver.ApplyCpus(giverBefore.Name, kernelBefore.Giver, giverBefore.Mems));
            }

            if (receiverRuns)
            {
                receiver.ApplyCpus(receiverBefore.Name, receiverKernel, pool.NodesOf(receiverKernel));
                if (parking == Parking.Unpark)
                {
                    undo.Push(() => receiver.ApplyCpus(receiverBefore.Name, kernelBefore.Receiver.IsEmpty ? receiverKernel : kernelBefore.Receiver, receiverBefore.Mems));
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

        // Whoever else runs in the idle time of either follows its new CPUs.
        FollowBorrowers(giverBefore.Name, receiverBefore.Name);
        FollowBorrowers(receiverBefore.Name, giverBefore.Name);
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
        + (state.CpuQuota is { } q ? " quota=" + q.ToString("0.##", CultureInfo.InvariantCulture) : string.Empty)
        + (state.IdleOn is { } lender ? " idle-on=" + lender : string.Empty);
}
