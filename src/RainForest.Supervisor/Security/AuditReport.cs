namespace RainForest.Supervisor.Security;

/// <summary>What <c>rfm audit</c> found for one subOS.</summary>
/// <param name="Name">The subOS.</param>
/// <param name="Privileged">True when it was created with --privileged (then most guards are off by request).</param>
/// <param name="ProbePid">Host pid of the program the audit ran inside to look at the guards from the host's side.</param>
/// <param name="Checks">Each guard with pass or fail.</param>
public sealed record AuditReport(string Name, bool Privileged, int ProbePid, IReadOnlyList<AuditCheck> Checks)
{
    /// <summary>True when every guard passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);
}
