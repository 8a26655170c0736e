using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Bench.Harness.Programs;
using RainForest.Core;
using RainForest.Linux;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Systems;

/// <summary>A subOS: programs run inside through its agent, with pipes for their input and output.</summary>
internal sealed class CellInstance : BenchInstance
{
    private readonly CellSystem _system;
    private readonly int _agentPid;

    /// <summary>Wraps a created subOS.</summary>
    public CellInstance(CellSystem system, string name, int cpuCount, CpuSet cpus, int agentPid)
        : base(SystemNames.Cell, name, cpuCount, cpus)
    {
        _system = system;
        _agentPid = agentPid;
    }

    /// <inheritdoc />
    public override int NetworkNamespacePid => _agentPid;

    /// <summary>The subOS's private /dev/shm, a tmpfs in its own mount namespace that counts against its memory.</summary>
    public override string ScratchDirectory => "/dev/shm";

    /// <inheritdoc />
    public override RunningProgram Start(ProgramSpec spec)
    {
        var socket = _system.Socket(Name);
        var argv = ProgramWrapper.Wrap(spec with { Argv = [.. spec.Argv.Select(SupervisorQueries.InsidePath)] });
        var stdin = Pipe.Create();
        var stdout = Pipe.Create();
        var stderr = Pipe.Create();
        var gate = new Lock();
        var clock = Stopwatch.StartNew();
        var outText = ReadAll(stdout.Read);
        var errText = ReadAll(stderr.Read);
        var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // ExecClient.Run blocks until the program ends: one dedicated thread per program keeps the thread pool free.
        var thread = new Thread(() =>
        {
            try
            {
                exit.SetResult(ExecClient.Run(socket, argv, tty: false, env: spec.Environment, cwd: "/",
                    fds: [stdin.Read, stdout.Write, stderr.Write]));
            }
            catch (Exception e)
            {
                exit.SetException(e);
            }
            finally
            {
                // The agent holds its own copies; ours must close for the readers to see end of file.
                stdout.CloseWrite();
                stderr.CloseWrite();
            }
        })
        {
            IsBackground = true,
            Name = $"rf-bench exec {Name}: {spec.Name}",
        };
        thread.Start();

        async Task<ProgramResult> Complete()
        {
            Exception? failure = null;
            var code = -1;
            try
            {
                code = await exit.Task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
            }

            var elapsed = clock.Elapsed;
            lock (gate)
            {
                stdin.Dispose();
            }

            // Our write ends are closed; the readers end once the program and its children have closed theirs.
            var readers = Task.WhenAll(outText, errText);
            if (await Task.WhenAny(readers, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != readers)
            {
                // Something inside still holds the output open: leave the read ends to the blocked readers.
                throw failure ?? RfException.Failed($"{spec.Name} in subOS '{Name}' exited but its output did not end");
            }

            stdout.Dispose();
            stderr.Dispose();
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            return new ProgramResult(code, outText.Result, errText.Result, elapsed);
        }

        void Stop()
        {
            lock (gate)
            {
                stdin.CloseWrite();
            }
        }

        // No kill of our own: the wrapper's timeout bounds the program, and destroying the subOS ends everything in it.
        return new RunningProgram(spec.Name, Complete(), Stop, static () => { });
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _system.DestroySubOs(Name);
        }
    }

    private static Task<string> ReadAll(SafeFileHandle fd) => Task.Factory.StartNew(() =>
    {
        using var stream = new FileStream(fd, FileAccess.Read, 1);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
