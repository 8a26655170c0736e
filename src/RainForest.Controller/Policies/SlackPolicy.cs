using System.Globalization;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Policies;

/// <summary>
/// Ours: short windows (≤ 1 s), grow fast when the SLO is at risk, give back slowly.
/// </summary>
/// <remarks>
/// <para>Risk is the newest window's tail against a slack target below the SLO (<see cref="SlackOptions.GrowAbove"/>):
/// waiting for a smoothed figure to cross the bound would let a burst through. The step is proportional to the
/// excess: <c>need = taker CPUs × (tail / target − 1) × gain</c>, at most half the taker's CPUs (at least 2),
/// as a queue that is over its target by half needs about half as much capacity again.</para>
/// <para>Below one whole CPU the donor keeps its CPUs and loses bandwidth instead (a CFS quota, in
/// <see cref="SlackOptions.QuotaStep"/> steps): that halves the interference a batch job causes through shared
/// caches and memory without parking it. Once the cut reaches a whole CPU, a CPU moves and the quota is lifted.
/// Under idle sharing (<see cref="ElasticPolicySpec.IdleShare"/>) a whole CPU moves at once instead: the donor keeps
/// running on it in the taker's idle time, so the move costs it only what the taker uses; once nothing is left to lend,
/// its quota is over every CPU it runs on, the taker's included, and it rises again by a step in each window within the
/// slack target (additive increase, cut by the need when at risk), rather than only after calm windows.</para>
/// <para>Shrinking waits for the window's tail and a smoothed tail (EWMA) below <see cref="SlackOptions.ShrinkBelow"/> of
/// the bound, lowered by the ratio the shrink would raise each remaining CPU's load by (not when the step only lifts a
/// quota, which takes no CPU from the taker), for
/// <see cref="SlackOptions.ShrinkAfterWindows"/> windows in a row, and for a cooldown after the last growth; it then lifts
/// the quota first, then gives back a fifth of the taker's CPUs (at least one), and the calm count starts again
/// (hysteresis). Where the taker's CPU use is measured (<see cref="ElasticObservation.TakerCpuUsed"/>) a window is
/// also calm when what the taker uses would fill at most <see cref="SlackOptions.ShrinkUtilization"/> of the CPUs it
/// keeps and its tails are below <see cref="SlackOptions.UnderusedShrinkBelow"/> of the bound: a tail above the
/// first bar on a taker that uses a fraction of one CPU comes from the machine (the host, a load generator beside it),
/// not from a lack of CPUs, and the first bar alone would keep the CPUs lent for good. A shrink that had to be undone
/// within a cooldown doubles the calm count needed next time (up to <see cref="SlackOptions.MaxShrinkBackoff"/>); a
/// shrink that held halves it again.</para>
/// <para>A cut that does not help is undone: when the donor has sat at its floor quota with nothing left to lend for
/// <see cref="SlackOptions.FutileCutWindows"/> windows at risk and the smoothed tail has not fallen below
/// <see cref="SlackOptions.FutileCutImprovement"/> of what it was at the episode's first cut, the donor is not what
/// holds the tail up (on a VM whose idle CPUs wake slowly, emptying a CPU even raises it): the quota is lifted and not
/// cut again for <see cref="SlackOptions.FutileCutHold"/>, doubled on each futile cut in a row.</para>
/// <para>Memory moves in <see cref="ElasticPolicySpec.MemoryStep"/> steps while the taker's memory pressure is high,
/// and goes back once it has stayed low; the donor keeps its memory floor.</para>
/// </remarks>
public sealed class SlackPolicy : IElasticPolicy
{
    private readonly SlackOptions _options;
    private double _smoothed = double.NaN;
    private double _smoothedUse = double.NaN;
    private int _calmWindows;
    private TimeSpan? _lastGrowth;
    private TimeSpan? _lastShrink;
    private int _shrinkBackoff = 1;
    private double _tailAtFirstCut = double.NaN;
    private int _floorWindows;
    private TimeSpan? _noCutUntil;
    private int _futileBackoff = 1;
    private TimeSpan? _lastMemoryMove;
    private int _lowPressureWindows;
    private long _memoryBorrowed;

