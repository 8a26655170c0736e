namespace RainForest.Bench.Harness;

/// <summary>Receives an experiment's progress and remarks while it runs (a progress display, or a log).</summary>
public interface IBenchObserver
{
    /// <summary>A task of the experiment advanced.</summary>
    /// <param name="task">The task, such as <c>micro: mmap</c>; the same text for the same task.</param>
    /// <param name="fraction">Its completed fraction, 0 to 1.</param>
    void Progress(string task, double fraction);

    /// <summary>Something the user should see now (a package being installed, a system skipped).</summary>
    void Info(string message);
}
