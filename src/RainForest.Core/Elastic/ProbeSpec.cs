namespace RainForest.Core.Elastic;

/// <summary>Where and how a policy measures latency, parsed from <c>--probe</c>.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>memcached://HOST[:PORT][/KEY]</c>: <c>get KEY</c> round trips (port 11211, key <c>rf-probe</c> by default; a miss is a valid answer).</item>
/// <item><c>http://HOST[:PORT]/PATH</c>: GET requests; any complete response counts, its status is not judged.</item>
/// <item><c>tcp://HOST:PORT</c>: connect and close.</item>
/// <item><c>prometheus://HOST[:PORT]/PATH?histogram=NAME</c>: the histogram <c>NAME</c> (seconds) scraped from <c>http://HOST:PORT/PATH</c>.</item>
/// </list>
/// HOST may be a subOS's RFloop name, <c>NAME.rf</c>, which the prober resolves from the ledger.
/// </remarks>
/// <param name="Kind">The probe's kind.</param>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Path">The HTTP path (http and prometheus), else empty.</param>
/// <param name="Key">The memcached key, or the Prometheus histogram's name; else empty.</param>
public sealed record ProbeSpec(ProbeKind Kind, string Host, int Port, string Path, string Key)
{
    /// <summary>The memcached key probed when the URI names none.</summary>
    public const string DefaultMemcachedKey = "rf-probe";

    /// <summary>Parses a <c>--probe</c> value; one clear line (exit 2) otherwise.</summary>
    public static ProbeSpec Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Bad(text);
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        switch (uri.Scheme)
        {
            case "memcached":
                var key = path.TrimStart('/');
                if (key.Length == 0)
                {
                    key = DefaultMemcachedKey;
                }

                // memcached keys: at most 250 bytes, no spaces or control characters.
                if (key.Length > 250 || key.Any(c => c <= ' ' || c == 0x7f) || !string.IsNullOrEmpty(uri.Query))
                {
                    throw Bad(text);
                }

                return new ProbeSpec(ProbeKind.Memcached, uri.Host, uri.IsDefaultPort ? 11211 : uri.Port, string.Empty, key);
            case "http":
                return new ProbeSpec(ProbeKind.Http, uri.Host, uri.Port, uri.PathAndQuery, string.Empty);
            case "tcp":
                if (uri.IsDefaultPort || uri.Port <= 0 || path != "/" || !string.IsNullOrEmpty(uri.Query))
                {
                    throw Bad(text);
                }

                return new ProbeSpec(ProbeKind.Tcp, uri.Host, uri.Port, string.Empty, string.Empty);
            case "prometheus":
                const string Parameter = "?histogram=";
                var metric = uri.Query.StartsWith(Parameter, StringComparison.Ordinal) ? uri.Query[Parameter.Length..] : string.Empty;
                if (metric.Length == 0 || !metric.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
                {
                    throw Bad(text);
                }

                return new ProbeSpec(ProbeKind.Prometheus, uri.Host, uri.IsDefaultPort ? 80 : uri.Port, uri.AbsolutePath, metric);
            default:
                throw Bad(text);
        }
    }

    /// <summary>The probe as a URI, the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => Kind switch
    {
        ProbeKind.Memcached => $"memcached://{Host}:{Port}/{Key}",
        ProbeKind.Http => $"http://{Host}:{Port}{Path}",
        ProbeKind.Tcp => $"tcp://{Host}:{Port}",
        _ => $"prometheus://{Host}:{Port}{Path}?histogram={Key}",
    };

    private static RfException Bad(string text) => RfException.Invalid(
        $"--probe {Printable.Escape(text, 128)}: expected memcached://HOST[:PORT][/KEY], http://HOST[:PORT]/PATH, tcp://HOST:PORT or prometheus://HOST[:PORT]/PATH?histogram=NAME");
}
