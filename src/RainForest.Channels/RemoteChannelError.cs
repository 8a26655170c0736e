namespace RainForest.Channels;

/// <summary>
/// The error a writer gave to <see cref="FicmWriter.Complete"/>, as readers see it. Only the text
/// crosses the process boundary; it is the inner exception of the
/// <see cref="System.Threading.Channels.ChannelClosedException"/> readers get.
/// </summary>
public sealed class RemoteChannelError : Exception
{
    /// <summary>Creates the error from the text stored in the channel.</summary>
    public RemoteChannelError(string message)
        : base(message)
    {
    }
}
