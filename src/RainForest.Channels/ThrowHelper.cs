using System.Diagnostics.CodeAnalysis;

namespace RainForest.Channels;

/// <summary>Throws kept out of the hot methods, so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowMessageTooLarge(int length, int maxMessageSize) =>
        throw new ArgumentException($"the message is {length} bytes; this channel carries at most {maxMessageSize}", "message");

    [DoesNotReturn]
    public static void ThrowDestinationTooSmall(int destinationLength, int messageLength) =>
        throw new ArgumentException($"the next message is {messageLength} bytes but the destination holds {destinationLength}; it was left in the channel", "destination");

    [DoesNotReturn]
    public static void ThrowObjectDisposed(object instance) => throw new ObjectDisposedException(instance.GetType().Name);

    [DoesNotReturn]
    public static void ThrowNoReceivers() =>
        throw new InvalidOperationException("none of the target receivers is attached; the message was not delivered");
}
