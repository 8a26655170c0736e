using RainForest.Channels;

namespace RainForest.Supervisor.Channels;

/// <summary>A FICM channel as the ledger records it.</summary>
/// <param name="Name">Channel name; the file inside members is /run/rainforest/channels/NAME.</param>
/// <param name="Mode">Unicast (one ring all members share), multicast or broadcast (a ring per member).</param>
/// <param name="Slots">64-byte slots per receiver ring.</param>
/// <param name="MaxMessage">Largest message in bytes.</param>
/// <param name="Members">Member subOSes in receiver-index order, with whether each is still attached.</param>
/// <param name="Created">Creation time.</param>
public sealed record ChannelRecord(string Name, FicmChannelMode Mode, int Slots, int MaxMessage, IReadOnlyList<ChannelMember> Members, DateTimeOffset Created)
{
    /// <summary>Value equality including the member list.</summary>
    public bool Equals(ChannelRecord? other) =>
        other is not null && Name == other.Name && Mode == other.Mode && Slots == other.Slots && MaxMessage == other.MaxMessage
        && Created == other.Created && Members.SequenceEqual(other.Members);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Mode, Slots, MaxMessage);
}
