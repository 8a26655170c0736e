using System.Diagnostics;
using System.Text;
using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// A running QEMU: its serial console copied line by line to a log file (and to a callback), a time
/// limit after which it is killed, and a kill that leaves nothing behind.
/// </summary>
/// <remarks>
/// QEMU is one process (its vCPU and I/O threads are threads), so killing its pid ends the guest.
/// Where util-linux's setpriv exists, QEMU is started through <c>setpriv --pdeathsig KILL</c>, so
/// the kernel kills it when the thread that started it ends, even if this process is killed with
/// SIGKILL and never runs its clean-up: a forgotten TCG guest would otherwise keep a host CPU
/// busy. The death signal follows the starting thread, not the process, so the launcher starts
/// QEMU from a thread of its own that lives until QEMU has exited.
/// </remarks>
public sealed class QemuProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pump;
    private readonly Stopwatch _clock;
    private readonly Thread _owner;
    private readonly ManualResetEventSlim _exited;
    private bool _killed;

    private QemuProcess(Process process, Thread owner, ManualResetEventSlim exited, StreamWriter log, string logPath, Action<string>? onLine, Stopwatch clock)
    {
        _process = process;
        _owner = owner;
        _exited = exited;
        _log = log;
        ConsoleLogPath = logPath;
        _clock = clock;
        _pump = Task.Run(() => Pump(onLine));
    }

    /// <summary>QEMU's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The console log file.</summary>
    public string ConsoleLogPath { get; }

    /// <summary>The full command line, as started (for logs).</summary>
    public required IReadOnlyList<string> CommandLine { get; init; }

    /// <summary>
    /// Starts QEMU with <paramref name="options"/>; its console goes to <paramref name="consoleLogPath"/>
    /// and, line by line, to <paramref name="onLine"/>.
    /// </summary>
    /// <exception cref="RfException">QEMU is not installed, or the kernel or initramfs is missing (exit code 2), or it cannot be started (1).</exception>
    public static QemuProcess Start(QemuOptions options, string consoleLogPath, Action<string>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binary = HostCommand.Find(options.Binary) ?? throw RfException.Invalid($"{options.Binary} is not installed (apt-get install qemu-system-x86)");
        foreach (var file in new[] { options.KernelPath, options.InitrdPath })
        {
            if (file is not null && !File.Exists(file))
            {
                throw RfException.Invalid($"{file} does not exist");
            }
        }

        var arguments = QemuCommandLine.Build(options);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var setpriv = HostCommand.Find("setpriv");
        var line = new List<string>();
        if (setpriv is not null)
        {
            line.AddRange([setpriv, "--pdeathsig", "KILL", "--"]);
        }

        line.Add(binary);
        line.AddRange(arguments);
        start.FileName = line[0];
        foreach (var argument in line.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(consoleLogPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        log.WriteLine($"# {string.Join(' ', line)}");
        Process? process = null;
        Exception? failure = null;
        using var started = new ManualResetEventSlim();
        var exited = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            try
            {
                process = Process.Start(start);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                started.Set();
            }

            // This thread is QEMU's parent for the death signal: it stays until QEMU has exited.
            process?.WaitForExit();
            exited.Set();
        })
        { IsBackground = true, Name = "qemu-owner" };
        owner.Start();
        started.Wait();
        if (process is null)
        {
            log.Dispose();
            exited.Dispose();
            throw RfException.Failed($"cannot start {binary}: {failure?.Message}");
        }

        process.StandardInput.Close();
        return new QemuProcess(process, owner, exited, log, consoleLogPath, onLine, Stopwatch.StartNew()) { CommandLine = line };
    }

    /// <summary>Waits for QEMU to exit, killing it when <paramref name="timeout"/> passes or <paramref name="cancellation"/> fires (then it throws).</summary>
    public async Task<QemuExit> WaitAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        var exited = Task.Run(() => _exited.Wait(Timeout.InfiniteTimeSpan, CancellationToken.None), CancellationToken.None);
        var timedOut = await Task.WhenAny(exited, Task.Delay(timeout, cancellation)).ConfigureAwait(false) != exited;
        if (timedOut)
        {
            Kill();
        }

        await exited.ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();
        _log.WriteLine(timedOut ? $"# killed after {timeout.TotalSeconds:0} s" : $"# qemu exited with {_process.ExitCode} after {_clock.Elapsed.TotalSeconds:0.0} s");
        return new QemuExit(_killed ? -1 : _process.ExitCode, timedOut, _clock.Elapsed, ConsoleLogPath);
    }

    /// <summary>Kills QEMU (SIGKILL: the guest's state is thrown away, there is nothing to save).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _killed = true;
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    /// <summary>Kills QEMU if it still runs, waits for it, and closes the log.</summary>
    public void Dispose()
    {
        Kill();
        _exited.Wait(TimeSpan.FromSeconds(30));
        _owner.Join(TimeSpan.FromSeconds(5));
        try
        {
            _pump.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A failed console copy was reported by WaitAsync, or no one asked.
        }

        _process.Dispose();
        _log.Dispose();
        _exited.Dispose();
    }

    // The serial console ends lines with CR LF; the log keeps LF. QEMU's own messages (stderr) go to the same log, marked.
    private async Task Pump(Action<string>? onLine)
    {
        var errors = Task.Run(async () =>
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Write($"# qemu: {line}", onLine);
            }
        });
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Write(line.TrimEnd('\r'), onLine);
        }

        await errors.ConfigureAwait(false);
    }

    private void Write(string line, Action<string>? onLine)
    {
        lock (_log)
        {
            _log.WriteLine(line);
        }

        onLine?.Invoke(line);
    }
}
