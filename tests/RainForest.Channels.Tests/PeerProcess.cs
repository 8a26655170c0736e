using System.Diagnostics;

namespace RainForest.Channels.Tests;

/// <summary>A RainForest.Channels.Peer process this test started (and the only kind of process a test kills).</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static PeerProcess Start(params string[] arguments)
    {
        var peer = Path.Combine(AppContext.BaseDirectory, "RainForest.Channels.Peer.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(peer);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new PeerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the peer"));
    }

    /// <summary>Reads stdout lines until one starts with <paramref name="prefix"/>; fails on exit or timeout.</summary>
    public async Task<string> WaitForLineAsync(string prefix, int timeoutSeconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"peer {_process.Id} printed no '{prefix}' line within {timeoutSeconds} s");
            }

            if (line is null)
            {
                await _process.WaitForExitAsync(CancellationToken.None);
                var errors = await _process.StandardError.ReadToEndAsync(CancellationToken.None);
                throw new InvalidOperationException($"peer exited with {_process.ExitCode} before printing '{prefix}': {errors}");
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    /// <summary>Waits for the peer to exit and returns its exit code, with its stderr on failure.</summary>
    public async Task<int> WaitForExitAsync(int timeoutSeconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"peer {_process.Id} did not exit within {timeoutSeconds} s");
        }

        if (_process.ExitCode != 0)
        {
            var errors = await _process.StandardError.ReadToEndAsync(CancellationToken.None);
            Assert.Fail($"peer exited with {_process.ExitCode}: {errors}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL, then reap.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
