namespace RainForest.Bench.Contracts;

/// <summary>The names rf-ipc-bench's options and the channels tables use for <see cref="IpcTransport"/> and <see cref="IpcWait"/>.</summary>
/// <remarks>Each is the member's name in lower case, as its JSON name is; a test keeps the two in step.</remarks>
public static class IpcNames
{
    /// <summary>The transport's name, such as <c>unix</c>.</summary>
    public static string ToName(this IpcTransport transport) => transport.ToString().ToLowerInvariant();

    /// <summary>The wait mode's name, such as <c>spin</c>.</summary>
    public static string ToName(this IpcWait wait) => wait.ToString().ToLowerInvariant();
}
