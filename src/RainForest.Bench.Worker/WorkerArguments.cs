using System.Globalization;
using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>The parsed command line of <c>rf-bench-worker</c>.</summary>
public sealed record WorkerArguments
{
    /// <summary>The usage text printed by <c>--help</c> and after a usage error.</summary>
    public static readonly string Usage =
        $"""
        usage: rf-bench-worker micro --op {string.Join('|', MicroOpNames.All)} --seconds S
                                     [--warmup S] [--size 128M] [--file PATH] [--tmpdir DIR]
                                     [--start-at UNIXMS] [--label TEXT] [--json] [--out FILE]
          --seconds S         measure for S seconds (decimals allowed), then stop
          --warmup S          run the op unrecorded for S seconds first (default 0)
          --size SIZE         mapping, allocation or file size (default 128M)
          --file PATH         use this existing file (mmap, openclose) instead of a fresh one
          --tmpdir DIR        where fresh files go (default /dev/shm for openclose, else /tmp)
          --start-at UNIXMS   wait for this wall-clock time (Unix ms) before measuring
          --label TEXT        copied into the result
          --json              print the result as JSON (default: a summary for people)
          --out FILE          also write the JSON result to FILE
        exit codes: 0 done, 1 a system call failed, 2 bad usage
        """;

    /// <summary>True when help was asked for; nothing else is set then.</summary>
    public bool Help { get; init; }

    /// <summary>The micro-benchmark options; null only when <see cref="Help"/> is true.</summary>
    public MicroOptions? Micro { get; init; }

    /// <summary>Print JSON on stdout instead of the summary.</summary>
    public bool Json { get; init; }

    /// <summary>A file to write the JSON result to, or null.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Parses the arguments; throws an invalid-input <see cref="RfException"/> on a usage error.</summary>
    public static WorkerArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw RfException.Invalid("missing command: micro");
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            return new WorkerArguments { Help = true };
        }

        if (args[0] != "micro")
        {
            throw RfException.Invalid($"unknown command '{args[0]}' (expected micro)");
        }

        MicroOp? op = null;
        var duration = (TimeSpan?)null;
        var warmup = TimeSpan.Zero;
        var size = MicroOptions.DefaultSizeBytes;
        string? file = null, tmpdir = null, label = null, output = null;
        DateTimeOffset? startAt = null;
        var json = false;

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    return new WorkerArguments { Help = true };
                case "--json":
                    json = true;
                    break;
                case "--op":
                    var name = Value(args, ref i);
                    op = MicroOpNames.TryParse(name, out var parsed)
                        ? parsed
                        : throw RfException.Invalid($"unknown --op '{name}' (expected {string.Join(", ", MicroOpNames.All)})");
                    break;
                case "--seconds":
                    duration = Seconds(arg, Value(args, ref i));
                    break;
                case "--warmup":
                    warmup = Seconds(arg, Value(args, ref i));
                    break;
                case "--size":
                    var sizeText = Value(args, ref i);
                    size = ByteSize.TryParse(sizeText, out var byteSize)
                        ? byteSize.Bytes
                        : throw RfException.Invalid($"--size '{sizeText}' is not a size (such as 128M)");
                    break;
                case "--file":
                    file = Value(args, ref i);
                    break;
                case "--tmpdir":
                    tmpdir = Value(args, ref i);
                    break;
                case "--label":
                    label = Value(args, ref i);
                    break;
                case "--out":
                    output = Value(args, ref i);
                    break;
                case "--start-at":
                    var atText = Value(args, ref i);
                    startAt = long.TryParse(atText, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                        ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                        : throw RfException.Invalid($"--start-at '{atText}' is not Unix time in milliseconds");
                    break;
                default:
                    throw RfException.Invalid($"unknown option '{arg}'");
            }
        }

        if (op is null)
        {
            throw RfException.Invalid("--op is required");
        }

        if (duration is null)
        {
            throw RfException.Invalid("--seconds is required");
        }

        return new WorkerArguments
        {
            Json = json,
            OutputPath = output,
            Micro = new MicroOptions
            {
                Op = op.Value,
                Duration = duration.Value,
                Warmup = warmup,
                SizeBytes = size,
                FilePath = file,
                TempDirectory = tmpdir,
                StartAt = startAt,
                Label = label,
            },
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw RfException.Invalid($"{args[i]} needs a value");
        }

        i++;
        return args[i];
    }

    private static TimeSpan Seconds(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > MicroOptions.MaxDuration.TotalSeconds)
        {
            throw RfException.Invalid($"{option} '{text}' is not a number of seconds");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
