namespace RainForest.Bench.Worker;

/// <summary>The entry point of <c>rf-bench-worker</c>.</summary>
public static class Program
{
    /// <summary>Runs <see cref="WorkerCommand"/> on the process's console.</summary>
    public static int Main(string[] args) => WorkerCommand.Run(args, Console.Out, Console.Error);
}
