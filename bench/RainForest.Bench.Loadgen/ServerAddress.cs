using System.Globalization;

namespace RainForest.Bench.Loadgen;

/// <summary>Parses <c>host:port</c>, <c>[v6-address]:port</c>, or a bare host (port 11211).</summary>
internal static class ServerAddress
{
    public const int DefaultPort = 11211;

    public static bool TryParse(string text, out string host, out int port)
    {
        host = text.Trim();
        port = DefaultPort;
        if (host.Length == 0)
        {
            return false;
        }

        string? portText = null;
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            if (close + 1 < host.Length)
            {
                if (host[close + 1] != ':')
                {
                    return false;
                }

                portText = host[(close + 2)..];
            }

            host = host[1..close];
        }
        else if (host.Count(c => c == ':') == 1)
        {
            int colon = host.IndexOf(':', StringComparison.Ordinal);
            portText = host[(colon + 1)..];
            host = host[..colon];
        }

        if (portText is not null
            && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
        {
            return false;
        }

        return host.Length > 0;
    }
}
