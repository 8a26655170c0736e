using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RainForest.Controller.Probes;

/// <summary>memcached text-protocol <c>get KEY</c> round trips over a pool of kept-open connections.</summary>
/// <remarks>
/// Each request takes an idle connection (or opens one), so concurrent requests of an open-loop prober never queue
/// behind each other in the client; a connection that failed is closed, not returned. A miss (<c>END</c>) and a
/// hit (<c>VALUE ...</c>, data, <c>END</c>) are both answers; anything else is an error.
/// </remarks>
public sealed class MemcachedProbeClient : IProbeClient
{
    private readonly ProbeConnector _connector;
    private readonly byte[] _request;
    private readonly ConcurrentBag<Connection> _idle = [];

    /// <summary>Probes <paramref name="key"/> at <paramref name="connector"/>'s service.</summary>
    public MemcachedProbeClient(ProbeConnector connector, string key)
    {
        _connector = connector;
        _request = Encoding.ASCII.GetBytes($"get {key}\r\n");
    }

    /// <inheritdoc/>
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = new Connection(await _connector.ConnectAsync(cancellationToken).ConfigureAwait(false));
        }

        try
        {
            await connection.Socket.SendAsync(_request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            await connection.ReadAnswerAsync(cancellationToken).ConfigureAwait(false);
            _idle.Add(connection);
        }
        catch
        {
            connection.Socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Socket.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Connection(Socket socket)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public Socket Socket { get; } = socket;

        public async ValueTask ReadAnswerAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line == "END")
            {
                return;
            }

            var parts = line.Split(' ');
            if (parts.Length < 4 || parts[0] != "VALUE" || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            {
                throw new InvalidDataException($"memcached answered '{line}'");
            }

            await SkipAsync(bytes + 2, cancellationToken).ConfigureAwait(false);
            var end = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (end != "END")
            {
                throw new InvalidDataException($"memcached answered '{end}' after a value");
            }
        }

        private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async ValueTask SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                }

                var take = Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        private async ValueTask FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("memcached sent a line longer than 4096 bytes");
            }

            var read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("memcached closed the connection");
            }

            _end += read;
        }
    }
}
