namespace RainForest.Channels.Tests;

/// <summary>A liveness oracle the test controls: owners are alive until killed.</summary>
internal sealed class FakeLiveness : IOwnerLiveness
{
    private readonly HashSet<int> _dead = [];

    public void Kill(int owner) => _dead.Add(owner);

    public bool IsAlive(int owner) => !_dead.Contains(owner);
}
