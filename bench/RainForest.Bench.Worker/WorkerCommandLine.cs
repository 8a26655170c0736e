using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>rf-bench-worker's command tree: one <c>micro</c> command and its options, parsed to typed values.</summary>
/// <remarks>
/// Values are checked as they are parsed (an op name, a number of seconds, a size, Unix milliseconds), so that a
/// bad one is a parse error naming the option; <see cref="MicroOptions.Validate"/> then checks what needs the
/// file system or the clock.
/// </remarks>
internal sealed class WorkerCommandLine
{
    private readonly Option<MicroOp> _op = new("--op")
    {
        Description = "The micro-benchmark",
        HelpName = string.Join('|', MicroOpNames.All),
        Required = true,
        CustomParser = result => MicroOpNames.TryParse(Token(result), out var op)
            ? op
            : Fail<MicroOp>(result, $"unknown --op '{Token(result)}' (expected {string.Join(", ", MicroOpNames.All)})"),
    };

    private readonly Option<TimeSpan> _seconds = new("--seconds")
    {
        Description = "Measure for S seconds (decimals allowed), then stop",
        HelpName = "S",
        Required = true,
        CustomParser = result => Seconds(result, TimeSpan.Zero),
    };

    private readonly Option<TimeSpan> _warmup = new("--warmup")
    {
        Description = "Run the op unrecorded for S seconds first",
        HelpName = "S",
        DefaultValueFactory = _ => TimeSpan.Zero,
        CustomParser = result => Seconds(result, TimeSpan.Zero),
    };

    private readonly Option<long> _size = new("--size")
    {
        Description = "Mapping, allocation or file size [default: 128M]",
        HelpName = "SIZE",
        DefaultValueFactory = _ => MicroOptions.DefaultSizeBytes,
        CustomParser = result => result.Tokens.Count == 0 ? MicroOptions.DefaultSizeBytes
            : ByteSize.TryParse(Token(result), out var size) ? size.Bytes
            : Fail<long>(result, $"--size '{Token(result)}' is not a size (such as 128M)"),
    };

    private readonly Option<string?> _file = new("--file") { Description = "Use this existing file (mmap, openclose) instead of a fresh one", HelpName = "PATH" };

    private readonly Option<string?> _tmpdir = new("--tmpdir") { Description = "Where fresh files go (default /dev/shm for openclose, else /tmp)", HelpName = "DIR" };

    private readonly Option<DateTimeOffset?> _startAt = new("--start-at")
    {
        Description = "Wait for this wall-clock time (Unix ms) before measuring",
        HelpName = "UNIXMS",
        CustomParser = result => result.Tokens.Count == 0 ? null
            : long.TryParse(Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : Fail<DateTimeOffset?>(result, $"--start-at '{Token(result)}' is not Unix time in milliseconds"),
    };

    private readonly Option<string?> _label = new("--label") { Description = "Copied into the result", HelpName = "TEXT" };

    private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON (default: a summary for people)" };

    private readonly Option<string?> _out = new("--out") { Description = "Also write the JSON result to FILE", HelpName = "FILE" };

    /// <summary>Builds the tree.</summary>
    public WorkerCommandLine()
    {
        Micro = new Command("micro", "Run one will-it-scale style kernel micro-benchmark and print its result (exit codes: 0 done, 1 a system call failed, 2 bad usage)")
        {
            _op, _seconds, _warmup, _size, _file, _tmpdir, _startAt, _label, _json, _out,
        };
        Root = new RootCommand("rf-bench-worker: kernel micro-benchmarks (mmap, malloc, open/close, page faults) with an HdrHistogram of per-op latencies") { Micro };
    }

    /// <summary>The root command.</summary>
    public RootCommand Root { get; }

    /// <summary>The <c>micro</c> command.</summary>
    public Command Micro { get; }

    /// <summary>The arguments of a parse of <see cref="Micro"/> without errors.</summary>
    public WorkerArguments Read(ParseResult parse) => new()
    {
        Json = parse.GetValue(_json),
        OutputPath = parse.GetValue(_out),
        Micro = new MicroOptions
        {
            Op = parse.GetValue(_op),
            Duration = parse.GetValue(_seconds),
            Warmup = parse.GetValue(_warmup),
            SizeBytes = parse.GetValue(_size),
            FilePath = parse.GetValue(_file),
            TempDirectory = parse.GetValue(_tmpdir),
            StartAt = parse.GetValue(_startAt),
            Label = parse.GetValue(_label),
        },
    };

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    private static TimeSpan Seconds(ArgumentResult result, TimeSpan absent)
    {
        if (result.Tokens.Count == 0)
        {
            return absent;
        }

        var text = Token(result);
        var option = result.Parent is OptionResult parent ? parent.Option.Name : "value";
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds <= MicroOptions.MaxDuration.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : Fail<TimeSpan>(result, $"{option} '{text}' is not a number of seconds");
    }
}
