using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// A client of QEMU's machine protocol (QMP) on a Unix socket: one JSON object per line, a greeting, capability
/// negotiation, then commands answered in order with events in between.
/// </summary>
public sealed class QmpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    /// <summary>Connects to <paramref name="socketPath"/>, reads the greeting and leaves capability negotiation.</summary>
    /// <param name="socketPath">QEMU's <c>-qmp unix:PATH,server=on</c> socket.</param>
    /// <param name="timeout">For the connection and for each answer.</param>
    /// <exception cref="RfException">QEMU does not answer as QMP (exit code 1).</exception>
    public static QmpClient Connect(string socketPath, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw RfException.Failed($"cannot reach QEMU's QMP socket {socketPath}: {e.Message}");
        }

        socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
        var client = new QmpClient(socket);
        try
        {
            if (client.ReadMessage() is not { Greeting: not null })
            {
                throw RfException.Failed($"{socketPath}: no QMP greeting");
            }

            client.Execute("qmp_capabilities");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command without arguments and returns its result.</summary>
    /// <exception cref="RfException">QEMU refused it, or closed the socket first (exit code 1).</exception>
    public JsonElement Execute(string command) =>
        TrySend(command, JsonSerializer.Serialize(new QmpCommand(command), QmpJsonContext.Default.QmpCommand), out var result, out var error) ? result
            : throw RfException.Failed($"QMP {command}: {error!.Class}: {error.Description}");

    /// <summary>Runs a command with arguments and returns its result.</summary>
    /// <exception cref="RfException">QEMU refused it, or closed the socket first (exit code 1).</exception>
    public JsonElement Execute(string command, JsonObject arguments) =>
        TryExecute(command, arguments, out var result, out var error) ? result
            : throw RfException.Failed($"QMP {command}: {error!.Class}: {error.Description}");

    /// <summary>Runs a command with arguments; false with QEMU's error when it refused it (the caller decides what a refusal means).</summary>
    /// <exception cref="RfException">The socket failed or closed (exit code 1).</exception>
    public bool TryExecute(string command, JsonObject arguments, out JsonElement result, out QmpError? error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return TrySend(command, new JsonObject { ["execute"] = command, ["arguments"] = arguments.DeepClone() }.ToJsonString(), out result, out error);
    }

    /// <summary>The vCPUs and the host threads that run them (<c>query-cpus-fast</c>), by index.</summary>
    public IReadOnlyList<QmpCpu> QueryCpus() =>
        [.. (Execute("query-cpus-fast").Deserialize(QmpJsonContext.Default.ListQmpCpu) ?? []).OrderBy(c => c.CpuIndex)];

    /// <summary>Every vCPU slot of the machine (<c>query-hotpluggable-cpus</c>), plugged or free.</summary>
    public IReadOnlyList<QmpCpuSlot> QueryCpuSlots() =>
        Execute("query-hotpluggable-cpus").Deserialize(QmpJsonContext.Default.ListQmpCpuSlot) ?? [];

    /// <summary>Reads a QOM property (<c>qom-get</c>) of the object at <paramref name="path"/>.</summary>
    public JsonElement QomGet(string path, string property) =>
        Execute("qom-get", new JsonObject { ["path"] = path, ["property"] = property });

    /// <summary>Sets a QOM property (<c>qom-set</c>) of the object at <paramref name="path"/>.</summary>
    public void QomSet(string path, string property, JsonNode value) =>
        Execute("qom-set", new JsonObject { ["path"] = path, ["property"] = property, ["value"] = value });

    /// <summary>
    /// Asks QEMU to end at once (<c>quit</c>): the guest gets no shutdown, as pulling the plug. QEMU may close the
    /// socket before it answers; both count as done.
    /// </summary>
    public void Quit()
    {
        try
        {
            Execute("quit");
        }
        catch (RfException)
        {
            // The socket closed as QEMU went: that is the answer.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    /// <summary>Writes one command line and reads until its answer (events in between are skipped).</summary>
    private bool TrySend(string command, string json, out JsonElement result, out QmpError? error)
    {
        try
        {
            _stream.Write(Encoding.UTF8.GetBytes(json + "\n"));
        }
        catch (IOException e)
        {
            throw RfException.Failed($"QMP {command}: {e.Message}");
        }

        while (true)
        {
            var message = ReadMessage() ?? throw RfException.Failed($"QMP {command}: QEMU closed the socket");
            if (message.Error is { } refused)
            {
                (result, error) = (default, refused);
                return false;
            }

            if (message.Return is { } answer)
            {
                (result, error) = (answer, null);
                return true;
            }
        }
    }

    private QmpMessage? ReadMessage()
    {
        string? line;
        try
        {
            line = _reader.ReadLine();
        }
        catch (IOException e)
        {
            throw RfException.Failed($"QMP: {e.Message}");
        }

        return line is null ? null : JsonSerializer.Deserialize(line, QmpJsonContext.Default.QmpMessage);
    }
}
