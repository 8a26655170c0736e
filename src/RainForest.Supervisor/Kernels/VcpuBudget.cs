namespace RainForest.Supervisor.Kernels;

/// <summary>
/// The vCPU threads one QEMU process may still start under TCG, and what that allows: TCG never gives back the context
/// a vCPU thread registers (<c>tcg_register_thread</c>), so a QEMU started with <c>-smp N,maxcpus=Q</c> can start Q vCPU
/// threads in its whole life, boot vCPUs and every <c>device_add</c> of one together, and the next one kills it.
/// </summary>
/// <remarks>
/// A guest is booted with Q above the most vCPUs it may ever hold (M, <see cref="GuestState.MaxCpus"/>) so that there
/// are starts to spend. A grow onlines a parked vCPU where there is one, else plugs one while starts are left. A shrink
/// unplugs only while every later grow up to M stays possible: the vCPUs still present (online or parked) and the
/// starts left must together reach M; otherwise it parks the vCPU. Where QEMU's heap does not survive an unplug at
/// all (<see cref="Unplugs"/> false: QEMU before 10) it always parks, and the plugs never exceed M.
/// </remarks>
/// <param name="Slots">Q: the vCPU threads this QEMU may start in its life (its <c>maxcpus</c>).</param>
/// <param name="Started">The vCPU threads it has started: its boot vCPUs and every plug tried since.</param>
/// <param name="Most">M: the most vCPUs the guest may hold at once.</param>
/// <param name="Unplugs">Whether a vCPU may be unplugged at all (QEMU 10 and later under TCG).</param>
public sealed record VcpuBudget(int Slots, int Started, int Most, bool Unplugs)
{
    /// <summary>Thread starts beyond twice M: a few grows more before the budget forces parking.</summary>
    public const int Spare = 2;

    /// <summary>The thread starts left.</summary>
    public int Left => Math.Max(0, Slots - Started);

    /// <summary>Whether one more vCPU may be plugged.</summary>
    public bool CanPlug => Left > 0;

    /// <summary>
    /// The budget of a guest booting <paramref name="boot"/> vCPUs with room for <paramref name="most"/>: Q = 2M + <see cref="Spare"/>
    /// (at most <paramref name="limit"/>, the machine type's vCPU limit, and never below M) where vCPUs may be unplugged;
    /// M where they may not, since plugs then never outnumber what the guest may hold.
    /// </summary>
    public static VcpuBudget AtBoot(int boot, int most, bool unplugs, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(boot, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(most, boot);
        var slots = unplugs ? Math.Max(most, Math.Min((2 * most) + Spare, limit)) : most;
        return new VcpuBudget(slots, boot, most, unplugs);
    }

    /// <summary>
    /// The budget as recorded before a <c>device_add</c> is tried: the start is counted first, so that a crash between
    /// the plug and the record can only leave starts unspent, never spend one twice.
    /// </summary>
    /// <exception cref="InvalidOperationException">No start is left.</exception>
    public VcpuBudget Plugging() => CanPlug ? this with { Started = Started + 1 } : throw new InvalidOperationException($"all {Slots} vCPU thread starts are spent");

    /// <summary>How to give up one vCPU while <paramref name="present"/> vCPUs (online and parked) are present.</summary>
    public VcpuRemoval Remove(int present) => Unplugs && present - 1 + Left >= Most ? VcpuRemoval.Unplug : VcpuRemoval.Park;
}
