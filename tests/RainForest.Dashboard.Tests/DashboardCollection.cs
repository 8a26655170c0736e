namespace RainForest.Dashboard.Tests;

/// <summary>The browser tests run one at a time: each holds a supervisor, a service and a Chromium on a small machine.</summary>
[CollectionDefinition("dashboard", DisableParallelization = true)]
public sealed class DashboardCollection;
