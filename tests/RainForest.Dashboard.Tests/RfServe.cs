using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using RainForest.Linux;

namespace RainForest.Dashboard.Tests;

/// <summary>
/// The real service: the rf-serve binary started on a state directory, listening on a free port of 127.0.0.1 with a
/// fresh bearer token, as <c>rfm serve --listen 127.0.0.1:PORT --token-file F</c> runs it. Stopped (SIGTERM, then
/// SIGKILL) and its token file removed on dispose.
/// </summary>
internal sealed class RfServe : IDisposable
{
    private const int Sigterm = 15;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _tokenFile;

    private RfServe(Process process, string tokenFile, string token, Uri address)
    {
        _process = process;
        _tokenFile = tokenFile;
        Token = token;
        Address = address;
    }

    /// <summary>The token browsers and clients must send.</summary>
    public string Token { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; }

    /// <summary>What the service printed so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts rf-serve on <paramref name="statePath"/> and waits until its API answers with the token.</summary>
    public static RfServe Start(string statePath, string scratchDir)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var tokenFile = Path.Combine(scratchDir, "token");
        File.WriteAllText(tokenFile, token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var port = FreePort();
        var info = new ProcessStartInfo(Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--state-dir", statePath, "--listen", $"127.0.0.1:{port}", "--token-file", tokenFile })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        var serve = new RfServe(process, tokenFile, token, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            serve.WaitUntilReady(TimeSpan.FromSeconds(60));
            return serve;
        }
        catch
        {
            serve.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The rf-serve binary: <c>RF_SERVE</c> if set, else the one <c>./rfm</c> builds beside rf-agent (<c>RF_AGENT</c>,
    /// which ./test sets).
    /// </summary>
    public static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("RF_SERVE");
        if (string.IsNullOrEmpty(path) && Environment.GetEnvironmentVariable("RF_AGENT") is { Length: > 0 } agent)
        {
            path = Path.Combine(Path.GetDirectoryName(agent)!, "serve", "rf-serve");
        }

        return !string.IsNullOrEmpty(path) && File.Exists(path) ? path
            : throw new InvalidOperationException($"rf-serve not found ({path ?? "set RF_SERVE or RF_AGENT"}): ./rfm builds it in .build/bin");
    }

    /// <summary>An HTTP client that sends the token.</summary>
    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM: the clean shutdown rf-serve documents (it removes its socket); SIGKILL if it hangs.
                ProcessInfo.Signal(_process.Id, Sigterm);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }
        }
        finally
        {
            _process.Dispose();
            File.Delete(_tokenFile);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private void WaitUntilReady(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rf-serve exited {_process.ExitCode} before answering:\n{Log}");
            }

            try
            {
                using var response = client.GetAsync("v1/subos").GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"rf-serve did not answer on {Address} within {timeout.TotalSeconds} s:\n{Log}");
            }

            Thread.Sleep(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
