using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>One start handed to the spawner thread; null options only install the filter.</summary>
internal sealed class SpawnRequest(SpawnOptions? options, TaskCompletionSource? started = null)
{
    public SpawnOptions? Options { get; } = options;

    public TaskCompletionSource? Started { get; } = started;

    public TaskCompletionSource<int> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
