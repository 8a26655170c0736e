using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RainForest.Cli.Json;
using Spectre.Console;

namespace RainForest.Cli;

/// <summary>Prints one model either as a table for people or as JSON for programs.</summary>
internal static class Output
{
    // Reflection-based, for the bench commands' results only until they move out of rfm (bench/); rfm's own
    // outputs go through RfmJsonContext.
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new CpuSetJsonConverter(), new ByteSizeJsonConverter() },
    };

    /// <summary>Prints <paramref name="value"/> as indented JSON through its source-generated model.</summary>
    public static void Json<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(JsonSerializer.Serialize(value, type));

    /// <summary>Prints a bench result by reflection (the bench commands' anonymous objects).</summary>
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, s_json));

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column));
        }

        return table;
    }

    public static void Write(Table table) => AnsiConsole.Write(table);

    public static string Escape(string? text) => Markup.Escape(text ?? string.Empty);
}
