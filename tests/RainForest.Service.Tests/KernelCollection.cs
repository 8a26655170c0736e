namespace RainForest.Service.Tests;

/// <summary>Tests that make subOSes run one at a time: the machine has two CPUs to hand out.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;
