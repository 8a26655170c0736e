namespace RainForest.Bench.Load;

/// <summary>
/// An open-loop load generator for memcached (text protocol): requests leave at times fixed in
/// advance, whatever the server does, and each latency is measured from the request's intended
/// send time, so a stalled server shows up in the tail instead of slowing the generator down.
/// </summary>
/// <remarks>
/// <para>
/// A closed-loop generator waits for a reply before sending the next request, so during a server
/// stall it stops sending and records one slow request per connection instead of the thousands of
/// users that would have waited ("coordinated omission"). Here a dedicated sender thread writes
/// every request at its scheduled time (sleeping when far ahead, spinning in the last tens of
/// microseconds), requests queue in the connections' buffers if the server falls behind, and the
/// queueing time is part of each latency. One receiver thread waits in poll(2) on every connection
/// and reads the replies; neither thread goes through the thread pool, so that the generator takes
/// as little CPU as it can from the service it shares a machine with.
/// </para>
/// <para>
/// Every run ends by itself: at warm-up + duration + drain timeout at the latest. Requests still
/// unanswered then are timeouts. Connections, sockets and the sender thread are released before
/// the returned task completes.
/// </para>
/// </remarks>
public static class LoadGenerator
{
    /// <summary>Connects, optionally preloads keys, runs the schedule the options describe and returns what it measured.</summary>
    /// <param name="options">What to run; validated first.</param>
    /// <param name="progress">Called every <see cref="LoadOptions.ProgressInterval"/> and once at the end; on the caller's task, not the sender's.</param>
    /// <param name="cancellationToken">Stops the run early; the task then ends in <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The server cannot be reached.</exception>
    /// <exception cref="TimeoutException">A connection or a preload batch took longer than <see cref="LoadOptions.SetupTimeout"/>.</exception>
    /// <exception cref="InvalidDataException">The server answered the preload with something that is not memcached.</exception>
    public static Task<LoadResult> RunAsync(
        LoadOptions options, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LoadRun.RunAsync(options, progress, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(LoadOptions, IProgress{LoadProgress}?, CancellationToken)"/>, and reports each
    /// <see cref="LoadOptions.WindowInterval"/> of the measured part to <paramref name="window"/> once it has ended
    /// (on the caller's task), the last one when the run stops.
    /// </summary>
    public static Task<LoadResult> RunAsync(
        LoadOptions options, IProgress<LoadProgress>? progress, Action<LoadWindow>? window, CancellationToken cancellationToken = default) =>
        LoadRun.RunAsync(options, progress, window, cancellationToken);
}
