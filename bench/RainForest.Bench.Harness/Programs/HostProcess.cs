using System.ComponentModel;
using System.Diagnostics;

namespace RainForest.Bench.Harness.Programs;

/// <summary>Starts programs as children of this process, with pipes for their input and output.</summary>
internal static class HostProcess
{
    /// <summary>
    /// Starts <paramref name="spec"/> wrapped by <see cref="ProgramWrapper"/>, after <paramref name="prefix"/>
    /// (such as <c>nsenter -t PID -n --</c> or <c>lxc-attach -n NAME --</c>).
    /// </summary>
    /// <exception cref="Core.RfException">The program could not be started.</exception>
    public static RunningProgram Start(ProgramSpec spec, IReadOnlyList<string> prefix)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(prefix);
        IReadOnlyList<string> argv = [.. prefix, .. ProgramWrapper.Wrap(spec)];
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var variable in spec.Environment)
        {
            var eq = variable.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                info.Environment[variable[..eq]] = variable[(eq + 1)..];
            }
        }

        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(info) ?? throw Core.RfException.Failed($"{argv[0]} did not start");
        }
        catch (Win32Exception e)
        {
            throw Core.RfException.Failed($"cannot start {argv[0]}: {e.Message}", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var completion = Complete(process, stdout, stderr, clock);
        return new RunningProgram(spec.Name, completion, () => CloseInput(process), () => Kill(process));
    }

    private static async Task<ProgramResult> Complete(Process process, Task<string> stdout, Task<string> stderr, Stopwatch clock)
    {
        using (process)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            return new ProgramResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), elapsed);
        }
    }

    private static void CloseInput(Process process)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // It already exited.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            // Only this process's own child and its descendants: the program the harness started.
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or ObjectDisposedException)
        {
            // It already exited.
        }
    }
}
