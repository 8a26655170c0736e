namespace RainForest.Service.Tests;

/// <summary>Tests that make subOSes run one at a time: the machine has two CPUs to hand out.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;

/// <summary>Tests that replace the console's error writer run one at a time.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;
