using System.Globalization;
using System.Text.RegularExpressions;

namespace RainForest.Vm.Qemu;

/// <summary>A QEMU release, as <c>qemu-system-x86_64 --version</c> prints it (<c>QEMU emulator version 7.2.22 (Debian ...)</c>).</summary>
/// <param name="Major">The major version.</param>
/// <param name="Minor">The minor version.</param>
/// <param name="Micro">The micro (patch) version.</param>
public sealed partial record QemuVersion(int Major, int Minor, int Micro)
{
    /// <summary>
    /// Whether this QEMU survives unplugging a vCPU under TCG and plugging vCPUs again afterwards, up to its thread budget
    /// (<c>maxcpus</c> vCPU threads in its life: <c>tcg_register_thread</c> never gives a context back). QEMU 10.0.2 does
    /// (it fails an assertion only past the budget); Debian 12's 7.2.22 does not at any <c>maxcpus</c>: a vCPU plugged
    /// after any unplug finds its heap already corrupted (glibc aborts in malloc, or QEMU segfaults). Releases between
    /// were not tried here, so they count as 7.2 does.
    /// </summary>
    public bool TcgUnplugKeepsHeap => Major >= 10;

    /// <summary>Reads the version out of <c>--version</c>'s first line; null when it names none.</summary>
    public static QemuVersion? Parse(string versionOutput)
    {
        ArgumentNullException.ThrowIfNull(versionOutput);
        var match = VersionLine().Match(versionOutput);
        return match.Success
            ? new QemuVersion(Number(match.Groups[1]), Number(match.Groups[2]), match.Groups[3].Success ? Number(match.Groups[3]) : 0)
            : null;
    }

    /// <summary>Asks <paramref name="qemu"/> for its version; null where it does not run or prints none.</summary>
    public static QemuVersion? Probe(string qemu = "qemu-system-x86_64")
    {
        if (HostCommand.Find(qemu) is not { } binary)
        {
            return null;
        }

        var (code, stdout, _) = HostCommand.TryRun(binary, ["--version"], timeout: TimeSpan.FromSeconds(10));
        return code == 0 ? Parse(stdout) : null;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Micro}");

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionLine();
}
