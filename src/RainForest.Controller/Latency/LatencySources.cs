using RainForest.Controller.Probes;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Latency;

/// <summary>Builds the latency source a <see cref="ProbeSpec"/> names.</summary>
public static class LatencySources
{
    /// <summary>How long a probe may take before it counts as an error (and a scrape before it fails).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A prober at <paramref name="rate"/> requests per second, or a scraper, reaching the service through <paramref name="connector"/>.</summary>
    public static ILatencySource Create(ProbeSpec probe, ProbeConnector connector, int rate, TimeSpan? timeout = null)
    {
        var t = timeout ?? DefaultTimeout;
        return probe.Kind switch
        {
            ProbeKind.Memcached => new OpenLoopProber(new MemcachedProbeClient(connector, probe.Key), rate, t),
            ProbeKind.Http => new OpenLoopProber(new HttpProbeClient(connector, probe.Host, probe.Path), rate, t),
            ProbeKind.Tcp => new OpenLoopProber(new TcpProbeClient(connector), rate, t),
            _ => new PrometheusHistogramSource(connector, probe.Host, probe.Path, probe.Key, t),
        };
    }
}
