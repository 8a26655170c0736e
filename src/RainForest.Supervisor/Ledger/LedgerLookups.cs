using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>The ledger reads every room starts with, with the one-line errors rfm prints when they find nothing.</summary>
internal static class LedgerLookups
{
    /// <summary>The machine record.</summary>
    /// <exception cref="RfException">rfm init has not run (exit code 2).</exception>
    public static MachineRecord RequireMachine(this ResourceLedger ledger) =>
        ledger.Machine ?? throw RfException.NotInitialised("the supervisor is not initialised: run 'rfm init' first");

    /// <summary>The subOS named <paramref name="name"/>.</summary>
    /// <exception cref="RfException">The name is invalid or names no subOS (exit code 2).</exception>
    public static SubOsRecord Require(this ResourceLedger ledger, string name) => ledger.Find(name) ?? throw UnknownSubOs(name);

    /// <summary>The error for a name that is invalid or names no subOS.</summary>
    public static RfException UnknownSubOs(string name) =>
        SubOsName.Validate(name) is { } error ? RfException.Invalid(error) : RfException.NotFound($"no subOS named '{name}' (rfm ls lists them)");
}
