using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RainForest.Vm.Tests.Qemu;

/// <summary>
/// A QMP peer on a Unix socket for one client: sends the greeting, records every command it gets and answers each with
/// what <c>answer</c> returns (a JSON line: a <c>return</c> or an <c>error</c>).
/// </summary>
public sealed class FakeQmpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Task _serve;
    private readonly string _dir;

    public FakeQmpServer(Func<JsonObject, string> answer)
    {
        _dir = Directory.CreateTempSubdirectory("rf-qmp-").FullName;
        SocketPath = Path.Combine(_dir, "qmp.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
        _serve = Task.Run(() =>
        {
            using var peer = _listener.Accept();
            using var stream = new NetworkStream(peer);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            void Send(string line) => stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
            Send("""{"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": []}}""");
            while (reader.ReadLine() is { } line)
            {
                var command = JsonNode.Parse(line)!.AsObject();
                lock (Commands)
                {
                    Commands.Add(command);
                }

                Send(command["execute"]!.GetValue<string>() == "qmp_capabilities" ? """{"return": {}}""" : answer(command));
            }
        });
    }

    public string SocketPath { get; }

    /// <summary>Every command received after the capabilities, as sent.</summary>
    public List<JsonObject> Commands { get; } = [];

    public IReadOnlyList<string> Names()
    {
        lock (Commands)
        {
            return [.. Commands.Select(c => c["execute"]!.GetValue<string>()).Where(n => n != "qmp_capabilities")];
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _serve.Wait(TimeSpan.FromSeconds(5));
        Directory.Delete(_dir, recursive: true);
    }
}
