using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>What one worker measures and for how long; validated by <see cref="Validate"/>.</summary>
public sealed record MicroOptions
{
    /// <summary>The default region, file or allocation size: will-it-scale's 128 MB.</summary>
    public const long DefaultSizeBytes = 128L << 20;

    /// <summary>The longest run accepted, one day.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>How far from now a start barrier may lie; further is taken for a unit mistake.</summary>
    public static readonly TimeSpan MaxStartAtDistance = TimeSpan.FromHours(1);

    /// <summary>The micro-benchmark to run.</summary>
    public required MicroOp Op { get; init; }

    /// <summary>How long to measure.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to run the op unrecorded first (page tables, allocator and JIT warm); zero for none.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// For <see cref="MicroOp.Mmap"/> and <see cref="MicroOp.OpenClose"/>: an existing file to use instead
    /// of a fresh one. It is neither resized nor removed.
    /// </summary>
    public string? FilePath { get; init; }

    /// <summary>Where fresh files go; null picks <see cref="DefaultTempDirectory"/>.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Size of the mapping, allocation or file in bytes.</summary>
    public long SizeBytes { get; init; } = DefaultSizeBytes;

    /// <summary>A wall-clock instant to wait for before measuring, so that N workers start together.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>A free-form label copied into the result (the harness's worker name, say).</summary>
    public string? Label { get; init; }

    /// <summary>
    /// The directory fresh files go to when none is given: <c>/dev/shm</c> (tmpfs) for
    /// <see cref="MicroOp.OpenClose"/>, as open1 is meant to measure the VFS and not a disk, and
    /// <c>/tmp</c> for the rest, as will-it-scale does.
    /// </summary>
    public static string DefaultTempDirectory(MicroOp op) =>
        op == MicroOp.OpenClose && Directory.Exists("/dev/shm") ? "/dev/shm" : "/tmp";

    /// <summary>The directory fresh files go to for these options.</summary>
    public string ResolveTempDirectory() => TempDirectory ?? DefaultTempDirectory(Op);

    /// <summary>Checks the options; throws an invalid-input <see cref="RfException"/> naming the bad one.</summary>
    public void Validate(DateTimeOffset now)
    {
        if (!Enum.IsDefined(Op))
        {
            throw RfException.Invalid($"unknown op {(int)Op}");
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxDuration)
        {
            throw RfException.Invalid($"--seconds must be above 0 and at most {MaxDuration.TotalSeconds:0}");
        }

        if (Warmup < TimeSpan.Zero || Warmup > MaxDuration)
        {
            throw RfException.Invalid($"--warmup must be between 0 and {MaxDuration.TotalSeconds:0}");
        }

        if (SizeBytes < Environment.SystemPageSize || SizeBytes > (64L << 30))
        {
            throw RfException.Invalid($"--size must be between one page ({Environment.SystemPageSize}) and 64G");
        }

        if (StartAt is { } at && (at - now).Duration() > MaxStartAtDistance)
        {
            throw RfException.Invalid(
                $"--start-at {at.ToUnixTimeMilliseconds()} is more than an hour from now ({now.ToUnixTimeMilliseconds()}); it takes Unix time in milliseconds");
        }

        if (FilePath is not null && !File.Exists(FilePath))
        {
            throw RfException.Invalid($"--file {FilePath} does not exist");
        }

        if (FilePath is not null && Op is not (MicroOp.Mmap or MicroOp.OpenClose))
        {
            throw RfException.Invalid($"--file applies to mmap and openclose, not {Op.ToName()}");
        }

        if (FilePath is null && Op is (MicroOp.Mmap or MicroOp.OpenClose) && !Directory.Exists(ResolveTempDirectory()))
        {
            throw RfException.Invalid($"--tmpdir {ResolveTempDirectory()} does not exist");
        }
    }
}
