using System.Security.Cryptography;
using System.Text;

namespace RainForest.Supervisor;

/// <summary>The supervisor's state directory and the kernel-object prefix derived from it.</summary>
/// <remarks>
/// Every cgroup, namespace, link and mount a supervisor creates carries <see cref="Prefix"/>, so two
/// supervisors (a test run and a real installation, or two test runs) never touch each other's objects.
/// </remarks>
public sealed class StateDirectory
{
    /// <summary>Where an installed supervisor keeps its state.</summary>
    public const string DefaultPath = "/var/lib/rainforest";

    /// <summary>Environment variable that overrides the default path.</summary>
    public const string EnvironmentVariable = "RF_STATE_DIR";

    /// <summary>Opens (without creating) a state directory.</summary>
    public StateDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path).TrimEnd('/');
        if (Path.Length == 0)
        {
            throw new ArgumentException("The state directory cannot be /.", nameof(path));
        }

        Prefix = PrefixFor(Path);
    }

    /// <summary>Absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>The kernel-object prefix: <c>rainforest</c> for the default directory, else <c>rf-</c> and 8 hex digits.</summary>
    public string Prefix { get; }

    /// <summary>The ledger database.</summary>
    public string LedgerPath => System.IO.Path.Combine(Path, "ledger.db");

    /// <summary>The directory of one subOS: spec, description, control socket, mount points.</summary>
    public string SubOsDirectory(string name) => System.IO.Path.Combine(Path, "subos", name);

    /// <summary>Where channel memory lives: a directory on the /dev/shm tmpfs named by the prefix.</summary>
    public string ChannelRoot => System.IO.Path.Combine("/dev/shm", Prefix);

    /// <summary>The backing object of a channel.</summary>
    public string ChannelObject(string channel) => System.IO.Path.Combine(ChannelRoot, "objects", channel);

    /// <summary>The directory of links to the channels a subOS may open (bound at /run/rainforest/channels inside).</summary>
    public string ChannelLinkDirectory(string subOs) => System.IO.Path.Combine(ChannelRoot, "members", subOs);

    /// <summary>
    /// The Unix socket <c>rfm serve</c> listens on by default; its presence (with a service answering) tells rfm that
    /// a service runs for this state directory.
    /// </summary>
    public string ServiceSocket => System.IO.Path.Combine(Path, "rfm.sock");

    /// <summary>Parent of all subOS directories.</summary>
    public string SubOsRoot => System.IO.Path.Combine(Path, "subos");

    /// <summary>
    /// The marker of a subOS destroyed while this directory's file system was full, until the ledger records it: an
    /// empty file beside the subOS directories (a name never holds a dot, so it is never one of them).
    /// </summary>
    public string UnrecordedDestroyMarker(string name) => System.IO.Path.Combine(SubOsRoot, name + UnrecordedDestroySuffix);

    /// <summary>The ending of <see cref="UnrecordedDestroyMarker"/>.</summary>
    public const string UnrecordedDestroySuffix = ".destroyed";

    /// <summary>Resolves the path from an option, the environment, or the default.</summary>
    public static StateDirectory Resolve(string? option)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new(option ?? (string.IsNullOrEmpty(env) ? DefaultPath : env));
    }

    /// <summary>
    /// Creates the channel root on /dev/shm, entered by the host's root only: channel files must be open to
    /// every member's root (each an unprivileged host id of its own), so this directory keeps out the rest.
    /// </summary>
    public void EnsureChannelRoot()
    {
        Directory.CreateDirectory(ChannelRoot);
        File.SetUnixFileMode(ChannelRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Creates the directory tree, readable by root only.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(SubOsRoot);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static string PrefixFor(string fullPath)
    {
        if (fullPath == DefaultPath)
        {
            return "rainforest";
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(fullPath));
        return "rf-" + Convert.ToHexStringLower(hash)[..8];
    }
}
