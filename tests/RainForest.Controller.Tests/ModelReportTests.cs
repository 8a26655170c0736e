using System.Globalization;
using RainForest.Controller.Model;
using RainForest.Core.Elastic;
using Xunit.Abstractions;

namespace RainForest.Controller.Tests;

/// <summary>
/// The README's model table: static, threshold and slack on the default trace, on 2 and 64 CPUs. Prints the table
/// (<c>dotnet test tests/RainForest.Controller.Tests --filter ModelReport --logger "console;verbosity=detailed"</c>) and
/// checks the claims made from it.
/// </summary>
[Collection(nameof(ModelTests))]
public sealed class ModelReportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(64)]
    public void DefaultTrace_Table(int cpus)
    {
        var options = ModelOptions.ForMachine(cpus);
        var rows = new Dictionary<ModelSystem, ModelResult>();
        output.WriteLine($"{cpus} CPUs (service starts with {options.TakerCpus}, trace x{options.RateScale}), SLO {options.Slo}, 1 s windows");
        output.WriteLine("| system | p50 | p99 | p99.9 | windows within SLO | batch jobs | moves | mean service CPUs |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var system in new[] { ModelSystem.Static, ModelSystem.Threshold, ModelSystem.Slack })
        {
            var policy = system switch
            {
                ModelSystem.Threshold => ElasticController.CreatePolicy(ElasticModel.DefaultSpec(PolicyKind.Threshold, options)),
                ModelSystem.Slack => ElasticController.CreatePolicy(ElasticModel.DefaultSpec(PolicyKind.Slack, options)),
                _ => null,
            };
            var r = rows[system] = ElasticModel.Run(RateTrace.Default, options, system, policy);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {system.ToString().ToLowerInvariant()} | {Ms(r.P50)} | {Ms(r.P99)} | {Ms(r.P999)} | {r.WithinSloFraction:P1} | {r.BatchJobs} | {r.Moves} | {r.MeanTakerCpus:0.0} |"));
        }

        // Slack meets the SLO where neither the static split nor the paper's policy does.
        Assert.True(rows[ModelSystem.Slack].WithinSloFraction >= 0.95);
        Assert.True(rows[ModelSystem.Static].WithinSloFraction < 0.95);
        Assert.True(rows[ModelSystem.Threshold].WithinSloFraction < 0.95);
        if (cpus == 64)
        {
            // With room to give CPUs back in the troughs, it also finishes more batch jobs than the static split.
            Assert.True(rows[ModelSystem.Slack].BatchJobs >= rows[ModelSystem.Static].BatchJobs);
        }
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture) + " ms";
}
