namespace RainForest.Supervisor.Kernels;

/// <summary>
/// Who a kernel subOS's QEMU runs as on the host and what it sees: the Security Guard of the kernel backend.
/// </summary>
/// <remarks>
/// The uid and gid are the first id of the subOS's own range from the ledger (<see cref="Core.Model.IdRanges"/>), the
/// range a cell's user namespace maps root to: unique to this subOS while it exists, owned by no file on the host,
/// freed on destroy. A single shared "qemu" user would let one guest's QEMU signal, ptrace or read /proc of another's;
/// a range id needs no passwd entry. QEMU keeps no capability, runs under its own seccomp filter
/// (<see cref="Vm.Qemu.QemuOptions.StrictSandbox"/>) and in a mount namespace of its own.
/// </remarks>
/// <param name="Id">QEMU's uid and gid (the subOS's id base).</param>
/// <param name="Groups">Supplementary groups: the group of /dev/kvm under KVM, else none.</param>
/// <param name="StateDirectory">The supervisor's state directory, an empty read-only tmpfs in QEMU's view except for <paramref name="OwnDirectory"/>.</param>
/// <param name="OwnDirectory">The subOS's directory inside the state directory, bound back into QEMU's view.</param>
/// <param name="EmptyDirectories">Host directories that QEMU sees as empty (the host's homes), as a cell does.</param>
/// <param name="ChannelRoot">The channel root on /dev/shm, hidden the same way but for <paramref name="ChannelDirectory"/>.</param>
/// <param name="ChannelDirectory">The subOS's channel links (the files its ivshmem devices map), bound back.</param>
internal sealed record QemuConfinement(uint Id, IReadOnlyList<uint> Groups, string StateDirectory, string OwnDirectory, IReadOnlyList<string> EmptyDirectories, string ChannelRoot, string ChannelDirectory);
