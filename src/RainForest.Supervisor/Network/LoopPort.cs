namespace RainForest.Supervisor.Network;

/// <summary>One member's port on the RFloop bridge and the only source it may send from.</summary>
/// <param name="Link">The outer end of the member's veth in the supervisor's namespace (<c>rf</c> and 10 hex digits).</param>
/// <param name="Mac">The MAC the supervisor gave the member's <c>eth0</c> (<see cref="LoopFilter.MacOf"/>).</param>
/// <param name="Address">The IPv4 address the supervisor gave the member's <c>eth0</c>.</param>
public sealed record LoopPort(string Link, string Mac, string Address);
