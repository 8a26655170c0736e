namespace RainForest.Channels;

/// <summary>How a channel delivers messages to its receivers.</summary>
public enum FicmChannelMode
{
    /// <summary>One receiver ring. Any number of writers; one reader or several competing readers, each message read once.</summary>
    Unicast = 0,

    /// <summary>One ring per receiver; each write names its receivers with a <see cref="ReceiverMask"/> (no mask: every attached receiver).</summary>
    Multicast = 1,

    /// <summary>One ring per receiver; every write goes to every attached receiver.</summary>
    Broadcast = 2,
}
