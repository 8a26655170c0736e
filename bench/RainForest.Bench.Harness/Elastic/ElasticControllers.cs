namespace RainForest.Bench.Harness.Elastic;

/// <summary>Makes the controller of a controlled system (<see cref="ElasticSystems.Controlled"/>).</summary>
internal static class ElasticControllers
{
    /// <summary>The controller for <paramref name="system"/>, or null with the reason it cannot run in this build.</summary>
    public static IWindowController? Create(string system, ElasticSettings settings, out string? unavailable)
    {
        ArgumentNullException.ThrowIfNull(settings);
        unavailable = $"{system}: not available in this build: the controller library (src/RainForest.Controller) is not part of it yet.";
        return null;
    }
}
