using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Load;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// rf-loadgen replaying a trace against the LC service from the host (in the LC instance's network namespace), open
/// loop: each window's latencies arrive here while the run goes on, through a file rf-loadgen appends one JSON line to
/// per window.
/// </summary>
internal sealed class TraceClient
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
    private readonly RunningProgram _program;
    private readonly string _windowsPath;
    private readonly Channel<LoadWindow> _windows = Channel.CreateUnbounded<LoadWindow>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task<LoadResult> _result;

    private TraceClient(RunningProgram program, string windowsPath)
    {
        _program = program;
        _windowsPath = windowsPath;
        _result = FollowAsync();
    }

    /// <summary>The windows, as they end; completed when rf-loadgen has exited.</summary>
    public ChannelReader<LoadWindow> Windows => _windows.Reader;

    /// <summary>rf-loadgen's result once it exited.</summary>
    public Task<LoadResult> Result => _result;

    /// <summary>Starts the replay of <paramref name="profile"/> against memcached on <paramref name="port"/> of <paramref name="lc"/>.</summary>
    /// <param name="lc">The LC instance.</param>
    /// <param name="port">memcached's port there.</param>
    /// <param name="profile">The offered rate over time.</param>
    /// <param name="window">Length of each window.</param>
    /// <param name="settings">Connections, key space and warm-up.</param>
    /// <param name="directory">A directory of this run for the profile and the windows file.</param>
    /// <param name="seed">The schedule's seed: the same for every system, so each gets the same requests.</param>
    public static TraceClient Start(BenchInstance lc, int port, RateProfile profile, TimeSpan window, ElasticSettings settings, string directory, int seed)
    {
        static string S(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(directory);
        var profilePath = Path.Combine(directory, $"profile-{seed}-{lc.System}.csv");
        var windowsPath = Path.Combine(directory, $"windows-{seed}-{lc.System}.jsonl");
        File.WriteAllText(profilePath, profile.Format());
        File.WriteAllText(windowsPath, "");
        List<string> argv =
        [
            ToolPaths.Loadgen,
            "--server", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--rate-profile", profilePath,
            "--windows", windowsPath,
            "--window-ms", S(window.TotalMilliseconds),
            "--warmup", S(settings.Warmup.TotalSeconds),
            "--drain", "2",
            "--connections", settings.Connections.ToString(CultureInfo.InvariantCulture),
            "--key-space", settings.KeySpace.ToString(CultureInfo.InvariantCulture),
            "--preload", "1",
            "--seed", seed.ToString(CultureInfo.InvariantCulture),

            // Sleep, never spin, between sends: on two cores a spinning sender would take a CPU from the systems measured.
            "--spin-us", "0",
            "--json", "-",
            "--quiet",
        ];
        var limit = profile.Duration + settings.Warmup + TimeSpan.FromSeconds(120);
        return new TraceClient(lc.StartInNetwork(new ProgramSpec(argv, limit)), windowsPath);
    }

    /// <summary>Stops the replay early (cancellation); its windows so far stay.</summary>
    public Task StopAsync() => _program.StopAsync(TimeSpan.FromSeconds(5));

    private async Task<LoadResult> FollowAsync()
    {
        long offset = 0;
        var pending = "";
        try
        {
            while (true)
            {
                var exited = _program.HasExited;
                (offset, pending) = ReadNew(offset, pending);
                if (exited)
                {
                    break;
                }

                await Task.WhenAny(_program.Completion, Task.Delay(s_poll)).ConfigureAwait(false);
            }

            var result = await _program.Completion.ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw Core.RfException.Failed($"rf-loadgen exited with {result.ExitCode}: {result.FirstErrorLine()}");
            }

            try
            {
                return JsonSerializer.Deserialize(result.Stdout, LoadJsonContext.Default.LoadResult)
                    ?? throw Core.RfException.Failed("rf-loadgen printed an empty result");
            }
            catch (JsonException e)
            {
                throw Core.RfException.Failed($"rf-loadgen printed no result: {e.Message}");
            }
        }
        finally
        {
            _windows.Writer.TryComplete();
        }
    }

    /// <summary>Reads the whole lines appended since <paramref name="offset"/>; a partial last line waits for the next read.</summary>
    private (long Offset, string Pending) ReadNew(long offset, string pending)
    {
        using var stream = new FileStream(_windowsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = stream.Length;
        if (length <= offset)
        {
            return (offset, pending);
        }

        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[length - offset];
        stream.ReadExactly(buffer);

        // The lines are JSON with every non-ASCII character escaped, so a read never splits a character.
        var text = pending + System.Text.Encoding.ASCII.GetString(buffer);
        var end = text.LastIndexOf('\n');
        foreach (var line in text[..(end + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonSerializer.Deserialize(line, LoadWindowJsonContext.Default.LoadWindow) is { } window)
            {
                _windows.Writer.TryWrite(window);
            }
        }

        return (length, text[(end + 1)..]);
    }
}
