namespace RainForest.Supervisor.Network;

/// <summary>How a subOS is networked (<c>--net</c>); the ledger stores the lower-case name.</summary>
public enum NetMode
{
    /// <summary>Loopback only.</summary>
    None,

    /// <summary>Joined to the supervisor's RFloop segment, where members resolve each other as NAME and NAME.rf.</summary>
    Loop,
}
