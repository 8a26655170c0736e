using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace RainForest.Cli;

/// <summary>Prints one model either as a table for people or as JSON for programs.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new CpuSetJsonConverter(), new ByteSizeJsonConverter() },
    };

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
