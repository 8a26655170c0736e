namespace RainForest.Channels;

/// <summary>A blocking wait an <see cref="AsyncWaiter"/> runs on its thread.</summary>
internal interface IBlockingWait
{
    /// <summary>Blocks until the owner's condition holds (true) or can no longer hold (false).</summary>
    bool Wait(CancellationToken cancellationToken);
}
