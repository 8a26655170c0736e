using System.Text.Json.Serialization;

namespace RainForest.Bench.Load;

/// <summary>
/// What one open-loop run against a memcached server does: where to connect, how fast to send,
/// for how long, and what to ask for.
/// </summary>
/// <remarks>
/// The run lasts <see cref="Warmup"/> + <see cref="Duration"/> of scheduled sends and then at most
/// <see cref="DrainTimeout"/> more, whatever the server does. Requests intended during the warm-up
/// are sent and awaited like the others but left out of every count and of the histogram.
/// Call <see cref="Validate"/> (the generator does) to check the values.
/// </remarks>
public sealed record LoadOptions
{
    /// <summary>The longest run the generator accepts, in scheduled requests (memory for the schedule).</summary>
    public const long MaxScheduledRequests = 50_000_000;

    /// <summary>Host name or IP address of the memcached server.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port of the memcached server.</summary>
    public int Port { get; init; } = 11211;

    /// <summary>Offered load: the mean number of requests sent per second (unused when <see cref="RateProfile"/> is set).</summary>
    public double Rate { get; init; } = 10_000;

    /// <summary>
    /// An offered load that follows a profile over time instead of the constant <see cref="Rate"/>: the rate at
    /// <c>t</c> seconds after the warm-up is <see cref="Load.RateProfile.RateAt"/>(t); the warm-up runs at its first rate.
    /// </summary>
    public RateProfile? RateProfile { get; init; }

    /// <summary>
    /// When set, the run reports the latencies completed in each interval of this length (after the warm-up) as a
    /// <see cref="LoadWindow"/> while it runs, to the callback given to <see cref="LoadGenerator.RunAsync(LoadOptions, IProgress{LoadProgress}?, Action{LoadWindow}?, CancellationToken)"/>.
    /// </summary>
    public TimeSpan? WindowInterval { get; init; }

    /// <summary>The measured part of the run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Scheduled sends before the measured part, not recorded: the first requests of a process
    /// carry JIT and cold-cache delays of the generator itself (tens of milliseconds in a Debug
    /// build), which are no property of the server.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after the last intended send the generator waits for outstanding responses.</summary>
    /// <remarks>Requests still unanswered then count as timeouts, and so do requests the sender never got to.</remarks>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for each TCP connection to open, and for each preload batch to be answered.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Number of TCP connections; request <c>i</c> goes to connection <c>i % Connections</c>.</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Fraction of requests that are <c>get</c>; the rest are <c>set</c>.</summary>
    public double GetRatio { get; init; } = 0.9;

    /// <summary>Number of distinct keys; each request picks one uniformly.</summary>
    public int KeySpace { get; init; } = 100_000;

    /// <summary>Size in bytes of the value of each <c>set</c>.</summary>
    public int ValueSize { get; init; } = 100;

    /// <summary>Prefix of every key; the key index follows, zero-padded to a fixed width.</summary>
    public string KeyPrefix { get; init; } = "rf:";

    /// <summary>Fraction of the key space stored with <c>set</c> before the run starts (0 for none, 1 for all).</summary>
    public double PreloadFraction { get; init; }

    /// <summary>Seed of the schedule: the same seed and options give the same gaps, keys and operations.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How the intended send times are spaced.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<ArrivalProcess>))]
    public ArrivalProcess Arrival { get; init; } = ArrivalProcess.Poisson;

    /// <summary>Latencies above this are recorded as this value (the histogram's highest trackable value).</summary>
    public TimeSpan HighestTrackableLatency { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A response slower than this does not count towards <see cref="LoadResult.Goodput"/>; the paper
    /// calls requests slower than one second invalid (Table 5).
    /// </summary>
    public TimeSpan GoodputLatencyLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long before each intended send time the sender stops sleeping and spins. Longer sends
    /// more precisely on a busy machine and burns more CPU: at rates whose mean gap is below the
    /// window the sender spins all the time (a whole core).
    /// </summary>
    public TimeSpan SpinWindow { get; init; } = TimeSpan.FromMicroseconds(50);

    /// <summary>How often the progress callback is called.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Number of requests the schedule holds: the rate times warm-up plus duration, on average.</summary>
    [JsonIgnore]
    public double ExpectedRequests => RateProfile is { } profile
        ? (profile.Points.Count > 0 ? profile.Points[0].Rate * Warmup.TotalSeconds : 0) + (profile.MeanRate * Duration.TotalSeconds)
        : Rate * (Warmup + Duration).TotalSeconds;

    /// <summary>Checks every value and throws on the first one that is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host must not be empty.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port must be 1..65535, not {Port}.", nameof(Port));
        }

        if (!double.IsFinite(Rate) || Rate <= 0)
        {
            throw new ArgumentException($"Rate must be a positive number of requests per second, not {Rate}.", nameof(Rate));
        }

        RateProfile?.Validate();
        if (WindowInterval is { } window && window < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentException($"WindowInterval must be at least 10 ms, not {window}.", nameof(WindowInterval));
        }

        RequirePositive(Duration, nameof(Duration));
        RequireNonNegative(Warmup, nameof(Warmup));
        RequireNonNegative(DrainTimeout, nameof(DrainTimeout));
        RequireNonNegative(SpinWindow, nameof(SpinWindow));
        RequirePositive(SetupTimeout, nameof(SetupTimeout));
        RequirePositive(HighestTrackableLatency, nameof(HighestTrackableLatency));
        RequirePositive(GoodputLatencyLimit, nameof(GoodputLatencyLimit));
        RequirePositive(ProgressInterval, nameof(ProgressInterval));

        if (Connections is < 1 or > 4096)
        {
            throw new ArgumentException($"Connections must be 1..4096, not {Connections}.", nameof(Connections));
        }

        if (!(GetRatio is >= 0 and <= 1))
        {
            throw new ArgumentException($"GetRatio must be in [0, 1], not {GetRatio}.", nameof(GetRatio));
        }

        if (KeySpace < 1)
        {
            throw new ArgumentException($"KeySpace must be at least 1, not {KeySpace}.", nameof(KeySpace));
        }

        // memcached's default item size limit is 1 MiB; larger values would only measure errors.
        if (ValueSize is < 0 or > 1024 * 1024)
        {
            throw new ArgumentException($"ValueSize must be 0..1048576 bytes, not {ValueSize}.", nameof(ValueSize));
        }

        if (!(PreloadFraction is >= 0 and <= 1))
        {
            throw new ArgumentException($"PreloadFraction must be in [0, 1], not {PreloadFraction}.", nameof(PreloadFraction));
        }

        ValidateKeyPrefix(KeyPrefix);

        if (ExpectedRequests > MaxScheduledRequests)
        {
            throw new ArgumentException(
                $"Rate x (Warmup + Duration) schedules about {ExpectedRequests:F0} requests; the limit is {MaxScheduledRequests}.",
                nameof(Rate));
        }
    }

    private static void ValidateKeyPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix, nameof(KeyPrefix));

        // memcached keys are at most 250 bytes of printable ASCII without spaces; 10 digits follow at most.
        if (prefix.Length > 200)
        {
            throw new ArgumentException("KeyPrefix must be at most 200 characters.", nameof(KeyPrefix));
        }

        foreach (char c in prefix)
        {
            if (c is <= ' ' or > '~')
            {
                throw new ArgumentException(
                    "KeyPrefix must be printable ASCII without spaces (memcached text protocol).", nameof(KeyPrefix));
            }
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive, not {value}.", name);
        }
    }

    private static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must not be negative, not {value}.", name);
        }
    }
}
