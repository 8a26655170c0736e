namespace RainForest.Supervisor.Cells;

/// <summary>The processes that carry a running subOS.</summary>
/// <param name="AgentPid">Host pid of the agent, pid 1 inside.</param>
/// <param name="AgentStart">Its start time in clock ticks, against pid reuse.</param>
/// <param name="MonitorPid">Host pid of the unshare process that waits for the agent.</param>
public sealed record AgentProcesses(int AgentPid, long AgentStart, int MonitorPid);