    /// <summary>Creates the policy for <paramref name="spec"/> (whose kind is slack).</summary>
    public SlackPolicy(ElasticPolicySpec spec, SlackOptions? options = null)
    {
        if (spec.Kind != PolicyKind.Slack)
        {
            throw new ArgumentException("not a slack policy", nameof(spec));
        }

        Spec = spec;
        _options = options ?? new SlackOptions();
    }

    /// <inheritdoc/>
    public ElasticPolicySpec Spec { get; }

    /// <summary>The smoothed tail estimate after the last window; zero before the first.</summary>
    public TimeSpan SmoothedTail => double.IsNaN(_smoothed) ? TimeSpan.Zero : TimeSpan.FromTicks((long)_smoothed);

    /// <summary>The lowest quota a cut leaves the donor, in CPUs: the policy's floor or the donor's own, the higher.</summary>
    private double QuotaFloor => Math.Max(_options.MinQuota, Spec.DonorFloor);

    /// <inheritdoc/>
    public ElasticDecision? Decide(ElasticObservation observation, ElasticAllocation current)
    {
        var window = observation.Window;
        var now = observation.End;
        var memory = DecideMemory(observation, current);
        if (observation.TakerCpuUsed is { } used)
        {
            _smoothedUse = double.IsNaN(_smoothedUse) ? used : (_options.Smoothing * used) + ((1 - _options.Smoothing) * _smoothedUse);
        }

        if (window.IsEmpty)
        {
            return memory is 0 ? null : MemoryOnly(now, memory, window.Tail, observation.TakerMemoryPressure);
        }

        var tail = (double)window.Tail.Ticks;
        _smoothed = double.IsNaN(_smoothed) ? tail : (_options.Smoothing * tail) + ((1 - _options.Smoothing) * _smoothed);
        var bound = (double)Spec.Slo.Bound.Ticks;
        var target = bound * _options.GrowAbove;
        var label = Spec.Slo.PercentileLabel;

        if (tail > target)
        {
            _calmWindows = 0;
            var need = current.TakerCpus * ((tail / target) - 1) * _options.GrowGain;
            var why = $"{label} {F(window.Tail)} (smoothed {F(SmoothedTail)}) above the slack target {F(TimeSpan.FromTicks((long)target))} (SLO {F(Spec.Slo.Bound)}): needs {need.ToString("0.##", CultureInfo.InvariantCulture)} cpu";
            if (FutileCut(current, now, window.Tail, memory) is { } lift)
            {
                return lift;
            }

            var grow = Grow(current, need, now, window.Tail, why, memory, allowCut: _noCutUntil is not { } until || now >= until);
            if (grow is not null)
            {
                if (grow.Quota is { Cpus: not null } && current.DonorQuota is null)
                {
                    _tailAtFirstCut = _smoothed;
                }

                // Growth soon after a shrink means the shrink went too far: wait longer before the next one.
                if (_lastShrink is { } shrank && now - shrank < _options.Cooldown)
                {
                    _shrinkBackoff = Math.Min(_shrinkBackoff * 2, _options.MaxShrinkBackoff);
                }

                _lastGrowth = now;
                return grow;
            }

            return memory is 0 ? null : MemoryOnly(now, memory, window.Tail, observation.TakerMemoryPressure);
        }

        // Under idle sharing a cut quota comes back a step per window in which neither the tail nor the smoothed tail is
        // at risk: it takes no CPU from the taker, only idle time the donor runs in, and the calm bar below would keep
        // it cut wherever the service's tail floor lies above that bar for reasons the donor does not cause (the load
        // generator's and the host's tasks on the same CPUs): the quota then stays at the floor for good.
        if (Spec.IdleShare && current.DonorQuota is { } cut && _smoothed <= target)
        {
            _calmWindows = 0;
            var runsOn = current.DonorCpus + current.TakerCpus;
            var raised = cut + _options.QuotaStep;
            var why = $"{label} {F(window.Tail)}, smoothed {F(SmoothedTail)}, within the slack target {F(TimeSpan.FromTicks((long)target))}: the donor's quota rises a step";
            if (raised >= runsOn)
            {
                CutEpisodeEnded();
            }

            return new ElasticDecision(now, 0, new QuotaChange(raised >= runsOn ? null : raised), memory, window.Tail, why);
        }

        // A shrink raises each remaining CPU's load by c / (c - step): the calm bar is lowered by the same ratio,
        // so a taker running warm on many CPUs is not cut into a queue that explodes.
        // Lifting a quota first takes no CPU from the taker: its bar is not lowered. Where the taker's CPU use is
        // measured, a taker that would still leave most of the CPUs it keeps idle has a higher bar (Underused).
        var step = Math.Min(GuardRails.Shrinkable(Spec, current), Math.Max(1, (int)(current.TakerCpus * _options.ShrinkFraction)));
        var calmBar = bound * _options.ShrinkBelow * (step > 0 && current.DonorQuota is null ? (current.TakerCpus - step) / (double)current.TakerCpus : 1);
        var underused = step > 0 ? Underused(observation.TakerCpuUsed, current.TakerCpus - step, bound) : 0;
        var byUse = underused > calmBar;
        calmBar = Math.Max(calmBar, underused);
        if (_smoothed < calmBar && tail < calmBar)
        {
            _calmWindows++;
        }
        else
        {
            _calmWindows = 0;
        }

        if (_lastShrink is { } last && _lastGrowth is { } grown && grown < last && now - last >= _options.Cooldown)
        {
            // A whole cooldown passed since the last shrink without growth: it was right; trust the next sooner.
            _shrinkBackoff = Math.Max(1, _shrinkBackoff / 2);
            _lastGrowth = null;
        }

        if (_calmWindows >= _options.ShrinkAfterWindows * _shrinkBackoff && (_lastGrowth is not { } grew || now - grew >= _options.Cooldown))
        {
            var why = $"{label} {F(window.Tail)}, smoothed {F(SmoothedTail)}, below {F(TimeSpan.FromTicks((long)calmBar))} for {_calmWindows} windows" +
                      (byUse ? $", using {_smoothedUse.ToString("0.##", CultureInfo.InvariantCulture)} cpu of {current.TakerCpus}" : "");
            if (current.DonorQuota is not null)
            {
                _calmWindows = 0;
                _lastShrink = now;
                CutEpisodeEnded();
                return new ElasticDecision(now, 0, new QuotaChange(null), memory, window.Tail, why);
            }

            if (step >= 1)
            {
                _calmWindows = 0;
                _lastShrink = now;
                return new ElasticDecision(now, -step, null, memory, window.Tail, why);
            }
        }

        return memory is 0 ? null : MemoryOnly(now, memory, window.Tail, observation.TakerMemoryPressure);
    }

    /// <summary>
    /// The tail bar of a window calm by CPU use: <see cref="SlackOptions.UnderusedShrinkBelow"/> of the bound where the
    /// taker would use at most <see cref="SlackOptions.ShrinkUtilization"/> of the <paramref name="kept"/> CPUs; 0 (never
    /// calm) where it would use more, or its use is not measured.
    /// </summary>
    private double Underused(double? used, int kept, double bound)
    {
        if (used is not { } window || kept < 1)
        {
            return 0;
        }

        var use = Math.Max(window, double.IsNaN(_smoothedUse) ? window : _smoothedUse);
        return use / kept <= _options.ShrinkUtilization ? bound * _options.UnderusedShrinkBelow : 0;
    }

    /// <summary>
    /// Lifts a cut that did not help (<see cref="SlackOptions.FutileCutWindows"/>): the donor at its floor quota, nothing
    /// left to lend, and the smoothed tail not lower than at the first cut; null while the cut may still be working.
    /// </summary>
    private ElasticDecision? FutileCut(ElasticAllocation current, TimeSpan now, TimeSpan trigger, long memory)
    {
        var floor = QuotaFloor;
        if (current.DonorQuota is not { } quota || quota > floor + 1e-9 || GuardRails.Growable(Spec, current) > 0 || double.IsNaN(_tailAtFirstCut))
        {
            _floorWindows = 0;
            return null;
        }

        if (++_floorWindows < _options.FutileCutWindows || _smoothed < _tailAtFirstCut * _options.FutileCutImprovement)
        {
            return null;
        }

        var hold = _options.FutileCutHold * _futileBackoff;
        var why = $"{Spec.Slo.PercentileLabel} {F(trigger)} (smoothed {F(SmoothedTail)}) still at risk after {_floorWindows} windows with the donor at its floor of " +
                  $"{floor.ToString("0.##", CultureInfo.InvariantCulture)} cpu (smoothed {F(TimeSpan.FromTicks((long)_tailAtFirstCut))} at the first cut): " +
                  $"the donor is not what holds the tail up; its quota is lifted and not cut for {hold.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
        _noCutUntil = now + hold;
        _futileBackoff = Math.Min(_futileBackoff * 2, _options.MaxShrinkBackoff);
        _floorWindows = 0;
        _tailAtFirstCut = double.NaN;
        return new ElasticDecision(now, 0, new QuotaChange(null), memory, trigger, why);
    }

    /// <summary>A cut quota came back by calm windows: the cut had done its work, so the next futile one is held less long.</summary>
    private void CutEpisodeEnded()
    {
        _tailAtFirstCut = double.NaN;
        _futileBackoff = Math.Max(1, _futileBackoff / 2);
    }

    private ElasticDecision? Grow(ElasticAllocation current, double need, TimeSpan now, TimeSpan trigger, string why, long memory, bool allowCut)
    {
        var growable = GuardRails.Growable(Spec, current);

        // Under idle sharing the donor also runs on the taker's CPUs, and its bandwidth is over all of them.
        var runsOn = current.DonorCpus + (Spec.IdleShare ? current.TakerCpus : 0);
        var throttled = current.DonorQuota is { } quota ? Math.Max(0, runsOn - quota) : 0;

        // Below one whole CPU, and room to cut the donor's bandwidth: cut it by a step. Not while the donor runs in the
        // taker's idle time: a lent CPU then costs it only the time the taker uses there, so a whole CPU is cheaper
        // than a quota, which would also take from the donor the idle time it runs in. With nothing left to lend the
        // quota is the one lever, then on a donor that idle-shares too: even in the idle class its jobs cost the taker a
        // preemption and the caches on every wake-up.
        // While a futile cut is held off (FutileCut), only CPUs move.
        if (allowCut && ((need + throttled < 1 && !Spec.IdleShare) || growable == 0))
        {
            var floor = QuotaFloor;
            var cut = Math.Max(_options.QuotaStep, Math.Ceiling(need / _options.QuotaStep) * _options.QuotaStep);
            var next = Math.Max(floor, (current.DonorQuota ?? runsOn) - cut);
            if (runsOn > 0 && next < (current.DonorQuota ?? runsOn) && (growable == 0 || runsOn - next < 1))
            {
                return new ElasticDecision(now, 0, new QuotaChange(next), memory, trigger, why);
            }
        }

        if (growable == 0)
        {
            return null;
        }

        var cap = Math.Max(2, (int)Math.Ceiling(current.TakerCpus * _options.MaxGrowFraction));
        var cpus = Math.Clamp((int)Math.Ceiling(need + throttled - 1e-9), 1, Math.Min(cap, growable));
        return new ElasticDecision(now, cpus, current.DonorQuota is null ? null : new QuotaChange(null), memory, trigger, why);
    }

    private long DecideMemory(ElasticObservation observation, ElasticAllocation current)
    {
        var step = Spec.MemoryStep.Bytes;
        if (step == 0 || observation.TakerMemoryPressure is not { } pressure)
        {
            return 0;
        }

        var now = observation.End;
        var rested = _lastMemoryMove is not { } moved || now - moved >= _options.MemoryCooldown;
        if (pressure >= _options.MemoryPressureAbove)
        {
            _lowPressureWindows = 0;
            if (rested && current.DonorMemory - step >= Spec.DonorMemoryFloor.Bytes)
            {
                _lastMemoryMove = now;
                _memoryBorrowed += step;
                return step;
            }

            return 0;
        }

        _lowPressureWindows = pressure < _options.MemoryPressureBelow ? _lowPressureWindows + 1 : 0;
        if (_memoryBorrowed > 0 && rested && _lowPressureWindows >= _options.ShrinkAfterWindows)
        {
            var back = Math.Min(step, _memoryBorrowed);
            _lastMemoryMove = now;
            _memoryBorrowed -= back;
            _lowPressureWindows = 0;
            return -back;
        }

        return 0;
    }

    private ElasticDecision MemoryOnly(TimeSpan now, long memory, TimeSpan trigger, double? pressure) =>
        new(now, 0, null, memory, trigger,
            $"memory pressure {pressure?.ToString("0.#", CultureInfo.InvariantCulture)}% " + (memory > 0 ? $">= {_options.MemoryPressureAbove}%" : $"< {_options.MemoryPressureBelow}% for {_options.ShrinkAfterWindows} windows"));

    private static string F(TimeSpan t) => ElasticDecision.Format(t);
}
