namespace RainForest.Bench.Tests.Ipc;

/// <summary>Tests that redirect the process's console take turns.</summary>
internal static class ConsoleGate
{
    public static readonly Lock Lock = new();
}
