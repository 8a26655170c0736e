using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using RainForest.Bench.Load;

namespace RainForest.Bench.Loadgen;

/// <summary>rf-loadgen's options, its error policy, and the run.</summary>
internal static class LoadgenApp
{
    private static readonly Option<string> s_server = new("--server")
    {
        Description = "memcached address, host:port",
        DefaultValueFactory = _ => $"127.0.0.1:{ServerAddress.DefaultPort}",
    };

    private static readonly Option<double?> s_rate = new("--rate") { Description = "Offered load, requests per second" };

    private static readonly Option<string?> s_rates = new("--rates")
    {
        Description = "Sweep: comma-separated offered rates, run ascending; finds the knee (replaces --rate)",
    };

    private static readonly Option<string?> s_rateProfile = new("--rate-profile")
    {
        Description = "Offered load that follows a profile instead of --rate: a file of 'seconds,requests_per_second' lines, joined by straight lines; the run lasts until its last time",
    };

    private static readonly Option<string?> s_windows = new("--windows")
    {
        Description = "Append one JSON line per window of --window-ms to this file while the run goes on (latencies of the replies that arrived in it)",
    };

    private static readonly Option<double> s_windowMs = new("--window-ms")
    {
        Description = "Length of each --windows window, milliseconds",
        DefaultValueFactory = _ => 1000,
    };

    private static readonly Option<double> s_seconds = new("--seconds")
    {
        Description = "Measured duration of each run, seconds",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<double> s_warmup = new("--warmup")
    {
        Description = "Unmeasured warm-up before each run, seconds",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<double> s_drain = new("--drain")
    {
        Description = "Wait for outstanding replies after the last send, seconds; later ones are timeouts",
        DefaultValueFactory = _ => 2,
    };

    private static readonly Option<int> s_connections = new("--connections")
    {
        Description = "TCP connections; requests go round-robin",
        DefaultValueFactory = _ => 16,
    };

    private static readonly Option<double> s_getRatio = new("--get-ratio")
    {
        Description = "Fraction of gets; the rest are sets",
        DefaultValueFactory = _ => 0.9,
    };

    private static readonly Option<int> s_keySpace = new("--key-space")
    {
        Description = "Number of distinct keys, picked uniformly",
        DefaultValueFactory = _ => 100_000,
    };

    private static readonly Option<int> s_valueSize = new("--value-size")
    {
        Description = "Bytes per set value",
        DefaultValueFactory = _ => 100,
    };

    private static readonly Option<string> s_keyPrefix = new("--key-prefix")
    {
        Description = "Prefix of every key",
        DefaultValueFactory = _ => "rf:",
    };

    private static readonly Option<double> s_preload = new("--preload")
    {
        Description = "Fraction of the key space to set before the (first) run, 0 to 1",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<int> s_seed = new("--seed") { Description = "Seed of the schedule", DefaultValueFactory = _ => 1 };

    private static readonly Option<string> s_arrival = new("--arrival")
    {
        Description = "Spacing of requests: poisson (exponential gaps) or uniform",
        DefaultValueFactory = _ => "poisson",
    };

    private static readonly Option<double> s_spinUs = new("--spin-us")
    {
        Description = "Sender spins this many microseconds before each send instead of sleeping (precision against CPU)",
        DefaultValueFactory = _ => 50,
    };

    private static readonly Option<double> s_p99Limit = new("--p99-limit-us")
    {
        Description = "Sweep: p99 latency limit in microseconds that defines the knee",
        DefaultValueFactory = _ => 1000,
    };

    private static readonly Option<int> s_ratesPastKnee = new("--rates-past-knee")
    {
        Description = "Sweep: rates still run after the first that misses the limit",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string?> s_json = new("--json")
    {
        Description = "Write the result as JSON to this file ('-' for standard output, replacing the table)",
    };

    private static readonly Option<bool> s_quiet = new("--quiet") { Description = "No progress bar" };

    private static readonly Option<bool> s_verbose = new("--verbose") { Description = "Show details of errors" };

    /// <summary>Parses the arguments, runs, prints; returns one of <see cref="ExitCodes"/>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "rf-loadgen: open-loop memcached load generator. Poisson (or uniform) arrivals, latency measured from "
            + "the intended send time, HdrHistogram percentiles.")
        {
            s_server, s_rate, s_rates, s_rateProfile, s_windows, s_windowMs, s_seconds, s_warmup, s_drain, s_connections, s_getRatio, s_keySpace,
            s_valueSize, s_keyPrefix, s_preload, s_seed, s_arrival, s_spinUs, s_p99Limit, s_ratesPastKnee, s_json, s_quiet, s_verbose,
        };
        s_arrival.AcceptOnlyFromAmong("poisson", "uniform");

        int? exitCode = null;
        root.SetAction(async (parse, cancellationToken) => exitCode = await ExecuteAsync(parse, cancellationToken).ConfigureAwait(false));

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rf-loadgen: {parsed.Errors[0].Message} (rf-loadgen --help for usage)");
            return ExitCodes.InvalidInput;
        }

        int invoked = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false })
            .ConfigureAwait(false);

