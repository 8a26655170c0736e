namespace RainForest.Supervisor.Backends;

/// <summary>Where and how <c>rfm exec</c> reaches a running subOS's agent.</summary>
/// <param name="Path">The Unix socket.</param>
/// <param name="Transport">What the agent speaks there.</param>
public sealed record AgentEndpoint(string Path, ExecTransport Transport);
