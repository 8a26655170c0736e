using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace RainForest.Bench.Cli;

/// <summary>Prints a model either as a table for people or as source-generated JSON for programs.</summary>
internal static class Output
{
    public static void Json<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(JsonSerializer.Serialize(value, type));

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
