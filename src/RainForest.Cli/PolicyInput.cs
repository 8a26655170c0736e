using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Cli;

/// <summary>
/// The one parser of a policy as people type it, for <c>rfm policy set</c> and <c>PUT /v1/policies/{taker}</c> (rf-serve
/// compiles this file in, as it does <see cref="Globals"/>): the same text is the same policy, or the same one-line error.
/// </summary>
internal static class PolicyInput
{
    /// <summary>Parses and checks a policy; counts are already numbers (the CLI reads them with <see cref="Count"/>).</summary>
    /// <exception cref="RfException">Invalid input (exit 2), naming the option; nothing is opened or changed.</exception>
    public static ElasticPolicySpec Parse(
        string taker,
        string donor,
        string slo,
        string probe,
        string policy,
        string? window = null,
        string? lt = null,
        string? ut = null,
        int? minCpus = null,
        int? maxCpus = null,
        int? donorFloor = null,
        int? rate = null,
        string? memoryStep = null,
        bool idleShare = false)
    {
        var kind = EnumText.TryParse<PolicyKind>(policy, out var k)
            ? k
            : throw RfException.Invalid($"--policy {Printable.Escape(policy)}: expected threshold or slack");
        return ElasticPolicySpec.Create(
            Globals.CheckName(taker),
            Globals.CheckName(donor, "--donor: "),
            LatencySlo.Parse(slo),
            ProbeSpec.Parse(probe),
            kind,
            Duration(window, "--window"),
            Duration(lt, "--lt"),
            Duration(ut, "--ut"),
            minCpus,
            maxCpus,
            donorFloor,
            rate,
            memoryStep is { } step ? (step == "0" ? ByteSize.Zero : Globals.ParseSize(step, "--memory-step")) : null) with { IdleShare = idleShare };
    }

    /// <summary>A count option as typed: null when absent, 0 only where <paramref name="allowZero"/>.</summary>
    public static int? Count(string? text, string option, bool allowZero = false)
    {
        if (text is null)
        {
            return null;
        }

        return allowZero && text == "0" ? 0 : Globals.ParseCount(text, option);
    }

    private static TimeSpan? Duration(string? text, string option) => text is null ? null : DurationText.Parse(text, option);
}
