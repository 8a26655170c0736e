namespace RainForest.Supervisor.Backends;

/// <summary>The processes that carry a running subOS, as its backend started them; the ledger keeps them.</summary>
/// <param name="AgentPid">Host pid of the agent, pid 1 inside.</param>
/// <param name="AgentStart">Its start time in clock ticks, against pid reuse.</param>
/// <param name="MonitorPid">Host pid of the process that waits for the agent (util-linux unshare for a cell).</param>
public sealed record AgentProcesses(int AgentPid, long AgentStart, int MonitorPid);
