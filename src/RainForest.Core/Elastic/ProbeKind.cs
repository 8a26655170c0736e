namespace RainForest.Core.Elastic;

/// <summary>How a policy observes the latency of the service it protects.</summary>
public enum ProbeKind
{
    /// <summary>memcached text-protocol <c>get</c> round trips.</summary>
    Memcached,

    /// <summary>HTTP GET requests.</summary>
    Http,

    /// <summary>TCP connection round trips (connect, then close).</summary>
    Tcp,

    /// <summary>A Prometheus histogram scraped from the application's metrics page.</summary>
    Prometheus,
}
