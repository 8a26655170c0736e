using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace RainForest.Cli;

/// <summary>Prints one model either as a table for people or as JSON for programs.</summary>
internal static class Output
{
    /// <summary>Prints <paramref name="value"/> as indented JSON through its source-generated model (Json/RfmJsonContext).</summary>
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

    /// <summary>The console tables go to: sized by the terminal, or unbounded when output is not a terminal.</summary>
    /// <remarks>
    /// Spectre.Console assumes 80 columns whenever stdout is redirected and ignores COLUMNS, so piped
    /// tables wrapped mid-word; with TERM=linux it found no width at all and cut every cell to "…".
    /// Rows that go to a pipe or a file are read by grep and awk: they are never wrapped.
    /// </remarks>
    /// <remarks>Made again when Console.Out was replaced (the in-process CLI tests capture each run).</remarks>
    public static IAnsiConsole Ansi
    {
        get
        {
            var current = s_console;
            if (current is null || !ReferenceEquals(current.Value.Writer, System.Console.Out))
            {
                current = (CreateConsole(), System.Console.Out);
                s_console = current;
            }

            return current.Value.Console;
        }
    }

    private static (IAnsiConsole Console, TextWriter Writer)? s_console;

    public static void Write(Table table) => Ansi.Write(table);

    /// <summary>The width tables are laid out in.</summary>
    /// <param name="redirected">Whether stdout is a pipe or a file.</param>
    /// <param name="columns">The COLUMNS variable, if set.</param>
    /// <param name="terminalWidth">The terminal's width as the console reports it (0 or less when unknown).</param>
    internal static int Width(bool redirected, string? columns, int terminalWidth)
    {
        if (redirected)
        {
            return UnboundedWidth;
        }

        if (int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fromEnvironment) && fromEnvironment > 0)
        {
            return fromEnvironment;
        }

        return terminalWidth > 0 ? terminalWidth : 80;
    }

    /// <summary>Wide enough for any row this tool prints, so that a table never wraps.</summary>
    internal const int UnboundedWidth = 32767;

    private static IAnsiConsole CreateConsole()
    {
        var redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        console.Profile.Width = Width(redirected, Environment.GetEnvironmentVariable("COLUMNS"), TerminalWidth());
        return console;
    }

    private static int TerminalWidth()
    {
        try
        {
            return System.Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string Escape(string? text) => Markup.Escape(text ?? string.Empty);
}
