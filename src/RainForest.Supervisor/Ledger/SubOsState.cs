namespace RainForest.Supervisor.Ledger;

/// <summary>Life-cycle states of a subOS in the ledger.</summary>
public enum SubOsState
{
    /// <summary>Its agent runs and serves commands.</summary>
    Running,

    /// <summary>Its agent died; its resources stay reserved until <c>rfm start</c> or <c>rfm destroy</c>.</summary>
    Dead,
}
