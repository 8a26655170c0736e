namespace RainForest.Supervisor.Security;

/// <summary>One guard of a subOS as <c>rfm audit</c> found it.</summary>
/// <param name="Guard">What is checked ("user namespace", "seccomp", ...).</param>
/// <param name="Passed">True when the guard is in force.</param>
/// <param name="Detail">What was found, in one line.</param>
public sealed record AuditCheck(string Guard, bool Passed, string Detail);
