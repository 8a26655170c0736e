using System.Net;
using RainForest.Supervisor;

namespace RainForest.Service;

/// <summary>What <c>rfm serve</c> was asked for, checked.</summary>
/// <param name="State">The state directory served.</param>
/// <param name="SocketPath">The Unix socket it listens on (<c>STATE/rfm.sock</c> by default).</param>
/// <param name="Listen">A TCP endpoint to listen on as well, or null for the Unix socket only.</param>
/// <param name="Token">The bearer token TCP clients must send; set whenever <paramref name="Listen"/> is.</param>
/// <param name="Verbose">Whether internal errors carry their stack in the service's log.</param>
internal sealed record ServiceOptions(StateDirectory State, string SocketPath, IPEndPoint? Listen, byte[]? Token, bool Verbose)
{
    /// <summary>The lock file that keeps a second service off the same state directory.</summary>
    public string LockPath => Path.Combine(State.Path, "rfm-serve.lock");

    /// <summary>The default socket of a state directory.</summary>
    public static string DefaultSocket(StateDirectory state) => state.ServiceSocket;
}
