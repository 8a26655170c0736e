namespace RainForest.Supervisor.Channels;

/// <summary>One member of a channel.</summary>
/// <param name="SubOs">The member subOS.</param>
/// <param name="Receiver">Its receiver index (its ring) in the channel.</param>
/// <param name="Attached">False once the member was destroyed: writers skip its ring.</param>
public sealed record ChannelMember(string SubOs, int Receiver, bool Attached);