        // --help and --version have their own actions; then ours never ran.
        return exitCode ?? invoked;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        bool verbose = parse.GetValue(s_verbose);
        LoadOptions options;
        SweepOptions? sweep;
        try
        {
            (options, sweep) = BuildOptions(parse);
        }
        catch (ArgumentException e)
        {
            // The library's messages name the option; the parameter suffix adds nothing here.
            int suffix = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            Console.Error.WriteLine($"rf-loadgen: {(suffix < 0 ? e.Message : e.Message[..suffix])}");
            return ExitCodes.InvalidInput;
        }

        string? jsonPath = parse.GetValue(s_json);
        bool jsonToStdout = jsonPath == "-";
        IProgress<LoadProgress>? progress = parse.GetValue(s_quiet) || Console.IsErrorRedirected ? null : new ProgressBar();
        try
        {
            string json;
            string table;
            if (sweep is null)
            {
                string? windowsPath = parse.GetValue(s_windows);
                using StreamWriter? windows = windowsPath is null ? null : new StreamWriter(windowsPath, append: true) { AutoFlush = true };
                Action<LoadWindow>? onWindow = windows is null ? null : w => windows.WriteLine(JsonSerializer.Serialize(w, LoadWindowJsonContext.Default.LoadWindow));
                LoadResult result = await LoadGenerator.RunAsync(options, progress, onWindow, cancellationToken).ConfigureAwait(false);
                json = JsonSerializer.Serialize(result, LoadJsonContext.Default.LoadResult);
                table = Report.Format(result);
            }
            else
            {
                SweepResult result = await LoadSweep.RunAsync(options, sweep, progress, cancellationToken).ConfigureAwait(false);
                json = JsonSerializer.Serialize(result, LoadJsonContext.Default.SweepResult);
                table = Report.Format(result);
            }

            ProgressBar.Clear(progress);
            if (jsonToStdout)
            {
                Console.Out.WriteLine(json);
            }
            else
            {
                Console.Out.Write(table);
                if (jsonPath is not null)
                {
                    await File.WriteAllTextAsync(jsonPath, json + Environment.NewLine, CancellationToken.None).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ProgressBar.Clear(progress);
            Console.Error.WriteLine("rf-loadgen: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            ProgressBar.Clear(progress);
            Console.Error.WriteLine($"rf-loadgen: {options.Host}:{options.Port}: {e.Message}");
            if (verbose)
            {
                Console.Error.WriteLine(e);
            }

            return ExitCodes.RunFailed;
        }
        catch (Exception e)
        {
            // A bug, not a user error: say so, and show the stack on request.
            ProgressBar.Clear(progress);
            Console.Error.WriteLine($"rf-loadgen: internal error: {e.Message}");
            Console.Error.WriteLine(verbose ? e.ToString() : "rf-loadgen: run again with --verbose for details");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The library's options from the command line; throws <see cref="ArgumentException"/> on bad input.</summary>
    internal static (LoadOptions Options, SweepOptions? Sweep) BuildOptions(ParseResult parse)
    {
        string server = parse.GetValue(s_server)!;
        if (!ServerAddress.TryParse(server, out string host, out int port))
        {
            throw new ArgumentException($"--server {server}: not host:port");
        }

        double? rate = parse.GetValue(s_rate);
        string? ratesText = parse.GetValue(s_rates);
        string? profilePath = parse.GetValue(s_rateProfile);
        if ((rate is null ? 0 : 1) + (ratesText is null ? 0 : 1) + (profilePath is null ? 0 : 1) != 1)
        {
            throw new ArgumentException("give one of --rate, --rates and --rate-profile");
        }

        RateProfile? profile = null;
        if (profilePath is not null)
        {
            try
            {
                profile = RateProfile.Parse(File.ReadAllText(profilePath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new ArgumentException($"--rate-profile {profilePath}: {e.Message}");
            }
        }

        TimeSpan? window = null;
        if (parse.GetValue(s_windows) is not null)
        {
            double ms = parse.GetValue(s_windowMs);
            window = double.IsFinite(ms) && ms is >= 10 and <= 3_600_000
                ? TimeSpan.FromMilliseconds(ms)
                : throw new ArgumentException($"--window-ms {ms}: not a number of milliseconds (10 to 3600000)");
        }

        List<double>? rates = ratesText is null ? null : ParseRates(ratesText);
        var options = new LoadOptions
        {
            Host = host,
            Port = port,
            Rate = rate ?? rates?[0] ?? profile!.MaxRate,
            RateProfile = profile,
            WindowInterval = window,
            Duration = profile?.Duration ?? Seconds(parse.GetValue(s_seconds), "--seconds"),
            Warmup = Seconds(parse.GetValue(s_warmup), "--warmup"),
            DrainTimeout = Seconds(parse.GetValue(s_drain), "--drain"),
            Connections = parse.GetValue(s_connections),
            GetRatio = parse.GetValue(s_getRatio),
            KeySpace = parse.GetValue(s_keySpace),
            ValueSize = parse.GetValue(s_valueSize),
            KeyPrefix = parse.GetValue(s_keyPrefix)!,
            PreloadFraction = parse.GetValue(s_preload),
            Seed = parse.GetValue(s_seed),
            Arrival = parse.GetValue(s_arrival) == "uniform" ? ArrivalProcess.Uniform : ArrivalProcess.Poisson,
            SpinWindow = Microseconds(parse.GetValue(s_spinUs), "--spin-us"),
        };
        foreach (double r in rates ?? [options.Rate])
        {
            (options with { Rate = r }).Validate();
        }

        SweepOptions? sweep = null;
        if (rates is not null)
        {
            sweep = new SweepOptions
            {
                Rates = rates,
                P99LimitUs = parse.GetValue(s_p99Limit),
                RatesPastKnee = parse.GetValue(s_ratesPastKnee),
            };
            sweep.Validate();
        }

        return (options, sweep);
    }

    private static List<double> ParseRates(string text)
    {
        var rates = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
            {
                throw new ArgumentException($"--rates: '{part}' is not a number");
            }

            rates.Add(rate);
        }

        return rates.Count > 0 ? rates : throw new ArgumentException("--rates: no rates given");
    }

    private static TimeSpan Microseconds(double value, string option) =>
        double.IsFinite(value) && value is >= 0 and <= 1e6
            ? TimeSpan.FromTicks((long)(value * 10))
            : throw new ArgumentException($"{option} {value}: not a number of microseconds (0 to 1000000)");

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value >= 0 && value < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(value)
            : throw new ArgumentException($"{option} {value}: not a number of seconds");
}
