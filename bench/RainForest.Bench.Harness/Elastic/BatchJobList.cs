using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The batch jobs of the agility experiment: a file of <c>name: shell command</c> lines (blank lines and <c>#</c>
/// comments skipped), or the default list (<c>default-jobs.txt</c>, embedded in the harness).
/// </summary>
internal static class BatchJobList
{
    private const string DefaultResource = "RainForest.Bench.Harness.Elastic.default-jobs.txt";

    /// <summary>The default list's text.</summary>
    public static string DefaultText
    {
        get
        {
            using var stream = typeof(BatchJobList).Assembly.GetManifestResourceStream(DefaultResource)
                ?? throw new InvalidOperationException($"the harness was built without {DefaultResource}");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The jobs in <paramref name="path"/>, or the default list when it is null.</summary>
    /// <exception cref="RfException">The file cannot be read or a line is not a job (exit code 2).</exception>
    public static IReadOnlyList<BatchJob> Read(string? path)
    {
        if (path is null)
        {
            return Parse(DefaultText, "(default)");
        }

        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Invalid($"--jobs {path}: {e.Message}");
        }
    }

    /// <summary>Parses the text form; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="RfException">A line is not <c>name: command</c>, a name repeats, or there is no job (exit code 2).</exception>
    public static IReadOnlyList<BatchJob> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<BatchJob> jobs = [];
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].Trim() : "";
            var command = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (name.Length == 0 || command.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw RfException.Invalid($"--jobs {source}: line {n + 1} is not 'name: shell command' (names are letters, digits, '-', '_' and '.')");
            }

            if (jobs.Any(j => j.Name == name))
            {
                throw RfException.Invalid($"--jobs {source}: line {n + 1}: the job name '{name}' is used twice");
            }

            jobs.Add(new BatchJob(name, command));
        }

        return jobs.Count > 0 ? jobs : throw RfException.Invalid($"--jobs {source}: no job in it");
    }
}
