using System.Globalization;
using System.Text.Json.Serialization;
using RainForest.Supervisor.Json;

namespace RainForest.Supervisor.Kernels;

/// <summary>How a kernel subOS's vCPUs change while it runs, as <c>rfm show</c> tells it (from <c>guest.json</c>).</summary>
/// <param name="Mode">Hot-plug, budgeted hot-plug (TCG) or parking (TCG guests from before the budget).</param>
/// <param name="ThreadBudget">Under TCG with a budget, the vCPU threads its QEMU may start in its life (maxcpus); else null.</param>
/// <param name="ThreadsStarted">The vCPU threads its QEMU has started (boot and plugs); null without a budget.</param>
/// <param name="PlugsLeft">The <c>device_add</c>s left; null without a budget.</param>
/// <param name="Unplugs">Whether a shrink may unplug (<c>device_del</c>) rather than park.</param>
public sealed record GuestVcpuChange(
    [property: JsonConverter(typeof(CamelCaseEnumConverter<GuestVcpuMode>))] GuestVcpuMode Mode,
    int? ThreadBudget,
    int? ThreadsStarted,
    int? PlugsLeft,
    bool Unplugs)
{
    /// <summary>What <paramref name="state"/> records of it.</summary>
    public static GuestVcpuChange Of(GuestState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Budget is { } budget
            ? new GuestVcpuChange(GuestVcpuMode.Budget, budget.Slots, budget.Started, budget.Left, budget.Unplugs)
            : new GuestVcpuChange(state.VcpuMode, null, null, null, state.VcpuMode == GuestVcpuMode.Hotplug);
    }

    /// <summary>One line for <c>rfm show</c>.</summary>
    public string Describe() => Mode switch
    {
        GuestVcpuMode.Budget when Unplugs => string.Create(CultureInfo.InvariantCulture,
            $"QMP hot-plug (TCG): {PlugsLeft} of {ThreadBudget} vCPU thread starts left; a shrink unplugs while later grows stay possible, else parks"),
        GuestVcpuMode.Budget => string.Create(CultureInfo.InvariantCulture,
            $"QMP hot-add (TCG): {PlugsLeft} of {ThreadBudget} vCPU thread starts left; a shrink parks (this QEMU corrupts its heap unplugging a TCG vCPU)"),
        GuestVcpuMode.Parked => "parking (TCG): every vCPU booted, the guest onlines and offlines them",
        _ => "QMP hot-plug both ways",
    };
}
