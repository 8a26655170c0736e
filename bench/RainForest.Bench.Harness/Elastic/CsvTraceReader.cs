using RainForest.Bench.Load;
using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// Traces as CSV: one <c>seconds,requests_per_second</c> pair per line, times ascending, joined by straight lines
/// (an optional header, <c>#</c> comments); the default trace is <c>default-trace.csv</c>, embedded in the harness.
/// </summary>
internal sealed class CsvTraceReader : ITraceReader
{
    private const string DefaultResource = "RainForest.Bench.Harness.Elastic.default-trace.csv";

    /// <inheritdoc />
    public string Describe(string? path) => path is null ? "the default trace (ramps and bursts)" : Path.GetFileName(path);

    /// <inheritdoc />
    public RateProfile Read(string? path)
    {
        string text;
        if (path is null)
        {
            using var stream = typeof(CsvTraceReader).Assembly.GetManifestResourceStream(DefaultResource)
                ?? throw new InvalidOperationException($"the harness was built without {DefaultResource}");
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        else
        {
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw RfException.Invalid($"--trace {path}: {e.Message}");
            }
        }

        try
        {
            return RateProfile.Parse(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            var message = e is ArgumentException a ? a.Message.Split(" (Parameter", 2)[0] : e.Message;
            throw RfException.Invalid($"--trace {path ?? "(default)"}: {message}");
        }
    }
}
