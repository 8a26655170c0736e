using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RainForest.Service.Tests;

/// <summary>The TCP listener's bearer token, the socket's mode, and the OpenAPI document.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class TcpAndOpenApiTests
{
    [RootFact]
    public async Task Tcp_WithoutOrWithAWrongToken_Is401_WithTheToken_Answers()
    {
        const string token = "0123456789abcdef0123456789abcdef";
        var port = FreePort();
        using var host = new ServiceHost(new IPEndPoint(IPAddress.Loopback, port), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        using var tcp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var none = await tcp.GetAsync("/v1/subos");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/subos"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^1] + "0");
            Assert.Equal(HttpStatusCode.Unauthorized, (await tcp.SendAsync(wrong)).StatusCode);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Get, "/v1/subos"))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await tcp.SendAsync(right)).StatusCode);
        }

        // The Unix socket (mode 0600: root only) needs no token.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/v1/subos")).StatusCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.Options.SocketPath));
    }

    [RootFact]
    public async Task OpenApi_ListsEveryEndpoint()
    {
        using var host = new ServiceHost();
        var document = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        (string Path, string Method)[] expected =
        [
            ("/v1/subos", "get"), ("/v1/subos", "post"), ("/v1/subos/{name}", "get"), ("/v1/subos/{name}", "patch"),
            ("/v1/subos/{name}", "delete"), ("/v1/subos/{name}/start", "post"), ("/v1/channels", "get"), ("/v1/channels", "post"),
            ("/v1/channels/{name}", "get"), ("/v1/channels/{name}", "delete"), ("/v1/journal", "get"), ("/v1/journal/vacuum", "post"), ("/v1/machine", "get"),
            ("/v1/reconcile", "post"), ("/v1/events", "get"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths[path]?[method] is not null, $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
