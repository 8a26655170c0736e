using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RainForest.Service;
using RainForest.Service.Events;
using RainForest.Service.Hosting;
using RainForest.Service.Metrics;
using RainForest.Supervisor;

namespace RainForest.Dashboard.Tests;

/// <summary>
/// The service built as rf-serve builds it (<see cref="ServiceApp"/>), in this process, on a scratch state directory,
/// on its Unix socket and a free TCP port with a token: the test reaches what only the controller reaches from
/// outside, its metrics and its decision publisher. Stopped and its socket removed on dispose.
/// </summary>
internal sealed class InProcessService : IDisposable
{
    private readonly WebApplication _app;
    private readonly string _socket;

    public InProcessService(string statePath)
    {
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var state = new StateDirectory(statePath);
        _socket = ServiceOptions.DefaultSocket(state);
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        var options = new ServiceOptions(state, _socket, new IPEndPoint(IPAddress.Loopback, port), SHA256.HashData(Encoding.UTF8.GetBytes(Token)), Verbose: true);
        _app = ServiceApp.Build(options, []);
        ServiceApp.Start(_app);
    }

    /// <summary>The token the page is given.</summary>
    public string Token { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The per-policy metrics the controller sets.</summary>
    public PolicyMetrics Policies => _app.Services.GetRequiredService<ServiceMetrics>().Policies;

    /// <summary>Where the controller posts its decisions.</summary>
    public IDecisionPublisher Decisions => _app.Services.GetRequiredService<IDecisionPublisher>();

    public void Dispose()
    {
        try
        {
            _app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_app).Dispose();
        }
        finally
        {
            UnixSocketFile.Remove(_socket);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
