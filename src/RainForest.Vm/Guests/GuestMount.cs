using RainForest.Vm.Qemu;

namespace RainForest.Vm.Guests;

/// <summary>A 9p share mounted at <paramref name="GuestPath"/> inside the guest's root.</summary>
/// <param name="Share">The host directory and its tag.</param>
/// <param name="GuestPath">Where the guest sees it (absolute).</param>
public sealed record GuestMount(NinePShare Share, string GuestPath);
