using System.CommandLine;
using System.Net;
using System.Text;
using RainForest.Cli;
using RainForest.Core;
using RainForest.Service.Hosting;
using RainForest.Supervisor;

namespace RainForest.Service;

/// <summary>rf-serve's command line and its error policy: the same exit codes and one-line errors as rfm.</summary>
/// <remarks>
/// Exit codes: 0 after a clean shutdown (SIGTERM, SIGINT); 2 for invalid options, a state directory that was never
/// initialised, or another service already serving it (nothing was started); 1 for a run-time failure.
/// </remarks>
internal static class ServeApp
{
    private static readonly Option<string?> s_socket = new("--socket") { Description = "Unix socket to listen on (default STATE_DIR/rfm.sock), mode 0600" };

    private static readonly Option<string?> s_listen = new("--listen")
    {
        Description = "Also listen on TCP at ADDRESS:PORT (such as 127.0.0.1:7070); needs --token-file",
    };

    private static readonly Option<string?> s_tokenFile = new("--token-file") { Description = "File holding the bearer token TCP clients must send" };

    public static int Run(string[] args)
    {
        var root = new RootCommand("rfm serve: the supervisor as a service (REST API, events and Prometheus metrics)")
        {
            Globals.StateDir, Globals.Verbose, s_socket, s_listen, s_tokenFile,
        };
        root.SetAction(parse => Serve(Check(parse), parse));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rfm serve: {Printable.Escape(parse.Errors[0].Message, 400)} (rfm serve --help for usage)");
            return RfException.InvalidInputExitCode;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserErrors.Classify(e) is { } error)
        {
            Console.Error.WriteLine($"rfm serve: {error.Message}");
            return error.ExitCode;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"rfm serve: internal error: {e.Message}");
            Console.Error.WriteLine(parse.GetValue(Globals.Verbose) ? e.ToString() : "rfm serve: run again with --verbose for details");
            return RfException.FailureExitCode;
        }
    }

    /// <summary>Checks every option before anything is opened, bound or locked.</summary>
    /// <exception cref="RfException">An option is invalid (exit code 2).</exception>
    internal static ServiceOptions Check(ParseResult parse)
    {
        var state = StateDirectory.Resolve(parse.GetValue(Globals.StateDir));
        var socket = parse.GetValue(s_socket) is { } s ? Path.GetFullPath(s) : ServiceOptions.DefaultSocket(state);
        if (Encoding.UTF8.GetByteCount(socket) > 107)
        {
            // sun_path holds 108 bytes with its terminating zero.
            throw RfException.Invalid($"--socket {Printable.Escape(socket, 200)}: a Unix socket path has at most 107 bytes");
        }

        IPEndPoint? listen = null;
        byte[]? token = null;
        if (parse.GetValue(s_listen) is { } text)
        {
            if (!IPEndPoint.TryParse(text, out listen) || listen.Port == 0 || !text.Contains(':', StringComparison.Ordinal))
            {
                throw RfException.Invalid($"--listen {Printable.Escape(text, 80)}: expected ADDRESS:PORT, such as 127.0.0.1:7070");
            }

            var file = parse.GetValue(s_tokenFile) ?? throw RfException.Invalid("--listen needs --token-file: TCP clients must send a bearer token");
            token = BearerToken.Read(file);
        }
        else if (parse.GetValue(s_tokenFile) is not null)
        {
            throw RfException.Invalid("--token-file is for --listen: the Unix socket is guarded by its mode (0600) instead");
        }

        return new ServiceOptions(state, socket, listen, token, parse.GetValue(Globals.Verbose));
    }

    private static int Serve(ServiceOptions options, ParseResult parse)
    {
        UseRfmAgent();

        // The same refusal and repairs as every rfm verb: not before rfm init, and what an interrupted command left is
        // put right before the first request.
        using (Globals.Open(parse))
        {
        }

        using var instance = InstanceLock.Acquire(options.LockPath);
        UnixSocketFile.RemoveStale(options.SocketPath);
        var app = ServiceApp.Build(options, args: []);
        try
        {
            ServiceApp.Start(app);
            app.WaitForShutdown();
        }
        finally
        {
            UnixSocketFile.Remove(options.SocketPath);
        }

        return 0;
    }

    /// <summary>
    /// Makes this process's supervisors start rfm's own rf-agent, one directory above (rf-serve is installed in
    /// <c>serve/</c> beside rfm, as rf-bench in <c>bench/</c>), unless <c>RF_AGENT</c> already names one.
    /// </summary>
    private static void UseRfmAgent()
    {
        var agent = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "rf-agent"));
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Supervisor.Cells.CellBackend.AgentVariable)) && File.Exists(agent))
        {
            Environment.SetEnvironmentVariable(Supervisor.Cells.CellBackend.AgentVariable, agent);
        }
    }
}
