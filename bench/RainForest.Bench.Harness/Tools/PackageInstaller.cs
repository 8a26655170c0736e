using RainForest.Bench.Harness.Programs;

namespace RainForest.Bench.Harness.Tools;

/// <summary>Installs the Debian packages an experiment needs, when they are missing and apt-get can.</summary>
internal static class PackageInstaller
{
    private static readonly TimeSpan s_aptLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Checks <paramref name="requirements"/>; when some are missing and <paramref name="install"/> is set, installs
    /// their packages with apt-get (running <c>apt-get update</c> first if the install fails), saying what it does.
    /// </summary>
    /// <returns>The requirements still missing afterwards.</returns>
    public static async Task<IReadOnlyList<Requirement>> EnsureAsync(IEnumerable<Requirement> requirements, bool install, Action<string> info, CancellationToken cancellationToken)
    {
        var missing = requirements.Distinct().Where(r => !r.IsMet).ToList();
        if (missing.Count == 0)
        {
            return missing;
        }

        var packages = missing.Select(r => r.Package).Distinct().Order(StringComparer.Ordinal).ToList();
        if (!install)
        {
            info($"missing (not installing, --no-install): {string.Join(", ", packages)}");
            return missing;
        }

        if (Environment.UserName != "root" || Executables.Find("apt-get") is null)
        {
            info($"missing, and apt-get is not available to root here: {string.Join(", ", packages)}");
            return missing;
        }

        info($"installing Debian packages: {string.Join(" ", packages)} (apt-get install --no-install-recommends)");
        var result = await AptGetAsync(["install", "-y", "-qq", "--no-install-recommends", .. packages], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            info("apt-get install failed; running apt-get update and trying again");
            await AptGetAsync(["update", "-qq"], cancellationToken).ConfigureAwait(false);
            result = await AptGetAsync(["install", "-y", "-qq", "--no-install-recommends", .. packages], cancellationToken).ConfigureAwait(false);
        }

        var still = missing.Where(r => !r.IsMet).ToList();
        if (still.Count > 0)
        {
            info($"could not install {string.Join(", ", still.Select(r => r.Package).Distinct())}: {result.FirstErrorLine()}");
        }

        return still;
    }

    private static Task<ProgramResult> AptGetAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        HostProcess.Start(new ProgramSpec(["apt-get", .. args], s_aptLimit) { Environment = ["DEBIAN_FRONTEND=noninteractive"] }, [])
            .WaitAsync(cancellationToken);
}
