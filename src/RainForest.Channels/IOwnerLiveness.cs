namespace RainForest.Channels;

/// <summary>Tells whether the participant an owner tag names still lives; used only by crash recovery.</summary>
internal interface IOwnerLiveness
{
    /// <summary>True while the owner may still write to its record; false once it is certainly gone.</summary>
    /// <remarks>Must never say false for a live owner: recovery would then race it on the record.</remarks>
    bool IsAlive(int owner);
}
