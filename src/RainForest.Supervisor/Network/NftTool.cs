using RainForest.Core;

namespace RainForest.Supervisor.Network;

/// <summary>Runs nftables' <c>nft</c> inside a network namespace of the supervisor's.</summary>
internal static class NftTool
{
    // A supervisor started from a service or sudo may lack the sbin directories on PATH, where Debian puts nft.
    private static readonly string[] s_fallbackDirectories = ["/usr/sbin", "/sbin"];

    /// <summary>Throws the one-line failure that says how to get nft when it is missing.</summary>
    public static void Require() => Locate();

    /// <summary>Loads <paramref name="script"/> (<c>nft -f</c> input, one transaction) in <paramref name="netns"/>.</summary>
    public static void Apply(string netns, string script) =>
        IpTool.Run("ip", ["netns", "exec", netns, Locate(), "-f", "-"], script);

    private static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(s_fallbackDirectories))
        {
            var candidate = Path.Combine(directory, "nft");
            if (Path.IsPathRooted(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw RfException.Failed("nft not found: apt-get install nftables");
    }
}
