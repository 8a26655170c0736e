using System.Net;
using RainForest.Controller.Probes;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Linux.Namespaces;
using RainForest.Supervisor;

namespace RainForest.Controller.Runner;

/// <summary>Where a policy's probe connects from and to: clients of an RFloop service reach it from inside the taker's network namespace.</summary>
/// <remarks>
/// RFloop's bridge lives in a namespace of the supervisor's, so the host itself has no route to <c>10.77.0.x</c>. The
/// prober therefore makes its sockets in the taker's own namespace (through its agent's <c>/proc/PID/ns/net</c>),
/// where <c>NAME.rf</c> is the member's loop address and the taker's own name is itself, exactly as a neighbour
/// subOS sees the service. Any other host (an address, a DNS name) is reached from the host's network.
/// </remarks>
public static class ProbeTargets
{
    /// <summary>The connector for <paramref name="spec"/>'s probe; the caller disposes <paramref name="spec"/>'s namespace with it.</summary>
    /// <exception cref="RfException">The probe names a subOS that is not on RFloop or not running (exit 1).</exception>
    public static (ProbeConnector Connector, NetworkNamespace? Namespace) Resolve(RainForestSupervisor supervisor, ElasticPolicySpec spec)
    {
        var host = spec.Probe.Host;
        if (!host.EndsWith(".rf", StringComparison.Ordinal))
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
            return (new ProbeConnector(address, spec.Probe.Port), null);
        }

        var target = supervisor.Show(host[..^3]);
        var taker = supervisor.Show(spec.Taker);
        if (!taker.AgentAlive)
        {
            throw RfException.Failed($"cannot probe for '{spec.Taker}': it is not running");
        }

        IPAddress to;
        if (target.Record.Address is { } loop)
        {
            to = IPAddress.Parse(loop);
        }
        else if (target.Record.Name == spec.Taker)
        {
            // A taker off RFloop is probed on its own loopback, inside its namespace.
            to = IPAddress.Loopback;
        }
        else
        {
            throw RfException.Failed($"cannot probe {host}: '{target.Record.Name}' is not on RFloop (create it with --net loop)");
        }

        var ns = NetworkNamespace.Open($"/proc/{taker.Record.AgentPid}/ns/net");
        return (new ProbeConnector(to, spec.Probe.Port, ns), ns);
    }
}
