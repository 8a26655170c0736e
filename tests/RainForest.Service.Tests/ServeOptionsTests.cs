namespace RainForest.Service.Tests;

/// <summary>rfm serve's options: each bad one is one line and exit 2, checked before anything is opened or bound.</summary>
[Collection("console")]
public sealed class ServeOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rf-svc-opts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--listen 7070", "rfm serve: --listen 7070: expected ADDRESS:PORT, such as 127.0.0.1:7070")]
    [InlineData("--listen 127.0.0.1:0 --token-file TOKEN", "rfm serve: --listen 127.0.0.1:0: expected ADDRESS:PORT, such as 127.0.0.1:7070")]
    [InlineData("--listen 127.0.0.1:7070", "rfm serve: --listen needs --token-file: TCP clients must send a bearer token")]
    [InlineData("--listen 127.0.0.1:7070 --token-file SHORT", "rfm serve: --token-file SHORT: the token must be 16 characters or more on the first line (openssl rand -hex 32 makes one)")]
    [InlineData("--token-file TOKEN", "rfm serve: --token-file is for --listen: the Unix socket is guarded by its mode (0600) instead")]
    [InlineData("--frobnicate", "rfm serve: Unrecognized command or argument '--frobnicate'. (rfm serve --help for usage)")]
    public void Run_BadOption_OneLineExit2_NothingCreated(string args, string expected)
    {
        var state = Path.Combine(_dir, "state");
        var token = Path.Combine(_dir, "token");
        var shortToken = Path.Combine(_dir, "short");
        File.WriteAllText(token, "0123456789abcdef0123\n");
        File.WriteAllText(shortToken, "abc\n");
        string[] argv = ["--state-dir", state, .. args.Split(' ').Select(a => a == "TOKEN" ? token : a == "SHORT" ? shortToken : a)];

        var (code, stderr) = Run(argv);

        Assert.Equal(2, code);
        Assert.Equal(expected.Replace("SHORT", shortToken, StringComparison.Ordinal), stderr.Trim());
        Assert.False(Directory.Exists(state));
    }

    private static (int Code, string Stderr) Run(string[] args)
    {
        var (oldError, error) = (Console.Error, new StringWriter());
        Console.SetError(error);
        try
        {
            return (ServeApp.Run(args), error.ToString());
        }
        finally
        {
            Console.SetError(oldError);
        }
    }
}
