using System.CommandLine;
using RainForest.Core;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm serve ...</c>: runs rf-serve, the supervisor as a service (REST API, events, metrics), with every argument given.</summary>
/// <remarks>
/// The service is ASP.NET Core, framework-dependent (<c>serve/rf-serve</c> beside rfm); rfm stays NativeAOT and
/// references none of it (<see cref="ExecVerb"/>). Both change the ledger through the same supervisor facade.
/// </remarks>
internal static class ServeCommand
{
    private const string Name = "serve";

    /// <summary>rf-serve's path: <c>serve/rf-serve</c> beside rfm.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "serve", "rf-serve");

    public static Command Build() => ExecVerb.Build(
        Name, "Run the supervisor as a service: REST API, events and Prometheus metrics on STATE_DIR/rfm.sock (rf-serve)",
        "Options (rfm serve --help lists them): --socket PATH, --listen ADDRESS:PORT --token-file FILE");

    /// <summary>Whether the command line is <c>rfm [global options] serve ...</c>.</summary>
    public static bool IsChosen(ParseResult parse) => ExecVerb.IsChosen(parse, Name);

    /// <summary>Replaces rfm with rf-serve, passing every argument but the word <c>serve</c>; returns only by throwing.</summary>
    /// <exception cref="RfException">rf-serve is missing or cannot be started (exit code 1).</exception>
    public static void Exec(ParseResult parse) => ExecVerb.Exec(ProgramPath, ExecVerb.Arguments(parse, Name), "the service is a program of its own");
}
