namespace RainForest.Bench.Harness.Programs;

/// <summary>A program started by the harness: wait for it, or stop it (it then ends within a moment).</summary>
internal sealed class RunningProgram
{
    private readonly Action _stop;
    private readonly Action _kill;
    private int _stopped;

    /// <summary>Wraps a started program.</summary>
    /// <param name="name">For messages.</param>
    /// <param name="completion">Completes when the program has exited and its output is read.</param>
    /// <param name="stop">Closes the program's input, which makes its wrapper end it.</param>
    /// <param name="kill">The last resort when it does not end after <paramref name="stop"/>; may do nothing.</param>
    public RunningProgram(string name, Task<ProgramResult> completion, Action stop, Action kill)
    {
        Name = name;
        Completion = completion;
        _stop = stop;
        _kill = kill;
    }

    /// <summary>The program's name.</summary>
    public string Name { get; }

    /// <summary>Completes with the program's result once it exited.</summary>
    public Task<ProgramResult> Completion { get; }

    /// <summary>Whether it already exited.</summary>
    public bool HasExited => Completion.IsCompleted;

    /// <summary>Asks the program to end (idempotent); does not wait.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stop();
        }
    }

    /// <summary>Waits for the program to end by itself; cancelling stops it and throws.</summary>
    public async Task<ProgramResult> WaitAsync(CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(Stop))
        {
            var result = await Completion.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }

    /// <summary>Stops the program and waits up to <paramref name="grace"/> for it, then kills it.</summary>
    /// <returns>Its result, or null when it had to be killed and has not ended yet.</returns>
    public async Task<ProgramResult?> StopAsync(TimeSpan grace)
    {
        Stop();
        if (await Finished(grace).ConfigureAwait(false))
        {
            return await Completion.ConfigureAwait(false);
        }

        _kill();
        return await Finished(TimeSpan.FromSeconds(5)).ConfigureAwait(false) ? await Completion.ConfigureAwait(false) : null;
    }

    private async Task<bool> Finished(TimeSpan wait)
    {
        var done = await Task.WhenAny(Completion, Task.Delay(wait)).ConfigureAwait(false);
        return done == Completion;
    }
}
