using System.Text.Encodings.Web;
using System.Text.Json;

namespace RainForest.Bench.Report;

/// <summary>Reads and writes <see cref="BenchRun"/> documents (camelCase JSON).</summary>
public static class BenchJson
{
    // Relaxed escaping keeps µ, % and base64 '+' readable in the files; they are never embedded in HTML.
    private static readonly BenchJsonContext s_context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    });

    /// <summary>The run as an indented JSON document.</summary>
    public static string Serialize(BenchRun run) => JsonSerializer.Serialize(run, s_context.BenchRun);

    /// <summary>Reads a run document.</summary>
    /// <exception cref="JsonException">The text is not a run document.</exception>
    public static BenchRun Deserialize(string json) =>
        JsonSerializer.Deserialize(json, s_context.BenchRun) ?? throw new JsonException("The run document is null.");

    /// <summary>Writes the run to <paramref name="path"/>, creating its directory.</summary>
    public static void Save(BenchRun run, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Serialize(run) + "\n");
    }

    /// <summary>Reads the run at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a run document; the message names the file.</exception>
    public static BenchRun Load(string path)
    {
        try
        {
            return Deserialize(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a bench run: {e.Message}", e);
        }
    }
}
