using RainForest.Linux.Cgroups;

namespace RainForest.Supervisor.Queries;

/// <summary>One subOS's usage at one moment: what its cgroups count, and the traffic on its RFloop port.</summary>
/// <param name="Name">The subOS.</param>
/// <param name="Created">When it was created: a subOS made again under the same name is another one (its counters start afresh).</param>
/// <param name="Cpus">CPUs it owns in the ledger.</param>
/// <param name="Alive">Whether its agent runs.</param>
/// <param name="Cgroup">What its cgroups say; null when its groups are gone (a dead subOS that reconcile has not restarted).</param>
/// <param name="LoopReceiveBytes">Bytes its <c>eth0</c> on the RFloop segment received; null without RFloop or a live agent.</param>
/// <param name="LoopTransmitBytes">Bytes its <c>eth0</c> on the RFloop segment sent; null without RFloop or a live agent.</param>
public sealed record SubOsUsage(string Name, DateTimeOffset Created, int Cpus, bool Alive, CgroupUsage? Cgroup, long? LoopReceiveBytes, long? LoopTransmitBytes);
