namespace RainForest.Channels;

/// <summary>The outcome of <see cref="FicmWriter.Offer(System.ReadOnlySpan{byte})"/>.</summary>
public enum FicmWriteStatus
{
    /// <summary>The message is in every target ring and visible to its readers.</summary>
    Written = 0,

    /// <summary>A target ring had no room; nothing was delivered to any receiver.</summary>
    Full = 1,

    /// <summary>The channel is completed; nothing was delivered.</summary>
    Completed = 2,

    /// <summary>None of the target receivers is attached; nothing was delivered.</summary>
    NoReceivers = 3,
}
